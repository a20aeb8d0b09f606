from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "lianzhao.targets"
    verbose_name = _("招商目标")
