from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "lianzhao.analysis"
    verbose_name = _("产业链分析")

    def warm_up(self) -> None:
        """Read the national input-output tables the analysis settings use (cached per process), so
        a web server can load them once before it forks its workers (lianzhao.serving.warmup)."""
        from lianzhao.analysis import engine
        from lianzhao.analysis.models import AnalysisSettings

        tables = set(AnalysisSettings.objects.values_list("table_year", "table_sectors")) or {(2020, 153)}
        for year, sectors in tables:
            engine.national_table(year, sectors)
