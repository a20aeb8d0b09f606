from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "lianzhao.analysis"
    verbose_name = _("产业链分析")

    def warm_up(self) -> None:
        """Read the national input-output tables the analysis settings use and regionalize the
        district's (both cached per process), so a web server can do it once before it forks its
        workers (lianzhao.serving.warmup)."""
        from lianzhao.analysis import engine
        from lianzhao.analysis.models import AnalysisSettings
        from lianzhao.analysis.region import current_region

        tables = set(AnalysisSettings.objects.values_list("table_year", "table_sectors")) or {(2020, 153)}
        for year, sectors in tables:
            engine.national_table(year, sectors)
        try:  # the district's regionalized table as well
            engine.regional_context(current_region())
        except engine.AnalysisUnavailable:
            pass  # no regional base yet: the pages say so
