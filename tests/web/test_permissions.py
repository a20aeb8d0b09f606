"""The permission matrix: every page and every write, for every persona.

Personas: anonymous, a user with no role, leader, analyst, officer of the project's department (A),
officer of another department (B), admin.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from lianzhao.audit.models import AuditRecord
from lianzhao.projects.models import InvestmentProject, ProjectFile
from tests.web.evidence_kit import PDF_BYTES, stage_post, upload
from tests.web.import_kit import import_file

PERSONAS = ["anonymous", "norole", "leader", "analyst", "officer_a", "officer_b", "admin"]
READERS = {"leader", "analyst", "officer_a", "officer_b", "admin"}


@pytest.fixture
def world(personas, make_project, investor, industry):
    project = make_project(stage="negotiating", department="a")
    # Set up without the services, so no audit row exists before the request under test.
    stored = ProjectFile(project=project, stage="negotiating", original_name="纪要.pdf", size=len(PDF_BYTES),
                         content_type="application/pdf", sha256="0" * 64)
    stored.file.save("纪要.pdf", upload("纪要.pdf"), save=False)
    stored.save()
    return {"project": project, "investor": investor, "industry": industry, "personas": personas,
            "file": stored, "signed": make_project(stage="signed", department="a"),
            "duplicate": make_project(stage="lead", department="a")}


def _client(client, world, who):
    if who != "anonymous":
        client.force_login(world["personas"][who])
    return client


def _pages(world):
    p, e = world["project"], world["investor"]
    return {
        "dashboard": (reverse("dashboard"), READERS),
        "industries": (reverse("industry_list"), READERS),
        "industry": (reverse("industry_detail", args=[world["industry"].slug]), READERS),
        "projects": (reverse("project_list"), READERS),
        "project": (reverse("project_detail", args=[p.pk]), READERS),
        "project_new": (reverse("project_create"), {"officer_a", "officer_b", "admin"}),
        "project_edit": (reverse("project_edit", args=[p.pk]), {"officer_a", "admin"}),
        "project_plan": (reverse("project_plan", args=[p.pk]), {"officer_a", "admin"}),
        "my_projects": (reverse("my_projects"), READERS),
        "project_file": (reverse("project_file_download", args=[p.pk, world["file"].pk]), READERS),
        "enterprises": (reverse("enterprise_list"), READERS),
        "enterprise": (reverse("enterprise_detail", args=[e.pk]), READERS),
        "enterprise_new": (reverse("enterprise_create"), {"officer_a", "officer_b", "admin"}),
        "enterprise_edit": (reverse("enterprise_edit", args=[e.pk]), {"officer_a", "officer_b", "admin"}),
        "audit": (reverse("audit_list"), {"leader", "admin"}),
        "weekly_report": (reverse("weekly_report"), READERS),
        "targets": (reverse("targets"), READERS),
        "target_edit": (reverse("target_edit", args=[2025, p.department_id]), {"admin"}),
        "dispatch_analytics": (reverse("dispatch_analytics"), READERS),
        "project_import": (reverse("project_import"), {"officer_a", "officer_b", "admin"}),
        "project_import_template": (reverse("project_import_template"), READERS),
        "project_export": (reverse("project_export"), READERS),
        "enterprise_import": (reverse("enterprise_import"), {"officer_a", "officer_b", "admin"}),
        "enterprise_import_template": (reverse("enterprise_import_template"), READERS),
        "import_batches": (reverse("import_batch_list"), READERS),
        "target_overview": (reverse("target_overview"), READERS),
        "node_candidates": (reverse("node_candidates", args=["t-battery"]), READERS),
        "node_candidates_xlsx": (reverse("node_candidates_xlsx", args=["t-battery"]), READERS),
        "target_weights": (reverse("target_weights"), READERS),
        "target_lead": (reverse("target_lead", args=["t-battery"]) + f"?enterprise={e.pk}",
                        {"officer_a", "officer_b", "admin"}),
    }


PAGE_NAMES = ["dashboard", "industries", "industry", "projects", "project", "project_new", "project_edit",
              "project_plan", "my_projects", "project_file", "enterprises", "enterprise", "enterprise_new",
              "enterprise_edit", "audit", "weekly_report", "targets", "target_edit", "dispatch_analytics",
              "project_import", "project_import_template", "project_export", "enterprise_import",
              "enterprise_import_template", "import_batches", "target_overview", "node_candidates",
              "node_candidates_xlsx", "target_weights", "target_lead"]


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize("page", PAGE_NAMES)
def test_page_permission_matrix(client, world, who, page):
    url, allowed = _pages(world)[page]
    response = _client(client, world, who).get(url)
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    elif who in allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("who", PERSONAS)
def test_admin_site_is_for_admins_only(client, world, who):
    response = _client(client, world, who).get("/admin/")
    assert response.status_code == (200 if who == "admin" else 302)


def test_anonymous_sees_the_login_page(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "登录链招" in response.content.decode()


def test_an_anonymous_htmx_request_is_told_to_redirect(client, db):
    response = client.get(reverse("project_list"), headers={"HX-Request": "true"})
    assert response.status_code == 401 and response["HX-Redirect"] == "/accounts/login/"


def _write_requests(world):
    p, e = world["project"], world["investor"]
    return {
        "stage": (reverse("project_stage", args=[p.pk]),
                  {"to_stage": "signed", "on": "2025-03-01", "from_stage": "negotiating", **stage_post("signed")},
                  {"officer_a", "admin"}),
        "event": (reverse("project_event_add", args=[p.pk]),
                  {"kind": "visit", "occurred_on": "2025-03-01", "text": "走访"}, {"officer_a", "admin"}),
        "edit": (reverse("project_edit", args=[p.pk]),
                 {"name": p.name, "investor": e.pk, "industry": p.industry_id, "amount": "99", "method": "expo",
                  "department": p.department_id, "version": p.version}, {"officer_a", "admin"}),
        "create": (reverse("project_create"),
                   {"name": "权限测试新项目", "industry": p.industry_id, "amount": "3", "method": "expo",
                    "department": p.department_id}, {"officer_a", "admin"}),
        "enterprise": (reverse("enterprise_edit", args=[e.pk]),
                       {"name": e.name, "gbt_code": "3841", "note": "更新备注"},
                       {"officer_a", "officer_b", "admin"}),
        "plan": (reverse("project_plan", args=[p.pk]),
                 {"planned_signed_date": "2025-09-01", "version": p.version}, {"officer_a", "admin"}),
        "investment_change": (reverse("project_investment_change", args=[world["signed"].pk]),
                              {"kind": "capital_increase", "on": "2025-03-01", "amount": "2"},
                              {"officer_a", "admin"}),
        "file": (reverse("project_file_upload", args=[p.pk]), {"file": upload(), "stage": "negotiating"},
                 {"officer_a", "admin"}),
        "merge": (reverse("project_merge", args=[world["duplicate"].pk]), {"keep": p.pk, "confirm": "on"},
                  {"officer_a", "admin"}),
        "target": (reverse("target_edit", args=[2025, p.department_id]),
                   {"signed_amount": "30", "projects_started": "2", "projects_in_production": "1"}, {"admin"}),
        "import": (reverse("project_import"), {"file": import_file(p.department.name)}, {"officer_a", "admin"}),
    }


#: Audit rows a successful write leaves: one, except a merge (one for each project) and a signing
#: (the project, and the landing checklist the signing starts).
AUDIT_ROWS = {"merge": 2, "stage": 2}


@pytest.mark.parametrize("who", PERSONAS)
@pytest.mark.parametrize("write", ["stage", "event", "edit", "create", "enterprise", "plan", "investment_change",
                                   "file", "merge", "target", "import"])
def test_write_permission_matrix(client, world, who, write):
    url, data, allowed = _write_requests(world)[write]
    before_projects = list(InvestmentProject.all_objects.values())
    before_files = ProjectFile.objects.count()
    response = _client(client, world, who).post(url, data)
    if who in allowed:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert AuditRecord.objects.count() == AUDIT_ROWS.get(write, 1)
        assert {r.actor for r in AuditRecord.objects.all()} == {world["personas"][who]}
    else:
        if who == "anonymous":
            assert response["Location"].startswith("/accounts/login/")
        elif write in ("create", "import") and who == "officer_b":
            assert response.status_code == 400  # see test_officer_b_creating_in_department_a_is_refused
        else:
            assert response.status_code == 403
        assert not AuditRecord.objects.exists()
        assert list(InvestmentProject.all_objects.values()) == before_projects
        assert ProjectFile.objects.count() == before_files


def test_officer_b_creating_in_department_a_is_refused(client, world):
    client.force_login(world["personas"]["officer_b"])
    url, data, _ = _write_requests(world)["create"]
    response = client.post(url, data)
    # The department field offers only the officer's own department: the choice is invalid.
    assert response.status_code == 400
    assert "department" in response.context["form"].errors
    assert not InvestmentProject.objects.filter(name="权限测试新项目").exists()
