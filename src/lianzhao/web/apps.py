from django.apps import AppConfig


class WebConfig(AppConfig):
    """The web shell around the apps: navigation, the audit log page, admin pages of core's models.
    It sits on top of the layers (it may import every app; no app imports it)."""

    name = "lianzhao.web"
