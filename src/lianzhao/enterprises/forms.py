from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianzhao.core.forms import ModelMultipleChoiceField
from lianzhao.enterprises.models import Enterprise
from lianzhao.enterprises.services import EDITABLE_FIELDS
from lianzhao.industries.models import ChainNode
from lianzhao.paths import DataDirError
from lianzhao.refdata.divisions import load_divisions


class EnterpriseForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = list(EDITABLE_FIELDS)
        field_classes = {"chain_nodes": ModelMultipleChoiceField}
        error_messages = {"chain_nodes": {"invalid_pk_value": gettext_lazy("没有编号为 %(pk)s 的产业链环节。")}}
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chain_nodes"].queryset = ChainNode.objects.select_related("industry")
        self.fields["chain_nodes"].widget.attrs["size"] = 10

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
        if code not in divisions:
            raise forms.ValidationError(_("区划代码 %(code)s 不存在（统计用区划代码）。") % {"code": code})
        return code
