"""Pages of the web shell: the read-only audit log for admins and leaders."""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from lianzhao.accounts import permissions
from lianzhao.accounts.models import User
from lianzhao.audit.choices import AuditAction
from lianzhao.audit.models import AuditRecord
from lianzhao.audit.readable import describe
from lianzhao.projects.models import InvestmentProject

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def _model_choices() -> list[tuple[str, str]]:
    """Every kind of object the log holds, named as people call it."""
    choices = []
    for app_label, model_name in (AuditRecord.objects.order_by("app_label", "model_name")
                                  .values_list("app_label", "model_name").distinct()):
        try:
            label = str(apps.get_model(app_label, model_name)._meta.verbose_name)
        except LookupError:
            label = model_name
        choices.append((f"{app_label}.{model_name}", label))
    return sorted(choices, key=lambda c: c[1])


class AuditFilterForm(forms.Form):
    """What the audit log can be narrowed to: one project (with its timeline, funds, changes and
    files), a kind of object (and one object of it), a person, an action, a date range."""

    project = forms.IntegerField(label=gettext_lazy("项目编号"), required=False, min_value=1,
                                 help_text=gettext_lazy("该项目本身及其动态、材料、投资变更、到位资金的全部记录"))
    model = forms.ChoiceField(label=gettext_lazy("对象类型"), required=False)
    object_id = forms.CharField(label=gettext_lazy("对象编号"), required=False, max_length=64)
    q = forms.CharField(label=gettext_lazy("对象名称包含"), required=False, max_length=100)
    actor = forms.ModelChoiceField(label=gettext_lazy("操作人"), required=False, queryset=User.objects.order_by("username"),
                                   empty_label=gettext_lazy("全部"))
    action = forms.ChoiceField(label=gettext_lazy("操作"), required=False)
    start = forms.DateField(label=gettext_lazy("起始日期"), required=False, widget=DATE)
    end = forms.DateField(label=gettext_lazy("截止日期"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("全部"))]
        self.fields["model"].choices = everything + _model_choices()
        self.fields["action"].choices = everything + list(AuditAction.choices)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("截止日期不能早于起始日期。"))
        return data

    def filter(self, records):
        data = self.cleaned_data
        if data.get("project"):
            pk = data["project"]
            records = records.filter(Q(app_label="projects", model_name="investmentproject", object_id=str(pk))
                                     | Q(after__project_id=pk) | Q(before__project_id=pk))
        if data.get("model"):
            app_label, model_name = data["model"].split(".", 1)
            records = records.filter(app_label=app_label, model_name=model_name)
        if data.get("object_id"):
            records = records.filter(object_id=data["object_id"].strip())
        if data.get("q"):
            records = records.filter(object_repr__icontains=data["q"].strip())
        if data.get("actor"):
            records = records.filter(actor=data["actor"])
        if data.get("action"):
            records = records.filter(action=data["action"])
        if data.get("start"):
            records = records.filter(at__date__gte=data["start"])
        if data.get("end"):
            records = records.filter(at__date__lte=data["end"])
        return records


@require_GET
def audit_list(request):
    permissions.require(permissions.can_view_audit(request.user), _("只有管理员和领导可以查看审计日志。"))
    form = AuditFilterForm(request.GET or None)
    records = AuditRecord.objects.select_related("actor")
    status = 200
    if form.is_bound:
        if form.is_valid():
            records = form.filter(records)
        else:
            records, status = records.none(), 400
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    describe(page.object_list)
    project = None
    if form.is_bound and form.is_valid() and form.cleaned_data.get("project"):
        project = InvestmentProject.all_objects.filter(pk=form.cleaned_data["project"]).first()
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/audit_list.html", {"page": page, "form": form, "project": project,
                                                      "query": query.urlencode()}, status=status)
