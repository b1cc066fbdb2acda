"""Query strings of the public pages, validated before they reach the ORM."""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django import forms
from django.db.models import Exists, Max, Min, OuterRef, QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .forms import NamndChoiceField
from .models import (
    COMMON_SHARE,
    DENSE_SHARE,
    Meeting,
    Member,
    Municipality,
    Namnd,
    Paragraf,
    ParagrafQuerySet,
    ReservationMember,
)

# Longer input is no search a person typed; refusing it keeps ts_headline cheap.
MAX_QUERY_LENGTH = 200
ORDERS = [("relevans", _("Relevans")), ("nyast", _("Nyast först"))]
# Filters an index walks (paragraf_newest_first's dates, a board's meetings).
NARROWING = {"namnd", "ar", "fran", "till"}


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


class ParagrafFilter(django_filters.FilterSet):
    """Search words and facets for /sok/; every value checked by its field.

    The words are applied last, so that ranking (bounded to the newest matches)
    ranks within the other filters.
    """

    kommun = django_filters.ModelChoiceFilter(
        label=_("Kommun"),
        field_name="meeting__namnd__municipality",
        to_field_name="slug",
        queryset=Municipality.objects.all(),
        empty_label=_("Alla kommuner"),
    )
    namnd = NamndFilter(
        label=_("Nämnd"),
        field_name="meeting__namnd",
        # A callable, as django-filter allows; its stubs take a QuerySet only.
        queryset=namnd_choices,  # type: ignore[arg-type]
        empty_label=_("Alla nämnder"),
    )
    ar = django_filters.ChoiceFilter(
        label=_("År"), method="filter_ar", empty_label=_("Alla år"), choices=[]
    )
    fran = django_filters.DateFilter(
        label=_("Från och med"), field_name="meeting_date", lookup_expr="gte"
    )
    till = django_filters.DateFilter(
        label=_("Till och med"), field_name="meeting_date", lookup_expr="lte"
    )
    parti = django_filters.ChoiceFilter(
        label=_("Reservation av parti"),
        method="filter_parti",
        empty_label=_("Alla partier"),
        choices=[],
    )
    reservation = StrictBooleanFilter(
        label=_("Med reservation"), method="filter_reservation"
    )
    ordning = django_filters.ChoiceFilter(
        label=_("Ordning"), choices=ORDERS, method="filter_nothing", empty_label=None
    )
    q = django_filters.CharFilter(
        label=_("Sökord"),
        method="filter_q",
        max_length=MAX_QUERY_LENGTH,
        help_text=_(
            "Skriv ord ur protokollen. Använd ”citattecken” för en fras, "
            "OR för antingen eller och minus för att utesluta ett ord."
        ),
    )

    # Never None: FilterSet falls back to Paragraf's manager.
    queryset: ParagrafQuerySet

    class Meta:
        model = Paragraf
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The years from the first meeting to the last, newest first: two ends
        # of the index meeting_date_desc, where DISTINCT years read every meeting.
        span = Meeting.objects.aggregate(first=Min("date"), last=Max("date"))
        years = (
            range(span["last"].year, span["first"].year - 1, -1) if span["last"] else []
        )
        self.filters["ar"].extra["choices"] = [(str(y), str(y)) for y in years]
        # Exists, not a join: a party's members have thousands of reservations.
        reserved = ReservationMember.objects.filter(member=OuterRef("pk"))
        parties = (
            Member.objects.filter(Exists(reserved))
            .exclude(party="")
            .values_list("party", flat=True)
            .distinct()
            .order_by("party")
        )
        self.filters["parti"].extra["choices"] = [(p, p) for p in parties]

    @property
    def chosen(self) -> dict[str, Any]:
        """The valid values chosen, or nothing for an unbound or invalid form."""
        if not self.is_bound or not self.form.is_valid():
            return {}
        return self.form.cleaned_data

    @cached_property
    def common_query(self) -> bool:
        """Whether the words match a large share of the archive (read once)."""
        share = Paragraf.objects.share_matching(self.query)
        return share > COMMON_SHARE

    @cached_property
    def dense_phrase(self) -> bool:
        """Whether a phrase's words are common together (read once, from a
        sample: PostgreSQL's own estimate assumes them independent)."""
        share = Paragraf.objects.sampled_share_with_all_words(self.query)
        return share >= DENSE_SHARE

    @property
    def query(self) -> str:
        if not self.is_bound or not self.form.is_valid():
            return ""
        return self.form.cleaned_data.get("q") or ""

    def filter_q(self, queryset: ParagrafQuerySet, name: str, value: str) -> Any:
        if self.form.cleaned_data.get("ordning") == "nyast":
            return queryset.search_newest(value)
        return queryset.search(value)

    def filter_ar(self, queryset: ParagrafQuerySet, name: str, value: str) -> Any:
        return queryset.filter(meeting_date__year=int(value))

    def filter_parti(self, queryset: ParagrafQuerySet, name: str, value: str) -> Any:
        return queryset.filter(reserving_parties__contains=[value])

    def filter_reservation(
        self, queryset: ParagrafQuerySet, name: str, value: bool | None
    ) -> Any:
        if value is None:
            return queryset
        return queryset.filter(has_reservation=value)

    def filter_nothing(self, queryset: ParagrafQuerySet, name: str, value: Any) -> Any:
        # `ordning` is read by filter_q; it filters nothing itself.
        return queryset

    def scope(
        self, *, without: str | None = None, all_words: bool = False
    ) -> ParagrafQuerySet:
        """Every match of the words and filters, unranked and unordered.

        `without` leaves one filter out: a facet counts the values its own
        filter would choose among. `all_words` keeps the rows with all of a
        phrase's words in any order (ParagrafQuerySet.with_all_words()).
        """
        # Search never lists confidential paragraphs, words or no words.
        queryset = self.queryset.filter(confidential=False)
        if not self.is_bound:
            return queryset
        narrowed = False
        for name, value in self.form.cleaned_data.items():
            if name in ("q", "ordning", without) or value in (None, ""):
                continue
            # Filter.filter() keeps the queryset's class; the stubs say QuerySet.
            queryset = cast(
                ParagrafQuerySet, self.filters[name].filter(queryset, value)
            )
            narrowed |= name in NARROWING
        if self.query and all_words:
            queryset = queryset.with_all_words(self.query, walk=self.dense_phrase)
        elif self.query:
            walk = narrowed and self.common_query
            queryset = queryset.matching(self.query, walk_words=walk)
        return queryset
