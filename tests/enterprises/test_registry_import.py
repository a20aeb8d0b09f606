"""Importing the enterprise registry from CSV and Excel: all rows or none, row-numbered Chinese errors,
re-import updates by USCC or name, one audited batch, an audit row per updated company."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from lianzhao.audit.models import AuditRecord
from lianzhao.enterprises.importing import COLUMNS, import_enterprises, template_workbook
from lianzhao.enterprises.models import Enterprise, EnterpriseProduct, ImportBatch
from lianzhao.enterprises.rows import parse_products
from lianzhao.refdata.uscc import check_character
from tests.conftest import needs_data
from tests.registry_work import RegistryWork, add_unlisted_companies

pytestmark = [needs_data, pytest.mark.django_db]

HEADER = ["企业名称", "统一社会信用代码", "区划代码", "行业代码", "证监会行业", "主营产品", "注册资本（万元）",
          "成立日期", "上市代码", "规模", "本地企业", "链主"]


def uscc(body: str) -> str:
    """A valid USCC from its first 17 characters."""
    return body + check_character(body)


GOOD_A = uscc("91320505MA1XXXXX0")
GOOD_B = uscc("91370215MA3YYYYY1")


def csv_file(rows: list[list[str]], header=HEADER, name="名录.csv", encoding="utf-8-sig") -> SimpleUploadedFile:
    text = "\n".join(",".join(f'"{v}"' if ("," in v or "、" in v) else v for v in row) for row in [header, *rows])
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def row(name, code="", region="320505", gbt="2929", csrc="", products="锂电池隔膜（62%）、涂覆隔膜", capital="5000",
        founded="2015-06-30", stock="", scale="中型", local="否", leader="否"):
    return [name, code, region, gbt, csrc, products, capital, founded, stock, scale, local, leader]


def run(upload, user):
    return import_enterprises(upload, filename=upload.name, acting_user=user)


def test_a_csv_creates_every_company_with_products_as_one_audited_batch(personas):
    result = run(csv_file([row("某隔膜材料有限公司", GOOD_A), row("某电池科技有限公司", GOOD_B, region="370215",
                                                             products="锂离子电池", local="是", leader="是")]),
                 personas["officer_a"])
    assert result.ok, result.errors
    a = Enterprise.objects.get(uscc=GOOD_A)
    assert (a.region_code, a.gbt_code, a.registered_capital, a.scale, a.is_local) == ("320505", "2929", Decimal("5000"),
                                                                                       "medium", False)
    assert [(p.name, p.share, p.source) for p in a.products.all()] == [
        ("锂电池隔膜", Decimal("0.6200"), "导入：名录.csv"), ("涂覆隔膜", None, "导入：名录.csv")]
    assert Enterprise.objects.get(uscc=GOOD_B).is_chain_leader
    batch = ImportBatch.objects.get()
    assert (batch.rows, batch.created, batch.updated, batch.unchanged, batch.file_name) == (2, 2, 0, 0, "名录.csv")
    assert len(batch.sha256) == 64 and batch.actor == personas["officer_a"]
    assert a.import_batch == batch and Enterprise.objects.search("锂电池隔膜").get() == a
    # One audit row for the batch; created companies point to it instead of an audit row each.
    record = AuditRecord.objects.get()
    assert (record.model_name, record.action, record.actor) == ("importbatch", "create", personas["officer_a"])
    assert record.after["created"] == 2 and record.after["sha256"] == batch.sha256


def test_a_reimport_updates_by_uscc_or_name_keeps_blank_cells_and_audits_each_changed_company(personas):
    officer = personas["officer_a"]
    assert run(csv_file([row("某隔膜材料有限公司", GOOD_A), row("某无代码企业"), row("某不变企业")]), officer).ok
    AuditRecord.objects.all().delete()
    second = csv_file([
        row("某隔膜材料有限公司（更名）", GOOD_A, region="", gbt="", products="", capital="8000", scale=""),
        row("某无代码企业", GOOD_B, products="湿法隔膜（90%）"),
        row("某不变企业"),
    ])
    result = run(second, officer)
    assert result.ok, result.errors
    batch = result.batch
    assert (batch.created, batch.updated, batch.unchanged) == (0, 2, 1)
    renamed = Enterprise.objects.get(uscc=GOOD_A)
    assert renamed.name == "某隔膜材料有限公司（更名）"
    assert (renamed.region_code, renamed.gbt_code, renamed.scale) == ("320505", "2929", "medium")  # blank keeps
    assert renamed.registered_capital == Decimal("8000") and renamed.products.count() == 2
    by_name = Enterprise.objects.get(name="某无代码企业")
    assert by_name.uscc == GOOD_B and list(by_name.products.values_list("name", flat=True)) == ["湿法隔膜"]
    records = {r.object_id: r for r in AuditRecord.objects.filter(model_name="enterprise")}
    assert set(records) == {str(renamed.pk), str(by_name.pk)}
    assert records[str(renamed.pk)].before == {"name": "某隔膜材料有限公司", "registered_capital": "5000.00"}
    assert records[str(renamed.pk)].after == {"name": "某隔膜材料有限公司（更名）", "registered_capital": "8000.00"}
    assert records[str(by_name.pk)].before == {"uscc": None, "products": ["锂电池隔膜（62%）", "涂覆隔膜"]}
    assert records[str(by_name.pk)].after == {"uscc": GOOD_B, "products": ["湿法隔膜（90%）"]}
    assert all(r.actor == officer and f"批次 #{batch.pk}" in r.reason for r in records.values())
    assert AuditRecord.objects.filter(model_name="importbatch").count() == 1


def test_importing_the_same_file_again_changes_nothing(personas):
    rows = [row("甲公司", GOOD_A), row("乙公司")]
    assert run(csv_file(rows), personas["officer_a"]).ok
    again = run(csv_file(rows), personas["officer_a"]).batch
    assert (again.created, again.updated, again.unchanged, again.products) == (0, 0, 2, 0)
    assert not AuditRecord.objects.filter(model_name="enterprise").exists()


@pytest.mark.parametrize(("cells", "message"), [
    ({"code": GOOD_A[:17] + ("0" if GOOD_A[17] != "0" else "1")}, "第 2 行 第 2 列（统一社会信用代码）：统一社会信用代码校验位错误"),
    ({"region": "999999"}, "第 2 行 第 3 列（区划代码）：区划代码 999999 不存在"),
    ({"gbt": "9999"}, "第 2 行 第 4 列（行业代码）：行业代码 9999 不存在"),
    ({"csrc": "C99"}, "第 2 行 第 5 列（证监会行业）：证监会行业代码 C99 不存在"),
    ({"products": "隔膜（120%）"}, "第 2 行 第 6 列（主营产品）：“隔膜”的营收占比 120% 应在 0% 到 100% 之间"),
    ({"capital": "很多"}, "第 2 行 第 7 列（注册资本（万元））：“很多”不是有效的注册资本"),
    ({"founded": "2099-01-01"}, "第 2 行 第 8 列（成立日期）：成立日期 2099-01-01 晚于今天"),
    ({"stock": "ABC"}, "第 2 行 第 9 列（上市代码）：上市代码“ABC”应为 6 位数字"),
    ({"scale": "巨型"}, "第 2 行 第 10 列（规模）：规模“巨型”无效"),
    ({"local": "也许"}, "第 2 行 第 11 列（本地企业）：“也许”无效"),
])
def test_a_bad_cell_names_row_column_and_reason_and_nothing_is_written(personas, cells, message):
    result = run(csv_file([row("某企业", **{"code": GOOD_A, **cells}), row("另一企业", GOOD_B)]), personas["officer_a"])
    assert not result.ok
    assert any(e.startswith(message) for e in result.errors), result.errors
    assert not Enterprise.objects.exists() and not ImportBatch.objects.exists() and not AuditRecord.objects.exists()


def test_duplicate_rows_are_refused_naming_both_rows(personas):
    result = run(csv_file([row("甲公司", GOOD_A), row("乙公司", GOOD_A), row("甲公司")]), personas["officer_a"])
    assert result.errors == ["第 3 行 第 2 列（统一社会信用代码）：与第 2 行重复（统一社会信用代码相同）。",
                             "第 4 行 第 1 列（企业名称）：与第 2 行重复（企业名称相同）。"]
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize(("header", "message"), [
    (["公司", *HEADER[1:]], "第 1 行 第 1 列（公司）：不是模板中的列名，请使用导入模板。"),
    (HEADER[1:], "第 1 行：缺少必填列 企业名称，请使用导入模板。"),
    ([*HEADER, "企业名称"], "第 1 行 第 13 列（企业名称）：列名重复。"),
])
def test_wrong_headers_are_refused(personas, header, message):
    result = run(csv_file([row("某企业")], header=header), personas["officer_a"])
    assert message in result.errors and not Enterprise.objects.exists()


def test_a_row_whose_code_and_name_name_two_companies_is_refused(personas):
    Enterprise.objects.create(name="甲公司", uscc=GOOD_A)
    Enterprise.objects.create(name="乙公司")
    result = run(csv_file([row("乙公司", GOOD_A)]), personas["officer_a"])
    assert result.errors == ["第 2 行：企业名称“乙公司”已属于另一家企业（统一社会信用代码 未填），与本行的代码不一致。"]
    assert Enterprise.objects.get(uscc=GOOD_A).name == "甲公司"


def test_the_excel_template_round_trips_and_gb18030_csv_is_read(personas):
    wb = openpyxl.load_workbook(io.BytesIO(template_workbook()))
    ws = wb["企业"]
    assert [c.value for c in ws[1]][:3] == ["企业名称*", "统一社会信用代码", "区划代码"]
    ws.delete_rows(2)  # the 示例 row
    ws.append(["某模板企业", GOOD_A, "370215", "3841", "", "动力电池", 100, "2020-01-01", "", "", "", "", ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    upload = SimpleUploadedFile("企业.xlsx", buffer.getvalue())
    assert run(upload, personas["admin"]).ok
    gb = csv_file([row("某国标编码企业")], name="gb.csv", encoding="gb18030")
    assert run(gb, personas["admin"]).ok
    assert set(Enterprise.objects.values_list("name", flat=True)) == {"某模板企业", "某国标编码企业"}
    assert [c.label for c in COLUMNS][:2] == ["企业名称", "统一社会信用代码"]


def test_product_text_is_parsed_with_optional_shares():
    assert parse_products("隔膜（62%）, 涂覆隔膜；隔膜") == ([("隔膜", Decimal("0.62")), ("涂覆隔膜", None)], None)
    assert parse_products("")[0] == []


def test_the_import_page_requires_edit_permission_and_lists_errors(client, personas):
    client.force_login(personas["leader"])
    assert client.get(reverse("enterprise_import")).status_code == 403
    client.force_login(personas["officer_a"])
    response = client.post(reverse("enterprise_import"), {"file": csv_file([row("某企业", region="999999")])})
    assert response.status_code == 400 and "区划代码 999999 不存在" in response.content.decode()
    response = client.post(reverse("enterprise_import"), {"file": csv_file([row("某企业")])})
    assert response.status_code == 302 and Enterprise.objects.filter(name="某企业").exists()


def test_a_large_file_is_imported_by_a_background_job(client, personas, immediate_jobs, monkeypatch):
    from lianzhao.enterprises import importing
    from lianzhao.jobs.models import Job

    monkeypatch.setattr(importing, "BACKGROUND_ROWS", 2)
    client.force_login(personas["officer_a"])
    response = client.post(reverse("enterprise_import"),
                           {"file": csv_file([row(f"后台企业{i}") for i in range(5)])})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("job_detail", args=[job.pk])
    job.refresh_from_db()
    assert job.state == "succeeded", (job.error, job.error_details)
    assert job.summary.startswith("导入完成：新建 5 家企业")
    assert Enterprise.objects.filter(name__startswith="后台企业").count() == 5
    assert EnterpriseProduct.objects.filter(enterprise__name="后台企业0").count() == 2


# --- the fast paths of a large import, exercised on small files -------------------------------------------

def test_a_bulk_import_fills_the_search_index_set_based_and_keeps_its_trigger(personas, monkeypatch):
    from lianzhao.enterprises import registry

    monkeypatch.setattr(registry, "BULK_INDEX_ROWS", 2)
    result = run(csv_file([row("某隔膜材料有限公司", GOOD_A), row("某电池科技有限公司", GOOD_B, products="锂离子电池")]),
                 personas["officer_a"])
    assert result.ok, result.errors
    assert list(Enterprise.objects.search("隔膜材料").values_list("name", flat=True)) == ["某隔膜材料有限公司"]
    assert list(Enterprise.objects.search("锂离子电池").values_list("name", flat=True)) == ["某电池科技有限公司"]
    # The insert trigger is back: a company saved afterwards is found too.
    Enterprise.objects.create(name="某储能系统有限公司")
    assert Enterprise.objects.search("储能系统").count() == 1


def test_a_refused_bulk_import_leaves_the_index_and_its_trigger_as_they_were(personas, monkeypatch):
    from lianzhao.enterprises import registry

    monkeypatch.setattr(registry, "BULK_INDEX_ROWS", 1)
    Enterprise.objects.create(name="甲公司", uscc=GOOD_A)

    def clash(*args, **kwargs):
        raise registry.IntegrityError("UNIQUE constraint failed")

    monkeypatch.setattr(registry, "record_change", clash)  # fails inside the write transaction
    result = run(csv_file([row("某隔膜材料有限公司", GOOD_B), row("乙公司")]), personas["officer_a"])
    assert not result.ok and "未写入任何数据" in result.errors[0]
    assert list(Enterprise.objects.values_list("name", flat=True)) == ["甲公司"]
    assert not Enterprise.objects.search("隔膜材料").exists()
    Enterprise.objects.create(name="某储能系统有限公司")
    assert Enterprise.objects.search("储能系统").count() == 1


def test_an_unchanged_row_is_recognised_also_when_its_products_were_reordered_by_hand(personas):
    officer = personas["officer_a"]
    rows = [row("甲公司", GOOD_A), row("乙公司", GOOD_B, products="湿法隔膜（90%）")]
    assert run(csv_file(rows), officer).ok
    # Stored product order 5, 7 instead of 0, 1 (as a hand edit may leave it): the set-based
    # comparison is not sure, the row-by-row merge decides — still unchanged.
    for position, product in zip((5, 7), Enterprise.objects.get(name="甲公司").products.order_by("order"), strict=True):
        product.order = position
        product.save()
    again = run(csv_file(rows), officer).batch
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert not AuditRecord.objects.filter(model_name="enterprise").exists()


def test_a_changed_share_or_flag_is_an_update_with_its_audit_row(personas):
    officer = personas["officer_a"]
    assert run(csv_file([row("甲公司", GOOD_A), row("乙公司", GOOD_B), row("丙公司")]), officer).ok
    result = run(csv_file([row("甲公司", GOOD_A, products="锂电池隔膜（61%）、涂覆隔膜"), row("乙公司", GOOD_B, local="是"),
                           row("丙公司", founded="", capital="", products="")]), officer)
    assert (result.batch.updated, result.batch.unchanged) == (2, 1)
    records = {r.object_repr: r for r in AuditRecord.objects.filter(model_name="enterprise")}
    assert set(records) == {"甲公司", "乙公司"}
    assert records["甲公司"].after == {"products": ["锂电池隔膜（61%）", "涂覆隔膜"]}
    assert records["乙公司"].before == {"is_local": False} and records["乙公司"].after == {"is_local": True}
    assert [p.share for p in Enterprise.objects.get(name="甲公司").products.all()] == [Decimal("0.6100"), None]


@pytest.fixture
def two_processes(monkeypatch):
    """Chunks of two rows, the second process from the second chunk on."""
    from lianzhao.enterprises import importing

    monkeypatch.setattr(importing, "BATCH", 2)
    monkeypatch.setattr(importing, "PARALLEL_ROWS", 2)
    monkeypatch.setattr(importing.os, "cpu_count", lambda: 2)
    return importing


def _count_submissions(importing, monkeypatch) -> list:
    sent = []
    submit = importing._SecondChecker.submit

    def counting(self, rows):
        sent.append(len(rows))
        submit(self, rows)

    monkeypatch.setattr(importing._SecondChecker, "submit", counting)
    return sent


def test_rows_checked_in_a_second_process_import_the_same(personas, two_processes, monkeypatch):
    sent = _count_submissions(two_processes, monkeypatch)
    rows = [row(f"并行企业{i}", uscc(f"91320505MA1YYYY{i:02d}"), products=f"产品{i}（{i + 1}%）") for i in range(9)]
    result = run(csv_file(rows), personas["officer_a"])
    assert result.ok, result.errors
    assert result.batch.created == 9 and EnterpriseProduct.objects.count() == 9
    assert Enterprise.objects.search("并行企业7").get().uscc == uscc("91320505MA1YYYY07")
    assert sent  # the second process had rows to check


def test_errors_found_in_a_second_process_keep_their_row_order(personas, two_processes):
    rows = [row(f"并行企业{i}", region="999999" if i in (1, 6) else "320505") for i in range(9)]
    rows[8][0] = "并行企业2"  # a duplicate across chunks
    result = run(csv_file(rows), personas["officer_a"])
    assert result.errors == ["第 3 行 第 3 列（区划代码）：区划代码 999999 不存在（统计用区划代码）。",
                             "第 8 行 第 3 列（区划代码）：区划代码 999999 不存在（统计用区划代码）。",
                             "第 10 行 第 1 列（企业名称）：与第 4 行重复（企业名称相同）。"]
    assert not Enterprise.objects.exists()


def test_when_the_second_process_fails_this_one_checks_its_rows(personas, two_processes, monkeypatch):
    monkeypatch.setattr(two_processes.sys, "executable", "/bin/false")
    result = run(csv_file([row(f"并行企业{i}") for i in range(7)]), personas["officer_a"])
    assert result.ok, result.errors
    assert result.batch.created == 7 and Enterprise.objects.search("并行企业6").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_a_large_import_leaves_postgresql_fresh_statistics_of_the_registry(personas, monkeypatch):
    from lianzhao.enterprises import registry

    monkeypatch.setattr(registry, "ANALYZE_ROWS", 3)
    result = run(csv_file([row("统计企业甲有限公司", GOOD_A), row("统计企业乙有限公司", GOOD_B), row("统计企业丙有限公司")]),
                 personas["officer_a"])
    assert result.ok, result.errors
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relname IN (%s, %s)",
                       [Enterprise._meta.db_table, EnterpriseProduct._meta.db_table])
        planned = dict(cursor.fetchall())
    assert planned[Enterprise._meta.db_table] == Enterprise.objects.count()
    assert planned[EnterpriseProduct._meta.db_table] == EnterpriseProduct.objects.count()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's in-place (HOT) updates")
def test_a_reimport_changing_only_unindexed_values_updates_the_rows_in_place(personas):
    officer = personas["officer_a"]
    assert run(csv_file([row("原地企业甲有限公司", GOOD_A), row("原地企业乙有限公司", GOOD_B)]), officer).ok

    def hot_updates() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = %s",
                           [Enterprise._meta.db_table])
            return cursor.fetchone()[0]

    before = hot_updates()
    result = run(csv_file([row("原地企业甲有限公司", GOOD_A, capital="6000"), row("原地企业乙有限公司", GOOD_B)]), officer)
    assert result.ok and result.batch.updated == 1
    assert Enterprise.objects.get(uscc=GOOD_A).registered_capital == Decimal("6000")
    # The new batch is recorded on the row, yet no index of the table (full-text index included) was written.
    assert hot_updates() - before == 1



def test_matching_by_stock_code_does_not_read_a_register_of_unlisted_companies_for_each_row(personas):
    # A bureau's own register: many companies and none listed, with fresh statistics — PostgreSQL's then
    # know one stock code, '', for every company. Matching listed companies (`lianzhao refdata load`, a
    # bought list) against it once read the whole register for every row (hours at a million), and a
    # first repair did the same on SQLite for every unlisted row. Here 100 rows, 50 listed, may cost a
    # few reads of the register (SQLite joins the staged rows to it by reading it through), not one
    # for each row.
    add_unlisted_companies(20000)
    work = RegistryWork()
    try:
        one_scan = work.one_scan()
        listed = [row(f"上市企业{i}有限公司", stock=f"{600100 + i}") for i in range(50)]
        unlisted = [row(f"登记企业{i}有限公司", products="") for i in range(1, 51)]
        results = []
        spent = work.of(lambda: results.append(run(csv_file(listed + unlisted), personas["officer_a"])))
    finally:
        work.close()
    assert results[0].ok, results[0].errors
    assert (results[0].batch.created, results[0].batch.updated) == (50, 50)
    assert one_scan > 0 and spent < 10 * one_scan, (spent, one_scan)

