"""What the pages show: the dashboard's figures and sources, the chain map data, the audit log."""

from __future__ import annotations

import json
from decimal import Decimal

from django.urls import reverse

from lianzhao.audit.models import AuditRecord
from lianzhao.dashboard.models import Indicator
from lianzhao.projects import services


def _chart_data(response):
    body = response.content.decode()
    start = body.index('<script id="chart-data" type="application/json">') + len(
        '<script id="chart-data" type="application/json">')
    return json.loads(body[start: body.index("</script>", start)])


def test_dashboard_funnel_counts_projects_that_reached_each_stage(client, personas, make_project):
    client.force_login(personas["leader"])
    make_project(stage="lead")
    make_project(stage="signed")
    make_project(stage="production")
    make_project(stage="paused", paused_from="negotiating")
    data = _chart_data(client.get(reverse("dashboard")))
    counts = {row["stage"]: row["count"] for row in data["funnel"]}
    assert counts == {"线索": 4, "接洽": 3, "洽谈": 3, "签约": 2, "注册": 1, "开工": 1, "投产": 1, "达产": 0}


def test_dashboard_amounts_exclude_dropped_projects(client, personas, make_project):
    client.force_login(personas["leader"])
    make_project(stage="lead", amount=Decimal("3.00"))
    make_project(stage="signed", amount=Decimal("7.50"))
    make_project(stage="dropped", amount=Decimal("100.00"))
    data = _chart_data(client.get(reverse("dashboard")))
    assert data["industry"] == [{"name": "新能源汽车", "count": 2, "amount": 10.5, "signed": 10.0}]


def test_dashboard_shows_indicators_with_their_source(client, personas, db):
    Indicator.objects.create(key="vehicle_output", label="整车产量", value=Decimal("45"), unit="万辆",
                             qualifier="突破", year=2024, source="即墨区 2025-03-28 工作会议报道")
    client.force_login(personas["officer_a"])
    body = client.get(reverse("dashboard")).content.decode()
    assert "2024 整车产量" in body and "突破 45" in body and "即墨区 2025-03-28 工作会议报道" in body


def test_user_text_reaches_charts_only_as_escaped_json(client, personas, make_project, industry):
    industry.name = "</script><script>alert(1)</script>"
    industry.save()
    make_project()
    client.force_login(personas["leader"])
    body = client.get(reverse("dashboard")).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)" in body


def test_chain_map_colours_nodes_by_local_enterprises(client, personas, industry, investor):
    battery = industry.chain_nodes.get(key="t-battery")
    investor.is_local = True
    investor.save()
    investor.chain_nodes.add(battery)
    client.force_login(personas["analyst"])
    data = _chart_data(client.get(reverse("industry_detail", args=[industry.slug])))
    local = {n["name"]: n["local"] for n in data["nodes"]}
    assert local == {"动力电池": 1, "整车": 0}
    assert data["links"] == [{"source": str(battery.pk), "target": str(industry.chain_nodes.get(key="t-vehicle").pk)}]


def test_project_page_shows_timeline_and_history(client, personas, make_project):
    project = make_project(stage="lead")
    services.change_stage(project, "contacted", acting_user=personas["officer_a"], note="首次拜访企业")
    client.force_login(personas["leader"])
    body = client.get(reverse("project_detail", args=[project.pk])).content.decode()
    assert "首次拜访企业" in body and "officer_a" in body
    assert "stage-form" not in body  # leaders read, they do not move projects


def test_audit_page_lists_changes_with_before_and_after(client, personas, make_project):
    project = make_project(stage="lead")
    services.change_stage(project, "contacted", acting_user=personas["officer_a"])
    client.force_login(personas["leader"])
    body = client.get(reverse("audit_list")).content.decode()
    assert "officer_a" in body and "线索 → 接洽" in body


def test_audit_page_shows_keys_that_are_not_fields_as_they_are(client, personas, db):
    # The regional base import records its row count under "rows", the name of a reverse relation.
    AuditRecord.objects.create(action="create", app_label="analysis", model_name="regionalbase",
                               object_id="1", object_repr="示例基础数据", after={"name": "示例", "rows": 153})
    client.force_login(personas["leader"])
    response = client.get(reverse("audit_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "rows：153" in body and "— →" not in body


def test_the_language_switcher_gives_english_on_request(client, personas, db):
    client.force_login(personas["leader"])
    response = client.get(reverse("dashboard"), headers={"Accept-Language": "en"})
    assert response["Content-Language"] == "zh-hans"  # Chinese by default, whatever the browser says
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("dashboard"))
    assert response["Content-Language"] == "en"


def test_industries_are_listed_in_their_set_order(client, personas, db):
    from lianzhao.industries.models import Industry

    Industry.objects.create(name="乙产业", slug="b", kind="leading", order=2)
    Industry.objects.create(name="甲产业", slug="a", kind="leading", order=1)
    Industry.objects.create(name="丙产业", slug="c", kind="emerging", order=3)
    client.force_login(personas["leader"])
    names = [i.name for i in client.get(reverse("industry_list")).context["industries"]]
    assert names == ["甲产业", "乙产业", "丙产业"]
