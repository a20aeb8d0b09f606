from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianzhao.core.forms import ModelMultipleChoiceField
from lianzhao.enterprises.models import Enterprise
from lianzhao.enterprises.rows import parse_products
from lianzhao.enterprises.rules import csrc_error, region_error
from lianzhao.enterprises.services import EDITABLE_FIELDS, product_list
from lianzhao.industries.models import ChainNode
from lianzhao.paths import DataDirError
from lianzhao.refdata.divisions import load_divisions
from lianzhao.refdata.gbt4754 import load_classification


class EnterpriseForm(forms.ModelForm):
    products = forms.CharField(
        label=gettext_lazy("主营产品"), required=False, max_length=2000,
        help_text=gettext_lazy("以顿号分隔，可在括号中注明营收占比，如“锂电池隔膜（62%）、涂覆隔膜”"))

    class Meta:
        model = Enterprise
        fields = [f for f in EDITABLE_FIELDS if f != "products"]
        field_classes = {"chain_nodes": ModelMultipleChoiceField}
        error_messages = {"chain_nodes": {"invalid_pk_value": gettext_lazy("没有编号为 %(pk)s 的产业链环节。")}}
        widgets = {"note": forms.Textarea(attrs={"rows": 3}), "founded_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chain_nodes"].queryset = ChainNode.objects.select_related("industry")
        self.fields["chain_nodes"].widget.attrs["size"] = 10
        if self.instance.pk and not self.is_bound:
            self.initial["products"] = "、".join(product_list(self.instance))
        self.order_fields([*(f for f in EDITABLE_FIELDS if f != "note"), "note"])

    def clean_uscc(self):
        return (self.cleaned_data.get("uscc") or "").strip().upper() or None

    def clean_region_code(self):
        code = (self.cleaned_data.get("region_code") or "").strip()
        if not code:
            return code
        try:
            divisions = load_divisions(include_townships=len(code) == 9)
        except DataDirError as exc:
            raise forms.ValidationError(_("无法校验区划代码：%(error)s") % {"error": exc}) from exc
        problem = region_error(code, divisions)
        if problem:
            raise forms.ValidationError(problem)
        return code

    def clean_csrc_code(self):
        code = (self.cleaned_data.get("csrc_code") or "").strip().upper()
        if code and (problem := csrc_error(code, load_classification())):
            raise forms.ValidationError(problem)
        return code

    def clean_stock_code(self):
        return (self.cleaned_data.get("stock_code") or "").strip().upper()

    def clean_products(self):
        products, problem = parse_products(self.cleaned_data.get("products") or "")
        if problem:
            raise forms.ValidationError(problem)
        return products


class EnterpriseImportForm(forms.Form):
    """The upload field of the registry import page."""

    file = forms.FileField(label=gettext_lazy("Excel（.xlsx）或 CSV 文件"),
                           error_messages={"required": gettext_lazy("请选择要导入的文件。")})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("请上传 .xlsx 或 .csv 文件（可先下载导入模板）。"))
        return upload
