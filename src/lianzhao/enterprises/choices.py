from django.utils.translation import gettext_lazy as _

from lianzhao.core.i18n import TranslatedTextChoices


class EnterpriseScale(TranslatedTextChoices):
    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")
