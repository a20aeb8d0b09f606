"""GB/T 4754-2017 国民经济行业分类 (industrial classification) reader.

Reads ``gbt4754_2017/derived/gbt4754_2017_flat.csv`` from the reference data folder: one row per
code with its level (1 门类, 2 大类, 3 中类, 4 小类), name, parent and 说明.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lianzhao.paths import DataDirError, data_dir

RELATIVE_PATH = Path("gbt4754_2017") / "derived" / "gbt4754_2017_flat.csv"
LEVEL_NAMES = {1: "门类", 2: "大类", 3: "中类", 4: "小类"}


@dataclass(frozen=True)
class IndustryClass:
    """One GB/T 4754-2017 code: 门类 letter, 大类 2 digits, 中类 3 digits or 小类 4 digits."""

    code: str
    name: str
    level: int
    parent_code: str
    description: str

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES[self.level]


class Classification:
    """The whole classification, indexed by code."""

    def __init__(self, classes: list[IndustryClass]):
        self._by_code = {c.code: c for c in classes}

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code.strip().upper() in self._by_code

    def __len__(self) -> int:
        return len(self._by_code)

    def get(self, code: str) -> IndustryClass | None:
        return self._by_code.get(code.strip().upper())

    def classes(self, level: int | None = None) -> list[IndustryClass]:
        return [c for c in self._by_code.values() if level is None or c.level == level]

    def ancestors(self, code: str) -> list[IndustryClass]:
        """The chain from the 门类 down to the parent of ``code`` (empty for unknown codes)."""
        out: list[IndustryClass] = []
        node = self.get(code)
        while node is not None and node.parent_code:
            node = self.get(node.parent_code)
            if node is not None:
                out.append(node)
        return list(reversed(out))

    def label(self, code: str) -> str:
        """"3612 新能源车整车制造" — the code with its name, or the bare code if unknown."""
        c = self.get(code)
        return f"{c.code} {c.name}" if c else code


def read_classification(path: Path) -> Classification:
    """Parse the flat CSV at ``path``."""
    classes = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            classes.append(
                IndustryClass(
                    code=row["code"].strip(),
                    name=row["name"].strip(),
                    level=int(row["level"]),
                    parent_code=(row.get("parent_code") or "").strip(),
                    description=(row.get("description") or "").strip(),
                )
            )
    return Classification(classes)


@lru_cache(maxsize=4)
def _load(path: str) -> Classification:
    return read_classification(Path(path))


def load_classification() -> Classification:
    """The classification from the configured data folder (cached per path)."""
    path = data_dir() / RELATIVE_PATH
    if not path.is_file():
        raise DataDirError(f"GB/T 4754-2017 file not found: {path} (check LIANZHAO_DATA_DIR)")
    return _load(str(path))
