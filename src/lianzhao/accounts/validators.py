"""Password rules with lianzhao's own wording where Django's Chinese catalogue has none."""

from __future__ import annotations

from django.contrib.auth.password_validation import MinimumLengthValidator as DjangoMinimumLengthValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MinimumLengthValidator(DjangoMinimumLengthValidator):
    """Django's length rule (default 12 here), with a Chinese message and help text."""

    def __init__(self, min_length: int = 12):
        super().__init__(min_length=min_length)

    def get_error_message(self) -> str:
        return _("密码太短：至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(self.get_error_message(), code="password_too_short",
                                  params={"min_length": self.min_length})

    def get_help_text(self) -> str:
        return _("密码至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}
