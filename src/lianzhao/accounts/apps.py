from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lianzhao.accounts"
    verbose_name = "用户与部门"
