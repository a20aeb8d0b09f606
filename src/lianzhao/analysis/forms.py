from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from lianzhao.analysis.choices import Measure
from lianzhao.analysis.models import AnalysisSettings, ProjectImpactInput
from lianzhao.econ import concordance

MAX_UPLOAD = 5 * 1024 * 1024


class AnalysisSettingsForm(forms.ModelForm):
    class Meta:
        model = AnalysisSettings
        fields = ["table_year", "table_sectors", "method", "delta", "thresholds"]
        widgets = {"thresholds": forms.Textarea(attrs={"rows": 3})}


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
