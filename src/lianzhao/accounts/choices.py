from django.utils.translation import gettext_lazy as _

from lianzhao.core.i18n import TranslatedTextChoices


class Role(TranslatedTextChoices):
    """What a user may do. Admins do everything; leaders and analysts read everything; officers edit
    their own department's projects; analysts also run analyses."""

    ADMIN = "admin", _("管理员")
    LEADER = "leader", _("领导")
    OFFICER = "officer", _("招商专员")
    ANALYST = "analyst", _("经济分析员")
