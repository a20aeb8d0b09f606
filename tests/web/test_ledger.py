"""The project ledger (招商项目台账): its fields on the form, the page and the list filter; its choice
lists as data an admin edits; the officer's form helpers (the registering officer answers for the
project, chain nodes follow the industry, the investor searched or added on the spot, a plan at
registration); bad input refused at the field with nothing saved; the spreadsheet round trip."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from lianzhao.audit.models import AuditRecord
from lianzhao.enterprises.models import Enterprise
from lianzhao.projects.choices import DEFAULT_LEDGER_CHOICES, LedgerList
from lianzhao.projects.models import InvestmentProject, LedgerChoice
from lianzhao.projects.services import common
from tests.conftest import needs_data
from tests.web.import_kit import upload_workbook

pytestmark = needs_data  # the 来源地 is checked against the division codes of the reference data


def _form(industry, department, **extra) -> dict:
    data = {"name": "台账测试项目", "industry": industry.pk, "method": "referral", "department": department.pk,
            "project_type": "type-new", "investor_nature": "nature-private", "origin_division": "4403",
            "expected_output": "12.5", "expected_tax": "0.35", "land_mu": "80", "expected_jobs": "300",
            "investor_contact": "王经理", "investor_phone": "0532-88888888", "key_level": "key-district"}
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def test_an_officer_registers_a_project_with_its_ledger_and_answers_for_it(client, personas, departments, industry):
    client.force_login(personas["officer_a"])
    form = client.get(reverse("project_create")).context["form"]
    assert form["officer"].value() == personas["officer_a"].pk  # offered as the default
    response = client.post(reverse("project_create"), _form(industry, departments["a"],
                                                            planned_signed_date="2026-06-30"))
    assert response.status_code == 302, response.context and response.context["form"].errors
    project = InvestmentProject.objects.get(name="台账测试项目")
    assert project.officer == personas["officer_a"]  # no officer chosen: the one who registered it
    assert (project.project_type.name, project.investor_nature.name, project.origin_division) == (
        "新建项目", "民营企业", "4403")
    assert (project.expected_output, project.expected_tax, project.land_mu, project.expected_jobs) == (
        Decimal("12.50"), Decimal("0.3500"), Decimal("80.00"), 300)
    assert project.planned_signed_date == dt.date(2026, 6, 30)
    record = AuditRecord.objects.get(model_name="investmentproject", object_id=str(project.pk))
    assert record.actor == personas["officer_a"] and record.after["origin_division"] == "4403"
    mine = client.get(reverse("my_projects"))
    assert project in [r["project"] for r in mine.context["rows"]]
    page = client.get(reverse("project_detail", args=[project.pk])).content.decode()
    assert "广东省深圳市" in page and "民营企业" in page and "区重点项目" in page


def test_a_foreign_project_records_its_capital_in_wan_usd(client, personas, departments, industry):
    client.force_login(personas["officer_a"])
    response = client.post(reverse("project_create"), _form(
        industry, departments["a"], origin_division="", origin_country="DE", is_foreign="on",
        contract_foreign_capital="5000", actual_foreign_capital="1200.5"))
    assert response.status_code == 302
    project = InvestmentProject.objects.get(name="台账测试项目")
    assert (project.origin_country.name, project.is_foreign, project.actual_foreign_capital) == (
        "德国", True, Decimal("1200.50"))


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"expected_output": "-1"}, "expected_output", "不能为负数"),
    ({"expected_output": "NaN"}, "expected_output", ""),
    ({"expected_output": "10000.01"}, "expected_output", "超过 10000 亿元"),
    ({"amount": "20000"}, "amount", "超过 10000 亿元"),
    ({"is_foreign": "on", "contract_foreign_capital": "-5"}, "contract_foreign_capital", "不能为负数"),
    ({"is_foreign": "on", "actual_foreign_capital": "inf"}, "actual_foreign_capital", ""),
    ({"is_foreign": "on", "contract_foreign_capital": "20000000"}, "contract_foreign_capital", "超过 10000000 万美元"),
    ({"contract_foreign_capital": "100"}, "contract_foreign_capital", "非外资项目不填合同外资"),
    ({"origin_division": "999999"}, "origin_division", "区划代码 999999 不存在"),
    ({"origin_division": "37021500"}, "origin_division", "应为 2 位（省）、4 位（市）或 6 位（区县）"),
    ({"origin_country": "DE"}, "origin_country", "不要两项都填"),
    ({"planned_signed_date": "1999-12-31"}, "planned_signed_date", "早于 2000-01-01"),
    ({"planned_signed_date": "2099-01-01"}, "planned_signed_date", "超出计划期限"),
    ({"planned_signed_date": "2026-06-01", "planned_contacted_date": "2026-07-01"}, "planned_signed_date",
     "不能早于计划接洽日期"),
    ({"land_mu": "-3"}, "land_mu", "用地面积不能为负数"),
    ({"expected_jobs": "-1"}, "expected_jobs", ""),
])
def test_bad_ledger_input_is_refused_at_its_field_and_nothing_is_saved(client, personas, departments, industry,
                                                                       changes, field, message):
    client.force_login(personas["officer_a"])
    response = client.post(reverse("project_create"), _form(industry, departments["a"], **changes))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert not InvestmentProject.objects.exists() and not AuditRecord.objects.exists()


def test_chain_nodes_follow_the_chosen_industry(client, personas, industry):
    from lianzhao.industries.models import ChainNode, Industry

    other = Industry.objects.create(name="绿色能源", slug="green", kind="leading", source="测试")
    ChainNode.objects.create(industry=other, key="t-wind", name="风电整机", position="midstream", gbt_codes=["3415"])
    client.force_login(personas["officer_a"])
    body = client.get(reverse("project_chain_node_options"), {"industry": industry.pk}).content.decode()
    assert "动力电池" in body and "风电整机" not in body
    # Without JavaScript the form lists every industry's nodes, grouped by industry.
    page = client.get(reverse("project_create")).content.decode()
    assert '<optgroup label="绿色能源">' in page and 'hx-get="/projects/options/chain-nodes/"' in page


def test_the_investor_is_searched_by_name_and_a_new_one_added_on_the_spot(client, personas, departments,
                                                                          industry, investor):
    client.force_login(personas["officer_a"])
    options = client.get(reverse("project_investor_options"), {"investor": "电池"}).content.decode()
    assert f'<option value="{investor.name}">' in options
    unknown = _form(industry, departments["a"], investor="示例·青岛某新材料有限公司")
    response = client.post(reverse("project_create"), unknown)
    assert response.status_code == 400 and "企业库中没有" in str(response.context["form"].errors["investor"])
    assert not Enterprise.objects.filter(name="示例·青岛某新材料有限公司").exists()
    response = client.post(reverse("project_create"), {**unknown, "new_investor": "on"})
    assert response.status_code == 302
    project = InvestmentProject.objects.get(name="台账测试项目")
    assert project.investor.name == "示例·青岛某新材料有限公司"
    assert AuditRecord.objects.filter(model_name="enterprise", object_id=str(project.investor_id),
                                      actor=personas["officer_a"]).count() == 1
    existing = _form(industry, departments["a"], name="台账测试项目二", investor=investor.name)
    assert client.post(reverse("project_create"), existing).status_code == 302
    assert InvestmentProject.objects.get(name="台账测试项目二").investor == investor


def test_choice_lists_are_data_an_admin_retires_and_adds_to(client, personas, departments, industry, make_project):
    assert set(LedgerChoice.objects.filter(list=LedgerList.KEY_LEVEL).values_list("name", flat=True)) == {
        name for _, name in DEFAULT_LEDGER_CHOICES[LedgerList.KEY_LEVEL]}
    LedgerChoice.objects.filter(code="type-rd").update(is_active=False)
    LedgerChoice.objects.create(code="type-park", list=LedgerList.PROJECT_TYPE, name="园区运营")
    kept = make_project(project_type_id="type-rd")
    client.force_login(personas["officer_a"])
    offered = dict(client.get(reverse("project_create")).context["form"].fields["project_type"].choices)
    assert "type-park" in offered and "type-rd" not in offered
    edit = client.get(reverse("project_edit", args=[kept.pk])).context["form"]
    assert "type-rd" in dict(edit.fields["project_type"].choices)  # the project keeps its retired choice
    response = client.post(reverse("project_create"), _form(industry, departments["a"], project_type="type-rd"))
    assert response.status_code == 400 and "已停用" in str(response.context["form"].errors["project_type"])


def test_the_list_filters_by_ledger_fields(client, personas, make_project):
    key = make_project(key_level_id="key-city", is_foreign=True)
    make_project(key_level_id="key-district")
    client.force_login(personas["leader"])
    response = client.get(reverse("project_list"), {"key_level": "key-city"})
    assert [p.pk for p in response.context["page"]] == [key.pk]
    assert [p.pk for p in client.get(reverse("project_list"), {"is_foreign": "true"}).context["page"]] == [key.pk]


def test_the_spreadsheet_round_trips_every_ledger_field(client, personas, make_project, monkeypatch):
    monkeypatch.setattr(common, "today", lambda: dt.date(2025, 8, 1))
    project = make_project(stage="negotiating", project_type_id="type-new", investor_nature_id="nature-foreign",
                           origin_country_id="HK", is_foreign=True, contract_foreign_capital=Decimal("800.00"),
                           expected_output=Decimal("9.00"), landing_site=None, key_level_id="key-city")
    client.force_login(personas["officer_a"])
    exported = openpyxl.load_workbook(io.BytesIO(client.get(reverse("project_export")).content))
    sheet = exported["项目"]
    header = [c.value for c in sheet[1]]
    row = {header[i]: c.value for i, c in enumerate(sheet[2])}
    assert (row["项目类型"], row["投资方性质"], row["投资方来源地"], row["是否外资"], row["合同外资（万美元）"],
            row["预计年产值（亿元）"], row["重点项目级别"]) == ("新建项目", "外资企业", "中国香港", "是", 800, 9, "市重点项目")
    row.update({"项目类型": "增资扩产", "投资方来源地": "新加坡", "实际使用外资（万美元）": 300, "预计年税收（亿元）": 0.25,
                "用地（亩）": 45, "预计新增就业（人）": 120, "投资方联系人": "李先生", "联系方式": "13800000000",
                "重点项目级别": "省重点项目"})
    response = client.post(reverse("project_import"), {"file": upload_workbook([row], labels=header)})
    assert response.status_code == 302, response.context and response.context["errors"]
    project.refresh_from_db()
    assert (project.project_type_id, project.origin_country.name, project.actual_foreign_capital,
            project.expected_tax, project.land_mu, project.expected_jobs, project.investor_contact,
            project.investor_phone, project.key_level_id) == (
        "type-expansion", "新加坡", Decimal("300.00"), Decimal("0.2500"), Decimal("45.00"), 120, "李先生",
        "13800000000", "key-province")
    record = AuditRecord.objects.filter(model_name="investmentproject", object_id=str(project.pk)).latest("id")
    assert record.before["project_type_id"] == "type-new" and record.after["project_type_id"] == "type-expansion"
    # A division code goes in and comes out as itself; a bad one is refused at its cell, nothing written.
    row.update({"投资方来源地": "999999", "版本": project.version})
    response = client.post(reverse("project_import"), {"file": upload_workbook([row], labels=header)})
    column = header.index("投资方来源地") + 1
    assert response.status_code == 400
    assert response.context["errors"] == [f"第 2 行 第 {column} 列（投资方来源地）：区划代码 999999 不存在（统计用区划代码）。"]
    project.refresh_from_db()
    assert project.origin_country.name == "新加坡"


def test_an_older_file_without_the_ledger_columns_leaves_them_alone(client, personas, make_project):
    project = make_project(stage="lead", expected_output=Decimal("5.00"), key_level_id="key-city")
    client.force_login(personas["officer_a"])
    exported = openpyxl.load_workbook(io.BytesIO(client.get(reverse("project_export")).content))
    sheet = exported["项目"]
    header = [c.value for c in sheet[1]]
    row = {header[i]: c.value for i, c in enumerate(sheet[2])}
    old = header[:header.index("项目类型")]  # the columns files had before the ledger
    row["备注"] = "改了备注"
    response = client.post(reverse("project_import"), {"file": upload_workbook([row], labels=old)})
    assert response.status_code == 302, response.context and response.context["errors"]
    project.refresh_from_db()
    assert (project.notes, project.expected_output, project.key_level_id) == ("改了备注", Decimal("5.00"), "key-city")
