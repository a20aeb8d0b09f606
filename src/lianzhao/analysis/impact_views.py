"""The project impact card: page (and htmx fragment on the project page), PDF, assumptions form."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from lianzhao.accounts import permissions
from lianzhao.analysis import engine, services
from lianzhao.analysis.forms import ProjectImpactInputForm
from lianzhao.analysis.impact import card_blocks, impact_input_of
from lianzhao.analysis.region import current_region
from lianzhao.analysis.views import analysis_page
from lianzhao.core.forms import refusal_status, submit
from lianzhao.core.htmx import is_htmx
from lianzhao.core.http import attachment
from lianzhao.projects.models import InvestmentProject


def _can_edit(user, project) -> bool:
    return permissions.can_edit_project(user, project) or permissions.can_manage_analysis(user)


MULTIPLIER_LABELS = {"output_I": gettext_lazy("产出 I 型"), "output_II": gettext_lazy("产出 II 型"),
                     "value_added_I": gettext_lazy("增加值 I 型"), "value_added_II": gettext_lazy("增加值 II 型"),
                     "jobs_I": gettext_lazy("就业 I 型（人/万元）"), "jobs_II": gettext_lazy("就业 II 型（人/万元）"),
                     "local_purchase_share": gettext_lazy("本地采购比例")}


def _multiplier_rows(frame) -> dict:
    columns = [c for c in MULTIPLIER_LABELS if c in frame.columns]
    return {"headers": [str(MULTIPLIER_LABELS[c]) for c in columns],
            "rows": [{"sector": code, "name": row.get("name", ""), "role": row.get("role", ""),
                      "values": [None if row[c] != row[c] else float(row[c]) for c in columns]}
                     for code, row in frame.iterrows()]}


def _page_context(request, project, form=None):
    context = engine.regional_context(current_region())
    page = card_blocks(project, context)
    can_edit = _can_edit(request.user, project)
    if can_edit and form is None:
        form = ProjectImpactInputForm(instance=page["impact"].inputs, table_sectors=context.table_sectors,
                                      table_year=context.table_year)
    return {**page, "multipliers": _multiplier_rows(page["card"].multipliers_used),
            "form": form if can_edit else None}


@require_GET
def impact_card(request, pk):
    permissions.require(permissions.can_read(request.user))
    project = get_object_or_404(InvestmentProject.objects.with_related(), pk=pk)
    try:
        page = _page_context(request, project)
    except engine.AnalysisUnavailable as exc:
        template = "analysis/_impact_unavailable.html" if is_htmx(request) else "analysis/unavailable.html"
        return render(request, template, {"message": str(exc)}, status=200 if is_htmx(request) else 409)
    template = "analysis/_impact_card.html" if is_htmx(request) else "analysis/impact_card.html"
    return render(request, template, page)


@require_POST
@analysis_page
def impact_input_update(request, pk):
    project = get_object_or_404(InvestmentProject.objects.with_related(), pk=pk)
    permissions.require(_can_edit(request.user, project), _("您不能修改该项目的测算假设。"))
    settings = engine.settings_for(current_region())
    form = ProjectImpactInputForm(request.POST, instance=impact_input_of(project),
                                  table_sectors=settings.table_sectors, table_year=settings.table_year)
    if submit(form, lambda data: services.save_impact_input(project, changes=data, acting_user=request.user)):
        messages.success(request, _("测算假设已保存。"))
        return redirect("impact_card", pk=project.pk)
    return render(request, "analysis/impact_card.html", _page_context(request, project, form),
                  status=refusal_status(form))


@require_GET
def impact_card_pdf(request, pk):
    from lianzhao.analysis.impact_pdf import impact_card_pdf as card_pdf
    from lianzhao.core.pdf import PdfUnavailable

    permissions.require(permissions.can_read(request.user))
    project = get_object_or_404(InvestmentProject.objects.with_related(), pk=pk)
    try:
        data = card_pdf(project)  # handed on: Chinese whatever the UI language
    except (engine.AnalysisUnavailable, PdfUnavailable) as exc:
        return render(request, "analysis/unavailable.html", {"message": str(exc)}, status=409)
    return attachment(data, filename=f"impact-{project.pk}.pdf", content_type="application/pdf")
