"""Regenerate the shipped concordance CSVs (src/lianzhao/econ/concordance/*.csv) from
:mod:`lianzhao.econ.concordance.rules` and the reference data (a developer tool, not shipped).

    .venv/bin/python scripts/build_concordance.py           # rewrite the CSVs that changed
    .venv/bin/python scripts/build_concordance.py --check   # exit 1 if they are out of date
    .venv/bin/python scripts/build_concordance.py --review  # list 小类 whose names point elsewhere

Needs lianzhao installed (``make venv``) and the reference data folder (LIANZHAO_DATA_DIR).

Reads the GB/T 4754-2017 flat file and the sector names of the NBS 2020 (153 and 42) and 2017
(149) tables from the reference data folder; writes only codes, names and our own reasons.
For every 小类 the ``basis`` column records the evidence for its sector:

* ``exact_name`` — the 小类's or its 中类's name, stripped of activity words (制造, 加工, 业, …),
  equals the sector name stripped of product words (产品, 品, …);
* ``name_contains`` — one of those names contains the other (or a listed part of it, the
  sector names being lists such as 棉、化纤纺织及印染精加工品);
* ``parent_group`` — only the 大类 name matches the sector (the 小类 follows its 大类);
* ``judgement`` — no name evidence; the rule's reason is the note.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys

from lianzhao.econ.concordance import HERE
from lianzhao.econ.concordance.rules import RULES
from lianzhao.refdata.gbt4754 import load_classification
from lianzhao.refdata.nbs import concordance_to_42, sector_names

FILES = {
    "gbt": "gbt_to_io153_2020.csv",
    "io42": "io153_to_io42_2020.csv",
    "io149": "io153_to_io149_2017.csv",
}
_SUFFIXES = ("生产和供应业", "生产和供应", "制造业", "加工业", "制造", "加工", "制作", "生产", "产品", "制品",
             "服务业", "服务", "活动", "业", "品")
_PUNCT = re.compile(r"[、，,（）()\s]")
_PARTS = re.compile(r"[、，]|和|及|与")
#: Words too generic to count as name evidence on their own.
_GENERIC = {"其他", "其他未列明", "专用", "设备", "制造", "加工", "其他专用", "其他通用"}

#: 2020 153-sector code → 2017 149-sector code where the 2017 table has no sector of that name.
IO149_MERGED = {
    "071": ("072", "2017 has no 烘炉、风机、包装等设备 sector; GB/T 中类 346 falls in its 其他通用设备"),
    "077": ("076", "2017 has no 医疗仪器设备及器械 sector; GB/T 中类 358 falls in its 其他专用设备"),
    "103": ("101", "2017 has one 房屋建筑 sector for 2020's 103 and 104"),
    "104": ("101", "2017 has one 房屋建筑 sector for 2020's 103 and 104"),
    "105": ("102", "2017 has one 土木工程建筑 sector for 2020's 105 and 106"),
    "106": ("102", "2017 has one 土木工程建筑 sector for 2020's 105 and 106"),
}


#: GB/T 2017 wording → the older wording the sector names keep.
_SYNONYMS = {"专业及辅助性活动": "辅助活动", "辅助性活动": "辅助活动", "旅客运输": "客运"}
#: Leading verbs of process names (炼钢 → 钢, 制糖 → 糖).
_PREFIXES = ("制", "炼")


def _clean(name: str) -> str:
    name = _PUNCT.sub("", name)
    for old, new in _SYNONYMS.items():
        name = name.replace(old, new)
    return name


def _variants(name: str) -> set[str]:
    """The name and every form of it with activity/product suffixes removed (length ≥ 1)."""
    out, todo = set(), [_clean(name)]
    while todo:
        n = todo.pop()
        if n in out or not n:
            continue
        out.add(n)
        todo.extend(n[: -len(s)] for s in _SUFFIXES + ("的",) if n.endswith(s) and len(n) > len(s))
        todo.extend(n[len(p):] for p in _PREFIXES if n.startswith(p) and len(n) > len(p))
    return out


def _parts(name: str) -> set[str]:
    """The listed parts of a name (棉、化纤纺织及印染精加工品 → 棉, 化纤纺织, 印染精加工品, …)."""
    return {v for p in _PARTS.split(name) if p for v in _variants(p)} - _GENERIC


def _exact(a: str, b: str) -> bool:
    return bool((_variants(a) & _variants(b)) - _GENERIC)


def _contains(gbt_name: str, sector_name: str) -> bool:
    g, s = _clean(gbt_name), _clean(sector_name)
    if any(len(v) >= 2 and v in s for v in _variants(gbt_name) - _GENERIC):
        return True
    parts = _parts(sector_name)
    if any(p in g for p in parts if len(p) >= 2 or p == s):
        return True
    # a one-character part (酒 in 酒精和酒, 铁 in 铁及铁合金产品) counts only when it is all the
    # GB/T name says once stripped (酒的制造 → 酒, 炼铁 → 铁)
    return bool(_variants(gbt_name) & {p for p in parts if len(p) == 1})


def name_candidates(name: str, sectors: dict[str, str]) -> tuple[list[str], list[str]]:
    """Sector codes whose name equals ``name`` (after stripping) and those that share a part."""
    exact = [c for c, n in sectors.items() if _exact(name, n)]
    contains = [c for c, n in sectors.items() if c not in exact and _contains(name, n)]
    return exact, contains


def rule_for(code: str) -> tuple[str, str, str]:
    """``(prefix, io153 code, reason)`` of the longest rule prefix matching the 小类 ``code``."""
    for k in (4, 3, 2):
        if code[:k] in RULES:
            return (code[:k], *RULES[code[:k]])
    raise KeyError(f"no rule covers GB/T 小类 {code}")


def _basis(small: str, group: str, division: str, sector: str, sectors: dict[str, str]) -> str:
    name = sectors[sector]
    if _exact(small, name) or _exact(group, name):
        return "exact_name"
    if _contains(small, name) or _contains(group, name):
        return "name_contains"
    if _exact(division, name) or _contains(division, name):
        return "parent_group"
    return "judgement"


def build_gbt_rows(classes: list, sectors: dict[str, str]) -> tuple[list[dict], list[str]]:
    """One row per 小类, and review messages (小类 whose name points to other sectors only)."""
    by_code = {c.code: c for c in classes}
    rows, review, missing = [], [], []
    for c in sorted((c for c in classes if c.level == 4), key=lambda c: c.code):
        prefix, sector, reason = rule_for(c.code)
        if sector not in sectors:
            raise ValueError(f"rule {prefix} names unknown sector {sector}")
        group, division = by_code[c.code[:3]].name, by_code[c.code[:2]].name
        basis = _basis(c.name, group, division, sector, sectors)
        if basis == "judgement" and not reason:
            missing.append(f"{c.code} {c.name} → {sector} {sectors[sector]}")
        exact, contains = name_candidates(c.name, sectors)
        if sector not in exact + contains and (exact or contains):
            how = "EQUALS" if exact else "shares a word with"
            others = ", ".join(f"{x} {sectors[x]}" for x in exact or contains)
            review.append(f"{c.code} {c.name} → {sector} {sectors[sector]}; its name {how} {others}")
        rows.append({"gbt_code": c.code, "gbt_name": c.name, "io153_code": sector, "io153_name": sectors[sector],
                     "basis": basis, "note": reason})
    if missing:
        raise ValueError("no name evidence and no reason for: " + "; ".join(missing))
    return rows, review


def build_io42_rows(names153: dict[str, str], names42: dict[str, str]) -> list[dict]:
    conc = concordance_to_42(153)
    return [{"io153_code": c, "io153_name": n, "io42_code": conc[c], "io42_name": names42[conc[c]]}
            for c, n in names153.items()]


def build_io149_rows(names153: dict[str, str], names149: dict[str, str]) -> list[dict]:
    by_name = {n: c for c, n in names149.items()}
    rows = []
    for c, n in names153.items():
        if c in IO149_MERGED:
            target, note = IO149_MERGED[c]
        elif n in by_name:
            target, note = by_name[n], ""
        else:
            raise ValueError(f"no 2017 149-sector for {c} {n}")
        rows.append({"io153_code": c, "io153_name": n, "io149_code": target, "io149_name": names149[target],
                     "note": note})
    return rows


def _csv_text(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def build() -> tuple[dict[str, str], list[str]]:
    """``({file name: CSV text}, review messages)`` from the rules and the reference data."""
    def names(year: int, n: int) -> dict[str, str]:
        return sector_names(year, n)["name_zh"].to_dict()

    names153 = names(2020, 153)
    gbt_rows, review = build_gbt_rows(load_classification().classes(), names153)
    texts = {
        FILES["gbt"]: _csv_text(gbt_rows),
        FILES["io42"]: _csv_text(build_io42_rows(names153, names(2020, 42))),
        FILES["io149"]: _csv_text(build_io149_rows(names153, names(2017, 149))),
    }
    return texts, review


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether the CSVs are up to date")
    parser.add_argument("--review", action="store_true", help="print rules that the names contradict")
    args = parser.parse_args(argv)
    texts, review = build()
    if args.review:
        print("\n".join(review) or "nothing to review")
    stale = [f for f, t in texts.items() if not (HERE / f).is_file() or (HERE / f).read_text("utf-8") != t]
    if args.check:
        print("out of date: " + ", ".join(stale) if stale else "up to date")
        return 1 if stale else 0
    for f in stale:
        (HERE / f).write_text(texts[f], encoding="utf-8")
        print(f"wrote {HERE / f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
