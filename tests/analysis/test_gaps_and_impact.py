"""The gap finder and impact card inside the platform, on the Jimo demo."""

from __future__ import annotations

import io
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from lianzhao.analysis import engine, services
from lianzhao.analysis.chains import industry_gaps, rows_for_display
from lianzhao.analysis.impact import project_impact
from lianzhao.audit.models import AuditRecord
from lianzhao.industries.models import Industry
from lianzhao.projects.models import InvestmentProject
from tests.conftest import needs_data
from tests.report_kit import chars_off_the_page, flat, live_formulas, pdf_pages, unguarded_formula_text

pytestmark = needs_data


def test_the_nev_chain_shows_every_class_with_its_numbers(demo):
    gaps = industry_gaps(Industry.objects.get(slug="nev"), engine.regional_context(demo))
    rows = rows_for_display(gaps)
    classes = {r["klass"] for r in rows}
    assert {"fill", "strengthen", "extend", "advantage"} <= classes
    for r in rows:
        assert r["demand"] >= 0 and abs(r["demand"] - r["local_supply"] - r["leakage"]) < 1e-6
        assert r["reason"]
    fill = next(r for r in rows if r["klass"] == "fill")
    assert fill["local_enterprises"] == 0 and "无本地企业" in fill["reason"]
    advantage = next(r for r in rows if r["klass"] == "advantage")
    assert advantage["local_enterprises"] > 0 and advantage["leakage_share"] < 0.5


def test_the_offshore_pv_card_is_reproducible_by_hand(demo):
    project = InvestmentProject.objects.get(name="中电建海上光伏项目")
    impact = project_impact(project, engine.regional_context(demo))
    card = impact.card
    construction = card.phases["construction"]
    assert construction is not None and card.phases["operation"] is None
    assert "未填预计年产值，无法计算运营期影响" in card.missing
    # Printed: the investment (102亿元 = 1,020,000 万元), each sector's share and local purchase share.
    detail = construction.detail
    assert abs(detail["spending"].sum() - 1_020_000) < 1e-6
    shock = detail["spending"] * detail["local_purchase_share"]
    assert (shock - detail["shock"]).abs().max() < 1e-6
    # Printed multipliers: total = Σ shock_k × type-II multiplier_k, for output, value added and jobs.
    m = card.multipliers_used
    for kind, column in (("output", "output_II"), ("value_added", "value_added_II"), ("jobs", "jobs_II")):
        by_hand = float((detail["shock"] * m.loc[detail.index, column]).sum())
        assert construction.rows.loc[kind, "total"] == pytest.approx(by_hand, rel=1e-9)
    assert construction.rows.loc["output", "direct"] == pytest.approx(float(detail["shock"].sum()), rel=1e-12)
    labels = [a.label for a in card.assumptions]
    assert {"投入产出表", "区域化方法", "δ", "投资额", "建设投资构成", "本地采购比例（按部门）", "口径"} <= set(labels)
    assert [s["delta"] for s in card.sensitivity] == [0.1, 0.2, 0.3, 0.4]


def test_a_project_without_sector_or_amount_says_what_is_missing(demo, client, demo_users):
    project = InvestmentProject.objects.filter(amount__isnull=True, chain_node__isnull=True).first()
    if project is None:
        project = InvestmentProject.objects.filter(amount__isnull=True).first()
        project.chain_node = None
        project.save()
    client.force_login(demo_users["leader"])
    body = client.get(reverse("impact_card", args=[project.pk])).content.decode()
    assert "未填投资额，无法计算建设期影响" in body
    assert "项目未关联产业链环节，无法确定所属部门" in body
    assert 'id="impact-construction"' not in body and 'id="impact-operation"' not in body


def test_entering_annual_output_adds_the_operation_phase(demo, client):
    from lianzhao.accounts.models import User

    officer2 = User.objects.get(username="officer2")
    project = InvestmentProject.objects.get(name="中电建海上光伏项目")
    client.force_login(officer2)
    response = client.post(reverse("impact_input_update", args=[project.pk]),
                           {"annual_output": "8.5", "sector_override": "", "construction_shares": "{}", "note": "示例假设"})
    assert response.status_code == 302
    record = AuditRecord.objects.filter(model_name="projectimpactinput").get()
    assert record.actor == officer2 and record.after["annual_output"] == "8.50"
    body = client.get(reverse("impact_card", args=[project.pk])).content.decode()
    assert 'id="impact-operation"' in body


def test_the_ledgers_expected_output_feeds_the_operation_phase_unless_the_analyst_sets_one(demo, client, demo_users):
    from decimal import Decimal

    from lianzhao.analysis.models import ProjectImpactInput

    project = InvestmentProject.objects.filter(chain_node__isnull=False, expected_output__isnull=True,
                                               amount__isnull=False).order_by("pk").first()
    client.force_login(demo_users["analyst"])
    body = client.get(reverse("impact_card", args=[project.pk])).content.decode()
    assert 'id="impact-operation"' not in body and "未填预计年产值，无法计算运营期影响" in body
    project.expected_output = Decimal("4.00")  # the officer fills 预计年产值 in the ledger
    project.save()
    impact = project_impact(project, engine.regional_context(demo))
    assert impact.card.phases["operation"].rows.loc["output", "direct"] == pytest.approx(4.0 * 1e4)
    body = client.get(reverse("impact_card", args=[project.pk])).content.decode()
    assert 'id="impact-operation"' in body and "项目台账的预计年产值（责任人填报）" in body
    ProjectImpactInput.objects.create(project=project, annual_output=Decimal("6.00"))  # the analyst's figure wins
    impact = project_impact(project, engine.regional_context(demo))
    assert impact.card.phases["operation"].rows.loc["output", "direct"] == pytest.approx(6.0 * 1e4)
    assert impact.output_basis.startswith("测算假设中指定")


def test_an_officer_of_another_department_cannot_change_assumptions(demo, client):
    from lianzhao.accounts.models import User

    project = InvestmentProject.objects.get(name="中电建海上光伏项目")
    client.force_login(User.objects.get(username="officer"))
    response = client.post(reverse("impact_input_update", args=[project.pk]), {"annual_output": "1"})
    assert response.status_code == 403
    assert not AuditRecord.objects.filter(model_name="projectimpactinput").exists()


def test_construction_shares_must_sum_to_one(demo, client):
    from lianzhao.accounts.models import User

    project = InvestmentProject.objects.get(name="中电建海上光伏项目")
    client.force_login(User.objects.get(username="analyst"))
    response = client.post(reverse("impact_input_update", args=[project.pk]),
                           {"construction_shares": '{"107": 0.5, "073": 0.3}'})
    assert response.status_code == 400
    assert "比例之和须为 1，当前为 0.8" in response.content.decode()


def test_the_gap_page_excel_and_pdf(demo, client, django_user_model):
    client.force_login(django_user_model.objects.get(username="officer"))
    page = client.get(reverse("gap_detail", args=["nev"]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "补链" in body and "延链" in body and "示例" in body
    xlsx = client.get(reverse("gap_export_xlsx", args=["nev"]))
    assert xlsx.status_code == 200 and xlsx["Content-Disposition"].endswith('gaps-nev.xlsx"')
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb.sheetnames == ["补链分析", "方法与来源"]
    data_rows = [r for r in wb["补链分析"].iter_rows(min_row=5, values_only=True) if r[1]]
    assert wb["补链分析"].cell(row=4, column=5).value == "稳定性"
    assert {r[4] for r in data_rows} <= {"稳健", "敏感"} and all(r[9] is not None for r in data_rows)
    assert len(data_rows) == Industry.objects.get(slug="nev").chain_nodes.count()
    pdf = client.get(reverse("gap_export_pdf", args=["nev"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    pages = [flat(text) for text in pdf_pages(pdf.content)]
    text = "".join(pages)
    rows = rows_for_display(industry_gaps(Industry.objects.get(slug="nev"), engine.regional_context(demo)), "leakage")
    # The page's blocks in selectable Chinese: headings, the map's labels, each node with its figures.
    for heading in ("即墨区新能源汽车产业链补链/强链/延链分析", "链图（颜色=分类，大小=外溢额）", "环节明细", "计算依据",
                    "分类规则与阈值", "方法说明", "上游", "示例", "稳健结论", "稳定性", "混合表覆盖",
                    "示例：新能源整车厂采购结构"):
        assert heading in text, heading
    for r in rows:
        assert f"{r['node']}（{r['klass_label']}）" in text  # the map's label
        assert flat(r["reason"]) in text
        assert f"{r['leakage_domestic']:.2f}" in text and f"{r['leakage_abroad']:.2f}" in text
    assert all("数据截至" in page and f"共{len(pages)}页" in page for page in pages)
    assert not chars_off_the_page(pdf.content)


def test_the_cli_prints_the_same_table(demo):
    out = StringIO()
    call_command("gaps", "--region", "370215", "--industry", "新能源汽车", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    rows = data["nodes"]
    web = rows_for_display(industry_gaps(Industry.objects.get(slug="nev"), engine.regional_context(demo)))
    assert [(r["node"], r["klass"], r["stability"], round(r["leakage"], 6)) for r in rows] == [
        (r["node"], r["klass"], r["stability"], round(r["leakage"], 6)) for r in web]
    assert set(rows[0]) >= {"industry", "node", "klass", "demand", "local_share", "leakage", "leakage_domestic",
                            "leakage_abroad", "stability", "stability_label", "flips", "reason"}
    robust = sum(r["stability"] == "robust" for r in rows)
    assert data["robust"] == robust and data["robust_share"] == robust / len(rows) and data["nodes_total"] == 18
    table = StringIO()
    call_command("gaps", "--region", "370215", "--format", "table", stdout=table)
    assert "动力电池" in table.getvalue() and "FLQ" in table.getvalue() and "稳健结论：" in table.getvalue()


def test_changing_settings_recomputes_and_is_audited(demo, django_user_model):
    analyst = django_user_model.objects.get(username="analyst")
    before = engine.regional_context(demo)
    settings = engine.settings_for(demo)
    services.update_settings(settings, changes={"delta": "0.2"}, acting_user=analyst)
    after = engine.regional_context(demo)
    assert after.fingerprint != before.fingerprint and after.delta == 0.2
    assert after.regional.lambda_star > before.regional.lambda_star
    record = AuditRecord.objects.get(model_name="analysissettings", action="update")
    assert record.actor == analyst and record.before["delta"] == "0.300" and record.after["delta"] == "0.200"


def test_the_synergy_page_highlights_the_article_links(demo, client, django_user_model):
    client.force_login(django_user_model.objects.get(username="leader"))
    response = client.get(reverse("synergy"))
    assert response.status_code == 200
    chart = response.context["chart"]
    named = {(link["source"], link["target"]) for link in chart["links"] if link["named"]}
    assert ("新能源汽车", "新一代信息技术") in named
    assert response.context["candidates"]
    assert all((c["source"], c["target"]) not in named for c in response.context["candidates"])


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("norole", 403), ("leader", 200),
                                              ("officer_a", 200), ("analyst", 200), ("admin", 200)])
def test_analysis_pages_permission_matrix(demo, client, demo_users, who, status):
    if who != "anonymous":
        client.force_login(demo_users[who])
    project = InvestmentProject.objects.get(name="中电建海上光伏项目")
    for url in (reverse("analysis_overview"), reverse("gap_detail", args=["nev"]), reverse("synergy"),
                reverse("impact_card", args=[project.pk])):
        assert client.get(url).status_code == status, url


@pytest.mark.parametrize(("who", "status"), [("officer_a", 403), ("leader", 403), ("analyst", 302), ("admin", 302)])
def test_only_analysts_and_admins_change_settings(demo, client, demo_users, who, status):
    from tests.analysis.test_settings_validation import settings_post

    client.force_login(demo_users[who])
    response = client.post(reverse("analysis_settings_update"), settings_post(demo, delta="0.25"))
    assert response.status_code == status


def test_the_impact_card_pdf_has_the_cards_figures_and_assumptions(demo, client, demo_users):
    project = InvestmentProject.objects.get(name="中电建海上光伏项目")
    client.force_login(demo_users["leader"])
    response = client.get(reverse("impact_card_pdf", args=[project.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = pdf_pages(response.content)
    assert len(pages) <= 2
    text = flat("".join(pages))
    impact = project_impact(project, engine.regional_context(demo))
    output = impact.card.phases["construction"].rows.loc["output", "total"] / 1e4
    assert "中电建海上光伏项目经济影响测算卡" in text and "建设期" in text and "全部假设" in text
    assert f"{output:.2f}" in text and "敏感性：δ取值" in text and "毛效应估计" in text
    for label in ("投资额依据", "计划投资额", "所属部门依据", "建设投资构成", "区域化方法", "FLQ"):
        assert label in text


def test_the_gap_workbook_writes_imported_formula_text_as_text(demo, client, demo_users):
    from lianzhao.analysis.models import RegionalBase

    link = '=HYPERLINK("http://example.invalid/","点此查看")'
    base = RegionalBase.objects.get(region=demo, is_active=True)
    base.rows.filter(pk=base.rows.order_by("pk").first().pk).update(source=link)
    Industry.objects.get(slug="nev").chain_nodes.filter(pk=Industry.objects.get(slug="nev").chain_nodes
                                                        .order_by("pk").first().pk).update(name="=1+1")
    engine.clear_cache()
    client.force_login(demo_users["leader"])
    content = client.get(reverse("gap_export_xlsx", args=["nev"])).content
    assert live_formulas(content) == [] and unguarded_formula_text(content) == []
    wb = load_workbook(io.BytesIO(content))
    assert any(link in str(c.value) for row in wb["方法与来源"].iter_rows() for c in row)
    assert "=1+1" in [c.value for c in wb["补链分析"]["B"]]


def test_the_project_page_loads_the_card_fragment(demo, client, demo_users):
    project = InvestmentProject.objects.get(name="中电建海上光伏项目")
    client.force_login(demo_users["leader"])
    page = client.get(reverse("project_detail", args=[project.pk])).content.decode()
    assert f'hx-get="{reverse("impact_card", args=[project.pk])}"' in page
    fragment = client.get(reverse("impact_card", args=[project.pk]), headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert body.lstrip().startswith('<div id="impact-card">') and "<html" not in body
    assert "毛效应" in body and 'id="impact-construction"' in body


def test_the_chain_page_the_gap_map_and_the_gap_pdf_share_one_layout(demo, client, demo_users):
    from lianzhao.analysis.chains import chart_data
    from lianzhao.analysis.gap_pdf import chain_svg

    client.force_login(demo_users["leader"])
    chain = client.get(reverse("industry_detail", args=["nev"])).context["chain"]
    gaps = industry_gaps(Industry.objects.get(slug="nev"), engine.regional_context(demo))
    gap_map = chart_data(gaps, rows_for_display(gaps))
    printed = chain_svg(gap_map)

    def where(nodes):
        return {n["id"]: (n["x"], n["y"]) for n in nodes}

    assert where(chain["nodes"]) == where(gap_map["nodes"]) == where(printed["nodes"])
    assert chain["links"] == gap_map["links"] and len(printed["links"]) == len(gap_map["links"])
    assert chain["columns"] == gap_map["columns"] == [c["label"] for c in printed["columns"]] == ["上游", "中游", "下游"]
    # Three columns, each node below the previous one of its column.
    assert {x for x, _ in where(chain["nodes"]).values()} == {0, 320, 640}
