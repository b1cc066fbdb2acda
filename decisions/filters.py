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
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from .forms import NamndChoiceField
from .models import Namnd


def namnd_choices(request: Any = None) -> QuerySet[Namnd]:
    return Namnd.objects.select_related("municipality").order_by(
        "municipality__name", "name"
    )


# What the search's `namnd` reads, for its help text and the API's
# description.
NAMND_HELP = _(
    "Nämnden som kommun/nämnd ur adressen "
    "(sjobacka-kommun/kommunstyrelsen), eller dess id."
)
# What the API's lists of meetings and reservations read (NamndsField).
NAMNDS_HELP = (
    "Nämnden som kommun/nämnd ur adressen (sjobacka-kommun/kommunstyrelsen), "
    "nämndens slug i alla kommuner (kommunstyrelsen), eller dess id"
)


# The API describes a board as the text its filters read, not as the id its
# model field would have it be.
@extend_schema_field({"type": "string", "description": NAMND_HELP})
class NamndFilter(django_filters.ModelChoiceFilter):
    # One board, by its municipality's slug and its own (a board's slug
    # alone repeats across municipalities), or by an old link's id. Any
    # ModelChoiceField serves; the stubs ask for django-filter's own.
    field_class = NamndChoiceField  # type: ignore[assignment]


class NamndsField(forms.CharField):
    """Boards, for the API's lists of meetings and reservations: one by its
    slugs ("sjobacka-kommun/kommunstyrelsen", as the paragraph list and the
    search read it) or by id, or every board with a slug
    ("kommunstyrelsen", as these lists have always read it; `kommun` narrows
    it to one municipality's). A value that names no board is an error
    naming the parameter, not an empty list as if none had met."""

    def clean(self, value: Any) -> list[int] | None:
        # As text first (its length, no NUL, which PostgreSQL text cannot
        # hold), then the boards it names.
        text = super().clean(value)
        if not text:
            return None
        if "/" in text or text.isdigit():
            one = NamndChoiceField(queryset=namnd_choices()).clean(text)
            return [one.pk]
        found = list(Namnd.objects.filter(slug=text).values_list("pk", flat=True))
        if not found:
            raise forms.ValidationError(
                forms.ModelChoiceField.default_error_messages["invalid_choice"],
                code="invalid_choice",
            )
        return found


@extend_schema_field({"type": "string", "description": NAMNDS_HELP})
class NamndsFilter(django_filters.Filter):
    """The boards NamndsField reads, as `<field_name>__in`."""

    field_class = NamndsField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("lookup_expr", "in")
        kwargs.setdefault("label", NAMNDS_HELP)
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)


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
        for group, options, _index in widget["optgroups"]:
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
