from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lianzhao.core"
    verbose_name = "基础"
