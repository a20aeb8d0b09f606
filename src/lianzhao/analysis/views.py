"""Analysis pages: the regional economy overview, settings, and the regional base import."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lianzhao.accounts import permissions
from lianzhao.analysis import engine, importing, services
from lianzhao.analysis.forms import AnalysisSettingsForm, RegionalBaseImportForm
from lianzhao.analysis.models import RegionalBase
from lianzhao.analysis.region import current_region
from lianzhao.core.forms import refusal_status, submit
from lianzhao.core.http import attachment
from lianzhao.industries.models import Industry
from lianzhao.paths import DataDirError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def analysis_page(view):
    """For views whose analysis can be unavailable (the district cannot be told, no regional base,
    no data folder): the "analysis unavailable" page with the reason, status 409, instead of an
    error. Written once for every analysis view."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except engine.AnalysisUnavailable as exc:
            return render(request, "analysis/unavailable.html", {"message": str(exc)}, status=409)

    return wrapper


def _key_sectors(context, top: int = 12) -> list[dict]:
    table = context.regional.table
    links = table.linkages()
    out_i = table.output_multipliers("I")
    out_ii = table.output_multipliers("II") if table.va is not None else None
    names = context.sector_names
    rows = []
    ranked = links.sort_values(["key_sector", "power_of_dispersion"], ascending=False).head(top)
    for code, link in ranked.iterrows():
        rows.append({
            "code": code, "name": names.get(code, code), "key": bool(link["key_sector"]),
            "power": float(link["power_of_dispersion"]), "sensitivity": float(link["sensitivity_of_dispersion"]),
            "output_10k": float(context.output[code]),
            "multiplier_i": float(out_i[code]),
            "multiplier_ii": float(out_ii[code]) if out_ii is not None else None,
            "local_share": float(context.regional.local_share[code]) if context.regional.local_share[code] == context.regional.local_share[code] else None,
        })
    return rows


@require_GET
@analysis_page
def analysis_overview(request):
    permissions.require(permissions.can_read(request.user))
    region = current_region()
    settings = engine.settings_for(region)
    can_manage = permissions.can_manage_analysis(request.user)
    page = {"region": region, "settings": settings, "can_manage": can_manage,
            "settings_form": AnalysisSettingsForm(instance=settings) if can_manage else None,
            "import_form": RegionalBaseImportForm() if can_manage else None,
            "bases": RegionalBase.objects.filter(region=region).select_related("imported_by")[:10],
            "industries": Industry.objects.filter(chain_nodes__isnull=False).distinct().order_by("order", "id")}
    try:
        context = engine.regional_context(region)
    except engine.AnalysisUnavailable as exc:
        page["unavailable"] = str(exc)
    else:
        page.update(context=context, key_sectors=_key_sectors(context))
    return render(request, "analysis/overview.html", page)


def _managed(request, refusal: str):
    """The district and its analysis settings, for those who manage the analysis inputs (403 else)."""
    permissions.require(permissions.can_manage_analysis(request.user), refusal)
    region = current_region()
    return region, engine.settings_for(region)


@require_POST
@analysis_page
def analysis_settings_update(request):
    region, settings = _managed(request, _("只有经济分析员和管理员可以修改分析设置。"))
    form = AnalysisSettingsForm(request.POST, instance=engine.settings_for(region))
    if submit(form, lambda data: services.update_settings(settings, changes=data, acting_user=request.user)):
        messages.success(request, _("分析设置已保存，相关结果将按新设置重新计算。"))
        return redirect("analysis_overview")
    return render(request, "analysis/overview.html", {
        "region": region, "settings": settings, "can_manage": True, "settings_form": form,
        "import_form": RegionalBaseImportForm(), "bases": RegionalBase.objects.filter(region=region)[:10],
    }, status=refusal_status(form))


@require_GET
def base_template(request):
    permissions.require(permissions.can_read(request.user))
    return attachment(importing.template_workbook(), filename="regional_base_template.xlsx", content_type=XLSX)


@require_POST
@analysis_page
def base_import(request):
    region, settings = _managed(request, _("只有经济分析员和管理员可以导入区域基础数据。"))
    form = RegionalBaseImportForm(request.POST, request.FILES)
    errors: list[str] = []
    if form.is_valid():
        try:
            table = engine.national_table(settings.table_year, settings.table_sectors)
            measure = form.cleaned_data["measure"]
            totals = (table.x if measure == "output" else table.employment)
            national = {k: float(v) for k, v in totals.items()} if totals is not None else None
        except (DataDirError, OSError, ValueError) as exc:  # no table: validate codes, skip the national check
            national = None
            messages.warning(request, _("（未能读取全国表，未做全国总量校验：%(error)s）") % {"error": exc})
        parsed = importing.parse_workbook(form.cleaned_data["file"].read(), table_sectors=settings.table_sectors,
                                          national_totals=national, measure=form.cleaned_data["measure"],
                                          table_year=settings.table_year)
        if not parsed.errors:
            base = importing.import_base(region=region, name=form.cleaned_data["name"], parsed=parsed,
                                         measure=form.cleaned_data["measure"], acting_user=request.user,
                                         note=form.cleaned_data["note"])
            messages.success(request, _("已导入 %(rows)s 行，并设为当前基础数据。") % {"rows": base.rows.count()})
            return redirect("analysis_overview")
        errors = parsed.errors
    return render(request, "analysis/import_result.html", {"form": form, "errors": errors}, status=400)


@require_GET
def base_detail(request, pk):
    permissions.require(permissions.can_read(request.user))
    from django.shortcuts import get_object_or_404

    base = get_object_or_404(RegionalBase.objects.select_related("region", "imported_by"), pk=pk)
    return render(request, "analysis/base_detail.html", {"base": base, "rows": base.rows.all()})


def _industry_gaps(request, slug, context=None):
    from django.shortcuts import get_object_or_404

    from lianzhao.analysis.chains import industry_gaps

    permissions.require(permissions.can_read(request.user))
    industry = get_object_or_404(Industry, slug=slug)
    context = context or engine.regional_context(current_region())
    return industry, industry_gaps(industry, context)


@require_GET
@analysis_page
def gap_detail(request, slug):
    """One industry's gap table, map, totals and 稳健/敏感 labels; for analysts, a what-if form whose
    values (``?whatif=1&…``) recompute the page without saving anything."""
    from lianzhao.analysis import scenarios
    from lianzhao.analysis.chains import report_blocks, rows_for_display
    from lianzhao.analysis.forms import WhatIfForm

    permissions.require(permissions.can_read(request.user))
    region = current_region()
    context = engine.regional_context(region)
    can_try = permissions.can_manage_analysis(request.user)
    what_if_form, status = None, 200
    if can_try:
        settings = engine.settings_for(region)
        if request.GET.get("whatif"):
            what_if_form = WhatIfForm(request.GET)
            if what_if_form.is_valid():
                context = scenarios.what_if(context, what_if_form.cleaned_data)
            else:
                status = 400
        else:
            what_if_form = WhatIfForm(initial=WhatIfForm.initial_from(settings))
    industry, gaps = _industry_gaps(request, slug, context)
    sort = request.GET.get("sort", "")
    return render(request, "analysis/gap_detail.html", {
        "industry": industry, "gaps": gaps, "sort": sort, **report_blocks(gaps, rows_for_display(gaps, sort)),
        "industries": Industry.objects.filter(chain_nodes__isnull=False).distinct().order_by("order", "id"),
        "what_if_form": what_if_form, "can_manage": can_try,
    }, status=status)


@require_GET
@analysis_page
def gap_export_xlsx(request, slug):
    from lianzhao.analysis.chains import document_rows
    from lianzhao.analysis.gap_export import gaps_workbook

    industry, gaps = _industry_gaps(request, slug)
    content = gaps_workbook(gaps, document_rows(gaps))  # sent upward: Chinese whatever the UI language
    return attachment(content, filename=f"gaps-{industry.slug}.xlsx", content_type=XLSX)


@require_GET
def gap_export_pdf(request, slug):
    from lianzhao.analysis.chains import document_rows
    from lianzhao.analysis.gap_pdf import gaps_pdf
    from lianzhao.core.pdf import PdfUnavailable

    try:
        industry, gaps = _industry_gaps(request, slug)
        data = gaps_pdf(gaps, document_rows(gaps))  # sent upward: Chinese whatever the UI language
    except (engine.AnalysisUnavailable, PdfUnavailable) as exc:
        return render(request, "analysis/unavailable.html", {"message": str(exc)}, status=409)
    return attachment(data, filename=f"gaps-{industry.slug}.pdf", content_type="application/pdf")
