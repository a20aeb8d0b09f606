from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AftercareConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "lianzhao.aftercare"
    verbose_name = _("企业服务")

    def ready(self):
        from lianzhao.aftercare.services.landing import start_on_signing
        from lianzhao.projects.signals import project_signed

        project_signed.connect(start_on_signing, dispatch_uid="aftercare.start_on_signing")
