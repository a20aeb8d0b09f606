"""Forms of the target pages: the candidate filters, a lead's department/officer/method, the weights."""

from __future__ import annotations

import json
import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianzhao.accounts import permissions
from lianzhao.accounts.choices import Role
from lianzhao.accounts.models import Department, User
from lianzhao.econ.targets import PARTS
from lianzhao.enterprises.choices import EnterpriseScale
from lianzhao.paths import DataDirError
from lianzhao.projects.choices import AttractionMethod
from lianzhao.refdata.divisions import load_divisions
from lianzhao.targets.candidates import Filters
from lianzhao.targets.models import TargetWeightsSetting

LISTED_CHOICES = [("", gettext_lazy("全部")), ("yes", gettext_lazy("上市公司")), ("no", gettext_lazy("非上市"))]
MATCH_CHOICES = [("", gettext_lazy("全部")), ("product", gettext_lazy("主营产品相符")), ("industry", gettext_lazy("仅行业相同"))]


def province_choices() -> list[tuple[str, str]]:
    try:
        divisions = load_divisions()
    except DataDirError:
        return []
    return [(code, divisions.get(code).name) for code in (f"{n:02d}" for n in range(10, 100)) if code in divisions]


class CandidateFilterForm(forms.Form):
    province = forms.ChoiceField(label=gettext_lazy("省份"), required=False)
    listed = forms.ChoiceField(label=gettext_lazy("上市"), required=False, choices=LISTED_CHOICES)
    scale = forms.ChoiceField(label=gettext_lazy("规模"), required=False,
                              choices=[("", gettext_lazy("全部")), *EnterpriseScale.choices])
    match = forms.ChoiceField(label=gettext_lazy("匹配"), required=False, choices=MATCH_CHOICES)
    limit = forms.IntegerField(label=gettext_lazy("显示前"), required=False, min_value=1, max_value=500, initial=50)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [("", _("全部")), *province_choices()]

    def filters(self) -> Filters:
        data = self.cleaned_data if self.is_valid() else {}
        listed = {"yes": True, "no": False}.get(data.get("listed") or "")
        return Filters(province=data.get("province") or "", listed=listed, scale=data.get("scale") or "",
                       match=data.get("match") or "")

    def row_limit(self) -> int:
        return (self.cleaned_data.get("limit") if self.is_valid() else None) or 50


def _words(text: str) -> list[str]:
    """Words separated by 顿号, commas, semicolons or new lines (not spaces: "Mini LED" is one word)."""
    out: list[str] = []
    for word in re.split(r"[、，,；;\n\r]+", text or ""):
        word = word.strip()
        if word and word not in out:
            out.append(word)
    return out


class NodeWordsForm(forms.Form):
    """A chain node's keywords and exclusion words, edited on its candidate list."""

    MAX_WORDS, MAX_LENGTH = 12, 30
    keywords = forms.CharField(label=gettext_lazy("关键词"), required=False, max_length=600,
                               help_text=gettext_lazy("本环节的产品名，以顿号或逗号分隔"))
    exclude_keywords = forms.CharField(label=gettext_lazy("排除词"), required=False, max_length=600,
                                       help_text=gettext_lazy("主营产品含这些词时不算本环节的产品，如隔膜环节的 液碱、阻隔"))
    was = forms.CharField(widget=forms.HiddenInput, required=False)

    @classmethod
    def for_node(cls, node, data=None):
        return cls(data, initial={"keywords": "、".join(node.keywords or []),
                                  "exclude_keywords": "、".join(node.exclude_keywords or []),
                                  "was": json.dumps([node.keywords or [], node.exclude_keywords or []],
                                                    ensure_ascii=False)})

    def _clean_words(self, name: str) -> list[str]:
        words = _words(self.cleaned_data.get(name) or "")
        if len(words) > self.MAX_WORDS:
            raise forms.ValidationError(_("最多 %(n)s 个词。") % {"n": self.MAX_WORDS})
        long = [w for w in words if len(w) > self.MAX_LENGTH]
        if long:
            raise forms.ValidationError(_("“%(word)s”太长：每个词最多 %(n)s 个字。") % {"word": long[0], "n": self.MAX_LENGTH})
        return words

    def clean_keywords(self):
        return self._clean_words("keywords")

    def clean_exclude_keywords(self):
        return self._clean_words("exclude_keywords")

    def clean_was(self):
        try:
            was = json.loads(self.cleaned_data.get("was") or "null")
        except ValueError:
            return None
        return (was[0], was[1]) if isinstance(was, list) and len(was) == 2 else None


class LeadForm(forms.Form):
    """Department, officer and attraction method of a lead generated from a candidate."""

    enterprise = forms.IntegerField(widget=forms.HiddenInput)
    department = forms.ModelChoiceField(label=gettext_lazy("责任部门"), queryset=Department.objects.none())
    officer = forms.ModelChoiceField(label=gettext_lazy("责任人"), queryset=User.objects.none(), required=False)
    method = forms.ChoiceField(label=gettext_lazy("招商方式"), choices=AttractionMethod.choices)
    confirm = forms.BooleanField(label=gettext_lazy("该企业已有项目，仍然生成"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.order_by("code")
        if permissions.role_of(user) != Role.ADMIN:
            departments = departments.filter(pk=user.department_id)
        self.fields["department"].queryset = departments
        self.fields["officer"].queryset = User.objects.filter(role=Role.OFFICER, is_active=True,
                                                              department__in=departments).order_by("username")
        if user.department_id and not self.is_bound:
            self.initial.setdefault("department", user.department_id)
            if permissions.role_of(user) == Role.OFFICER:
                self.initial.setdefault("officer", user.pk)

    def clean(self):
        data = super().clean()
        officer, department = data.get("officer"), data.get("department")
        if officer and department and officer.department_id != department.pk:
            self.add_error("officer", _("责任人须为责任部门（%(department)s）的招商专员。") % {"department": department})
        return data


def _weight_label(key: str):
    """The part's name in the reader's language (the setting's verbose name)."""
    return TargetWeightsSetting._meta.get_field(key).verbose_name


class WeightsForm(forms.Form):
    product = forms.FloatField(label=_weight_label("product"), min_value=0)
    industry = forms.FloatField(label=_weight_label("industry"), min_value=0)
    supply = forms.FloatField(label=_weight_label("supply"), min_value=0)
    scale = forms.FloatField(label=_weight_label("scale"), min_value=0)
    region = forms.FloatField(label=_weight_label("region"), min_value=0)
    preferred_regions = forms.CharField(
        label=gettext_lazy("优先区域"), required=False, max_length=500,
        help_text=gettext_lazy("区划代码，以逗号或空格分隔，如 32, 3205；留空则按与本区同市、同省计"))

    def clean_preferred_regions(self):
        text = self.cleaned_data.get("preferred_regions") or ""
        codes = [c for c in text.replace("，", ",").replace(",", " ").split() if c]
        try:
            divisions = load_divisions()
        except DataDirError:
            divisions = None
        for code in codes:
            if not code.isdigit() or len(code) not in (2, 4, 6) or (divisions is not None and code not in divisions):
                raise forms.ValidationError(_("区划代码 %(code)s 不存在或不是省、市、区县代码。") % {"code": code})
        return codes

    def clean(self):
        data = super().clean()
        if all(k in data for k in PARTS) and not any(data[k] for k in PARTS):
            raise forms.ValidationError(_("权重不能全部为 0：至少一项须大于 0。"))
        return data

    @staticmethod
    def initial_from(setting) -> dict:
        return {**{k: getattr(setting, k) for k in PARTS},
                "preferred_regions": ", ".join(setting.preferred_regions or [])}


def weights_json(setting) -> str:
    return json.dumps(setting.weights().as_dict(), ensure_ascii=False)
