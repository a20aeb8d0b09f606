"""The audit log as people read it: field and choice labels, names of related objects, nothing for
fields left empty on creation; filtered by project, kind of object, person and date range; a
project's whole history reachable from its page."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from lianzhao.audit.models import AuditRecord
from lianzhao.projects import services


def test_changes_read_as_labels_not_column_values(client, personas, make_project, industry):
    project = make_project(stage="negotiating", planned_signed_date=dt.date(2025, 12, 1))
    services.change_stage(project, "paused", acting_user=personas["officer_a"], note="等待用地指标")
    services.update_project(project, changes={"is_foreign": True}, acting_user=personas["officer_a"])
    client.force_login(personas["leader"])
    body = client.get(reverse("audit_list")).content.decode()
    assert "阶段：洽谈 → 暂缓" in body and "negotiating → paused" not in body
    assert "是否外资项目：否 → 是" in body
    created = AuditRecord.objects.create(action="create", app_label="projects", model_name="investmentproject",
                                         object_id=str(project.pk), object_repr=project.name,
                                         after={"industry_id": industry.pk, "notes": "", "amount": None,
                                                "method": "expo", "project_type_id": "type-hq"})
    page = client.get(reverse("audit_list"), {"project": project.pk, "action": "create"})
    body = page.content.decode()
    assert [r.pk for r in page.context["page"]] == [created.pk]
    assert f"所属产业：{industry.name}" in body and "industry_id" not in body
    assert "招商方式：展会招商" in body and "项目类型：总部项目" in body
    assert "— →" not in body and "备注：" not in body  # empty fields on creation are not listed


def test_the_log_filters_by_project_person_kind_and_dates(client, personas, make_project):
    mine, other = make_project(stage="signed"), make_project(stage="lead")
    services.add_event(mine, kind="visit", occurred_on=dt.date(2025, 3, 1), text="走访", acting_user=personas["officer_a"])
    services.add_event(other, kind="call", occurred_on=dt.date(2025, 3, 1), text="电话", acting_user=personas["officer_a"])
    services.update_project(mine, changes={"notes": "改"}, acting_user=personas["admin"])
    client.force_login(personas["leader"])
    by_project = client.get(reverse("audit_list"), {"project": mine.pk})
    objects = {(r.model_name, r.object_repr) for r in by_project.context["page"]}
    assert objects == {("projectevent", "2025-03-01 走访"), ("investmentproject", mine.name)}
    assert f"项目：<a href=\"/projects/{mine.pk}/\">{mine.name}</a>" in by_project.content.decode()
    by_person = client.get(reverse("audit_list"), {"actor": personas["admin"].pk}).context["page"]
    assert [r.object_repr for r in by_person] == [mine.name]
    by_kind = client.get(reverse("audit_list"), {"model": "projects.projectevent"}).context["page"]
    assert len(by_kind) == 2
    today = timezone.localdate()
    assert len(client.get(reverse("audit_list"), {"start": today, "end": today}).context["page"]) == 3
    assert len(client.get(reverse("audit_list"), {"end": today - dt.timedelta(days=1)}).context["page"]) == 0
    refused = client.get(reverse("audit_list"), {"start": "2025-03-02", "end": "2025-03-01"})
    assert refused.status_code == 400 and "截止日期不能早于起始日期" in refused.content.decode()


def test_a_projects_page_links_its_whole_history_for_those_who_may_read_the_log(client, personas, make_project):
    project = make_project()
    link = f'href="/audit/?project={project.pk}"'
    client.force_login(personas["leader"])
    assert link in client.get(reverse("project_detail", args=[project.pk])).content.decode()
    client.force_login(personas["officer_a"])
    assert link not in client.get(reverse("project_detail", args=[project.pk])).content.decode()


def test_the_audit_page_reads_related_names_once_per_kind_not_per_row(client, personas, make_project,
                                                                      django_assert_num_queries):
    for _ in range(3):
        services.update_project(make_project(), changes={"notes": "x"}, acting_user=personas["admin"])
    client.force_login(personas["leader"])
    # session + user, kinds of object (filter), users (filter), count, one page of records with their
    # actors, and the names the records point at: one query per related model (enterprises,
    # industries, departments), however many records name them.
    with django_assert_num_queries(9):
        client.get(reverse("audit_list"))
    for _ in range(12):
        services.update_project(make_project(), changes={"notes": "x"}, acting_user=personas["admin"])
    with django_assert_num_queries(9):
        client.get(reverse("audit_list"))
