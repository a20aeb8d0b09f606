from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "lianzhao.demo"
    verbose_name = _("即墨示例数据")
