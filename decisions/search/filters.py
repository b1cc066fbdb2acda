"""The search's form: words, facets and order from the query string, each
value checked by its field, and the rows they choose (scope()).

The pages, the search feed and the API all read a search through it, so they
take the same parameters and find the same rows.
"""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django import forms
from django.db.models import Exists, Max, Min, OuterRef
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from ..filters import (
    NAMND_HELP,
    NamndFilter,
    Select,
    StrictBooleanFilter,
    namnd_choices,
)
from ..models import (
    Meeting,
    Member,
    Municipality,
    Paragraf,
    ParagrafQuerySet,
    ReservationMember,
)
from ..parties import full_name
from . import plan
from .query import Query

# Longer input is no search a person typed; refusing it keeps ts_headline cheap.
MAX_QUERY_LENGTH = 200
ORDERS = [("relevans", _("Relevans")), ("nyast", _("Nyast först"))]


def _query_without(data: Any, name: str) -> str:
    """The query string of data without name (and without a page number)."""
    kept = data.copy()
    for gone in (name, "sida"):
        kept.pop(gone, None)
    return "?" + kept.urlencode()


class SearchForm(forms.Form):
    """The search's fields, and the one check that needs two of them."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        fran, till = cleaned.get("fran"), cleaned.get("till")
        if fran and till and fran > till:
            self.add_error(
                "till",
                _("Till och med (%(till)s) ligger före från och med (%(fran)s).")
                % {"till": till.isoformat(), "fran": fran.isoformat()},
            )
        return cleaned


class ParagrafFilter(django_filters.FilterSet):
    """Search words and facets for /sok/; every value checked by its field.

    The words are applied last, so that ranking (bounded to the newest matches)
    ranks within the other filters. A search chooses among the published
    paragraphs of its queryset (in the caller's order, with the caller's
    loading): whatever a page, the feed or the API hands it, it keeps only
    what ParagrafQuerySet.published() keeps.
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
        help_text=NAMND_HELP,
        field_name="meeting__namnd",
        # A callable, as django-filter allows; its stubs take a QuerySet only.
        queryset=namnd_choices,  # type: ignore[arg-type]
        empty_label=_("Alla nämnder"),
        widget=Select,
    )
    ar = django_filters.ChoiceFilter(
        label=_("År"),
        method="filter_ar",
        empty_label=_("Alla år"),
        choices=[],
        widget=Select,
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

    queryset: ParagrafQuerySet

    class Meta:
        model = Paragraf
        fields: list[str] = []
        form = SearchForm

    def __init__(
        self, data: Any = None, queryset: ParagrafQuerySet | None = None, **kwargs: Any
    ) -> None:
        rows = Paragraf.objects.all() if queryset is None else queryset
        super().__init__(data, queryset=rows.published(), **kwargs)
        # Choices go on this filterset's form, not on its filters: a filter
        # copies the field its class built (the OpenAPI description builds
        # them), and a built field keeps the choices it was built with.
        fields = self.form.fields
        # The years from the first meeting to the last, newest first: two ends
        # of the index meeting_date_desc, where DISTINCT years read every meeting.
        span = Meeting.objects.aggregate(first=Min("date"), last=Max("date"))
        years = (
            range(span["last"].year, span["first"].year - 1, -1) if span["last"] else []
        )
        cast(forms.ChoiceField, fields["ar"]).choices = [
            (str(y), str(y)) for y in years
        ]
        # Read only when a party is asked for (a callable's choices are
        # evaluated when used): the page lists none.
        cast(forms.ChoiceField, fields["parti"]).choices = reserving_parties

    @property
    def chosen(self) -> dict[str, Any]:
        """The valid values chosen, or nothing for an unbound or invalid form."""
        if not self.is_bound or not self.form.is_valid():
            return {}
        return self.form.cleaned_data

    @cached_property
    def common_query(self) -> bool:
        """Whether the words match a large share of the archive (read once)."""
        return plan.common(self.words)

    @cached_property
    def dense_phrase(self) -> bool:
        """Whether a phrase's words are common together (read once)."""
        return plan.dense(self.words)

    @property
    def query(self) -> str:
        """The words as typed ("" for none, or for an invalid form)."""
        if not self.is_bound or not self.form.is_valid():
            return ""
        return self.form.cleaned_data.get("q") or ""

    def _kept(self, shown: tuple[str, ...]) -> list[tuple[str, str]]:
        data = self.data
        if data is None:  # unbound
            return []
        return [
            (name, str(value))
            for name in self.filters
            if name not in shown and (value := data.get(name)) not in (None, "")
        ]

    def kept_with_words(self) -> list[tuple[str, str]]:
        """The chosen filters as they came, for the word form's hidden inputs:
        a new word searches within them."""
        return self._kept(("q",))

    def kept_with_fields(self) -> list[tuple[str, str]]:
        """The words and other filters as they came, for the filter form
        (its fields: namnd and ar): choosing a board keeps the rest."""
        return self._kept(("namnd", "ar"))

    def invalid_hidden_fields(self) -> list[dict[str, Any]]:
        """The invalid values the page has no input for (all but q, namnd
        and ar): each with its field's label, name, value as given, errors
        and the query string without it, for the page to say where the
        search went wrong and how to go on."""
        if self.data is None:  # unbound
            return []
        return [
            {
                "label": self.form.fields[name].label,
                "name": name,
                "value": self.data.get(name),
                "errors": errors,
                "without": _query_without(self.data, name),
            }
            for name, errors in self.form.errors.items()
            if name in self.form.fields and name not in ("q", "namnd", "ar")
        ]

    def chosen_labels(self) -> list[str]:
        """The chosen filters in words, for the line above the results."""
        chosen = self.chosen
        labels: list[str] = []
        if kommun := chosen.get("kommun"):
            labels.append(kommun.name)
        if namnd := chosen.get("namnd"):
            labels.append(f"{namnd.name} ({namnd.municipality.name})")
        if ar := chosen.get("ar"):
            labels.append(ar)
        if fran := chosen.get("fran"):
            labels.append(_("från och med %(date)s") % {"date": fran.isoformat()})
        if till := chosen.get("till"):
            labels.append(_("till och med %(date)s") % {"date": till.isoformat()})
        if parti := chosen.get("parti"):
            labels.append(_("reservation av %(party)s") % {"party": full_name(parti)})
        elif chosen.get("reservation"):
            labels.append(str(_("med reservation")))
        return labels

    @property
    def filtered(self) -> bool:
        """Whether a valid search chose any filter besides its words and order."""
        return any(
            value not in (None, "")
            for name, value in self.chosen.items()
            if name not in ("q", "ordning")
        )

    @property
    def newest_first(self) -> bool:
        return self.chosen.get("ordning") == "nyast"

    @cached_property
    def words(self) -> Query:
        """The words as the search reads them."""
        return Query(self.query, newest_first=self.newest_first)

    def filter_q(self, queryset: ParagrafQuerySet, name: str, value: str) -> Any:
        return queryset.search(Query(value, newest_first=self.newest_first))

    # The API describes the year as the number it is: a choice's value is text.
    @extend_schema_field({"type": "integer", "description": _("År")})
    def filter_ar(self, queryset: ParagrafQuerySet, name: str, value: str) -> Any:
        return queryset.filter(meeting_date__year=int(value))

    def filter_parti(self, queryset: ParagrafQuerySet, name: str, value: str) -> Any:
        return queryset.filter(reserving_parties__contains=[value])

    def filter_reservation(
        self, queryset: ParagrafQuerySet, name: str, value: bool
    ) -> Any:
        # "Either" (None) needs no branch: django-filter calls no method with
        # an empty value.
        return queryset.filter(has_reservation=value)

    def filter_nothing(self, queryset: ParagrafQuerySet, name: str, value: str) -> Any:
        # `ordning` is read by filter_q; it filters nothing itself.
        return queryset

    def scope(
        self, *, without: str | None = None, all_words: bool = False
    ) -> ParagrafQuerySet:
        """Every match of the words and filters, unranked and unordered.

        `without` leaves one filter out: a facet counts the values its own
        filter would choose among. `all_words` keeps the rows with all of a
        phrase's words in any order (Query.with_all_words()).
        """
        queryset = self.queryset
        if not self.is_bound:
            return queryset
        narrowed = False
        for name, value in self.form.cleaned_data.items():
            if name in ("q", "ordning", without) or value in (None, ""):
                continue
            # A filter hands back the queryset class it was given.
            queryset = cast(
                ParagrafQuerySet, self.filters[name].filter(queryset, value)
            )
            narrowed |= name in plan.NARROWING
        if self.query and all_words:
            queryset = self.words.with_all_words(queryset, walk=self.dense_phrase)
        elif self.query:
            walk = narrowed and self.common_query
            queryset = self.words.matching(queryset, walk_words=walk)
        return queryset

    @property
    def qs(self) -> ParagrafQuerySet:
        """The search's scope(), as DjangoFilterBackend hands it to the API's
        list: django-filter's own would apply the words among the filters."""
        return self.scope()


def reserving_parties() -> list[tuple[str, str]]:
    """The `parti` filter's values: the parties whose members reserved."""
    # Exists, not a join: a party's members have thousands of reservations.
    reserved = ReservationMember.objects.filter(member=OuterRef("pk"))
    parties = (
        Member.objects.filter(Exists(reserved))
        .exclude(party="")
        .values_list("party", flat=True)
        .distinct()
        .order_by("party")
    )
    return [(p, p) for p in parties]
