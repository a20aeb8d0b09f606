"""Administrative division codes (统计用区划代码): provinces, cities, counties/districts, townships.

Reads ``admin_divisions_cn/{provinces,cities,areas,streets}.csv`` from the reference data folder.
Codes: province 2 digits, city 4, county/district 6 (即墨区 = 370215), township 9.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lianzhao.paths import DataDirError, data_dir

FOLDER = "admin_divisions_cn"
LEVELS = {2: "province", 4: "city", 6: "county", 9: "township"}
_FILES = (
    ("provinces.csv", None),
    ("cities.csv", "provinceCode"),
    ("areas.csv", "cityCode"),
    ("streets.csv", "areaCode"),
)


@dataclass(frozen=True)
class Division:
    """One administrative division."""

    code: str
    name: str
    parent_code: str

    @property
    def level(self) -> str:
        return LEVELS[len(self.code)]


class Divisions:
    """All divisions, indexed by code."""

    def __init__(self, items: list[Division]):
        self._by_code = {d.code: d for d in items}

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._by_code

    def __len__(self) -> int:
        return len(self._by_code)

    def get(self, code: str) -> Division | None:
        return self._by_code.get(code)

    def path(self, code: str) -> list[Division]:
        """From the province down to ``code`` itself (empty for an unknown code)."""
        out = []
        node = self.get(code)
        while node is not None:
            out.append(node)
            node = self.get(node.parent_code) if node.parent_code else None
        return list(reversed(out))

    def full_name(self, code: str) -> str:
        """"山东省青岛市即墨区"; 市辖区 placeholders are skipped."""
        return "".join(d.name for d in self.path(code) if d.name != "市辖区")

    def children(self, code: str) -> list[Division]:
        return [d for d in self._by_code.values() if d.parent_code == code]


def read_divisions(folder: Path, *, include_townships: bool = True) -> Divisions:
    items: list[Division] = []
    for filename, parent_col in _FILES:
        if filename == "streets.csv" and not include_townships:
            continue
        with (folder / filename).open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                items.append(
                    Division(
                        code=row["code"].strip(),
                        name=row["name"].strip(),
                        parent_code=(row[parent_col].strip() if parent_col else ""),
                    )
                )
    return Divisions(items)


@lru_cache(maxsize=4)
def _load(folder: str, include_townships: bool) -> Divisions:
    return read_divisions(Path(folder), include_townships=include_townships)


def load_divisions(*, include_townships: bool = False) -> Divisions:
    """Divisions from the configured data folder (cached). Townships are opt-in (≈40,000 rows)."""
    folder = data_dir() / FOLDER
    if not folder.is_dir():
        raise DataDirError(f"Division codes not found: {folder} (check LIANZHAO_DATA_DIR)")
    return _load(str(folder), include_townships)
