import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from lianzhao.accounts.models import Department
from lianzhao.industries.models import Industry
from lianzhao.projects import evidence
from lianzhao.projects.choices import LEDGER_FIELD, AttractionMethod, Light, ProjectStage
from lianzhao.projects.models import InvestmentProject, LedgerChoice


class InvestmentProjectFilterSet(django_filters.FilterSet):
    """Filters shared by the project list page and any export of it."""

    q = django_filters.CharFilter(label=_("搜索"), method="filter_q",
                                  widget=forms.TextInput(attrs={"placeholder": _("项目、投资方或引荐人")}))
    stage = django_filters.MultipleChoiceFilter(label=_("阶段"), choices=ProjectStage.choices,
                                                widget=forms.SelectMultiple(attrs={"size": 4}))
    industry = django_filters.ModelChoiceFilter(label=_("产业"), queryset=Industry.objects.all())
    department = django_filters.ModelChoiceFilter(label=_("部门"), queryset=Department.objects.all())
    method = django_filters.ChoiceFilter(label=_("招商方式"), choices=AttractionMethod.choices)
    light = django_filters.ChoiceFilter(label=_("红黄绿灯"), choices=Light.choices, method="filter_light")
    mine = django_filters.BooleanFilter(label=_("仅看我负责的"), method="filter_mine",
                                        widget=forms.CheckboxInput)
    evidence_missing = django_filters.BooleanFilter(label=_("仅看佐证待补的"), method="filter_evidence_missing",
                                                    widget=forms.CheckboxInput)
    # The ledger (台账): its choice lists as the admin keeps them (all four read in one query, in
    # __init__), and foreign capital.
    project_type = django_filters.ChoiceFilter(label=_("项目类型"))
    investor_nature = django_filters.ChoiceFilter(label=_("投资方性质"))
    key_level = django_filters.ChoiceFilter(label=_("重点项目级别"))
    landing_site = django_filters.ChoiceFilter(label=_("落地园区/街道"))
    is_foreign = django_filters.BooleanFilter(label=_("是否外资项目"), widget=django_filters.widgets.BooleanWidget())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        by_list: dict[str, list] = {}
        for choice in LedgerChoice.objects.filter(list__in=[ledger_list for ledger_list in LEDGER_FIELD
                                                            if LEDGER_FIELD[ledger_list] in self.filters]):
            by_list.setdefault(choice.list, []).append((choice.pk, choice.name))
        for ledger_list, field_name in LEDGER_FIELD.items():
            if field_name in self.filters:
                self.filters[field_name].extra["choices"] = by_list.get(ledger_list, [])

    class Meta:
        model = InvestmentProject
        fields = ["q", "stage", "industry", "department", "method", "project_type", "investor_nature", "key_level",
                  "landing_site", "is_foreign"]

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_light(self, queryset, name, value):
        # Needs the ``light`` annotation (InvestmentProjectQuerySet.with_light), added by the view.
        return queryset.filter(light=value) if value else queryset

    def filter_evidence_missing(self, queryset, name, value):
        return queryset.filter(evidence.lacking_q()) if value else queryset

    def filter_mine(self, queryset, name, value):
        if value and self.request is not None:
            return queryset.filter(officer=self.request.user)
        return queryset
