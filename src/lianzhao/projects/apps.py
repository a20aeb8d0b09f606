from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "lianzhao.projects"
    verbose_name = _("招商项目")

    def ready(self):
        from lianzhao.projects.ledger import ensure_default_choices

        post_migrate.connect(ensure_default_choices, sender=self, dispatch_uid="projects.default_ledger_choices")
