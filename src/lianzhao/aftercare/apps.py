from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AftercareConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "lianzhao.aftercare"
    verbose_name = _("企业服务")
