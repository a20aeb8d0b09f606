from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "lianzhao.analysis"
    verbose_name = "产业链分析"
