"""One UI in two languages, one data language.

The UI follows the user's language (Chinese by default, English when chosen with the switcher). What
lianzhao *writes* does not: timeline entries, audit records, the spreadsheets that are imported and
exported, and the reports sent upward are Chinese whoever made them, because colleagues, the import
and the recipients of the reports read them in Chinese. Choice labels (stages, methods, …) come out
in the active language (:class:`TranslatedTextChoices`), so code that builds such text runs inside
:func:`data_language` — services and document builders by their :func:`in_data_language` decorator,
so no caller has to remember it.
"""

from __future__ import annotations

import enum
import functools

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.functional import Promise


def data_language():
    """Context manager: text built inside it is in the data language (``settings.LANGUAGE_CODE``)."""
    return translation.override(settings.LANGUAGE_CODE)


def in_data_language(func):
    """Decorator: ``func`` always runs in the data language, whatever the caller's (a view in the
    user's UI language, a command, the importer). For services that write timeline text and for the
    builders of documents sent upward. Errors they raise with lazy messages still render in the
    reader's language; messages built as plain text inside are Chinese, as the data they name."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with data_language():
            return func(*args, **kwargs)

    return wrapper


def data_label(choice) -> str:
    """A choice's label (``data_label(ProjectStage.SIGNED)``) in the data language."""
    with data_language():
        return choice.label


def resolved(value):
    """``value`` with a lazy translation turned into a plain string in the active language; anything
    else unchanged. Text frozen this way keeps the language it was built in when rendered later."""
    return str(value) if isinstance(value, Promise) else value


class _TranslatedChoicesType(type(models.TextChoices)):
    @property
    def choices(cls):
        # Lazy labels: a model field's or a form's choices are translated each time they are shown.
        empty = [(None, cls.__empty__)] if hasattr(cls, "__empty__") else []
        return empty + [(member.value, member._label_) for member in cls]

    @property
    def labels(cls):
        return [member.label for member in cls]


class TranslatedTextChoices(models.TextChoices, metaclass=_TranslatedChoicesType):
    """TextChoices with ``gettext_lazy`` labels. ``choices`` keeps them lazy, so fields and forms show
    them in the reader's language; ``member.label`` (and ``labels``) is a plain string in the active
    language, so it joins, formats and compares like the Chinese literal it replaces."""

    @enum.property
    def label(self) -> str:
        return str(self._label_)
