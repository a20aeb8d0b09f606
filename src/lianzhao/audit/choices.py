from django.utils.translation import gettext_lazy as _

from lianzhao.core.i18n import TranslatedTextChoices


class AuditAction(TranslatedTextChoices):
    CREATE = "create", _("新建")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
