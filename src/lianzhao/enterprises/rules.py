"""The checks of a company's codes against the reference data, written once for the enterprise form
and the importer (which checks a million rows and cannot afford a form per row)."""

from __future__ import annotations

import re

from lianzhao.refdata.divisions import Divisions
from lianzhao.refdata.gbt4754 import Classification

_CSRC = re.compile(r"^[A-T]\d{2}$")


def region_error(code: str, divisions: Divisions) -> str | None:
    """None when ``code`` is a statistical division code (province 2, city 4, county 6 or township 9
    digits) that exists; else the reason. ``divisions`` must include townships for 9-digit codes."""
    if not (code.isdigit() and len(code) in (2, 4, 6, 9)):
        return f"区划代码“{code}”应为 2、4、6 或 9 位数字。"
    if code not in divisions:
        return f"区划代码 {code} 不存在（统计用区划代码）。"
    return None


def csrc_error(code: str, classification: Classification) -> str | None:
    """None when ``code`` is a CSRC industry code: a 门类 letter and a GB/T 大类 of that 门类 (C38)."""
    if not _CSRC.match(code):
        return f"证监会行业代码“{code}”应为门类字母加两位数字，如 C38。"
    division = classification.get(code[1:])
    if division is None or division.parent_code != code[0]:
        return f"证监会行业代码 {code} 不存在（{code[0]} 门类下没有大类 {code[1:]}）。"
    return None
