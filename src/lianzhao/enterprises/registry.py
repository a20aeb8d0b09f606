"""Writing many companies at once — a spreadsheet import or the reference data — all or nothing,
fast at a million rows, with an audit trail that stays cheap.

1. **Stage** (streaming; on SQLite 20 chunks per transaction of the temporary tables only): each
   row, as checked by the caller, goes into a temporary table (SQLite ``executemany``, PostgreSQL
   ``COPY``) with its products and its search text; nothing but a few chunks of rows is held in memory.
2. **Match** (set-based SQL): each staged row finds the company it names — by 统一社会信用代码, else
   by 上市代码, else by name — in one ``UPDATE``. Conflicts are errors like the file's own, by row: a
   row whose code and name point at two companies, a stock code owned by another company, two rows
   naming one company.
3. **Unchanged rows** (set-based SQL, :func:`_mark_unchanged`): a matched row whose every given value
   and product list equals the stored one is marked ``same`` by joins — a re-imported file of a
   million unchanged rows costs a few statements, not a million comparisons in Python.
4. **Merge values** (Python, the other matched rows only): a blank cell keeps the stored value, a
   row's product list replaces the stored one; a row that changes nothing is marked ``same``; the
   others get their final values, the changed fields before and after, and the company's
   ``updated_at`` as read. A file of new companies skips steps 3 and 4.
5. **Write** (one transaction, set-based SQL): refuse if a matched company changed since it was read;
   ``UPDATE … FROM`` the updates; ``INSERT … SELECT`` the new companies (on SQLite, with many of them,
   the full-text index filled by one statement afterwards instead of its trigger row by row); replace
   product lists; one audit row per updated company (the changed fields only) by ``INSERT … SELECT``;
   the :class:`~lianzhao.enterprises.models.ImportBatch` and its audit row.
6. **Statistics** (PostgreSQL, from :data:`ANALYZE_ROWS` rows written): ``ANALYZE`` of the registry's
   tables, so the next query is planned for the registry as it now is.

The write lock is held only for step 5. Created companies get no audit row each: the batch's audit
row counts them and each points to its batch (``import_batch``), which names the file and its
checksum — at a million new rows, a million audit rows would double the cost of the import and say
nothing the batch does not.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from lianzhao.audit.choices import AuditAction
from lianzhao.audit.models import AuditRecord
from lianzhao.audit.services import record_change, snapshot
from lianzhao.enterprises import search
from lianzhao.enterprises.models import Enterprise, EnterpriseProduct, ImportBatch
from lianzhao.enterprises.rows import FIELDS, PRODUCT_COLUMNS, STAGE_COLUMNS, search_text

CHUNK = 900  # rows per lookup: IN (…) lists stay below every database's parameter limit
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
#: The matched rows that change nothing, those left for the merge in Python, and what it decides
#: for the changed ones (see :func:`_mark_unchanged`).
SAME = "lz_registry_stage_same"
TODO = "lz_registry_stage_todo"
CHANGES = "lz_registry_stage_changes"
BATCH = 5000  # rows per staging write
#: A chunk of rows as the staging tables take them: (rows, products), tuples of
#: :data:`~lianzhao.enterprises.rows.STAGE_COLUMNS` and :data:`~lianzhao.enterprises.rows.PRODUCT_COLUMNS`.
StageChunk = tuple[list[tuple], list[tuple]]


def _create_stage(cursor) -> None:
    pg = connection.vendor == "postgresql"
    boolean, json_type = ("boolean", "jsonb") if pg else ("integer", "text")
    stamp = "timestamp with time zone" if pg else "text"
    # PostgreSQL writes a new version of every row an UPDATE touches; with half of each page left free
    # the matching step's version of a row fits beside it (no index entry, no new page).
    room = " WITH (fillfactor = 50)" if pg else ""
    _drop_stage(cursor)
    cursor.execute(f"""CREATE TEMPORARY TABLE {STAGE} (
        number integer PRIMARY KEY, target_id bigint, action text, name text, short_name text, uscc text,
        region_code text, gbt_code text, csrc_code text, stock_code text, registered_capital numeric(14, 2),
        founded_on date, scale text, is_local {boolean}, is_chain_leader {boolean}, note text, source text,
        search_text text, products_set {boolean}, before_json {json_type}, after_json {json_type},
        expected_updated_at {stamp}){room}""")
    cursor.execute(f"""CREATE TEMPORARY TABLE {STAGE_PRODUCTS} (
        number integer, position integer, name text, share numeric(5, 4), source text)""")


def _drop_stage(cursor) -> None:
    for table in (SAME, TODO, CHANGES):
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
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
        # The driver's own executemany: Django's wrapper rewrites every row's "%s" placeholders.
        cursor.cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks.replace('%s', '?')})",
                                  rows)


def _db(value):
    """A Python value as the staging tables take it (dates and decimals as text)."""
    if isinstance(value, dt.date | Decimal):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return value


def stage_chunks(rows: Iterable[RegistryRow]) -> Iterator[StageChunk]:
    """``rows`` as staging chunks of :data:`BATCH` rows, with their search text."""
    staged, products = [], []
    for row in rows:
        names = [name for name, _ in row.products or ()]
        staged.append((row.number, row.name, row.short_name, row.uscc or None, row.region_code, row.gbt_code,
                       row.csrc_code, row.stock_code, _db(row.registered_capital), _db(row.founded_on), row.scale,
                       row.is_local, row.is_chain_leader, row.note, row.source,
                       search_text(row.name, row.short_name, row.uscc, row.stock_code, row.gbt_code, row.csrc_code,
                                   names),
                       row.products is not None))
        for position, (name, share) in enumerate(row.products or ()):
            products.append((row.number, position, name, _db(share), row.product_source))
        if len(staged) == BATCH:
            yield staged, products
            staged, products = [], []
    if staged:
        yield staged, products


#: Chunks staged per transaction on SQLite: each autocommitted write to the temporary tables is a
#: transaction of its own, and its commit cost more than its rows (1,000,000 rows: 7.7 s → 4.4 s).
#: The transaction touches only the temporary tables: it takes no lock other users would wait for.
STAGE_CHUNKS_PER_COMMIT = 20


def _stage_rows(cursor, chunks: Iterable[StageChunk], progress, total) -> int:
    """Stage every chunk (values as given; blank = not given); returns the number of rows."""
    done = 0
    chunks = iter(chunks)
    per_commit = STAGE_CHUNKS_PER_COMMIT if connection.vendor == "sqlite" else 1
    more = True
    while more:
        more = False
        with transaction.atomic():
            for staged, products in islice(chunks, per_commit):
                more = True
                _put(cursor, STAGE, STAGE_COLUMNS, staged)
                _put(cursor, STAGE_PRODUCTS, PRODUCT_COLUMNS, products)
                done += len(staged)
                progress(done, total, f"读取并校验 {done:,} 行")
    return done


# --- matching ------------------------------------------------------------------------------------------

def _match(cursor) -> list[str]:
    """Set each staged row's ``target_id`` (USCC, then stock code, then name) and return the conflicts."""
    t = Enterprise._meta.db_table
    # One pass (COALESCE stops at the first key that finds a company): PostgreSQL writes a new
    # version of every row an UPDATE touches. The stock-code lookup repeats the listed-companies
    # index's condition (`e.stock_code > ''`, see migration 0006) so that both engines use that
    # index: a register of unlisted companies has one stock code, '', and a lookup planned for any
    # code otherwise expects every company to match and reads the whole register for each row. The
    # staged row's own `<> ''` lets SQLite skip the lookup for unlisted rows.
    cursor.execute(f"UPDATE {STAGE} SET target_id = COALESCE("
                   f"(SELECT e.id FROM {t} e WHERE e.uscc = {STAGE}.uscc), "
                   f"(SELECT MIN(e.id) FROM {t} e WHERE e.stock_code = {STAGE}.stock_code AND e.stock_code > '' "
                   f"AND {STAGE}.stock_code <> ''), "
                   f"(SELECT e.id FROM {t} e WHERE e.name = {STAGE}.name))")
    if connection.vendor == "postgresql":
        # Temporary tables get no statistics from autovacuum: without them the planner guesses
        # their size and may join a million staged rows by nested loops.
        cursor.execute(f"ANALYZE {STAGE}")
        cursor.execute(f"ANALYZE {STAGE_PRODUCTS}")
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
                   "WHERE s.stock_code <> '' AND e.stock_code > '' AND s.target_id IS NOT NULL AND e.id <> s.target_id")
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


def _mark_unchanged(cursor) -> int:
    """List in :data:`SAME` the matched rows that change nothing — every given value equal to the
    stored one, the product list (when given) equal to the stored list in its order — set-based, and
    return how many. It compares as :func:`_merge` does but says "same" only where it is sure
    (stored products ordered 0, 1, 2 …, as imports write them); every other matched row is merged in
    Python. A re-imported file of a million unchanged rows costs a few statements instead of a
    million merges. The rows left to merge go in :data:`TODO`. Both are narrow tables of their own
    rather than marks in the staging table: an ``UPDATE`` of a million staged rows wrote a new copy of
    each (10 s on PostgreSQL). An unchanged row keeps ``action`` NULL, and the write touches only rows
    marked ``update`` and new ones."""
    t, p = Enterprise._meta.db_table, EnterpriseProduct._meta.db_table
    same = "IS NOT DISTINCT FROM" if connection.vendor == "postgresql" else "IS"
    values = " AND ".join(
        f"(s.{f} IS NULL OR s.{f} = '' OR s.{f} = e.{f})" if f in TEXT_FIELDS else f"(s.{f} IS NULL OR s.{f} = e.{f})"
        for f in FIELDS if f != "source")
    cursor.execute(f"DROP TABLE IF EXISTS {SAME}")
    cursor.execute(f"CREATE TEMPORARY TABLE {SAME} AS SELECT s.number, s.target_id, s.products_set "
                   f"FROM {STAGE} AS s JOIN {t} AS e ON e.id = s.target_id WHERE {values}")
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {SAME}")  # the planner must know how many rows are the same
    # Of those, the rows that give a product list unlike the stored one: a product missing, moved or
    # with another share (collected first by one join: as a subquery, PostgreSQL planned it as a loop
    # over the staged rows — 100 s at a million), or another number of products.
    cursor.execute(f"""DELETE FROM {SAME} WHERE number IN (
        SELECT DISTINCT sp.number FROM {STAGE_PRODUCTS} sp JOIN {SAME} s ON s.number = sp.number
        LEFT JOIN {p} ep ON ep.enterprise_id = s.target_id AND ep.name = sp.name
        WHERE s.products_set AND (ep.id IS NULL OR ep."order" <> sp.position OR NOT (ep.share {same} sp.share)))""")
    cursor.execute(f"""DELETE FROM {SAME} WHERE number IN (
        SELECT s.number FROM {SAME} s
        LEFT JOIN (SELECT sp.number, COUNT(*) AS n FROM {STAGE_PRODUCTS} sp JOIN {SAME} k ON k.number = sp.number
                   GROUP BY sp.number) g ON g.number = s.number
        LEFT JOIN (SELECT ep.enterprise_id, COUNT(*) AS n FROM {p} ep JOIN {SAME} k ON k.target_id = ep.enterprise_id
                   GROUP BY ep.enterprise_id) h ON h.enterprise_id = s.target_id
        WHERE s.products_set AND COALESCE(g.n, 0) <> COALESCE(h.n, 0))""")
    cursor.execute(f"SELECT COUNT(*) FROM {SAME}")
    unchanged = cursor.fetchone()[0]
    cursor.execute(f"CREATE UNIQUE INDEX {SAME}_number ON {SAME} (number)")  # SQLite: no loop per staged row
    cursor.execute(f"DROP TABLE IF EXISTS {TODO}")
    cursor.execute(f"CREATE TEMPORARY TABLE {TODO} AS SELECT s.number FROM {STAGE} s WHERE s.target_id IS NOT NULL "
                   f"AND NOT EXISTS (SELECT 1 FROM {SAME} k WHERE k.number = s.number)")
    cursor.execute(f"CREATE UNIQUE INDEX {TODO}_number ON {TODO} (number)")
    return unchanged


_READ = ("id", *FIELDS, "updated_at")
_STAGED = ("number", "target_id", *FIELDS, "products_set")
#: What the merge decides for a changed row, as the staging table holds it.
CHANGE_COLUMNS = ("number", *FIELDS, "search_text", "products_set", "before_json", "after_json",
                  "expected_updated_at")


def _merge_matched(cursor, progress, total) -> tuple[int, int]:
    """Merge each matched row into its company (see the module docstring); returns (updated, unchanged)."""
    unchanged = _mark_unchanged(cursor)
    cursor.execute(f"SELECT COUNT(*) FROM {TODO}")
    matched = cursor.fetchone()[0]
    if not matched:
        return 0, unchanged
    adapt = connection.ops.adapt_datetimefield_value
    sqlite = connection.vendor == "sqlite"
    cursor.execute(f"DROP TABLE IF EXISTS {CHANGES}")
    cursor.execute(f"CREATE TEMPORARY TABLE {CHANGES} AS SELECT {', '.join(CHANGE_COLUMNS)} FROM {STAGE} WHERE 1 = 0")
    updated = offset = 0
    last = -1
    while True:
        # The next numbers first, then their rows by key: as one join, PostgreSQL (no statistics on
        # the fresh list) scanned the whole staging table for each chunk.
        cursor.execute(f"SELECT number FROM {TODO} WHERE number > %s ORDER BY number LIMIT %s", [last, CHUNK])
        numbers = [n for (n,) in cursor.fetchall()]
        if not numbers:
            break
        cursor.execute(f"SELECT {', '.join(_STAGED)} FROM {STAGE} WHERE number IN ({', '.join(['%s'] * len(numbers))}) "
                       "ORDER BY number", numbers)
        chunk = cursor.fetchall()
        last = chunk[-1][0]
        rows = {r[0]: dict(zip(_STAGED, r, strict=True)) for r in chunk}
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
        changes = []
        for number, row in rows.items():
            current = stored[row["target_id"]]
            final, products, before, after = _merge(row, current, stored_products.get(current["id"], []),
                                                    given_products.get(number, []) if row["products_set"] else None)
            if not before:  # the same after all: stays unmarked, and the write passes it by
                unchanged += 1
                continue
            updated += 1
            names = [n for n, _ in (products if products is not None else stored_products.get(current["id"], []))]
            tokens = search_text(final["name"], final["short_name"], final["uscc"] or "", final["stock_code"],
                                 final["gbt_code"], final["csrc_code"], names)
            changes.append((number, *[_db(final[k]) if sqlite else final[k] for k in FIELDS], tokens,
                            products is not None, json.dumps(before, ensure_ascii=False),
                            json.dumps(after, ensure_ascii=False), adapt(current["updated_at"])))
        # Collected in a table of their own and applied by one UPDATE below: a statement per row
        # cost more than the merge itself on PostgreSQL.
        _put(cursor, CHANGES, CHANGE_COLUMNS, changes)
        offset += len(chunk)
        progress(offset, matched, f"比对已有企业 {offset:,}/{matched:,}")
    assignments = ", ".join(f"{c} = c.{c}" for c in CHANGE_COLUMNS[1:])
    cursor.execute(f"UPDATE {STAGE} SET {assignments}, action = 'update' FROM {CHANGES} c "
                   f"WHERE {STAGE}.number = c.number")
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

#: New companies from which SQLite's full-text index is filled by one statement after the insert
#: instead of by its trigger, row by row.
BULK_INDEX_ROWS = 10_000


@contextmanager
def _bulk_index(cursor, created: int):
    """Around the insert of ``created`` new companies (inside the write transaction): on SQLite, with
    many of them, drop the FTS insert trigger (migration 0003), then index the new rows in one
    ``INSERT … SELECT`` and create the trigger again — DDL is transactional in SQLite, so other
    connections never see the registry without it, and a failed import leaves it as it was."""
    if connection.vendor != "sqlite" or created < BULK_INDEX_ROWS:
        yield
        return
    t = Enterprise._meta.db_table
    cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [search.FTS_INSERT_TRIGGER])
    trigger = cursor.fetchone()
    if trigger is None:  # no trigger, nothing to speed up
        yield
        return
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {t}")
    last = cursor.fetchone()[0]
    cursor.execute(f"DROP TRIGGER {search.FTS_INSERT_TRIGGER}")
    yield
    cursor.execute(f"INSERT INTO {search.FTS_TABLE} (rowid, search_text) SELECT id, search_text FROM {t} "
                   "WHERE id > %s ORDER BY id", [last])
    cursor.execute(trigger[0])


def _write(cursor, *, batch: ImportBatch, actor, now, created: int) -> int:
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
    with _bulk_index(cursor, created):
        cursor.execute(f"INSERT INTO {t} (created_at, updated_at, is_sample, import_batch_id, {', '.join(FIELDS)}, "
                       f"search_text) SELECT %s, %s, %s, %s, {', '.join(values)}, s.search_text FROM {STAGE} s "
                       "WHERE s.target_id IS NULL ORDER BY s.number", [ts, ts, False, batch.pk, False, False])
    p = EnterpriseProduct._meta.db_table
    cursor.execute(f"DELETE FROM {p} WHERE enterprise_id IN "
                   f"(SELECT target_id FROM {STAGE} WHERE action = 'update' AND products_set)")
    cursor.execute(f'INSERT INTO {p} (enterprise_id, name, share, source, "order") '
                   f"SELECT e.id, sp.name, sp.share, sp.source, sp.position FROM {STAGE_PRODUCTS} sp "
                   f"JOIN {STAGE} s ON s.number = sp.number JOIN {t} e ON e.name = s.name "
                   "WHERE s.products_set AND (s.target_id IS NULL OR s.action = 'update') "
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
    module docstring and :func:`write_chunks`."""
    return write_chunks(stage_chunks(rows), kind=kind, acting_user=acting_user, file_name=file_name, sha256=sha256,
                        source=source, total=total, progress=progress, pending_errors=pending_errors)


@contextmanager
def _import_cache(cursor):
    """On SQLite, a page cache of 256 MB for the registry's tables while the import's connection
    matches and writes: the indexes of a million companies do not fit the default 2 MB, and every
    insert into them would read their pages again. Restored afterwards. (Not for the temporary
    tables: a large cache there makes every autocommitted staging write several times slower.)"""
    if connection.vendor != "sqlite":
        yield
        return
    cursor.execute("PRAGMA main.cache_size")
    size = cursor.fetchone()[0]
    cursor.execute("PRAGMA main.cache_size = -262144")
    try:
        yield
    finally:
        cursor.execute(f"PRAGMA main.cache_size = {int(size)}")


#: Rows created or updated from which, on PostgreSQL, the registry's tables get fresh planner statistics
#: right after the import (autovacuum would do it only a minute or more later, and a candidate list
#: opened meanwhile was planned as if the registry were still empty: nested loops over a million rows).
ANALYZE_ROWS = 1000


def _refresh_statistics(cursor, changed: int) -> None:
    if connection.vendor != "postgresql" or changed < ANALYZE_ROWS:
        return
    # Sampled (30,000 rows by default): under a second at a million companies. A user who does not own
    # the tables gets a warning, not an error, and the import stands.
    cursor.execute(f"ANALYZE {Enterprise._meta.db_table}, {EnterpriseProduct._meta.db_table}")


def write_chunks(chunks: Iterable[StageChunk], *, kind: str, acting_user, file_name: str = "",
                 sha256: str = "", source: str = "", total: int | None = None,
                 progress: Callable = no_progress,
                 pending_errors: Callable[[], list[str]] | None = None) -> RegistryResult:
    """Create or update the companies of ``chunks`` (rows already in the staging tables' form, see
    :func:`stage_chunks` and :class:`lianzhao.enterprises.rows.RowChecker`) — all of them or none —
    as one import batch. Raises :class:`RegistryRefused` with what ``pending_errors()`` returns once
    the chunks are exhausted (the caller's own checks of the rows, which stops handing rows on at its
    first error), else with every conflict found. ``progress(done, total, message)`` is called before
    the write, never inside it."""
    started = time.perf_counter()
    with connection.cursor() as cursor, _import_cache(cursor):
        _create_stage(cursor)
        try:
            done = _stage_rows(cursor, chunks, progress, total)
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
                    batch.products = _write(cursor, batch=batch, actor=acting_user, now=timezone.now(), created=created)
                    batch.seconds = round(time.perf_counter() - started, 2)
                    batch.save(update_fields=["products", "seconds"])
                    record_change(actor=acting_user, action=AuditAction.CREATE, obj=batch, before=None,
                                  after=snapshot(batch), reason="企业批量导入")
            except IntegrityError as exc:
                raise RegistryRefused([f"写入时发现重复的企业名称或代码，未写入任何数据（{exc}）。"]) from exc
            _refresh_statistics(cursor, created + updated)
        finally:
            _drop_stage(cursor)
    return RegistryResult(batch=batch, created=created, updated=updated, unchanged=unchanged)
