from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "lianzhao.dashboard"
    verbose_name = "驾驶舱"
