"""The leaders' dashboard (驾驶舱)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lianzhao.accounts import permissions
from lianzhao.aftercare.permissions import can_use_service
from lianzhao.audit.services import data_stamp
from lianzhao.core.memo import memoized
from lianzhao.core.periods import PeriodForm
from lianzhao.dashboard import queries
from lianzhao.dashboard.models import Indicator
from lianzhao.projects import counting, lights
from lianzhao.projects.models import TrafficLightRule


@require_GET
def dashboard(request):
    """The pipeline now, and what was signed and what arrived in the chosen period (a year, quarter
    or month; by default this year so far), each figure with its 口径 and the period it covers."""
    if not permissions.can_read(request.user) and can_use_service(request.user):
        # A responder (staff of a department outside the bureau) reads no pipeline: their start
        # page is what is due for them.
        return render(request, "aftercare/start.html")
    permissions.require(permissions.can_read(request.user))
    today, rule = lights.today(), TrafficLightRule.load()
    form = PeriodForm(request.GET or None, today=today)
    period = form.chosen()
    # The same for every reader of the period today: computed once per change of the data.
    stamp = data_stamp()
    figures = memoized("dashboard.figures", (today, period.year, period.quarter, period.month), data_stamp=stamp,
                       build=lambda: queries.pipeline_figures(today, period))
    charts = {
        "funnel": figures.funnel,
        "industry": figures.by_industry,
        "method": figures.by_method,
        "months": [{"name": m["label"], "signed": float(m["signed"].total), "funds": float(m["funds"].total)}
                   for m in figures.months],
    }
    return render(request, "dashboard/dashboard.html", {
        "form": form,
        "period": period,
        "period_text": period.describe(today),
        "charts": charts,
        "stages": figures.stages,
        "total_count": sum(s["count"] for s in figures.stages),
        "signed": figures.signed,
        "funds": figures.funds,
        "period_by_industry": figures.period_by_industry,
        "period_by_department": figures.period_by_department,
        "months": figures.months,
        "today": today,
        "lights": memoized("dashboard.lights", today, data_stamp=stamp,
                           build=lambda: queries.light_counts(today, rule)),
        "data_stamp": stamp,
        "indicators": list(Indicator.objects.all()),
        "recent_events": queries.recent_events(),
        "funnel_definition": _(counting.FUNNEL_DEFINITION),
        "amount_definition": _(counting.PLANNED_AMOUNT_DEFINITION),
        "stage_definition": _(counting.STAGE_COUNT_DEFINITION),
        "signed_count_definition": _(counting.SIGNED_COUNT_DEFINITION),
        "signed_total_definition": _(counting.SIGNED_TOTAL_DEFINITION),
        "funds_definition": _(counting.FUNDS_DEFINITION),
        "light_definition": lights.definition(rule),
        "by_industry": figures.by_industry,
        "by_method": figures.by_method,
    }, status=200 if not form.is_bound or form.is_valid() else 400)
