"""Validators shared by several apps: GB/T 4754-2017 codes and the GB 32100-2015 USCC."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from lianzhao.core.units import MAX_WAN_USD, MAX_YI
from lianzhao.paths import DataDirError
from lianzhao.refdata.divisions import load_divisions
from lianzhao.refdata.gbt4754 import load_classification
from lianzhao.refdata.uscc import uscc_error


def _reference(load, message, code: str):
    """The reference table ``load()`` reads from the data folder; a missing folder or file is a
    ValidationError (``message`` with the reason), so a form says why it cannot check the value."""
    try:
        return load()
    except DataDirError as exc:
        raise ValidationError(message, code=code, params={"error": exc}) from exc


def validate_gbt_code(value: str) -> None:
    """The code must exist in GB/T 4754-2017 (any level; chain nodes use 4-digit 小类)."""
    classification = _reference(load_classification, _("无法校验国民经济行业分类代码：%(error)s"), "gbt_unavailable")
    if value not in classification:
        raise ValidationError(
            _("国民经济行业分类代码 %(code)s 不存在（GB/T 4754-2017）。"), code="gbt_unknown",
            params={"code": value},
        )


def validate_origin_division(value: str) -> None:
    """Where a domestic investor comes from: a province (2 digits), city (4) or county (6) that exists
    in the statistical division codes (统计用区划代码) of the reference data folder."""
    if not (value.isdigit() and len(value) in (2, 4, 6)):
        raise ValidationError(_("来源地区划代码应为 2 位（省）、4 位（市）或 6 位（区县）数字，如 44、4403。"),
                              code="division_format")
    divisions = _reference(load_divisions, _("无法校验区划代码：%(error)s"), "divisions_unavailable")
    if value not in divisions:
        raise ValidationError(_("区划代码 %(code)s 不存在（统计用区划代码）。"), code="division_unknown",
                              params={"code": value})


def validate_gbt_codes(values) -> None:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValidationError(_("行业代码应为代码列表。"), code="gbt_list")
    for v in values:
        validate_gbt_code(v)


def validate_word_list(values) -> None:
    """A list of words (a chain node's keywords or exclusion words): a plain string would be read
    character by character."""
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise ValidationError(_("应为词语列表，如 [\"液碱\", \"阻隔\"]，且不能有空词。"), code="word_list")


def validate_uscc(value: str) -> None:
    """统一社会信用代码: 18 characters with a valid GB 32100-2015 check digit."""
    problem = uscc_error(value)
    if problem:
        raise ValidationError(problem, code="uscc_invalid")


def amount_validators(unit: str = "亿元", negative=None) -> list:
    """Model-field validators of an amount in ``unit`` (亿元 or 万美元): not negative and not absurd
    (:data:`~lianzhao.core.units.MAX_YI`, :data:`~lianzhao.core.units.MAX_WAN_USD`). Django's decimal
    fields already refuse NaN and infinity. ``negative``: the message for a negative value, when the
    field's own name should be in it."""
    if unit == "万美元":
        too_large = MaxValueValidator(MAX_WAN_USD, _("超过 %(limit_value)s 万美元，请检查单位（万美元）。"))
    else:
        too_large = MaxValueValidator(MAX_YI, _("超过 %(limit_value)s 亿元，请检查单位（亿元）。"))
    return [MinValueValidator(0, negative or _("不能为负数。")), too_large]


#: The earliest date the pipeline records: earlier dates are typing slips (1925 for 2025).
EARLIEST_DATE = dt.date(2000, 1, 1)

validate_not_before_2000 = MinValueValidator(EARLIEST_DATE, _("日期不能早于 2000-01-01。"))
