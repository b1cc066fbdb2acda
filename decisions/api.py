"""The read-only JSON API under /api/v1/, described by OpenAPI 3 at
/api/v1/schema/ and browsable at /api/v1/docs/.

Every object's `id` is its page's permanent address, so what the API returns
can be cited and what is cited can be fetched: a detail's API address is
/api/v1/<kind>/ and the page's path. Paragraphs are the same records as the
archive download (decisions.records); a withdrawn one answers 410 with when
and why (decisions.services.withdrawal). Lists page by a cursor on the id, newest
first: a cursor points between two ids, so minutes ingested while a client
pages neither shift nor repeat what it sees. Confidential paragraphs appear
nowhere.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Any

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import BasePagination, Cursor, CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from . import changes, problem_schema, problems
from .download import MANIFEST_NAME
from .filters import NamndsFilter
from .models import (
    Arende,
    Attendance,
    Change,
    Meeting,
    Member,
    Municipality,
    Namnd,
    Paragraf,
    Reservation,
    Tombstone,
    current_slugs,
    published_condition,
)
from .records import record_rows, records
from .search import ParagrafFilter
from .site import absolute


class NewestFirst(CursorPagination):
    ordering = "-pk"
    page_size = 50
    max_page_size = 500
    page_size_query_param = "antal"
    invalid_cursor_message = (
        "Ogiltig cursor: följ länkarna next och previous som listan ger."
    )

    def get_page_size(self, request: Request) -> int:
        # DRF falls back to the default for a size it cannot read: a client
        # asking for 1000 rows or for "many" would never learn it got 50.
        given = request.query_params.get(self.page_size_query_param)
        if given is None:
            return self.page_size
        field = forms.IntegerField(min_value=1, max_value=self.max_page_size)
        return _clean(self.page_size_query_param, field, given)

    def decode_cursor(self, request: Request) -> Cursor | None:
        # A cursor DRF cannot read is its 404, and one it can read is trusted
        # with a position of any text, which the id filter then fails on
        # (500): both are a bad parameter, said as such.
        try:
            cursor = super().decode_cursor(request)
        except NotFound as exc:
            raise ValidationError({self.cursor_query_param: [str(exc.detail)]}) from exc
        if cursor and cursor.position is not None:
            # DRF decodes the position as the text it was; its stubs say int.
            position: str = cursor.position  # type: ignore[assignment]
            if (
                not (position.isascii() and position.isdigit())
                or int(position) >= 2**63
            ):
                raise ValidationError(
                    {self.cursor_query_param: [self.invalid_cursor_message]}
                )
        return cursor

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: Any = None
    ) -> list[Any] | None:
        page = super().paginate_queryset(queryset, request, view)
        # The next and previous links under SITE_URL, not the request's host
        # (decisions.site).
        self.base_url = absolute(request.get_full_path())
        return page


def found(rows: QuerySet, missing: str, **address: Any) -> Any:
    """The one row at the address, or a 404 that says in Swedish what is
    missing (Django's get_object_or_404 says it in English)."""
    try:
        return rows.get(**address)
    except rows.model.DoesNotExist as exc:
        raise NotFound(missing) from exc


def _clean(name: str, field: forms.Field, value: str) -> Any:
    """value as field reads it, or a 400 naming the parameter."""
    try:
        return field.clean(value)
    except forms.ValidationError as exc:
        raise ValidationError({name: exc.messages}) from exc


@extend_schema_field(OpenApiTypes.URI)
class Permalink(serializers.Field):
    """An object's page as an absolute address: its permanent id (of the
    object itself with source="*", else of the related object named)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, obj: Any) -> str:
        return absolute(obj.get_absolute_url())


class MunicipalitySerializer(serializers.ModelSerializer):
    id = Permalink(source="*")

    class Meta:
        model = Municipality
        fields = ["id", "name", "slug"]


class NamndSerializer(serializers.ModelSerializer):
    id = Permalink(source="*")
    municipality = Permalink()

    class Meta:
        model = Namnd
        fields = ["id", "name", "slug", "municipality"]


class MeetingSerializer(serializers.ModelSerializer):
    id = Permalink(source="*")
    board = Permalink(source="namnd")
    appeal_deadline = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "board",
            "date",
            "protocol_number",
            "place",
            "time",
            "posting_date",
            "appeal_deadline",
            "ingested_at",
        ]


class AttendanceSerializer(serializers.ModelSerializer):
    """Someone present at a meeting, named as a record names a member (their
    page as id, name, party), and in what capacity."""

    id = Permalink(source="member")
    name = serializers.CharField(source="member.name", read_only=True)
    party = serializers.CharField(source="member.party", read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "name", "party", "group", "role", "replaces", "note"]


class MeetingDetailSerializer(MeetingSerializer):
    attendance = AttendanceSerializer(many=True, read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "attendance"]


class AttendanceRowSerializer(AttendanceSerializer):
    meeting = Permalink()
    date = serializers.DateField(source="meeting.date", read_only=True)

    class Meta(AttendanceSerializer.Meta):
        fields = ["meeting", "date", *AttendanceSerializer.Meta.fields]


class ArendeSerializer(serializers.ModelSerializer):
    id = Permalink(source="*")
    municipality = Permalink()

    class Meta:
        model = Arende
        fields = ["id", "dnr", "title", "municipality"]


class MemberSerializer(serializers.ModelSerializer):
    id = Permalink(source="*")
    municipality = Permalink()

    class Meta:
        model = Member
        fields = ["id", "name", "party", "municipality"]


class ReservationSerializer(serializers.ModelSerializer):
    paragraph = Permalink(source="paragraf")
    members = MemberSerializer(many=True, read_only=True)

    class Meta:
        model = Reservation
        fields = ["paragraph", "kind", "text", "members"]


class PartySerializer(serializers.Serializer):
    id = serializers.URLField(help_text="Partiets sida i kommunen")
    party = serializers.CharField()
    municipality = serializers.URLField()
    members = serializers.IntegerField()
    reservations = serializers.IntegerField()


# The shape of decisions.records, for the OpenAPI description (records are
# built without serializers: the archive download writes a million of them).
class _Ref(serializers.Serializer):
    id = serializers.URLField()
    name = serializers.CharField()


class _Named(_Ref):
    """A board or municipality in a record: its current address, its name on
    the meeting's date, and its name now (they differ after a rename)."""

    name = serializers.CharField(help_text="Namnet på sammanträdets dag")
    current_name = serializers.CharField(help_text="Namnet i dag")


class _Person(_Ref):
    party = serializers.CharField()


class _Cast(_Person):
    choice = serializers.ChoiceField(choices=["ja", "nej", "avstar"])


class _Statement(serializers.Serializer):
    kind = serializers.CharField()
    text = serializers.CharField()
    members = _Person(many=True)


class _Proposal(serializers.Serializer):
    text = serializers.CharField()
    members = _Person(many=True)


class _Vote(serializers.Serializer):
    ja = serializers.IntegerField(allow_null=True)
    nej = serializers.IntegerField(allow_null=True)
    avstar = serializers.IntegerField(allow_null=True)
    casts = _Cast(many=True)


class _Case(serializers.Serializer):
    id = serializers.URLField()
    dnr = serializers.CharField()


class _MeetingRef(serializers.Serializer):
    id = serializers.URLField()
    date = serializers.DateField(allow_null=True)
    protocol_number = serializers.CharField()
    posting_date = serializers.DateField(allow_null=True)


class _Section(serializers.Serializer):
    kind = serializers.CharField()
    heading = serializers.CharField()
    text = serializers.CharField()
    stage = serializers.CharField(allow_null=True)


class _Attachment(serializers.Serializer):
    """An attachment the minutes name; the file is not in the archive."""

    # The record's key; DRF takes declared fields off the class, so this
    # shadows no Field.label (the stubs see the attribute).
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="Bilaga 1, Bilaga A, Bilaga 1–19; Bilaga för en bilaga utan "
        "nummer; listans rubrik (Beslutsunderlag) för en handling utan nummer"
    )
    title = serializers.CharField(
        allow_blank=True, help_text="Titeln som står vid bilagan, annars tom"
    )


class ParagrafRecordSerializer(serializers.Serializer):
    id = serializers.URLField(help_text="Paragrafens fasta adress")
    number = serializers.CharField()
    title = serializers.CharField()
    decision = serializers.CharField()
    sections = _Section(many=True)
    procedure = serializers.CharField()
    recipients = serializers.ListField(child=serializers.CharField())
    attachments = _Attachment(
        many=True, help_text="Bilagorna som protokollet nämner vid paragrafen"
    )
    text = serializers.CharField()
    case = _Case(allow_null=True)
    case_numbers = serializers.ListField(child=serializers.CharField())
    referral = serializers.URLField(allow_null=True)
    meeting = _MeetingRef()
    board = _Named()
    municipality = _Named()
    reservations = _Statement(many=True)
    proposals = _Proposal(many=True)
    votes = _Vote(many=True)
    corrected_at = serializers.DateTimeField(allow_null=True)


class YearFilter(django_filters.NumberFilter):
    """A year of the calendar, 1 to 9999: a year outside it is a 400, where
    Django's year lookup would fail on it (a 500)."""

    # Any form field serves; the stubs ask for NumberFilter's DecimalField.
    field_class = forms.IntegerField  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("lookup_expr", "year")
        super().__init__(*args, min_value=1, max_value=9999, **kwargs)


def _text(field_name: str, label: str, lookup_expr: str = "exact") -> Any:
    # forms.CharField refuses NUL, which PostgreSQL text cannot hold.
    return django_filters.CharFilter(
        field_name=field_name, lookup_expr=lookup_expr, label=label, max_length=200
    )


# The parameter every list takes: what was created or changed after a time.
CHANGED_AFTER = "andrad_efter"


def changed_after(request: Request) -> datetime.datetime | None:
    """The time of `andrad_efter` (RFC 3339, with its offset), or None; a
    time without an offset is refused, as it means different instants to
    the client and to us."""
    given = request.query_params.get(CHANGED_AFTER)
    if given is None:
        return None
    # A "+" left unescaped in a query string arrives as a space.
    given = re.sub(r" (\d\d:?\d\d)$", r"+\1", given.strip())
    try:
        since = parse_datetime(given)
    except ValueError:
        since = None
    if since is None or since.tzinfo is None:
        raise ValidationError(
            {
                CHANGED_AFTER: [
                    "Ange en tidpunkt enligt RFC 3339 med tidszon, till exempel "
                    "2026-12-07T00:00:00Z."
                ]
            }
        )
    return since


@extend_schema(
    parameters=[
        OpenApiParameter(
            CHANGED_AFTER,
            OpenApiTypes.DATETIME,
            description="Bara det som skapats eller ändrats efter tidpunkten "
            "(RFC 3339 med tidszon).",
        )
    ]
)
class FilteredList(generics.ListAPIView):
    """A list narrowed by the query parameters of its `filterset_class`; a
    value its field refuses is a 400 naming the parameter, not an empty list
    or a 500. The OpenAPI description lists them from the same filterset."""

    pagination_class: type[BasePagination] | None = NewestFirst
    filter_backends = [DjangoFilterBackend]
    filterset_class: type[django_filters.FilterSet]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        """Refuse a parameter the list does not read, naming it: a misspelt
        filter ("namn" for "namnd") would otherwise return the whole list
        as if it had been applied."""
        super().initial(request, *args, **kwargs)
        # Paging's parameters on every list: a client that pages every list
        # alike asks a list of one page for its one page.
        known = {
            *self.filterset_class.base_filters,
            "format",
            CHANGED_AFTER,
            NewestFirst.cursor_query_param,
            NewestFirst.page_size_query_param,
        }
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise ValidationError(
                {
                    name: [
                        "Listan läser ingen sådan parameter; den läser "
                        + ", ".join(sorted(known))
                        + "."
                    ]
                    for name in unknown
                }
            )

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        """Name a bad paging parameter beside a bad filter: paging comes
        after filtering, and a client would learn of one at a time."""
        try:
            return super().filter_queryset(queryset)
        except ValidationError as exc:
            named = exc.detail if isinstance(exc.detail, dict) else {}
            if not named:
                raise
            raise ValidationError({**named, **self._paging_errors()}) from exc

    def _paging_errors(self) -> dict[str, Any]:
        paginator = self.paginator
        if not isinstance(paginator, NewestFirst):
            return {}
        errors: dict[str, Any] = {}
        for check in (paginator.get_page_size, paginator.decode_cursor):
            try:
                check(self.request)
            except ValidationError as exc:
                if isinstance(exc.detail, dict):
                    errors.update(exc.detail)
        return errors

    def get_queryset(self) -> QuerySet:
        since = changed_after(self.request)
        queryset = self.base_queryset()
        return queryset if since is None else self.changed(queryset, since)

    def base_queryset(self) -> QuerySet:
        raise NotImplementedError

    def changed(self, queryset: QuerySet, since: datetime.datetime) -> QuerySet:
        """Keep what was created or changed after since: by the rows' own
        stamp (models.ChangeStamped), unless the list says otherwise."""
        return queryset.filter(changed_at__gt=since)


KOMMUN = "Kommunens slug"


class MunicipalityFilter(django_filters.FilterSet):
    kommun = _text("slug", KOMMUN)

    class Meta:
        model = Municipality
        fields: list[str] = []


class MunicipalityList(FilteredList):
    serializer_class = MunicipalitySerializer
    filterset_class = MunicipalityFilter

    def base_queryset(self) -> QuerySet:
        return Municipality.objects.all()


if TYPE_CHECKING:
    # FollowsOldNames stands before a DRF view in each view's bases: typed as
    # one, its super() call and self.request are checked.
    _APIView = generics.GenericAPIView[Any]
else:
    _APIView = object


class FollowsOldNames(_APIView):
    """For a detail view: an address under a renamed board's or municipality's
    old slug answers 301 to the current one, as the pages do
    (views.follows_old_names); what is not found there stays 404."""

    def handle_exception(self, exc: Exception) -> Any:
        if isinstance(exc, (Http404, NotFound)):
            moved = current_slugs(self.kwargs["kommun"], self.kwargs.get("namnd"))
            if moved is not None:
                return HttpResponsePermanentRedirect(self._moved_to(*moved))
        return super().handle_exception(exc)

    def _moved_to(self, kommun: str, namnd: str) -> str:
        request = self.request
        kwargs = {**self.kwargs, "kommun": kommun}
        if "namnd" in kwargs:
            kwargs["namnd"] = namnd
        match = request.resolver_match
        assert match is not None  # set for every view the URLconf resolved
        url = reverse(f"{match.namespace}:{match.url_name}", kwargs=kwargs)
        query = request.META.get("QUERY_STRING")
        return f"{url}?{query}" if query else url


class MunicipalityDetail(FollowsOldNames, generics.RetrieveAPIView):
    serializer_class = MunicipalitySerializer

    def get_object(self) -> Municipality:
        return found(
            Municipality.objects.all(),
            "Ingen kommun med den adressen.",
            slug=self.kwargs["kommun"],
        )


class NamndFilter(django_filters.FilterSet):
    kommun = _text("municipality__slug", KOMMUN)

    class Meta:
        model = Namnd
        fields: list[str] = []


class NamndList(FilteredList):
    serializer_class = NamndSerializer
    filterset_class = NamndFilter

    def base_queryset(self) -> QuerySet:
        return Namnd.objects.select_related("municipality")


class NamndDetail(FollowsOldNames, generics.RetrieveAPIView):
    serializer_class = NamndSerializer

    def get_object(self) -> Namnd:
        return found(
            Namnd.objects.select_related("municipality"),
            "Ingen nämnd med den adressen.",
            municipality__slug=self.kwargs["kommun"],
            slug=self.kwargs["namnd"],
        )


class MeetingFilter(django_filters.FilterSet):
    kommun = _text("namnd__municipality__slug", KOMMUN)
    namnd = NamndsFilter(field_name="namnd")
    ar = YearFilter(field_name="date", label="Sammanträdets år")

    class Meta:
        model = Meeting
        fields: list[str] = []


def _last_modified(
    response: Response, times: list[datetime.datetime | None]
) -> Response:
    """Last-Modified: the newest ingest or correction among what is shown."""
    known = [t for t in times if t]
    if known:
        response["Last-Modified"] = http_date(max(known).timestamp())
    return response


class MeetingList(FilteredList):
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter

    def base_queryset(self) -> QuerySet:
        return Meeting.objects.select_related("namnd__municipality").defer(
            "source_text"
        )


class MeetingDetail(FollowsOldNames, generics.RetrieveAPIView):
    serializer_class = MeetingDetailSerializer

    def get_object(self) -> Meeting:
        present = Attendance.objects.select_related("member__municipality")
        return found(
            Meeting.objects.select_related("namnd__municipality")
            .prefetch_related(Prefetch("attendance", queryset=present))
            .defer("source_text"),
            "Inget sammanträde med den adressen.",
            namnd__municipality__slug=self.kwargs["kommun"],
            namnd__slug=self.kwargs["namnd"],
            slug=self.kwargs["meeting"],
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        meeting = self.get_object()
        response = Response(self.get_serializer(meeting).data)
        return _last_modified(response, [meeting.ingested_at])


# A tombstone's shape (decisions.changes), for the pages' description.
TOMBSTONE = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uri"},
        "number": {"type": "string"},
        "removed_at": {"type": "string", "format": "date-time"},
        "withdrawn_at": {"type": "string", "format": "date-time", "nullable": True},
        "withdrawal_reason": {"type": "string"},
    },
    "required": ["id", "number", "removed_at", "withdrawn_at", "withdrawal_reason"],
}


class ChangePages(NewestFirst):
    """A paragraph list's pages: newest first, or with `andrad_efter` the
    changed addresses in the order they changed (decisions.changes), so a
    client that stops resumes from its last `next`. Every page also has
    `tombstones`: with `andrad_efter`, the addresses of the page that are
    no longer public (empty without it)."""

    def get_ordering(self, request: Request, queryset: Any, view: Any) -> Any:
        if changed_after(request) is not None:
            return ("seq",)
        return super().get_ordering(request, queryset, view)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["tombstones"] = {"type": "array", "items": TOMBSTONE}
        paginated["required"] = [*paginated.get("required", []), "tombstones"]
        return paginated


# The parameters a paragraph list reads along with `andrad_efter`: a
# tombstone has nothing else to filter by.
WITH_CHANGED_AFTER = {
    CHANGED_AFTER,
    "kommun",
    "format",
    NewestFirst.cursor_query_param,
    NewestFirst.page_size_query_param,
}


class ParagrafList(FilteredList):
    """Published paragraphs, filtered as the search is (the same parameters,
    checked by the same form), newest first; with `andrad_efter`, what was
    published, changed or taken down since, as decisions.changes tells it."""

    serializer_class = ParagrafRecordSerializer
    filterset_class = ParagrafFilter
    pagination_class = ChangePages

    def base_queryset(self) -> QuerySet:
        # The search's filterset keeps the published rows: record_rows()'s.
        return Paragraf.objects.order_by("pk")

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if changed_after(request) is not None:
            other = sorted(set(request.query_params) - WITH_CHANGED_AFTER)
            if other:
                raise ValidationError(
                    {
                        name: [
                            "Kan inte kombineras med andrad_efter: bara kommun "
                            "gäller för det som inte längre är offentligt."
                        ]
                        for name in other
                    }
                )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        since = changed_after(request)
        if since is not None:
            return self._changes(request, since)
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None  # paginated: pagination_class is set
        response = self.get_paginated_response(records(page, settings.SITE_URL))
        response.data["tombstones"] = []
        return _last_modified(
            response, [t for p in page for t in (p.meeting.ingested_at, p.corrected_at)]
        )

    def _changes(self, request: Request, since: datetime.datetime) -> Response:
        queryset = Change.objects.after(since)
        kommun = request.query_params.get("kommun")
        if kommun is not None:
            queryset = queryset.filter(
                kommun=_clean("kommun", forms.SlugField(max_length=200), kommun)
            )
        page = self.paginate_queryset(queryset)
        assert page is not None  # paginated: pagination_class is set
        kept, gone = changes.state(page, settings.SITE_URL)
        response = self.get_paginated_response(kept)
        response.data["tombstones"] = gone
        return _last_modified(response, [c.at for c in page])


@extend_schema(
    responses={
        200: ParagrafRecordSerializer,
        (410, problems.PROBLEM_JSON): OpenApiResponse(
            problem_schema.WITHDRAWN,
            description="Paragrafen är återkallad: när och varför, inget innehåll",
        ),
    }
)
class ParagrafDetail(FollowsOldNames, generics.RetrieveAPIView):
    """A published paragraph's record; a withdrawn one answers 410 Gone with
    when and why it was withdrawn, and nothing of its content."""

    serializer_class = ParagrafRecordSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        address = {
            "meeting__namnd__municipality__slug": kwargs["kommun"],
            "meeting__namnd__slug": kwargs["namnd"],
            "meeting__slug": kwargs["meeting"],
            "number": kwargs["number"],
        }
        paragraf = record_rows().filter(**address).first()
        if paragraf is None:
            # A withdrawn paragraph's tombstone outlives its row, and its
            # board's renames (decisions.services.withdrawal).
            gone = Tombstone.objects.at(
                kwargs["kommun"], kwargs["namnd"], kwargs["meeting"], kwargs["number"]
            )
            if gone is None:
                raise NotFound("Ingen publicerad paragraf med den adressen.")
            raise problems.Problem(
                problems.WITHDRAWN,
                f"Paragraf {gone.number} är återkallad: {gone.reason}",
                id=absolute(gone.get_absolute_url()),
                number=gone.number,
                withdrawn_at=serializers.DateTimeField().to_representation(
                    gone.withdrawn_at
                ),
                withdrawal_reason=gone.reason,
            )
        response = Response(records([paragraf], settings.SITE_URL)[0])
        return _last_modified(
            response, [paragraf.meeting.ingested_at, paragraf.corrected_at]
        )


class ArendeFilter(django_filters.FilterSet):
    kommun = _text("municipality__slug", KOMMUN)
    dnr = _text("dnr", "Diarienummer som det står", "iexact")

    class Meta:
        model = Arende
        fields: list[str] = []


class ArendeList(FilteredList):
    serializer_class = ArendeSerializer
    filterset_class = ArendeFilter

    def base_queryset(self) -> QuerySet:
        return Arende.objects.select_related("municipality")


class ArendeDetail(FollowsOldNames, generics.RetrieveAPIView):
    serializer_class = ArendeSerializer

    def get_object(self) -> Arende:
        return found(
            Arende.objects.select_related("municipality"),
            "Inget ärende med den adressen.",
            municipality__slug=self.kwargs["kommun"],
            dnr=self.kwargs["dnr"],
        )


class ReservationFilter(django_filters.FilterSet):
    kommun = _text("paragraf__meeting__namnd__municipality__slug", KOMMUN)
    namnd = NamndsFilter(field_name="paragraf__meeting__namnd")
    parti = _text("members__party", "Ledamöternas parti")
    typ = django_filters.ChoiceFilter(
        field_name="kind",
        choices=Reservation.Kind.choices,
        label="reservation, sarskilt_uttalande, protokollsanteckning, jav",
    )

    class Meta:
        model = Reservation
        fields: list[str] = []


class ReservationList(FilteredList):
    serializer_class = ReservationSerializer
    filterset_class = ReservationFilter

    def base_queryset(self) -> QuerySet:
        return (
            Reservation.objects.published()
            .select_related("paragraf__meeting__namnd__municipality")
            .prefetch_related("members__municipality")
        )

    def get_queryset(self) -> QuerySet:
        # A party filter joins the members: keep each reservation once.
        return super().get_queryset().distinct()

    def changed(self, queryset: QuerySet, since: datetime.datetime) -> QuerySet:
        # A statement is rewritten with its paragraph: the paragraph's change.
        return queryset.filter(paragraf__changes__at__gt=since)


class MemberFilter(django_filters.FilterSet):
    kommun = _text("municipality__slug", KOMMUN)
    parti = _text("party", "Partiets förkortning")

    class Meta:
        model = Member
        fields: list[str] = []


class MemberList(FilteredList):
    serializer_class = MemberSerializer
    filterset_class = MemberFilter

    def base_queryset(self) -> QuerySet:
        return Member.objects.select_related("municipality")


class MemberDetail(FollowsOldNames, generics.RetrieveAPIView):
    serializer_class = MemberSerializer

    def get_object(self) -> Member:
        municipality = found(
            Municipality.objects.all(),
            "Ingen kommun med den adressen.",
            slug=self.kwargs["kommun"],
        )
        member = Member.objects.by_slug(municipality, self.kwargs["person"])
        if member is None:
            raise NotFound("Ingen person med den adressen.")
        member.municipality = municipality
        return member


class PartyList(FilteredList):
    """Each party of each municipality: its members and the paragraphs where
    they dissented. Few enough rows for one page."""

    serializer_class = PartySerializer
    pagination_class = None
    filterset_class = MemberFilter

    def base_queryset(self) -> QuerySet:
        return Member.objects.exclude(party="")

    def changed(self, queryset: QuerySet, since: datetime.datetime) -> QuerySet:
        """Keep the parties whose row may have changed: a member of theirs
        changed, or a paragraph one of them reserved at. All their members
        still count."""
        touched = (
            Member.objects.filter(
                Q(changed_at__gt=since)
                | Q(reservations__paragraf__changes__at__gt=since)
            )
            .values_list("municipality_id", "party")
            .distinct()
        )
        parties = Q()
        for municipality, party in touched:
            parties |= Q(municipality_id=municipality, party=party)
        return queryset.filter(parties) if parties else queryset.none()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rows = (
            self.filter_queryset(self.get_queryset())
            .values("municipality__slug", "municipality__name", "party")
            .annotate(
                members=Count("pk", distinct=True),
                reservations=Count(
                    "reservations",
                    filter=Q(reservations__kind=Reservation.Kind.RESERVATION)
                    & published_condition("reservations__paragraf__"),
                    distinct=True,
                ),
            )
            .order_by("municipality__name", "party")
        )
        base = settings.SITE_URL
        data = [
            {
                "id": base
                + reverse(
                    "decisions:party", args=[row["municipality__slug"], row["party"]]
                ),
                "party": row["party"],
                "municipality": base
                + reverse("decisions:municipality", args=[row["municipality__slug"]]),
                "members": row["members"],
                "reservations": row["reservations"],
            }
            for row in rows
        ]
        return Response(PartySerializer(data, many=True).data)


class AttendanceForm(forms.Form):
    """A person's slug names someone only within their municipality: asked
    for without one, a 400 naming `person`."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("person") and not cleaned.get("kommun"):
            self.add_error(
                "person",
                "En persons slug är unik bara inom kommunen: ange också kommun.",
            )
        return cleaned


class AttendanceFilter(django_filters.FilterSet):
    kommun = _text("meeting__namnd__municipality__slug", KOMMUN)
    namnd = _text("meeting__namnd__slug", "Nämndens slug")
    person = django_filters.CharFilter(
        method="filter_person",
        label="Personens slug (med kommun)",
        max_length=200,
    )
    ar = YearFilter(field_name="meeting__date", label="Sammanträdets år")

    class Meta:
        model = Attendance
        fields: list[str] = []
        form = AttendanceForm

    def filter_person(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # A person's slug is derived from name and party (Member.slug), so it
        # is found among the municipality's people, as their page finds it.
        municipality = Municipality.objects.filter(
            slug=self.form.cleaned_data["kommun"]
        ).first()
        member = municipality and Member.objects.by_slug(municipality, value)
        return queryset.filter(member=member) if member else queryset.none()


class AttendanceList(FilteredList):
    """Who the minutes list as present at each meeting, and as what."""

    serializer_class = AttendanceRowSerializer
    filterset_class = AttendanceFilter

    def base_queryset(self) -> QuerySet:
        return Attendance.objects.select_related(
            "member__municipality", "meeting__namnd__municipality"
        ).defer("meeting__source_text")


class IndexSerializer(serializers.Serializer):
    lists = serializers.DictField(child=serializers.URLField())
    popolo = serializers.CharField(
        help_text="En kommun som Popolo-data: adressmall (RFC 6570) med {kommun}"
    )
    schema = serializers.URLField()
    docs = serializers.URLField()
    download = serializers.URLField()
    feed = serializers.URLField()


# The lists the index names, by their URL names (decisions/api_urls.py).
INDEX_LISTS = {
    "kommuner": "api:municipalities",
    "namnder": "api:namnder",
    "sammantraden": "api:meetings",
    "paragrafer": "api:paragrafer",
    "arenden": "api:cases",
    "reservationer": "api:reservations",
    "ledamoter": "api:members",
    "partier": "api:parties",
    "narvaro": "api:attendance",
}

# The slug the index's address template of a municipality's Popolo document
# is reversed with, then replaced by "{kommun}".
_TEMPLATE_SLUG = "kommun"


class ApiIndex(generics.GenericAPIView):
    """/api/v1/ itself: where everything is, so a client starts from one
    address and follows links (each list's address, the address template of
    a municipality's Popolo document, the OpenAPI description, its
    documentation, the archive download, the site's feed)."""

    serializer_class = IndexSerializer
    pagination_class = None

    @extend_schema(responses=IndexSerializer)
    def get(self, request: Request) -> Response:
        return Response(
            {
                "lists": {
                    name: absolute(reverse(url_name))
                    for name, url_name in INDEX_LISTS.items()
                },
                "popolo": absolute(
                    reverse("api:popolo", args=[_TEMPLATE_SLUG])
                ).replace(f"/{_TEMPLATE_SLUG}.json", "/{kommun}.json"),
                "schema": absolute(reverse("api:schema")),
                "docs": absolute(reverse("api:docs")),
                "download": absolute(reverse("open_data_file", args=[MANIFEST_NAME])),
                "feed": absolute(reverse("decisions:site_feed")),
            }
        )
