from django.apps import AppConfig


class IndustriesConfig(AppConfig):
    name = "lianzhao.industries"
    verbose_name = "产业与产业链"
