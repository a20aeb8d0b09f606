from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lianzhao.accounts"
    verbose_name = _("用户与部门")

    def ready(self):
        from lianzhao.accounts import signals

        signals.connect()
