"""Forms of the dispatch pages: the week of a report, a department's annual targets, analytics filters."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianzhao.accounts.models import Department
from lianzhao.core.periods import Period, PeriodField
from lianzhao.dispatch.analytics import DIMENSIONS
from lianzhao.dispatch.models import DepartmentTarget
from lianzhao.dispatch.services import TARGET_FIELDS
from lianzhao.dispatch.weeks import IsoWeek


class WeeklyReportForm(forms.Form):
    """Which ISO week to report (``2025-W13``; the browser's week picker sends that format)."""

    week = forms.CharField(label=_("统计周"), max_length=10,
                           widget=forms.TextInput(attrs={"type": "week", "placeholder": "2025-W13"}))
    unit = forms.CharField(label=_("填报单位"), max_length=64, required=False,
                           help_text=_("留空则为“区名 + 招商办”。"))

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["week"].initial = IsoWeek.last_complete(self.today).label

    def clean_week(self) -> IsoWeek:
        try:
            week = IsoWeek.parse(self.cleaned_data["week"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        if week.start > self.today:
            raise forms.ValidationError(_("%(week)s 尚未开始，请选择本周或之前的周。") % {"week": week.label})
        return week


class DepartmentTargetForm(forms.ModelForm):
    """A department's targets for one year (the department and year come from the page)."""

    class Meta:
        model = DepartmentTarget
        fields = list(TARGET_FIELDS)
        error_messages = {
            "signed_amount": {"required": _("请填写签约额目标（亿元）。"),
                              "invalid": _("签约额目标须为数字（单位：亿元），如 50 或 12.5。")},
            "projects_started": {"required": _("请填写开工项目数目标。"), "invalid": _("请填写整数。")},
            "projects_in_production": {"required": _("请填写投产项目数目标。"), "invalid": _("请填写整数。")},
            "funds_in_place": {"invalid": _("到位资金目标须为数字（单位：亿元），如 20 或 8.5。")},
            "new_projects": {"invalid": _("请填写整数。")},
        }


class TargetYearForm(forms.Form):
    """The year whose targets are shown, or a period (a quarter or month) of it to rank."""

    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)
    period = PeriodField(today=None, label=_("统计期"), required=False,
                         help_text=_("按季度或月份排名时选择；留空为全年。"))

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"] = PeriodField(today=today or timezone.localdate(), label=_("统计期"), required=False,
                                            help_text=self.fields["period"].help_text)
        self.fields["period"].choices = [("", _("全年")), *self.fields["period"].choices]


class AnalyticsFilterForm(forms.Form):
    period = PeriodField(today=None, label=_("线索统计期"), required=False,
                         help_text=_("按项目首个登记日期（一般为线索日期）所在的年份、季度或月份筛选；留空为全部。"))
    year = forms.IntegerField(label=_("线索年份"), min_value=2000, max_value=2100, required=False,
                              widget=forms.HiddenInput)
    department = forms.ModelChoiceField(label=_("责任部门"), queryset=Department.objects.order_by("code"),
                                        required=False, empty_label=_("全部部门"))
    chart = forms.ChoiceField(label=_("图表维度"), choices=list(DIMENSIONS.items()), required=False)

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        period = self.fields["period"]
        self.fields["period"] = PeriodField(today=today or timezone.localdate(), label=period.label,
                                            required=False, help_text=period.help_text)
        self.fields["period"].choices = [("", _("全部")), *self.fields["period"].choices]

    def window(self):
        """The first-date window asked for: the period's, or (older links) a whole ``year``; None: all."""
        data = self.cleaned_data
        if data.get("period"):
            return data["period"].start, data["period"].end
        if data.get("year"):
            return Period(data["year"]).start, Period(data["year"]).end
        return None
