from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "lianzhao.dispatch"
    verbose_name = _("统筹调度")
