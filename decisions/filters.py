"""Fields for the query strings of the public pages and the API, which
validate a value before it reaches the ORM. The search's own filterset is
decisions.search.filters.ParagrafFilter."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

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


class Select(forms.Select):
    """Django's select, written out in Python: its templates render each
    option through an include, which made the search form's list of boards
    (50 in bench/search.py's archive) a quarter of the search page's
    rendering. The HTML is the same, byte for byte."""

    def render(
        self, name: str, value: Any, attrs: Any = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group, options, _ in widget["optgroups"]:
            if group:
                parts.append(format_html('\n  <optgroup label="{}">', group))
            parts.extend(
                format_html(
                    '\n  <option value="{}"{}>{}</option>\n',
                    str(option["value"]),
                    _attributes(option["attrs"]),
                    option["label"],
                )
                for option in options
            )
            if group:
                parts.append(mark_safe("\n  </optgroup>"))
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            widget["name"],
            _attributes(widget["attrs"]),
            mark_safe("".join(parts)),
        )


def _attributes(attrs: dict[str, Any]) -> SafeString:
    """HTML attributes as django/forms/widgets/attrs.html writes them."""
    return format_html_join(
        "",
        " {}{}",
        (
            (name, "" if value is True else format_html('="{}"', str(value)))
            for name, value in attrs.items()
            if value is not False
        ),
    )
