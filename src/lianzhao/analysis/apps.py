from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "lianzhao.analysis"
    verbose_name = _("产业链分析")
