from __future__ import annotations

from django import forms
from django.utils import timezone

from lianzhao.accounts.choices import Role
from lianzhao.accounts.models import Department, User
from lianzhao.enterprises.models import Enterprise
from lianzhao.industries.models import ChainNode, Industry
from lianzhao.projects.choices import EventKind, ProjectStage
from lianzhao.projects.models import InvestmentProject
from lianzhao.projects.services import EDITABLE_FIELDS


class InvestmentProjectForm(forms.ModelForm):
    """Create/edit a project's descriptive fields. Stage moves use :class:`StageChangeForm`."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = InvestmentProject
        fields = list(EDITABLE_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "amount": {"invalid": "计划投资额须为数字（单位：亿元），如 12.5。"},
            "name": {"required": "请填写项目名称。"},
            "industry": {"required": "请选择所属产业。"},
            "department": {"invalid_choice": "所选部门无效：招商专员只能选择本部门。"},
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["investor"].queryset = Enterprise.objects.order_by("name")
        self.fields["industry"].queryset = Industry.objects.all()
        self.fields["chain_node"].queryset = ChainNode.objects.select_related("industry")
        self.fields["officer"].queryset = User.objects.filter(role=Role.OFFICER, is_active=True)
        self.fields["department"].queryset = Department.objects.all()
        if user is not None and user.role == Role.OFFICER and not user.is_superuser:
            self.fields["department"].queryset = Department.objects.filter(pk=user.department_id)
            self.fields["department"].initial = user.department_id
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean(self):
        data = super().clean()
        node, industry = data.get("chain_node"), data.get("industry")
        if node and industry and node.industry_id != industry.pk:
            self.add_error("chain_node", f"环节“{node.name}”不属于产业“{industry.name}”。")
        name, investor = data.get("name"), data.get("investor")
        if name:
            clash = InvestmentProject.objects.filter(name=name, investor=investor)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                who = f"投资方“{investor}”" if investor else "未填投资方的项目中"
                self.add_error("name", f"{who}已有同名项目“{name}”，请勿重复登记。")
        return data

    def validate_unique(self):
        # Uniqueness is checked in clean() with a clearer message naming the investor.
        pass


class StageChangeForm(forms.Form):
    """Move a project to its next stage; the fields needed depend on the target stage."""

    to_stage = forms.ChoiceField(label="变更为", choices=ProjectStage.choices)
    from_stage = forms.CharField(widget=forms.HiddenInput, required=False)
    on = forms.DateField(label="日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    signed_amount = forms.DecimalField(
        label="签约投资额（亿元）", required=False, min_value=0, max_digits=12, decimal_places=2,
        error_messages={"invalid": "签约投资额须为数字（单位：亿元）。", "min_value": "签约投资额不能为负数。"})
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, project: InvestmentProject, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        moves = project.allowed_moves()
        self.fields["to_stage"].choices = [(s, ProjectStage(s).label) for s in moves]
        if moves:
            self.fields["to_stage"].initial = moves[0]
        self.fields["on"].initial = timezone.localdate()
        self.fields["from_stage"].initial = project.stage


class ProjectEventForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=[c for c in EventKind.choices
                                                    if c[0] != EventKind.STAGE_CHANGE])
    occurred_on = forms.DateField(label="日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    text = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate()
