"""The registry's staged row and the checks of an imported row — framework-free (no Django), so that
a second process can check one half of a file while the first stages the other
(:mod:`lianzhao.enterprises.importing`).

A row is staged as a plain tuple in the order of :data:`STAGE_COLUMNS` (values as the database's
staging table takes them: capital and dates as text, flags as bool or None), each of its products
as a tuple of :data:`PRODUCT_COLUMNS`. :class:`RowChecker` turns the cells of a file into those
tuples, or into "第 N 行 第 M 列" errors, with the same rules as the enterprise form
(:mod:`lianzhao.enterprises.rules`, the USCC check digit of :mod:`lianzhao.refdata.uscc`) — about
10 µs a row: the valid codes are kept in sets, dates and product cells in caches (a million
companies share a few thousand founding dates and product names), and the duplicate keys as 64-bit
hashes that mean the same in every process.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
import queue
import re
import sys
import threading
from array import array
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

from lianzhao.core.spreadsheet import NO_WORDS, YES_WORDS, CellError, cell_text
from lianzhao.enterprises import search
from lianzhao.enterprises.rules import csrc_error, region_error
from lianzhao.refdata.divisions import load_divisions
from lianzhao.refdata.gbt4754 import load_classification
from lianzhao.refdata.uscc import uscc_error

#: Fields a row sets (blank keeps the stored value; None for flags means "not given").
FIELDS = ("name", "short_name", "uscc", "region_code", "gbt_code", "csrc_code", "stock_code",
          "registered_capital", "founded_on", "scale", "is_local", "is_chain_leader", "note", "source")
STAGE_COLUMNS = ("number", *FIELDS, "search_text", "products_set")
PRODUCT_COLUMNS = ("number", "position", "name", "share", "source")
#: The columns of an import file, in the order :class:`RowChecker` takes a row's cells.
CELL_KEYS = ("name", "uscc", "region_code", "gbt_code", "csrc_code", "products", "registered_capital",
             "founded_on", "stock_code", "short_name", "scale", "is_local", "is_chain_leader", "note")
DUPLICATE_KEYS = {"name": "企业名称", "uscc": "统一社会信用代码", "stock_code": "上市代码"}

_STOCK = re.compile(r"^(\d{6})(?:\.(SH|SZ|BJ))?$")
_PRODUCT_SPLIT = re.compile(r"[、,，;；|/]+")
_PRODUCT_SHARE = re.compile(r"^(.*?)\s*[（(]\s*(\d+(?:\.\d+)?)\s*%\s*[）)]$")
_CAPITAL_LIMIT = Decimal("1e12")
_CENT = Decimal("0.01")
_CACHE_LIMIT = 200_000  # entries per cache before it is emptied (a file of unique dates stays bounded)


def search_text(name: str, short_name: str, uscc: str, stock_code: str, gbt_code: str, csrc_code: str,
                products) -> str:
    """The ``search_text`` of a company (:func:`lianzhao.enterprises.search.search_tokens`) from its
    values and its product names."""
    return search.company_tokens(name, short_name, uscc, stock_code, gbt_code, csrc_code, products)


def key_hash(value: str) -> int:
    """A 64-bit hash of a duplicate key that is the same in every process (Python's ``hash`` of a
    string is salted per process)."""
    return int.from_bytes(hashlib.blake2b(value.encode(), digest_size=8).digest(), "little", signed=True)


_SHARES: dict[str, Decimal | str] = {}


def _share(percent: str) -> Decimal | str:
    """"62" → Decimal("0.6200"), or the reason it is no share (cached: a file repeats its percentages)."""
    if (known := _SHARES.get(percent)) is None:
        value = Decimal(percent)
        known = (f"营收占比 {value}% 应在 0% 到 100% 之间。" if not 0 < value <= 100
                 else (value / 100).quantize(Decimal("0.0001")))
        if len(_SHARES) < 10_000:
            _SHARES[percent] = known
    return known


def _product_part(part: str) -> tuple[str, Decimal | None] | str:
    """One piece of a 主营产品 cell: (name, share or None), or the reason it is wrong."""
    share = None
    if "%" in part and (match := _PRODUCT_SHARE.match(part)):
        part, share = match.group(1).strip(), _share(match.group(2))
        if share.__class__ is str:
            return f"“{part}”的{share}"
    if len(part) > 64:
        return f"产品名称“{part[:20]}…”超过 64 个字符。"
    return part, share


def parse_products(text: str, cache: dict | None = None) -> tuple[list[tuple[str, Decimal | None]], str | None]:
    """"锂电池隔膜（62%）、涂覆隔膜" → [("锂电池隔膜", 0.62), ("涂覆隔膜", None)], or an error.
    ``cache`` (piece → result) spares parsing the pieces a file repeats."""
    out: list[tuple[str, Decimal | None]] = []
    seen: set[str] = set()
    for part in _PRODUCT_SPLIT.split(text or ""):
        part = part.strip()
        if not part:
            continue
        if cache is None:
            parsed = _product_part(part)
        elif (parsed := cache.get(part)) is None:
            if len(cache) > _CACHE_LIMIT:
                cache.clear()
            parsed = cache[part] = _product_part(part)
        if parsed.__class__ is str:
            return [], parsed
        if parsed[0] and parsed[0] not in seen:
            seen.add(parsed[0])
            out.append(parsed)
    return out, None


def _date(text: str) -> tuple[dt.date | None, str | None]:
    """A date cell's text (2025-03-28, 2025/3/28, 2025.3.28) as a date, or the reason it is none."""
    try:
        year, month, day = (int(p) for p in text.replace("/", "-").replace(".", "-").split("-"))
        return dt.date(year, month, day), None
    except ValueError:
        return None, f"“{text}”不是有效日期，请填写如 2025-03-28。"


def cells_of(values: dict) -> tuple:
    """A spreadsheet row's values by column key as :meth:`RowChecker.check` takes them."""
    founded = values.get("founded_on")
    return tuple(founded if key == "founded_on" and isinstance(founded, dt.date) else cell_text(values.get(key))
                 for key in CELL_KEYS)


@dataclass
class Checked:
    """What :meth:`RowChecker.check` found in a list of rows: the staged rows and their products
    (only while no row had an error), the errors, and the duplicate keys as (hash, row number)."""

    rows: list[tuple] = field(default_factory=list)
    products: list[tuple] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    keys: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)
    count: int = 0


class RowChecker:
    """The checks of every row of a registry import, with the reference data read once.

    ``positions`` and ``labels`` say where each column is in the user's file (for the errors);
    ``scales`` maps what the 规模 column accepts to the stored value; ``source`` is written as each
    row's and product's source. Picklable: a second process gets a copy and loads the reference data
    itself (from ``LIANZHAO_DATA_DIR``)."""

    def __init__(self, *, positions: dict[str, int], labels: dict[str, str], scales: dict[str, str],
                 today: dt.date, source: str):
        self.positions, self.labels, self.scales = positions, labels, scales
        self.today, self.source = today, source
        self._loaded = False

    def __getstate__(self):
        state = dict(self.__dict__)
        for name in ("divisions", "classification", "regions", "gbt", "csrc", "dates", "parts"):
            state.pop(name, None)
        state["_loaded"] = False
        return state

    def _load(self) -> None:
        self.divisions = load_divisions(include_townships=True)
        self.classification = load_classification()
        self.regions: set[str] = set()  # codes found valid so far
        self.gbt = set(self.classification._by_code)  # noqa: SLF001 (a set is 10× faster than __contains__)
        self.csrc: set[str] = set()
        self.dates: dict[str, tuple] = {}
        self.parts: dict[str, tuple | str] = {}
        self._loaded = True

    def _error(self, errors: list, number: int, key: str, message: str) -> None:
        column = self.positions.get(key)
        errors.append(CellError(number, column, self.labels.get(key, "") if column else "", message))

    def check(self, rows: list[tuple[int, tuple]]) -> Checked:
        """Check ``rows`` — (row number, cells in :data:`CELL_KEYS` order: text, stripped; the 成立日期
        may be a date, as Excel stores one; see :func:`cells_of`) — and return the staged rows, their products, the errors and the duplicate keys.
        After the first row with an error no row is staged (nothing will be written)."""
        if not self._loaded:
            self._load()
        out = Checked(count=len(rows))
        keys = {key: (array("q"), array("q")) for key in DUPLICATE_KEYS}
        names, usccs, stocks = keys["name"], keys["uscc"], keys["stock_code"]
        staged, products, errors = out.rows, out.products, out.errors
        error = self._error
        regions, gbt_codes, csrc_codes, dates, parts = self.regions, self.gbt, self.csrc, self.dates, self.parts
        scales, today, source = self.scales, self.today, self.source
        for number, cells in rows:
            (name, uscc, region, gbt, csrc, product_text, capital_text, founded_text, stock, short_name, scale,
             local_text, leader_text, note) = cells
            had = len(errors)
            if not name:
                error(errors, number, "name", "请填写企业名称。")
            elif len(name) > 128:
                error(errors, number, "name", "企业名称超过 128 个字符。")
            if uscc:
                uscc = uscc.upper()
                if problem := uscc_error(uscc):
                    error(errors, number, "uscc", problem)
            if region and region not in regions:
                if problem := region_error(region, self.divisions):
                    error(errors, number, "region_code", problem)
                else:
                    regions.add(region)
            if gbt:
                gbt = gbt.upper()
                if gbt not in gbt_codes:
                    error(errors, number, "gbt_code", f"行业代码 {gbt} 不存在（GB/T 4754-2017）。")
            if csrc:
                csrc = csrc.upper()
                if csrc not in csrc_codes:
                    if problem := csrc_error(csrc, self.classification):
                        error(errors, number, "csrc_code", problem)
                    else:
                        csrc_codes.add(csrc)
            if stock:
                stock = stock.upper()
                if not _STOCK.match(stock):
                    error(errors, number, "stock_code",
                          f"上市代码“{stock}”应为 6 位数字，可带 .SH、.SZ 或 .BJ，如 300750.SZ。")
            items = None
            if product_text:
                items, problem = parse_products(product_text, parts)
                if problem:
                    error(errors, number, "products", problem)
            capital = None
            if capital_text:
                raw = capital_text.replace(",", "")
                if raw.isascii() and raw.isdigit() and len(raw) <= 12:
                    capital = raw  # the common case: whole 万元, below the limit
                elif raw:
                    try:
                        value = Decimal(raw)
                        if not value.is_finite() or value < 0 or value >= _CAPITAL_LIMIT:
                            raise InvalidOperation
                        capital = str(value.quantize(_CENT))
                    except InvalidOperation:
                        error(errors, number, "registered_capital", f"“{raw}”不是有效的注册资本（万元，非负数字）。")
            founded = None
            if founded_text:
                if founded_text.__class__ is str:
                    if (known := dates.get(founded_text)) is None:
                        if len(dates) > _CACHE_LIMIT:
                            dates.clear()
                        known = dates[founded_text] = _date(founded_text)
                    founded, problem = known
                    if problem:
                        error(errors, number, "founded_on", problem)
                else:
                    founded = founded_text.date() if isinstance(founded_text, dt.datetime) else founded_text
                if founded and founded > today:
                    error(errors, number, "founded_on", f"成立日期 {founded:%Y-%m-%d} 晚于今天。")
            if scale:
                if scale in scales:
                    scale = scales[scale]
                else:
                    error(errors, number, "scale", f"规模“{scale}”无效，应填大型、中型、小型或微型。")
            flags = []
            for key, text in (("is_local", local_text), ("is_chain_leader", leader_text)):
                if not text:
                    flags.append(None)
                    continue
                lower = text.lower()
                if lower not in YES_WORDS and lower not in NO_WORDS:
                    error(errors, number, key, f"“{text}”无效，应填“是”或“否”。")
                flags.append(lower in YES_WORDS)
            if name:
                names[0].append(key_hash(name))
                names[1].append(number)
            if uscc:
                usccs[0].append(key_hash(uscc))
                usccs[1].append(number)
            if stock:
                stocks[0].append(key_hash(stock))
                stocks[1].append(number)
            if errors:
                if len(errors) > had:
                    staged.clear()
                    products.clear()
                continue
            short_name = short_name[:64]
            product_names = ()
            if items is not None:
                product_names = [p for p, _ in items]
                for position, (product, share) in enumerate(items):
                    products.append((number, position, product, str(share) if share is not None else None, source))
            staged.append((number, name, short_name, uscc or None, region, gbt, csrc, stock, capital,
                           founded.isoformat() if founded else None, scale, flags[0], flags[1], note, source,
                           search_text(name, short_name, uscc, stock, gbt, csrc, product_names), items is not None))
        out.keys = {key: (hashes.tobytes(), numbers.tobytes()) for key, (hashes, numbers) in keys.items()}
        return out


# --- the second process ---------------------------------------------------------------------------------

def serve(source: BinaryIO, sink: BinaryIO) -> None:
    """A checking process (``python -m lianzhao.enterprises.rows``): reads a pickled
    :class:`RowChecker`, then lists of rows, and writes for each list its pickled :class:`Checked`, in
    order, until its input ends."""
    checker = pickle.load(source)  # noqa: S301 (our own parent process wrote it)
    # A thread takes each list off the pipe as soon as it is sent: a list is larger than the pipe's
    # buffer, and a parent writing the next list while this process checks would otherwise wait for
    # it — and check nothing itself meanwhile (1,000,000 rows: two processes were no faster than one).
    inbox: queue.Queue = queue.Queue()

    def receive() -> None:
        try:
            while True:
                inbox.put(pickle.load(source))  # noqa: S301
        except EOFError:
            pass
        finally:
            inbox.put(None)

    threading.Thread(target=receive, daemon=True).start()
    while (rows := inbox.get()) is not None:
        pickle.dump(checker.check(rows), sink, protocol=pickle.HIGHEST_PROTOCOL)
        sink.flush()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
