"""Writing many companies at once — a spreadsheet import or the reference data — all or nothing,
fast at a million rows, with an audit trail that stays cheap.

1. **Stage** (no transaction, streaming): each row, as checked by the caller, goes into a temporary
   table (SQLite ``executemany``, PostgreSQL ``COPY``) with its products; nothing but a batch of rows
   is held in memory.
2. **Match** (set-based SQL): each staged row finds the company it names — by 统一社会信用代码, else
   by 上市代码, else by name — with one indexed lookup per key. Conflicts are errors like the file's
   own, by row: a row whose code and name point at two companies, a stock code owned by another
   company, two rows naming one company.
3. **Merge values** (Python, matched rows only): a blank cell keeps the stored value, a row's product
   list replaces the stored one; a row that changes nothing is dropped; the others get their final
   values, the changed fields before and after, and the company's ``updated_at`` as read. A file of
   new companies skips this step entirely.
4. **Write** (one transaction, set-based SQL): refuse if a matched company changed since it was read;
   ``UPDATE … FROM`` the updates; ``INSERT … SELECT`` the new companies; replace product lists; one
   audit row per updated company (the changed fields only) by ``INSERT … SELECT``; the
   :class:`~lianzhao.enterprises.models.ImportBatch` and its audit row.

The write lock is held only for step 4. Created companies get no audit row each: the batch's audit
row counts them and each points to its batch (``import_batch``), which names the file and its
checksum — at a million new rows, a million audit rows would double the cost of the import and say
nothing the batch does not.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from lianzhao.audit.choices import AuditAction
from lianzhao.audit.models import AuditRecord
from lianzhao.audit.services import record_change, snapshot
from lianzhao.enterprises import search
from lianzhao.enterprises.models import Enterprise, EnterpriseProduct, ImportBatch

CHUNK = 900  # rows per lookup: IN (…) lists stay below every database's parameter limit
#: Fields a row sets (blank keeps the stored value; None for flags means "not given").
FIELDS = ("name", "short_name", "uscc", "region_code", "gbt_code", "csrc_code", "stock_code",
          "registered_capital", "founded_on", "scale", "is_local", "is_chain_leader", "note", "source")
TEXT_FIELDS = {"name", "short_name", "uscc", "region_code", "gbt_code", "csrc_code", "stock_code", "scale", "note",
               "source"}


def no_progress(done: int, total: int | None = None, message: str | None = None) -> None:
    pass


@dataclass
class RegistryRow:
    """One company as a file or the reference data gives it. ``number`` is the row number errors
    cite; blank values (``""``, None) leave the stored value alone; ``products`` None leaves the stored
    product list alone, a list (of (name, share or None)) replaces it, with ``product_source``."""

    number: int
    name: str
    short_name: str = ""
    uscc: str = ""
    region_code: str = ""
    gbt_code: str = ""
    csrc_code: str = ""
    stock_code: str = ""
    registered_capital: Decimal | None = None
    founded_on: dt.date | None = None
    scale: str = ""
    is_local: bool | None = None
    is_chain_leader: bool | None = None
    note: str = ""
    source: str = ""
    products: list[tuple[str, Decimal | None]] | None = None
    product_source: str = ""


class RegistryRefused(Exception):
    """The rows cannot be written; ``errors`` says why, row by row."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors[:20]))


@dataclass
class RegistryResult:
    batch: ImportBatch
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


# --- staging -------------------------------------------------------------------------------------

STAGE = "lz_registry_stage"
STAGE_PRODUCTS = "lz_registry_stage_products"
_STAGE_COLUMNS = ("number", *FIELDS, "search_text", "products_set")
_PRODUCT_COLUMNS = ("number", "position", "name", "share", "source")
BATCH = 5000  # rows per staging write


def _create_stage(cursor) -> None:
    pg = connection.vendor == "postgresql"
    boolean, json_type = ("boolean", "jsonb") if pg else ("integer", "text")
    stamp = "timestamp with time zone" if pg else "text"
    _drop_stage(cursor)
    cursor.execute(f"""CREATE TEMPORARY TABLE {STAGE} (
        number integer PRIMARY KEY, target_id bigint, action text, name text, short_name text, uscc text,
        region_code text, gbt_code text, csrc_code text, stock_code text, registered_capital numeric(14, 2),
        founded_on date, scale text, is_local {boolean}, is_chain_leader {boolean}, note text, source text,
        search_text text, products_set {boolean}, before_json {json_type}, after_json {json_type},
        expected_updated_at {stamp})""")
    cursor.execute(f"""CREATE TEMPORARY TABLE {STAGE_PRODUCTS} (
        number integer, position integer, name text, share numeric(5, 4), source text)""")


def _drop_stage(cursor) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
    cursor.execute(f"DROP TABLE IF EXISTS {STAGE_PRODUCTS}")


def _put(cursor, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def _db(value, sqlite: bool):
    """A Python value as the staging table takes it (SQLite: dates and decimals as text)."""
    if sqlite and value is not None:
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return str(value)
    return value


def _row_tokens(row: RegistryRow) -> str:
    return search.search_tokens(row.name, row.short_name, row.uscc, row.stock_code, row.gbt_code, row.csrc_code,
                                *(name for name, _ in row.products or ()))


def _stage_rows(cursor, rows: Iterable[RegistryRow], progress, total) -> int:
    """Stage every row (values as given; blank = not given) with its products; returns the count."""
    staged, products, done = [], [], 0
    sqlite = connection.vendor == "sqlite"
    for row in rows:
        done += 1
        staged.append((row.number, row.name, row.short_name, row.uscc or None, row.region_code, row.gbt_code,
                       row.csrc_code, row.stock_code, _db(row.registered_capital, sqlite), _db(row.founded_on, sqlite),
                       row.scale, row.is_local, row.is_chain_leader, row.note, row.source, _row_tokens(row),
                       row.products is not None))
        for position, (name, share) in enumerate(row.products or ()):
            products.append((row.number, position, name, _db(share, sqlite), row.product_source))
        if len(staged) == BATCH:
            _put(cursor, STAGE, _STAGE_COLUMNS, staged)
            _put(cursor, STAGE_PRODUCTS, _PRODUCT_COLUMNS, products)
            staged, products = [], []
            progress(done, total, f"读取并校验 {done:,} 行")
    _put(cursor, STAGE, _STAGE_COLUMNS, staged)
    _put(cursor, STAGE_PRODUCTS, _PRODUCT_COLUMNS, products)
    return done


# --- matching ------------------------------------------------------------------------------------------

def _match(cursor) -> list[str]:
    """Set each staged row's ``target_id`` (USCC, then stock code, then name) and return the conflicts."""
    t = Enterprise._meta.db_table
    cursor.execute(f"UPDATE {STAGE} SET target_id = (SELECT e.id FROM {t} e WHERE e.uscc = {STAGE}.uscc) "
                   "WHERE uscc IS NOT NULL")
    cursor.execute(f"UPDATE {STAGE} SET target_id = (SELECT MIN(e.id) FROM {t} e WHERE e.stock_code = "
                   f"{STAGE}.stock_code) WHERE target_id IS NULL AND stock_code <> ''")
    cursor.execute(f"UPDATE {STAGE} SET target_id = (SELECT e.id FROM {t} e WHERE e.name = {STAGE}.name) "
                   "WHERE target_id IS NULL")
    cursor.execute(f"CREATE INDEX {STAGE}_target ON {STAGE} (target_id)")
    # The merge reads and drops matched rows' products by row number: without this index each of
    # those statements scans every staged product (quadratic: minutes at 100,000 rows).
    cursor.execute(f"CREATE INDEX {STAGE_PRODUCTS}_number ON {STAGE_PRODUCTS} (number)")
    found: list[tuple[int, str]] = []
    cursor.execute(f"SELECT s.number, s.name, e.uscc FROM {STAGE} s JOIN {t} e ON e.name = s.name "
                   "WHERE s.target_id IS NOT NULL AND e.id <> s.target_id")
    found += [(n, f"第 {n} 行：企业名称“{name}”已属于另一家企业（统一社会信用代码 {code or '未填'}），与本行的代码不一致。")
              for n, name, code in cursor.fetchall()]
    cursor.execute(f"SELECT s.number, e.name, e.uscc, s.uscc FROM {STAGE} s JOIN {t} e ON e.id = s.target_id "
                   "WHERE s.uscc IS NOT NULL AND e.uscc IS NOT NULL AND e.uscc <> s.uscc")
    found += [(n, f"第 {n} 行：库中的“{name}”统一社会信用代码为 {stored}，与本行的 {given} 不一致。")
              for n, name, stored, given in cursor.fetchall()]
    cursor.execute(f"SELECT s.number, s.stock_code, e.name FROM {STAGE} s JOIN {t} e ON e.stock_code = s.stock_code "
                   "WHERE s.stock_code <> '' AND s.target_id IS NOT NULL AND e.id <> s.target_id")
    found += [(n, f"第 {n} 行：上市代码 {code} 已属于“{name}”。") for n, code, name in cursor.fetchall()]
    cursor.execute(f"SELECT s.number, f.first, e.name FROM {STAGE} s JOIN (SELECT target_id, MIN(number) AS first "
                   f"FROM {STAGE} WHERE target_id IS NOT NULL GROUP BY target_id HAVING COUNT(*) > 1) f "
                   f"ON f.target_id = s.target_id JOIN {t} e ON e.id = s.target_id WHERE s.number <> f.first")
    found += [(n, f"第 {n} 行：与第 {first} 行是同一家企业“{name}”。") for n, first, name in cursor.fetchall()]
    return [message for _, message in sorted(found)]


# --- merging values into the matched companies ----------------------------------------------------------

def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _products_json(items) -> list[str]:
    return [f"{name}（{float(share):.0%}）" if share is not None else name for name, share in items]


_READ = ("id", *FIELDS, "updated_at")


def _merge_matched(cursor, progress, total) -> tuple[int, int]:
    """Merge each matched row into its company (see the module docstring); returns (updated, unchanged)."""
    cursor.execute(f"SELECT COUNT(*) FROM {STAGE} WHERE target_id IS NOT NULL")
    matched = cursor.fetchone()[0]
    if not matched:
        return 0, 0
    adapt = connection.ops.adapt_datetimefield_value
    sqlite = connection.vendor == "sqlite"
    updated = unchanged = offset = 0
    last = -1
    while True:
        cursor.execute(f"SELECT {', '.join(('number', 'target_id', *FIELDS, 'products_set'))} FROM {STAGE} "
                       f"WHERE target_id IS NOT NULL AND number > %s ORDER BY number LIMIT %s", [last, CHUNK])
        chunk = cursor.fetchall()
        if not chunk:
            break
        last = chunk[-1][0]
        rows = {r[0]: dict(zip(("number", "target_id", *FIELDS, "products_set"), r, strict=True)) for r in chunk}
        stored = {r["id"]: r for r in Enterprise.objects.filter(pk__in=[r["target_id"] for r in rows.values()])
                  .values(*_READ)}
        stored_products: dict[int, list] = {}
        for eid, name, share in (EnterpriseProduct.objects.filter(enterprise_id__in=list(stored))
                                 .order_by("enterprise_id", "order", "id").values_list("enterprise_id", "name", "share")):
            stored_products.setdefault(eid, []).append((name, share))
        given_products: dict[int, list] = {}
        cursor.execute(f"SELECT number, name, share FROM {STAGE_PRODUCTS} WHERE number IN "
                       f"({', '.join(['%s'] * len(rows))}) ORDER BY number, position", list(rows))
        for number, name, share in cursor.fetchall():
            given_products.setdefault(number, []).append((name, Decimal(str(share)) if share is not None else None))
        changes, drop = [], []
        for number, row in rows.items():
            current = stored[row["target_id"]]
            final, products, before, after = _merge(row, current, stored_products.get(current["id"], []),
                                                    given_products.get(number, []) if row["products_set"] else None)
            if not before:
                drop.append((number,))
                unchanged += 1
                continue
            updated += 1
            names = [n for n, _ in (products if products is not None else stored_products.get(current["id"], []))]
            tokens = search.search_tokens(final["name"], final["short_name"], final["uscc"] or "",
                                          final["stock_code"], final["gbt_code"], final["csrc_code"], *names)
            changes.append((*[_db(final[k], sqlite) for k in FIELDS], tokens, products is not None,
                            json.dumps(before, ensure_ascii=False), json.dumps(after, ensure_ascii=False),
                            adapt(current["updated_at"]), number))
        if drop:
            cursor.executemany(f"DELETE FROM {STAGE} WHERE number = %s", drop)
            cursor.executemany(f"DELETE FROM {STAGE_PRODUCTS} WHERE number = %s", drop)
        if changes:
            assignments = ", ".join(f"{f} = %s" for f in (*FIELDS, "search_text", "products_set", "before_json",
                                                           "after_json", "expected_updated_at"))
            cursor.executemany(f"UPDATE {STAGE} SET {assignments}, action = 'update' WHERE number = %s", changes)
        offset += len(chunk)
        progress(offset, matched, f"比对已有企业 {offset:,}/{matched:,}")
    return updated, unchanged


def _merge(row: dict, stored: dict, stored_products: list, given_products: list | None):
    """The company's final values, its final product list (None: unchanged), and the changed fields
    before and after. Blank values keep the stored ones."""
    final = {k: stored[k] for k in FIELDS}
    for key in FIELDS:
        value = row[key]
        if value is None or (key in TEXT_FIELDS and value == ""):
            continue
        if key == "registered_capital":
            value = Decimal(str(value)).quantize(Decimal("0.01"))
        elif key == "founded_on" and isinstance(value, str):
            value = dt.date.fromisoformat(value)
        elif key in ("is_local", "is_chain_leader"):
            value = bool(value)
        final[key] = value
    # The source names where the values came from: it changes only with them (re-importing the same
    # data from a file of another name changes nothing).
    before = {k: _jsonable(stored[k]) for k in FIELDS if k != "source" and final[k] != stored[k]}
    products = None
    if given_products is not None and given_products != list(stored_products):
        products = given_products
        before["products"] = _products_json(stored_products)
    if not before:
        return stored, None, {}, {}
    if final["source"] != stored["source"]:
        before["source"] = stored["source"]
    after = {k: _jsonable(final[k]) for k in before if k != "products"}
    if products is not None:
        after["products"] = _products_json(products)
    return final, products, before, after


# --- the write -----------------------------------------------------------------------------------------

def _write(cursor, *, batch: ImportBatch, actor, now) -> int:
    """Apply the staged rows; returns the number of product rows written."""
    t = Enterprise._meta.db_table
    ts = connection.ops.adapt_datetimefield_value(now)
    cursor.execute(f"SELECT COUNT(*) FROM {STAGE} s JOIN {t} e ON e.id = s.target_id "
                   "WHERE s.action = 'update' AND e.updated_at <> s.expected_updated_at")
    if cursor.fetchone()[0]:
        raise RegistryRefused(["导入期间有企业被他人修改，未写入任何数据。请重新导入。"])
    assignments = ", ".join(f"{f} = s.{f}" for f in (*FIELDS, "search_text"))
    cursor.execute(f"UPDATE {t} SET {assignments}, updated_at = %s, import_batch_id = %s "
                   f"FROM {STAGE} s WHERE s.action = 'update' AND {t}.id = s.target_id", [ts, batch.pk])
    values = [f"COALESCE(s.{f}, %s)" if f in ("is_local", "is_chain_leader") else f"s.{f}" for f in FIELDS]
    cursor.execute(f"INSERT INTO {t} (created_at, updated_at, is_sample, import_batch_id, {', '.join(FIELDS)}, "
                   f"search_text) SELECT %s, %s, %s, %s, {', '.join(values)}, s.search_text "
                   f"FROM {STAGE} s WHERE s.target_id IS NULL ORDER BY s.number", [ts, ts, False, batch.pk, False, False])
    p = EnterpriseProduct._meta.db_table
    cursor.execute(f"DELETE FROM {p} WHERE enterprise_id IN "
                   f"(SELECT target_id FROM {STAGE} WHERE action = 'update' AND products_set)")
    cursor.execute(f'INSERT INTO {p} (enterprise_id, name, share, source, "order") '
                   f"SELECT e.id, sp.name, sp.share, sp.source, sp.position FROM {STAGE_PRODUCTS} sp "
                   f"JOIN {STAGE} s ON s.number = sp.number JOIN {t} e ON e.name = s.name WHERE s.products_set "
                   "ORDER BY sp.number, sp.position")
    written = cursor.rowcount
    a = AuditRecord._meta.db_table
    reason = f"企业导入批次 #{batch.pk}（{batch.file_name or batch.source}）"[:255]
    actor_id = getattr(actor, "pk", None)
    cursor.execute(f"INSERT INTO {a} (at, actor_id, actor_name, action, app_label, model_name, object_id, "
                   f"object_repr, before, after, reason) SELECT %s, %s, %s, %s, %s, %s, CAST(s.target_id AS TEXT), "
                   f"s.name, s.before_json, s.after_json, %s FROM {STAGE} s WHERE s.action = 'update' "
                   "ORDER BY s.number",
                   [ts, actor_id, str(actor) if actor_id else "系统", AuditAction.UPDATE, "enterprises", "enterprise",
                    reason])
    return written


def write_registry(rows: Iterable[RegistryRow], *, kind: str, acting_user, file_name: str = "",
                   sha256: str = "", source: str = "", total: int | None = None,
                   progress: Callable = no_progress,
                   pending_errors: Callable[[], list[str]] | None = None) -> RegistryResult:
    """Create or update the companies of ``rows`` — all of them or none — as one import batch; see the
    module docstring. Raises :class:`RegistryRefused` with what ``pending_errors()`` returns once the
    rows are exhausted (the caller's own checks of the rows, which stops handing rows on at its first
    error), else with every conflict found. ``progress(done, total, message)`` is called before the
    write, never inside it."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        _create_stage(cursor)
        try:
            done = _stage_rows(cursor, rows, progress, total)
            caller_errors = pending_errors() if pending_errors is not None else []
            if caller_errors:
                raise RegistryRefused(caller_errors)
            progress(done, total, "与企业库比对")
            conflicts = _match(cursor)
            if conflicts:
                raise RegistryRefused(conflicts)
            updated, unchanged = _merge_matched(cursor, progress, total)
            created = done - updated - unchanged
            progress(done, total, "写入数据库")
            try:
                with transaction.atomic():
                    batch = ImportBatch.objects.create(
                        kind=kind, actor=acting_user if getattr(acting_user, "pk", None) else None,
                        file_name=file_name, sha256=sha256, source=source, rows=done, created=created,
                        updated=updated, unchanged=unchanged)
                    batch.products = _write(cursor, batch=batch, actor=acting_user, now=timezone.now())
                    batch.seconds = round(time.perf_counter() - started, 2)
                    batch.save(update_fields=["products", "seconds"])
                    record_change(actor=acting_user, action=AuditAction.CREATE, obj=batch, before=None,
                                  after=snapshot(batch), reason="企业批量导入")
            except IntegrityError as exc:
                raise RegistryRefused([f"写入时发现重复的企业名称或代码，未写入任何数据（{exc}）。"]) from exc
        finally:
            _drop_stage(cursor)
    return RegistryResult(batch=batch, created=created, updated=updated, unchanged=unchanged)
