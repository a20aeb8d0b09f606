"""The leaders' dashboard (驾驶舱)."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from lianzhao.accounts import permissions
from lianzhao.dashboard import queries
from lianzhao.dashboard.models import Indicator
from lianzhao.projects import lights
from lianzhao.projects.models import ProjectEvent, TrafficLightRule


@require_GET
def dashboard(request):
    permissions.require(permissions.can_read(request.user))
    today, rule = lights.today(), TrafficLightRule.load()
    funnel = queries.funnel()
    by_industry = queries.amount_by_industry()
    by_method = queries.amount_by_method()
    stages = queries.current_stages()
    charts = {
        "funnel": funnel,
        "industry": by_industry,
        "method": by_method,
    }
    return render(request, "dashboard/dashboard.html", {
        "charts": charts,
        "stages": stages,
        "total_count": sum(s["count"] for s in stages),
        "signed": queries.signed(today),
        "today": today,
        "lights": queries.light_counts(today, rule),
        "indicators": list(Indicator.objects.all()),
        "recent_events": ProjectEvent.objects.filter(project__merged_into__isnull=True)
        .select_related("project", "actor").order_by("-occurred_on", "-recorded_at", "-id")[:10],
        "funnel_definition": queries.FUNNEL_DEFINITION,
        "amount_definition": queries.AMOUNT_DEFINITION,
        "stage_definition": queries.STAGE_DEFINITION,
        "signed_count_definition": queries.SIGNED_COUNT_DEFINITION,
        "signed_total_definition": queries.SIGNED_TOTAL_DEFINITION,
        "light_definition": lights.definition(rule),
        "by_industry": by_industry,
        "by_method": by_method,
    })
