import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from lianzhao.enterprises.choices import EnterpriseScale
from lianzhao.enterprises.models import Enterprise
from lianzhao.industries.models import Industry


class EnterpriseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="filter_q",
                                  widget=forms.TextInput(attrs={"placeholder": _("企业名称或信用代码")}))
    industry = django_filters.ModelChoiceFilter(label=_("产业"), queryset=Industry.objects.all(),
                                                field_name="chain_nodes__industry", distinct=True)
    is_local = django_filters.BooleanFilter(label=_("本地企业"))
    is_chain_leader = django_filters.BooleanFilter(label=_("链主"))
    scale = django_filters.ChoiceFilter(label=_("规模"), choices=EnterpriseScale.choices)

    class Meta:
        model = Enterprise
        fields = ["q", "industry", "is_local", "is_chain_leader", "scale"]

    def filter_q(self, queryset, name, value):
        return queryset.search(value)
