from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndustriesConfig(AppConfig):
    name = "lianzhao.industries"
    verbose_name = _("产业与产业链")
