"""Forms of the enterprise-service pages. They parse and check shapes; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lianzhao.accounts.choices import Role
from lianzhao.accounts.permissions import role_of
from lianzhao.aftercare.choices import Satisfaction, TicketStatus
from lianzhao.aftercare.models import ServiceDepartment, TicketCategory
from lianzhao.enterprises.models import Enterprise
from lianzhao.projects.forms import DATE_WIDGET, FILE_HELP
from lianzhao.projects.models import InvestmentProject

VERSION = forms.IntegerField(widget=forms.HiddenInput, min_value=1,
                             error_messages={"required": _("页面缺少版本号：请刷新页面后重新操作。")})


def _versioned(form_class):
    form_class.base_fields["version"] = VERSION
    return form_class


def _departments():
    return ServiceDepartment.objects.filter(is_active=True)


class TicketForm(forms.Form):
    """Raise a request for a company the user serves (admins: any company)."""

    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=Enterprise.objects.none(),
                                        error_messages={"required": _("请选择企业。")})
    category = forms.ModelChoiceField(label=_("诉求类别"), queryset=TicketCategory.objects.filter(is_active=True),
                                      required=False)
    description = forms.CharField(label=_("诉求内容"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    project = forms.ModelChoiceField(label=_("关联项目（可选）"), queryset=InvestmentProject.objects.none(),
                                     required=False)
    file = forms.FileField(label=_("附件（可选）"), required=False, help_text=FILE_HELP)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        companies = Enterprise.objects.all()
        if role_of(user) != Role.ADMIN:
            companies = companies.filter(service_assignment__officer=user)
        self.fields["enterprise"].queryset = companies
        self.fields["project"].queryset = InvestmentProject.objects.filter(investor__in=companies)
        # Required-ness is the service's rule (one message, one place); the form keeps the field.
        self.fields["category"].empty_label = _("（请选择）")


@_versioned
class RouteForm(forms.Form):
    department = forms.ModelChoiceField(label=_("承办部门"), queryset=_departments(), required=False)
    deadline = forms.DateField(label=_("办理时限"), widget=DATE_WIDGET, required=False)


@_versioned
class AcceptForm(forms.Form):
    pass


@_versioned
class ForwardForm(forms.Form):
    department = forms.ModelChoiceField(label=_("转至承办部门"), queryset=_departments(), required=False)
    reason = forms.CharField(label=_("转办原因"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


@_versioned
class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


@_versioned
class RateForm(forms.Form):
    rating = forms.ChoiceField(label=_("企业满意度"), choices=[("", _("（请选择）")), *Satisfaction.choices],
                               required=False)
    comment = forms.CharField(label=_("企业意见（不满意时必填）"), widget=forms.Textarea(attrs={"rows": 2}),
                              required=False)
    deadline = forms.DateField(label=_("重新办理时限（不满意时，可选）"), widget=DATE_WIDGET, required=False)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("备注"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    private = forms.BooleanField(label=_("内部备注（仅局内可见）"), required=False)


class TicketFileForm(forms.Form):
    file = forms.FileField(label=_("附件"), help_text=FILE_HELP, error_messages={"required": _("请选择要上传的文件。")})


class TicketFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *TicketStatus.choices])
    department = forms.ModelChoiceField(label=_("承办部门"), queryset=ServiceDepartment.objects.all(),
                                        required=False, empty_label=_("全部"))
    category = forms.ModelChoiceField(label=_("诉求类别"), queryset=TicketCategory.objects.all(), required=False,
                                      empty_label=_("全部"))
    overdue = forms.BooleanField(label=_("只看超期"), required=False)


class _CompanyForm(forms.Form):
    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        if "project" in self.fields:
            self.fields["project"].queryset = InvestmentProject.objects.filter(investor=enterprise)


class VisitPlanForm(_CompanyForm):
    planned_on = forms.DateField(label=_("计划走访日期"), widget=DATE_WIDGET, required=False)
    purpose = forms.CharField(label=_("走访事由"), max_length=200, required=False)
    people = forms.CharField(label=_("参加人员"), max_length=200, required=False)
    project = forms.ModelChoiceField(label=_("关联项目（可选）"), queryset=InvestmentProject.objects.none(),
                                     required=False)


class VisitRecordForm(_CompanyForm):
    done_on = forms.DateField(label=_("走访日期"), widget=DATE_WIDGET, required=False)
    people = forms.CharField(label=_("参加人员"), max_length=200, required=False)
    purpose = forms.CharField(label=_("走访事由"), max_length=200, required=False)
    notes = forms.CharField(label=_("走访记录"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    follow_ups = forms.CharField(label=_("后续事项"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    project = forms.ModelChoiceField(label=_("关联项目（可选）"), queryset=InvestmentProject.objects.none(),
                                     required=False)


class PolicyForm(forms.Form):
    policy = forms.CharField(label=_("政策名称"), max_length=128, required=False)
    granted_on = forms.DateField(label=_("兑现日期"), widget=DATE_WIDGET, required=False)
    amount = forms.DecimalField(label=_("金额（万元，可选）"), max_digits=12, decimal_places=2, min_value=0,
                                required=False)
    reference = forms.CharField(label=_("文号/依据"), max_length=128, required=False)
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


@_versioned
class StepDoneForm(forms.Form):
    done_on = forms.DateField(label=_("办结日期"), widget=DATE_WIDGET, required=False)
    reference = forms.CharField(label=_("文号"), max_length=128, required=False)
    file = forms.FileField(label=_("或上传办结材料"), required=False, help_text=FILE_HELP)
