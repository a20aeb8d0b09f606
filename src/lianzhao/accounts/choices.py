from django.utils.translation import gettext_lazy as _

from lianzhao.core.i18n import TranslatedTextChoices


class Role(TranslatedTextChoices):
    """What a user may do. Admins do everything; leaders and analysts read everything; officers edit
    their own department's projects; analysts also run analyses. A responder (承办人) works in a
    department outside the bureau that answers enterprise service requests (诉求): they see only the
    requests routed to their department (``lianzhao.aftercare``), nothing else."""

    ADMIN = "admin", _("管理员")
    LEADER = "leader", _("领导")
    OFFICER = "officer", _("招商专员")
    ANALYST = "analyst", _("经济分析员")
    RESPONDER = "responder", _("承办人")
