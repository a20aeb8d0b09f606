from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "lianzhao.jobs"
    verbose_name = _("后台任务")

    def ready(self) -> None:
        # Each app declares its kinds of job in its own jobs.py (like admin.py).
        autodiscover_modules("jobs")
