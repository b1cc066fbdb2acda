"""Query strings of the public pages, validated before they reach the ORM."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from .forms import NamndChoiceField
from .models import Meeting, Namnd, Paragraf, ParagrafQuerySet

# Longer input is no search a person typed; refusing it keeps ts_headline cheap.
MAX_QUERY_LENGTH = 200


def namnd_choices(request: Any = None) -> QuerySet[Namnd]:
    return Namnd.objects.select_related("municipality").order_by(
        "municipality__name", "name"
    )


class NamndFilter(django_filters.ModelChoiceFilter):
    # By id, not slug: board slugs repeat across municipalities.
    field_class = NamndChoiceField


class ParagrafFilter(django_filters.FilterSet):
    """Search words, board and year for /sok/; every value checked by its field."""

    q = django_filters.CharFilter(
        label="Sökord",
        method="filter_q",
        max_length=MAX_QUERY_LENGTH,
        help_text="Skriv ord ur protokollen. Använd ”citattecken” för en fras, "
        "OR för antingen eller och minus för att utesluta ett ord.",
    )
    namnd = NamndFilter(
        label="Nämnd",
        field_name="meeting__namnd",
        queryset=namnd_choices,
        empty_label="Alla nämnder",
    )
    ar = django_filters.ChoiceFilter(
        label="År",
        method="filter_ar",
        empty_label="Alla år",
        choices=[],
    )

    class Meta:
        model = Paragraf
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The years that have meetings, newest first; read once per request.
        self.years = [
            str(day.year) for day in Meeting.objects.dates("date", "year", order="DESC")
        ]
        self.filters["ar"].extra["choices"] = [(year, year) for year in self.years]

    def filter_q(self, queryset: ParagrafQuerySet, name: str, value: str) -> Any:
        return queryset.search(value)

    def filter_ar(self, queryset: ParagrafQuerySet, name: str, value: str) -> Any:
        return queryset.filter(meeting__date__year=int(value))
