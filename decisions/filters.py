"""Fields for the query strings of the public pages and the API, which
validate a value before it reaches the ORM. The search's own filterset is
decisions.search.filters.ParagrafFilter."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet

from .forms import NamndChoiceField
from .models import Namnd


def namnd_choices(request: Any = None) -> QuerySet[Namnd]:
    return Namnd.objects.select_related("municipality").order_by(
        "municipality__name", "name"
    )


class NamndFilter(django_filters.ModelChoiceFilter):
    # By id, not slug: board slugs repeat across municipalities. Any
    # ModelChoiceField serves; the stubs ask for django-filter's own.
    field_class = NamndChoiceField  # type: ignore[assignment]


# What the search form's yes/no select and the API's booleans send.
_BOOLEANS = {"true": True, "1": True, "2": True, "false": False, "0": False, "3": False}


class StrictNullBooleanSelect(forms.NullBooleanSelect):
    """The yes/no select, which hands on what it cannot read: Django's
    reads it as "either", and a filter asked for "kanske" would be ignored."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = data.get(name)
        if value in (None, "", "unknown"):
            return None
        return _BOOLEANS.get(str(value).lower(), value)


class StrictNullBooleanField(forms.NullBooleanField):
    widget = StrictNullBooleanSelect

    # NullBooleanField's to_python() returns None too; django-stubs gives it
    # BooleanField's bool.
    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]
        if value is None or isinstance(value, bool):
            return value
        raise forms.ValidationError(
            forms.ChoiceField.default_error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": value},
        )


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictNullBooleanField
