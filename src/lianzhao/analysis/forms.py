from __future__ import annotations

from decimal import Decimal

from django import forms

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
    name = forms.CharField(label="名称", max_length=128, help_text="如“2024 年规上工业及服务业总产出”")
    measure = forms.ChoiceField(label="指标", choices=Measure.choices)
    file = forms.FileField(label="Excel 文件（.xlsx）")
    note = forms.CharField(label="说明", required=False, max_length=500)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError("文件超过 5 MB，请检查是否上传了正确的文件。")
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("请上传 .xlsx 格式的 Excel 文件（可先下载模板）。")
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
            raise forms.ValidationError(f"投入产出部门代码 {code} 不存在。")
        return code

    def clean_construction_shares(self):
        shares = self.cleaned_data.get("construction_shares") or {}
        if not isinstance(shares, dict):
            raise forms.ValidationError("请填写 {\"部门代码\": 比例} 形式的对象，如 {\"107\": 0.6, \"073\": 0.4}。")
        unknown = [k for k in shares if k not in self.sector_names]
        if unknown:
            raise forms.ValidationError(f"部门代码不存在：{'、'.join(unknown)}。")
        try:
            values = [Decimal(str(v)) for v in shares.values()]
        except Exception as exc:
            raise forms.ValidationError("比例须为数字。") from exc
        if any(v < 0 for v in values):
            raise forms.ValidationError("比例不能为负数。")
        if shares and abs(sum(values) - 1) > Decimal("0.001"):
            raise forms.ValidationError(f"比例之和须为 1，当前为 {sum(values)}。")
        return {k: float(v) for k, v in shares.items()}
