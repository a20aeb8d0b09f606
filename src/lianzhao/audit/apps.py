from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "lianzhao.audit"
    verbose_name = "审计"
