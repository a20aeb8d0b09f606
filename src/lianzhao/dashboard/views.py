"""The leaders' dashboard (驾驶舱)."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from lianzhao.accounts import permissions
from lianzhao.aftercare.permissions import can_use_service
from lianzhao.dashboard import queries
from lianzhao.dashboard.models import Indicator
from lianzhao.projects import lights
from lianzhao.projects.models import TrafficLightRule


@require_GET
def dashboard(request):
    if not permissions.can_read(request.user) and can_use_service(request.user):
        # A responder (staff of a department outside the bureau) reads no pipeline: their start
        # page is what is due for them.
        return render(request, "aftercare/start.html")
    permissions.require(permissions.can_read(request.user))
    today, rule = lights.today(), TrafficLightRule.load()
    figures = queries.pipeline_figures(today)
    charts = {
        "funnel": figures.funnel,
        "industry": figures.by_industry,
        "method": figures.by_method,
    }
    return render(request, "dashboard/dashboard.html", {
        "charts": charts,
        "stages": figures.stages,
        "total_count": sum(s["count"] for s in figures.stages),
        "signed": figures.signed,
        "today": today,
        "lights": queries.light_counts(today, rule),
        "indicators": list(Indicator.objects.all()),
        "recent_events": queries.recent_events(),
        "funnel_definition": queries.FUNNEL_DEFINITION,
        "amount_definition": queries.AMOUNT_DEFINITION,
        "stage_definition": queries.STAGE_DEFINITION,
        "signed_count_definition": queries.SIGNED_COUNT_DEFINITION,
        "signed_total_definition": queries.SIGNED_TOTAL_DEFINITION,
        "light_definition": lights.definition(rule),
        "by_industry": figures.by_industry,
        "by_method": figures.by_method,
    })
