from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "lianzhao.enterprises"
    verbose_name = "企业"
