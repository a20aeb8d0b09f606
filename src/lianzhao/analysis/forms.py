"""Forms of the analysis pages: settings field by field, the regional base import, an analyst's what-if
scenario, node shares, hybrid-table overrides and a project's impact assumptions."""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from lianzhao.analysis.choices import Measure, NodeShareRule, OverrideKind, RegionalizationMethod
from lianzhao.analysis.models import AnalysisSettings, CoefficientOverride, ProjectImpactInput
from lianzhao.econ import concordance
from lianzhao.econ.hybrid import default_non_tradables
from lianzhao.industries.models import ChainNode

MAX_UPLOAD = 5 * 1024 * 1024


def parse_codes(text: str) -> list[str]:
    """``"104, 110 114"`` → ``["104", "110", "114"]`` (commas, 、 or spaces between codes)."""
    return [c for c in re.split(r"[\s,，、;；]+", (text or "").strip()) if c]


def parse_pairs(text: str) -> dict[str, str]:
    """``"087=0.30, 084=0.06"`` → ``{"087": "0.30", "084": "0.06"}``; ValidationError naming a bad part."""
    out = {}
    for part in re.split(r"[\s,，、;；]+", (text or "").strip()):
        if not part:
            continue
        code, sep, value = part.partition("=")
        if not sep or not code or not value:
            raise forms.ValidationError(_("“%(part)s”不是“部门代码=数值”的形式。") % {"part": part[:40]})
        if code in out:
            raise forms.ValidationError(_("部门代码 %(code)s 重复。") % {"code": code})
        out[code] = value
    return out


def pairs_text(mapping: dict) -> str:
    return ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in mapping.items())


def parse_fraction(code: str, value: str, *, upper: float, inclusive: bool) -> float:
    try:
        number = float(Decimal(value))
    except (InvalidOperation, ValueError):
        raise forms.ValidationError(_("部门 %(code)s 的数值“%(value)s”不是数字。") % {"code": code, "value": value[:20]}) from None
    if not (math.isfinite(number) and 0 <= number and (number <= upper if inclusive else number < upper)):
        raise forms.ValidationError(_("部门 %(code)s 的数值 %(value)s 超出范围（0 到 %(upper)s）。")
                                    % {"code": code, "value": value[:20], "upper": upper})
    return number


class AnalysisSettingsForm(forms.ModelForm):
    """The analysis settings, field by field: choices, bounded decimals, a yes/no, and two lists typed
    as text (sector codes; code=δ pairs) checked against the chosen table's sectors."""

    non_tradables = forms.CharField(
        label=_("本地供给部门（不可贸易）"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("部门代码，以逗号或空格分隔；这些部门的产品视为全部在区内采购。留空则不设。"))
    sector_delta = forms.CharField(
        label=_("分部门 δ（SFLQ）"), required=False, max_length=2000,
        help_text=_("如“079=0.2, 087=0.25”：这些购买部门的列用各自的 δ，其余用上面的 δ。"))

    class Meta:
        model = AnalysisSettings
        fields = ["table_year", "table_sectors", "method", "delta", "sector_delta", "non_tradables",
                  "node_share_rule", "min_demand", "plant_share", "strengthen_leakage", "extend_linkage",
                  "strong_neighbour_share", "chain_leader_is_strong", "import_substitution_share"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:  # saved settings, or the defaults of a district that has none yet
            self.initial["non_tradables"] = " ".join(self.instance.non_tradables or [])
            self.initial["sector_delta"] = pairs_text(self.instance.sector_delta or {})

    def _codes(self) -> dict[str, str]:
        try:
            sectors = int(self.data.get("table_sectors") or self.instance.table_sectors)
            year = int(self.data.get("table_year") or self.instance.table_year)
            return concordance.sector_names(sectors, year)
        except (ValueError, TypeError, concordance.ConcordanceError):
            return {}

    def clean_non_tradables(self):
        codes = parse_codes(self.cleaned_data.get("non_tradables", ""))
        known = self._codes()
        unknown = [c for c in codes if known and c not in known]
        if unknown:
            raise forms.ValidationError(_("部门代码不存在：%(codes)s。") % {"codes": "、".join(unknown[:10])})
        return list(dict.fromkeys(codes))

    def clean_sector_delta(self):
        pairs = parse_pairs(self.cleaned_data.get("sector_delta", ""))
        known = self._codes()
        unknown = [c for c in pairs if known and c not in known]
        if unknown:
            raise forms.ValidationError(_("部门代码不存在：%(codes)s。") % {"codes": "、".join(unknown[:10])})
        return {code: parse_fraction(code, value, upper=1, inclusive=False) for code, value in pairs.items()}

    def clean(self):
        data = super().clean()
        # Switching the table's classification: a list that is the old default becomes the new default.
        sectors = data.get("table_sectors")
        if sectors and sectors != self.instance.table_sectors:
            old_default = set(default_non_tradables(list(concordance.sector_names(self.instance.table_sectors,
                                                                                  self.instance.table_year))))
            if set(parse_codes(self.data.get("non_tradables", ""))) == old_default:
                data["non_tradables"] = list(default_non_tradables(list(self._codes())))
                self.errors.pop("non_tradables", None)
        return data


class RegionalBaseImportForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=128, help_text=_("如“2024 年规上工业及服务业总产出”"))
    measure = forms.ChoiceField(label=_("指标"), choices=Measure.choices)
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))
    note = forms.CharField(label=_("说明"), required=False, max_length=500)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("文件超过 5 MB，请检查是否上传了正确的文件。"))
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 文件（可先下载模板）。"))
        return upload


class ProjectImpactInputForm(forms.ModelForm):
    class Meta:
        model = ProjectImpactInput
        fields = ["annual_output", "sector_override", "construction_shares", "note"]
        widgets = {"construction_shares": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, table_sectors: int = 153, table_year: int = 2020, **kwargs):
        super().__init__(*args, **kwargs)
        self.sector_names = concordance.sector_names(table_sectors, table_year)

    def clean_sector_override(self):
        code = (self.cleaned_data.get("sector_override") or "").strip()
        if code and code not in self.sector_names:
            raise forms.ValidationError(_("投入产出部门代码 %(code)s 不存在。") % {"code": code})
        return code

    def clean_construction_shares(self):
        shares = self.cleaned_data.get("construction_shares") or {}
        if not isinstance(shares, dict):
            raise forms.ValidationError(_("请填写 {\"部门代码\": 比例} 形式的对象，如 {\"107\": 0.6, \"073\": 0.4}。"))
        unknown = [k for k in shares if k not in self.sector_names]
        if unknown:
            raise forms.ValidationError(_("部门代码不存在：%(codes)s。") % {"codes": "、".join(unknown)})
        try:
            values = [Decimal(str(v)) for v in shares.values()]
        except (InvalidOperation, ValueError, TypeError) as exc:
            raise forms.ValidationError(_("比例须为数字。")) from exc
        if any(isinstance(v, bool) for v in shares.values()) or not all(v.is_finite() for v in values):
            raise forms.ValidationError(_("比例须为数字。"))  # true, NaN, Infinity: JSON lets them through
        if any(v < 0 for v in values):
            raise forms.ValidationError(_("比例不能为负数。"))
        if shares and abs(sum(values) - 1) > Decimal("0.001"):
            raise forms.ValidationError(_("比例之和须为 1，当前为 %(total)s。") % {"total": sum(values)})
        return {k: float(v) for k, v in shares.items()}


class WhatIfForm(forms.Form):
    """An analyst's trial scenario on the gap page (a GET form; nothing is saved). Every field is
    bounded, so any query string gives a form error or a result, never an error page."""

    method = forms.ChoiceField(label=_("区域化方法"), choices=RegionalizationMethod.choices)
    delta = forms.DecimalField(label=_("δ"), min_value=Decimal("0"), max_value=Decimal("0.999"), max_digits=4,
                               decimal_places=3)
    node_share_rule = forms.ChoiceField(label=_("节点份额规则"), choices=NodeShareRule.choices)
    min_demand = forms.DecimalField(label=_("需求门槛下限（亿元）"), min_value=Decimal("0"),
                                    max_value=Decimal("100000"), max_digits=10, decimal_places=2)
    plant_share = forms.DecimalField(label=_("需求门槛（典型企业年产值的倍数）"), min_value=Decimal("0"),
                                     max_value=Decimal("100"), max_digits=5, decimal_places=2)
    strengthen_leakage = forms.DecimalField(label=_("强链外溢比例阈值"), min_value=Decimal("0"), max_value=Decimal("1"),
                                            max_digits=4, decimal_places=3)
    extend_linkage = forms.DecimalField(label=_("延链联系系数阈值"), min_value=Decimal("0"), max_value=Decimal("1"),
                                        max_digits=5, decimal_places=4)
    import_substitution_share = forms.DecimalField(label=_("进口替代候选的进口比例阈值"), min_value=Decimal("0"),
                                                   max_value=Decimal("1"), max_digits=4, decimal_places=3)

    @classmethod
    def initial_from(cls, settings: AnalysisSettings) -> dict:
        return {name: getattr(settings, name) for name in cls.base_fields}


class NodeShareForm(forms.Form):
    """An analyst's share of one IO sector for one chain node, with its source."""

    node = forms.ModelChoiceField(label=_("环节"), queryset=ChainNode.objects.none())
    sector = forms.CharField(label=_("投入产出部门代码"), max_length=8)
    share = forms.DecimalField(label=_("份额（0–1）"), min_value=Decimal("0"), max_value=Decimal("1"), max_digits=5,
                               decimal_places=4)
    source = forms.CharField(label=_("来源/依据"), max_length=255)

    def __init__(self, *args, industry=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = ChainNode.objects.filter(industry=industry).order_by("order", "id")

    def clean_sector(self):
        return self.cleaned_data["sector"].strip()


class CoefficientOverrideForm(forms.ModelForm):
    """A hybrid-table override: a sector's purchases per 元 of output typed as “087=0.30, 084=0.06”,
    or a product's local purchase share; with name, source and date."""

    coefficients = forms.CharField(
        label=_("每元产出的采购（部门代码=系数）"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如“087=0.30, 084=0.06”：该部门每元产出购买这些部门产品（含进口）的金额（元）。"))

    class Meta:
        model = CoefficientOverride
        fields = ["kind", "sector", "coefficients", "rest", "weight", "share", "label", "source", "as_of"]
        widgets = {"source": forms.Textarea(attrs={"rows": 2}), "as_of": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.initial["coefficients"] = pairs_text(self.instance.coefficients or {})

    def clean_sector(self):
        return self.cleaned_data["sector"].strip()

    def clean_coefficients(self):
        pairs = parse_pairs(self.cleaned_data.get("coefficients", ""))
        return {code: parse_fraction(code, value, upper=1, inclusive=False) for code, value in pairs.items()}

    def clean(self):
        data = super().clean()
        if data.get("kind") == OverrideKind.COLUMN and not data.get("coefficients") and "coefficients" not in self.errors:
            self.add_error("coefficients", _("请至少填写一个部门的系数。"))
        if data.get("kind") == OverrideKind.LOCAL_SHARE and data.get("share") is None and "share" not in self.errors:
            self.add_error("share", _("请填写本地采购比例（0 到 1）。"))
        return data
