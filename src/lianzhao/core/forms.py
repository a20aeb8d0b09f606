"""Form helpers shared by the apps: how a view hands a validated form to a service."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

T = TypeVar("T")


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, but an id beyond the database's integer range is an invalid choice like any
    other unknown id: Django lets it reach the database, where SQLite's driver raises OverflowError
    (a 500) at ``pk__in``."""

    def _check_values(self, value):
        for pk in value:
            try:
                number = int(str(pk))
            except ValueError:
                continue  # Django's own check names it
            if not -(2**63) <= number < 2**63:
                raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                      params={"pk": pk})
        return super()._check_values(value)


def apply_validation_error(form: forms.Form, exc: ValidationError) -> None:
    """Attach a service's ValidationError to the form: field-keyed messages go to their field (or
    to the form when the form has no such field), plain messages to the form as a whole."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for error in exc.error_list:
            form.add_error(None, error)


def submit(form: forms.Form, save: Callable[[dict], T]) -> T | None:
    """The one way a view hands a form to a service: when ``form`` is valid, ``save(cleaned_data)``
    runs, and a ValidationError it raises lands on the form's fields (:func:`apply_validation_error`).
    Returns what ``save`` returned (services return the object they wrote), or None when the form
    or the service refused — the view then shows the form again with :func:`refusal_status`.
    PermissionDenied passes through (403)."""
    if not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return None


def refusal_status(form: forms.Form) -> int:
    """409 when a service refused because the data changed since the user's page was drawn (its
    ValidationError has code ``stale``), else 400."""
    return 409 if form.has_error(NON_FIELD_ERRORS, "stale") else 400
