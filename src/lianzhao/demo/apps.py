from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "lianzhao.demo"
    verbose_name = "即墨示例数据"
