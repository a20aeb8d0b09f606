"""GB/T 4754-2017 industry classes → NBS input-output sectors (our own concordance).

NBS publishes no concordance between GB/T 4754-2017 and the sectors of its input-output tables,
so lianzhao ships its own, reviewed by hand (docs/concordance.md): every 小类 (4-digit class)
maps to exactly one sector of the 2020 153-sector table, and through it to the 42-sector table.

    from lianzhao.econ.concordance import load_concordance, sector_for, sectors_for_codes
    sector_for("3612")                   # Sector(code='079', name='汽车整车', level=153, year=2020)
    sector_for("384", level=42)          # a 中类 whose 小类 all fall in one sector
    sectors_for_codes(["3841", "3824"])  # {'085': 0.5, '087': 0.5} — a chain node's weights

Classifications supported: 153 sectors for 2020 and 2018 (the two tables share codes and names),
149 sectors for 2017 (2020 sectors merged where the 2017 table has no sector of that name), and
42 sectors for 2017, 2018 and 2020 (one classification). The CSVs beside this module ship with the
package, so the lookups work without the reference data folder. Framework-free: never imports
Django or any web app.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
GBT_FILE = HERE / "gbt_to_io153_2020.csv"
IO42_FILE = HERE / "io153_to_io42_2020.csv"
IO149_FILE = HERE / "io153_to_io149_2017.csv"

#: (level, year) pairs that :func:`load_concordance` answers.
SUPPORTED = {(153, 2020), (153, 2018), (149, 2017), (42, 2020), (42, 2018), (42, 2017)}
BASES = ("exact_name", "name_contains", "parent_group", "judgement")
AMBIGUOUS = "ambiguous:"


class ConcordanceError(ValueError):
    """A code or classification the concordance cannot answer; the message says why."""


class UnknownCodeError(ConcordanceError):
    """The code is not a GB/T 4754-2017 大类, 中类 or 小类 known to the concordance."""


class AmbiguousCodeError(ConcordanceError):
    """A 大类 or 中类 whose 小类 fall in several sectors; ``sectors`` lists them."""

    def __init__(self, message: str, sectors: list[str]):
        self.sectors = sectors
        super().__init__(message)


@dataclass(frozen=True)
class Sector:
    """One input-output sector of an NBS table classification (code and Chinese name)."""

    code: str
    name: str
    level: int
    year: int

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=8)
def _table(level: int, year: int) -> pd.DataFrame:
    if (level, year) not in SUPPORTED:
        have = ", ".join(f"{n} sectors/{y}" for n, y in sorted(SUPPORTED))
        raise ConcordanceError(f"no concordance for the {year} table at {level} sectors (have {have})")
    frame = pd.DataFrame(_read(GBT_FILE)).set_index("gbt_code")
    frame["sector_code"], frame["sector_name"] = frame["io153_code"], frame["io153_name"]
    if level != 153:
        path, col = (IO42_FILE, "io42") if level == 42 else (IO149_FILE, "io149")
        step = pd.DataFrame(_read(path)).set_index("io153_code")
        frame["sector_code"] = frame["io153_code"].map(step[f"{col}_code"])
        frame["sector_name"] = frame["io153_code"].map(step[f"{col}_name"])
    columns = ["gbt_name", "sector_code", "sector_name", "io153_code", "io153_name", "basis", "note"]
    return frame[columns].rename_axis("gbt_code")


def load_concordance(level: int = 153, year: int = 2020) -> pd.DataFrame:
    """Every GB/T 4754-2017 小类 with its sector in the NBS ``year`` table at ``level`` sectors.

    Returns a DataFrame indexed by ``gbt_code`` (4-digit strings, 1,381 rows) with columns
    ``gbt_name, sector_code, sector_name`` (the requested classification), ``io153_code,
    io153_name`` (the 2020 153-sector mapping it derives from), ``basis`` (exact_name,
    name_contains, parent_group or judgement) and ``note`` (the reason; ``"ambiguous: …"`` where a
    reviewer could reasonably choose otherwise). A copy: changing it does not change the cache.

    Raises ConcordanceError for an unsupported ``(level, year)``.
    """
    return _table(level, year).copy()


def _normalize(code: object) -> str:
    if not isinstance(code, str):
        raise UnknownCodeError(f"GB/T code must be a string such as '3612', not {code!r} "
                               "(an integer would lose the leading zero of 0111)")
    code = code.strip().upper()
    # some systems write the 门类 letter in front ("C3612"); the digits identify the class alone
    return code[1:] if code[:1].isalpha() and code[1:].isdigit() else code


@dataclass(frozen=True)
class _Lookup:
    """Every 小类's sector, and the 小类 under every 2-, 3- and 4-digit code, for one classification."""

    sector: dict[str, tuple[str, str]]  # 小类 → (sector code, sector name)
    under: dict[str, tuple[str, ...]]  # 大类/中类/小类 code → its 小类, in file order


@lru_cache(maxsize=8)
def _lookup(level: int, year: int) -> _Lookup:
    # Built once per classification from the CSVs with plain dicts (a few milliseconds): every
    # lookup below is then a dict access. Filtering the DataFrame by string prefix instead cost
    # ~7 ms per code, most of a cold gap analysis.
    if (level, year) not in SUPPORTED:
        _table(level, year)  # raises ConcordanceError naming what is supported
    rows = _read(GBT_FILE)
    step: dict[str, tuple[str, str]] | None = None
    if level != 153:
        path, col = (IO42_FILE, "io42") if level == 42 else (IO149_FILE, "io149")
        step = {r["io153_code"]: (r[f"{col}_code"], r[f"{col}_name"]) for r in _read(path)}
    sector, under = {}, {}
    for r in rows:
        code = r["gbt_code"]
        sector[code] = step[r["io153_code"]] if step else (r["io153_code"], r["io153_name"])
        for k in (2, 3, 4):
            under.setdefault(code[:k], []).append(code)
    return _Lookup(sector=sector, under={k: tuple(v) for k, v in under.items()})


def small_classes(gbt_code: str, level: int = 153, year: int = 2020) -> dict[str, str]:
    """``{小类: sector code}`` for every 小类 at or below a 大类 (2 digits), 中类 (3) or 小类 (4) code.

    Raises UnknownCodeError for a code that is not in GB/T 4754-2017.
    """
    code = _normalize(gbt_code)
    if not (code.isdigit() and 2 <= len(code) <= 4):
        raise UnknownCodeError(f"'{code}' is not a GB/T 4754-2017 大类 (2 digits), 中类 (3) or 小类 (4) code")
    lookup = _lookup(level, year)
    classes = lookup.under.get(code)
    if not classes:
        raise UnknownCodeError(f"GB/T 4754-2017 has no class '{code}'")
    return {c: lookup.sector[c][0] for c in classes}


def sector_for(gbt_code: str, level: int = 153, year: int = 2020) -> Sector:
    """The one sector of a 小类, or of a 中类/大类 whose 小类 all map to the same sector.

    Raises UnknownCodeError for a code that is not in GB/T 4754-2017 and AmbiguousCodeError,
    listing the sectors, for a 中类/大类 that spans several (pass its 小类 instead, or use
    :func:`sectors_for_codes` for a weighted split).
    """
    code = _normalize(gbt_code)
    counts = Counter(small_classes(code, level, year).values())
    if len(counts) > 1:
        names = _sector_names_of(level, year)
        listed = "; ".join(f"{s} {names[s]} ({counts[s]} 小类)" for s in sorted(counts))
        raise AmbiguousCodeError(f"GB/T {code} spans {len(counts)} sectors of the {year} {level}-sector table: "
                                 f"{listed}; give a 4-digit 小类", sorted(counts))
    (found,) = counts
    return Sector(code=found, name=_sector_names_of(level, year)[found], level=level, year=year)


def sectors_for_codes(codes: Iterable[str], level: int = 153, year: int = 2020) -> dict[str, float]:
    """Sector weights of a node described by several GB/T codes: ``{sector code: weight}``.

    Each code gets an equal share ``1 / len(codes)``; a 中类 or 大类 code spreads its share
    equally over its 小类. Codes that land in the same sector add up, so the weights sum to 1.
    Duplicate codes count once. Sorted by sector code.
    """
    unique = list(dict.fromkeys(_normalize(c) for c in codes))
    if not unique:
        raise ConcordanceError("no GB/T codes given")
    weights: dict[str, float] = {}
    for code in unique:
        classes = small_classes(code, level, year)
        for sector, count in Counter(classes.values()).items():
            weights[sector] = weights.get(sector, 0.0) + count / len(classes) / len(unique)
    return dict(sorted(weights.items()))


def _sector_names_of(level: int, year: int) -> dict[str, str]:
    return {code: name for code, name in _lookup(level, year).sector.values()}


def ambiguous(level: int = 153, year: int = 2020) -> pd.DataFrame:
    """The 小类 whose mapping is marked ambiguous in the note (the list in docs/concordance.md)."""
    table = load_concordance(level, year)
    return table[table["note"].str.startswith(AMBIGUOUS)]


__all__ = [
    "AmbiguousCodeError",
    "ConcordanceError",
    "Sector",
    "UnknownCodeError",
    "ambiguous",
    "load_concordance",
    "sector_for",
    "sectors_for_codes",
    "small_classes",
]


@lru_cache(maxsize=8)
def _sector_names(level: int, year: int) -> dict[str, str]:
    if level == 153 and (153, year) in SUPPORTED:
        rows = _read(IO42_FILE)
        return {r["io153_code"]: r["io153_name"] for r in rows}
    if level == 42 and (42, year) in SUPPORTED:
        rows = _read(IO42_FILE)
        return {r["io42_code"]: r["io42_name"] for r in rows}
    if level == 149 and (149, year) in SUPPORTED:
        rows = _read(IO149_FILE)
        return {r["io149_code"]: r["io149_name"] for r in rows}
    raise ConcordanceError(f"no sector list for the {year} table at {level} sectors")


def sector_names(level: int = 153, year: int = 2020) -> dict[str, str]:
    """``{sector code: Chinese name}`` of the NBS ``year`` table at ``level`` sectors (a copy)."""
    return dict(_sector_names(level, year))


def to_42(io153_code: str, year: int = 2020) -> str:
    """The 42-sector code that a 153-sector code belongs to (ConcordanceError if unknown)."""
    if (153, year) not in SUPPORTED:
        raise ConcordanceError(f"no 153-sector classification for {year}")
    mapping = {r["io153_code"]: r["io42_code"] for r in _read(IO42_FILE)}
    try:
        return mapping[io153_code]
    except KeyError:
        raise ConcordanceError(f"153-sector code {io153_code!r} does not exist") from None
