from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "lianzhao.dispatch"
    verbose_name = "统筹调度"
