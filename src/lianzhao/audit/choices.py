from django.utils.translation import gettext_lazy as _

from lianzhao.core.i18n import TranslatedTextChoices


class AuditAction(TranslatedTextChoices):
    CREATE = "create", _("新建")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    # Account events: who signed in, failed or was locked out, and password changes.
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKOUT = "lockout", _("登录锁定")
    PASSWORD = "password", _("修改密码")
