from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from lianzhao.accounts.choices import Role
from lianzhao.accounts.models import Department, User
from lianzhao.core.units import MAX_YI
from lianzhao.industries.models import ChainNode, Industry
from lianzhao.projects import evidence
from lianzhao.projects.choices import (
    EVIDENCE_FIELDS,
    MANUAL_EVENT_KINDS,
    PLANNED_DATE_FIELD,
    STAGE_SPECS,
    EventKind,
    FundsSource,
    InvestmentChangeKind,
    ProjectStage,
)
from lianzhao.projects.duplicates import NAME_THRESHOLD, find_duplicate_candidates
from lianzhao.projects.files import ALLOWED_LABEL, MAX_UPLOAD_BYTES
from lianzhao.projects.form_fields import (
    EnterpriseNameField,
    chain_node_choices,
    chain_node_trigger,
    limit_ledger_choices,
    retired_choice_errors,
)
from lianzhao.projects.models import InvestmentProject
from lianzhao.projects.services import EDITABLE_FIELDS, LEDGER_FIELDS

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
VERSION_MISSING = _("页面缺少版本号，无法确认您修改的是最新数据：请刷新页面后重新填写。")


def require_version(form: forms.ModelForm) -> None:
    """An edit must say which version of the project it was made from (the hidden ``version``), so
    a save from an old page is refused (409) instead of silently overwriting a later one."""
    if form.instance.pk and form.cleaned_data.get("version") is None:
        form.add_error(None, forms.ValidationError(VERSION_MISSING, code="no_version"))
FILE_HELP = format_lazy(_("{types}，不超过 {mb} MB"), types=ALLOWED_LABEL, mb=MAX_UPLOAD_BYTES // 1024 // 1024)


class InvestmentProjectForm(forms.ModelForm):
    """Create/edit a project's descriptive fields. Stage moves use :class:`StageChangeForm`.
    Responsible officers are offered from the user's own department (officers) — the model refuses
    an officer of another department than the project's (:meth:`InvestmentProject.clean`)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    new_investor = forms.BooleanField(
        label=_("企业库中没有该企业：按所填名称在企业库新建"), required=False,
        help_text=_("保存项目时一并新建企业（可稍后在企业库补充统一社会信用代码等信息）。"))

    class Meta:
        model = InvestmentProject
        fields = list(EDITABLE_FIELDS)
        field_classes = {"investor": EnterpriseNameField}
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "amount": {"invalid": _("计划投资额须为数字（单位：亿元），如 12.5。")},
            "name": {"required": _("请填写项目名称。")},
            "industry": {"required": _("请选择所属产业。")},
            "department": {"invalid_choice": _("所选部门无效：招商专员只能选择本部门。")},
            "origin_division": {"max_length": _("来源地区划代码应为 2 位（省）、4 位（市）或 6 位（区县）数字，如 44、4403。")},
            "investor": {"invalid_choice": _("企业库中没有“%(value)s”：请从提示中选择企业全称，或勾选下方“按所填名称在企业库新建”。")},
        }

    #: How the form is laid out: (legend, field names); fields a form lacks are skipped.
    FIELDSETS = (
        (_("基本信息"), ("name", "investor", "new_investor", "industry", "chain_node", "amount", "method",
                       "referrer", "source", "department", "officer")),
        (_("台账信息"), LEDGER_FIELDS),
        (_("计划节点（可留空，登记后也可在项目页填写）"), tuple(PLANNED_DATE_FIELD.values())),
        (_("备注"), ("notes", "confirm_duplicate")),
    )

    def __init__(self, *args, user=None, versioned: bool = False, **kwargs):
        """``versioned``: the edit page's form, which must carry the version it was drawn from."""
        super().__init__(*args, **kwargs)
        self.user = user
        self.versioned = versioned
        self.new_investor_name = ""
        self.fields["industry"].queryset = Industry.objects.all()
        self.fields["industry"].widget.attrs.update(chain_node_trigger())
        self.fields["chain_node"].queryset = ChainNode.objects.select_related("industry")
        self.fields["chain_node"].choices = chain_node_choices(self._chosen_industry())
        limit_ledger_choices(self)
        officers = User.objects.filter(role=Role.OFFICER, is_active=True).order_by("department", "username")
        self.fields["officer"].queryset = officers
        self.fields["department"].queryset = Department.objects.all()
        if user is not None and user.role == Role.OFFICER and not user.is_superuser:
            self.fields["department"].queryset = Department.objects.filter(pk=user.department_id)
            self.fields["department"].initial = user.department_id
            self.fields["officer"].queryset = officers.filter(department=user.department_id)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.initial["investor"] = self.instance.investor
        else:
            # The officer who registers a project answers for it unless they name someone else.
            if user is not None and user.role == Role.OFFICER and not user.is_superuser:
                self.fields["officer"].initial = user.pk
            for name in PLANNED_DATE_FIELD.values():
                self.fields[name] = InvestmentProject._meta.get_field(name).formfield(widget=DATE_WIDGET)
            self.fields["confirm_duplicate"] = forms.BooleanField(
                label=_("仍然创建（已核对，上述疑似重复项目与本项目不是同一项目）"), required=False)
        self.duplicate_candidates = []

    def _chosen_industry(self):
        """The industry the chain nodes follow: the one posted, else the project's."""
        if self.is_bound:
            value = self.data.get(self.add_prefix("industry"))
            return int(value) if value and str(value).isdigit() else None
        return self.instance.industry_id if self.instance.pk else self.initial.get("industry")

    def fieldsets(self) -> list[dict]:
        """For the template: each legend with its bound fields."""
        return [{"legend": legend, "fields": [self[name] for name in names if name in self.fields]}
                for legend, names in self.FIELDSETS]

    def planned(self) -> dict:
        """The milestone plan entered at registration (field → date or None)."""
        return {name: self.cleaned_data.get(name) for name in PLANNED_DATE_FIELD.values() if name in self.fields}

    def _clean_fields(self):
        super()._clean_fields()
        # A name not in the registry, with "新建" ticked: the company is created with the project.
        if "investor" in self._errors and self.data.get(self.add_prefix("new_investor")):
            text = (self.data.get(self.add_prefix("investor")) or "").strip()
            if text and self._errors["investor"].as_data()[0].code == "invalid_choice":
                del self._errors["investor"]
                self.cleaned_data["investor"] = None
                self.new_investor_name = text[:128]

    def clean(self):
        data = super().clean()
        if self.versioned:
            require_version(self)
        retired_choice_errors(self)
        node, industry = data.get("chain_node"), data.get("industry")
        if node and industry and node.industry_id != industry.pk:
            self.add_error("chain_node", _("环节“%(node)s”不属于产业“%(industry)s”。")
                           % {"node": node.name, "industry": industry.name})
        name, investor = data.get("name"), data.get("investor")
        if not name:
            return data
        # A company created with the project has no projects yet: no name can clash.
        if not self.new_investor_name and self.name_taken(name, investor):
            message = (_("投资方“%(investor)s”已有同名项目“%(name)s”，请勿重复登记。") if investor
                       else _("未填投资方的项目中已有同名项目“%(name)s”，请勿重复登记。"))
            self.add_error("name", message % {"investor": investor, "name": name})
        elif not self.instance.pk and not self.errors:
            self._warn_duplicates(name, investor, industry)
        return data

    def name_taken(self, name, investor) -> bool:
        """Whether another project (merged ones included) has this investor and name. The Excel
        import overrides this and :meth:`find_duplicates` with lookups made once per file."""
        clash = InvestmentProject.all_objects.filter(name=name, investor=investor)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        return clash.exists()

    def find_duplicates(self, name, investor, industry) -> list:
        return find_duplicate_candidates(name=name, investor=investor, industry=industry)

    def _warn_duplicates(self, name, investor, industry) -> None:
        # 一个项目一个身份: show likely duplicates and ask for an explicit "仍然创建".
        self.duplicate_candidates = self.find_duplicates(name, investor, industry)
        if self.duplicate_candidates and not self.cleaned_data.get("confirm_duplicate"):
            self.add_error("confirm_duplicate", _(
                "发现 %(count)s 个疑似重复的项目（名称相似度 ≥ %(threshold)s），请先核对；确认不是同一项目后"
                "勾选“仍然创建”再保存。同一项目的增资、重新签约请在原项目上登记。")
                % {"count": len(self.duplicate_candidates), "threshold": NAME_THRESHOLD})

    def validate_unique(self):
        # Uniqueness is checked in clean() with a clearer message naming the investor.
        pass


class StageChoiceField(forms.ChoiceField):
    """Offers the moves open to the project as the page drew it, but accepts any stage: when the
    project has moved since (a second identical submit, another user), the service answers with
    what happened ("项目阶段已变为…，请刷新") instead of Django's "选择一个有效的选项"."""

    def valid_value(self, value) -> bool:
        return value in ProjectStage.values


class StageChangeForm(forms.Form):
    """Move a project to its next stage, with the evidence each stage records
    (:data:`~lianzhao.projects.choices.STAGE_SPECS`); the service decides which are required for
    the target stage and reports missing ones at their field."""

    to_stage = StageChoiceField(label=_("变更为"), choices=ProjectStage.choices)
    from_stage = forms.CharField(widget=forms.HiddenInput, required=False)
    on = forms.DateField(label=_("日期"), widget=DATE_WIDGET)
    evidence_file = forms.FileField(label=_("佐证材料"), required=False, help_text=FILE_HELP)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, project: InvestmentProject, **kwargs):
        super().__init__(*args, **kwargs)
        for field in EVIDENCE_FIELDS:
            self.fields[field.name] = evidence.formfield(field)
        self.project = project
        moves = project.allowed_moves()
        self.fields["to_stage"].choices = [(s, ProjectStage(s).label) for s in moves]
        if moves:
            self.fields["to_stage"].initial = moves[0]
        self.fields["on"].initial = timezone.localdate()
        self.fields["from_stage"].initial = project.stage

    def evidence(self) -> dict:
        return {f.name: self.cleaned_data.get(f.name) for f in EVIDENCE_FIELDS}

    def evidence_groups(self) -> list[dict]:
        """For the template: each stage with evidence, its spec and its bound fields."""
        return [{"spec": spec, "fields": [self[f.name] for f in spec.evidence]}
                for spec in STAGE_SPECS.values() if spec.evidence]


class ProjectEventForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=[c for c in EventKind.choices if c[0] in MANUAL_EVENT_KINDS])
    occurred_on = forms.DateField(label=_("日期"), widget=DATE_WIDGET)
    text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate()


class StageEvidenceForm(forms.Form):
    """The text evidence the project lacks for the stages it has reached (佐证待补), to fill in; each
    field says its stage."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, data=None, *, project):
        super().__init__(data, initial={"version": project.version})
        for name in evidence.gaps(project):
            stage, spec = evidence.TEXT_EVIDENCE[name]
            self.fields[name] = evidence.formfield(spec)
            self.fields[name].help_text = format_lazy(_("{stage}佐证"), stage=stage.label)

    def values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class ProjectPlanForm(forms.ModelForm):
    """The milestone plan: a planned date for each stage after 线索 (all optional)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = InvestmentProject
        fields = list(PLANNED_DATE_FIELD.values())
        widgets = {field: DATE_WIDGET for field in PLANNED_DATE_FIELD.values()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version

    def clean(self):
        data = super().clean()
        require_version(self)
        return data

    def validate_unique(self):
        pass  # only dates change here; the service checks them


class InvestmentChangeForm(forms.Form):
    """A capital increase, upgrade, re-signing or reduction of a signed project."""

    kind = forms.ChoiceField(label=_("变更类型"), choices=InvestmentChangeKind.choices)
    on = forms.DateField(label=_("日期"), widget=DATE_WIDGET)
    amount = forms.DecimalField(
        label=_("金额（亿元）"), required=False, min_value=0, max_digits=12, decimal_places=2,
        help_text=_("增资、技改升级填新增额，减资填减少额（均填正数）；重新签约不填（按 0 计，不重复统计）。"),
        error_messages={"invalid": _("金额须为数字（单位：亿元）。"), "min_value": _("金额请填正数；减资也填正数。")})
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class ProjectFileForm(forms.Form):
    file = forms.FileField(label=_("文件"), help_text=FILE_HELP,
                           error_messages={"required": _("请选择要上传的文件。")})
    stage = forms.ChoiceField(label=_("所属阶段"), required=False,
                              choices=[("", _("（不指定）")), *ProjectStage.choices])


class ProjectMergeForm(forms.Form):
    """Merge this project (the duplicate) into another one, named by its 编号."""

    keep = forms.IntegerField(label=_("保留的项目编号"), min_value=1,
                              error_messages={"required": _("请填写要保留的项目编号。"),
                                              "invalid": _("项目编号须为数字。")})
    confirm = forms.BooleanField(label=_("确认合并：本项目的动态、材料和投资变更移入保留的项目，本项目不再单独统计"),
                                 error_messages={"required": _("请勾选确认合并。")})
    note = forms.CharField(label=_("说明"), required=False, max_length=200)


class FundsInPlaceForm(forms.Form):
    """Money that arrived for a project (实际到位资金), with its evidence."""

    on = forms.DateField(label=_("到位日期"), widget=DATE_WIDGET)
    amount = forms.DecimalField(
        label=_("到位金额（亿元）"), min_value=Decimal("0.01"), max_value=MAX_YI, max_digits=12, decimal_places=2,
        error_messages={"invalid": _("到位金额须为数字（单位：亿元），如 1.5。"),
                        "min_value": _("到位金额须为正数（单位：亿元）。"),
                        "max_value": _("到位金额超过 %(limit_value)s 亿元，请检查单位（亿元）。"),
                        "required": _("请填写到位金额（亿元）。")})
    source = forms.ChoiceField(label=_("资金来源"), choices=FundsSource.choices)
    evidence_file = forms.FileField(label=_("佐证材料"), required=False, help_text=format_lazy(
        _("银行进账单、验资报告等；{types}"), types=FILE_HELP))
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
