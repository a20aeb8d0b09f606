"""Validators shared by several apps: GB/T 4754-2017 codes and the GB 32100-2015 USCC."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lianzhao.paths import DataDirError
from lianzhao.refdata.gbt4754 import load_classification
from lianzhao.refdata.uscc import uscc_error


def validate_gbt_code(value: str) -> None:
    """The code must exist in GB/T 4754-2017 (any level; chain nodes use 4-digit 小类)."""
    try:
        classification = load_classification()
    except DataDirError as exc:
        raise ValidationError(_("无法校验国民经济行业分类代码：%(error)s"), code="gbt_unavailable",
                              params={"error": exc}) from exc
    if value not in classification:
        raise ValidationError(
            _("国民经济行业分类代码 %(code)s 不存在（GB/T 4754-2017）。"), code="gbt_unknown",
            params={"code": value},
        )


def validate_gbt_codes(values) -> None:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValidationError(_("行业代码应为代码列表。"), code="gbt_list")
    for v in values:
        validate_gbt_code(v)


def validate_uscc(value: str) -> None:
    """统一社会信用代码: 18 characters with a valid GB 32100-2015 check digit."""
    problem = uscc_error(value)
    if problem:
        raise ValidationError(problem, code="uscc_invalid")
