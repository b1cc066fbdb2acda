"""The archive's data: boards, their meetings, the numbered sections of the minutes.

Natural keys are database constraints, so that ingesting the same protocol twice
updates rows instead of duplicating them, and every public address is derived from
those keys (see urls.py) rather than from database ids.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Collection
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import (
    SearchVector,
    SearchVectorField,
)
from django.core.exceptions import ValidationError
from django.db import connection, connections, models, router
from django.db.models import (
    Count,
    F,
    Func,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, ExtractYear, Lower, Now, Upper
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from .dates import appeal_deadline
from .guard import ALL, Finding, Names, PersonalDataError, guard
from .lookups import Ids

# Swedish alphabetical order (Å, Ä, Ö after Z) for names people sort by.
SWEDISH = "sv-SE-x-icu"
# The PostgreSQL text search configuration every query and vector uses: Swedish
# stemming after unaccent, so "namnd" finds "nämnd" (migration 0003 makes it).
SEARCH_CONFIG = "swedish_unaccent"
# Title highest, then decision, then reservations, then the rest.
SEARCH_VECTOR = (
    SearchVector("title", weight="A", config=SEARCH_CONFIG)
    + SearchVector("decision", weight="B", config=SEARCH_CONFIG)
    + SearchVector("reservation_text", weight="C", config=SEARCH_CONFIG)
    + SearchVector("text", "search_terms", weight="D", config=SEARCH_CONFIG)
)


def dnr_key(dnr: Any) -> Func:
    """A diarienummer as search compares it: in capitals, each run of other
    characters than letters and digits one space, a space between two
    digits a slash, and then no spaces: "ks 2024-112" and "KS2024/112" have
    the same key. The index arende_dnr_key serves it."""
    if isinstance(dnr, str):
        dnr = F(dnr)
    spaced = Func(
        Upper(dnr),
        Value("[^[:alnum:]]+"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
    )
    numbered = Func(
        spaced,
        Value("([0-9]) (?=[0-9])"),
        Value("\\1/"),
        Value("g"),
        function="regexp_replace",
    )
    return Func(
        numbered,
        Value(" "),
        Value(""),
        function="replace",
        output_field=models.CharField(),
    )


def count_per_year(rows: models.QuerySet, field: str) -> dict[int, int]:
    """Count rows per year of their date `field` (a lookup path); undated
    rows are left out."""
    counted = (
        rows.annotate(year=ExtractYear(field))
        .exclude(year=None)
        .values_list("year")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    return dict(counted)


if TYPE_CHECKING:
    # The mixin stands before models.Model in each model's bases; typed as a
    # model, its super() calls and _meta/_state are checked.
    _GuardedBase = models.Model
else:
    _GuardedBase = object


@functools.lru_cache(maxsize=4096)
def _reversed(
    name: str, args: tuple[str | int, ...], language: str, prefix: str, urlconf: str
) -> str:
    return reverse(name, urlconf=urlconf, args=args)


def _address(name: str, *args: str | int) -> str:
    """A record's page address: reverse(), remembered by name, arguments,
    language, script prefix and URL configuration (all it depends on). A
    page names the same records several times (breadcrumbs, its permalink,
    JSON-LD, the back link) and every page its municipality and board; each
    reverse() costs more than rendering the link."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reversed(name, args, get_language(), get_script_prefix(), urlconf)


class GuardsPersonalData(_GuardedBase):
    """For the models whose text the public reads: no identity number, and on
    a board with individual cases no name, gets into a text field (CharField,
    TextField, JSONField, arrays of text) unless masked or confirmed.

    clean_fields(), which the admin's forms run, refuses at the field, names
    included; save() refuses identity numbers for any other caller (a shell,
    a script). decisions.guard says why this is one function at each door.
    """

    # Fields guard() passes over: hashes, whose hex digits may spell a valid
    # number by chance.
    personal_data_exempt: tuple[str, ...] = ()
    # What a clerk confirmed is no personal data: texts, or ALL (what the
    # form found, admin_forms.ConfirmsPersonalData). The confirmed findings
    # are kept in personal_data_confirmations for the log.
    confirmed_personal_data: Collection[str] | str = ()
    # The foreign key to the row an admin page edits this one inline under.
    personal_data_parent: str | None = None

    def personal_data_namnd(self) -> Namnd | None:
        """The board whose minutes hold the row, when names are asked about."""
        return None

    def personal_data_confirmed(self) -> Collection[str] | str:
        """What the clerk confirmed for this row, or for the row it is edited
        inline under (personal_data_parent: an inline's row holds the very
        object the page's form confirmed on)."""
        own = self.confirmed_personal_data
        name = self.personal_data_parent
        parent = self._state.fields_cache.get(name) if name else None
        return own or (parent.personal_data_confirmed() if parent else ())

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        errors: dict[str, list[Any]] = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            self.check_personal_data(exclude=exclude, names=True)
        except PersonalDataError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.check_personal_data(only=kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def check_personal_data(
        self,
        *,
        exclude: Collection[str] | None = None,
        only: Collection[str] | None = None,
        names: bool = False,
    ) -> list[Finding]:
        """Refuse what the row's text fields would newly hold (PersonalDataError);
        return what the clerk confirmed of it."""
        fields = [
            f
            for f in guarded_fields(type(self))
            if (exclude is None or f.name not in exclude)
            and (only is None or f.name in only)
        ]
        texts = {
            f.name: (
                f"{self._meta.verbose_name}, fältet {f.verbose_name}",
                getattr(self, f.attname),
            )
            for f in fields
        }
        namnd = self.personal_data_namnd() if names else None
        asked = _names_of(namnd) if namnd and namnd.handles_individual_cases else None
        confirmed = self.personal_data_confirmed()
        given = () if confirmed == ALL else confirmed
        try:
            # Most saves find nothing, and ask nothing of the database.
            guard(texts, names=asked, confirmed=given)
            return []
        except PersonalDataError:
            pass
        try:
            guard(texts, names=asked, confirmed=given, stored=self._stored(fields))
            return []
        except PersonalDataError as error:
            if confirmed != ALL:
                raise
            found = [f for group in error.findings.values() for f in group]
            self.personal_data_confirmations = found
            return found

    def _stored(self, fields: list[models.Field]) -> list[Any]:
        if self._state.adding or self.pk is None:
            return []
        manager = type(self)._base_manager
        row = manager.filter(pk=self.pk).values_list(*(f.attname for f in fields))
        return list(row.first() or [])


def guarded_fields(model: type[models.Model]) -> list[models.Field]:
    """The model's fields that hold text a reader may see."""
    exempt = getattr(model, "personal_data_exempt", ())
    out = []
    for f in model._meta.concrete_fields:
        base = f.base_field if isinstance(f, ArrayField) else f
        text = isinstance(base, (models.CharField, models.TextField, models.JSONField))
        if text and not f.choices and f.name not in exempt:
            out.append(f)
    return out


def _names_of(namnd: Namnd) -> Names:
    """Who may be named in the board's minutes (its municipality's members, in
    office), and the words of its places."""
    municipality = namnd.municipality
    return Names(
        known=set(
            Member.objects.filter(municipality=municipality).values_list(
                "name", flat=True
            )
        ),
        places={*municipality.name.split(), *namnd.name.split()},
    )


class ChangeStamped(models.Model):
    """A row whose last change the database stamps (trigger stamp_changed_at,
    migration 0029) for the API's `andrad_efter`: on insert and whenever an
    update changes a column, whoever wrote it."""

    changed_at = models.DateTimeField("ändrad", db_default=Now(), editable=False)

    class Meta:
        abstract = True


class Municipality(GuardsPersonalData, ChangeStamped):
    """A municipality or region whose boards publish minutes."""

    name = models.CharField("namn", max_length=200, unique=True, db_collation=SWEDISH)
    slug = models.SlugField(
        "adress",
        max_length=200,
        unique=True,
        help_text="Kommunens del av webbadressen: små bokstäver och bindestreck, "
        "till exempel sjobacka-kommun.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "kommun"
        verbose_name_plural = "kommuner"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return _address("decisions:municipality", self.slug)

    def name_on(self, day: date | None) -> str:
        """The name the municipality had on day (without one: its name now)."""
        return _name_on(self.earlier_names.all(), day) or self.name


class Namnd(GuardsPersonalData, ChangeStamped):
    """A board (nämnd, styrelse, utskott, fullmäktige) of a municipality."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="namnder",
        verbose_name="kommun",
    )
    name = models.CharField("namn", max_length=200, db_collation=SWEDISH)
    slug = models.SlugField(
        "adress",
        max_length=200,
        help_text="Nämndens del av webbadressen, efter kommunens: små bokstäver "
        "och bindestreck, till exempel tekniska-namnden.",
    )
    # A board deciding on individuals (socialnämnd, individutskott): names in
    # its minutes are personal data until a clerk says otherwise, and stop
    # publishing (decisions.services.publishing).
    handles_individual_cases = models.BooleanField(
        "handlägger individärenden",
        default=False,
        help_text="För en nämnd som beslutar om enskilda personer (socialnämnd, "
        "individutskott): namn i dess protokoll publiceras inte förrän du har "
        "maskerat dem eller bekräftat att de inte är personuppgifter.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "nämnd"
        verbose_name_plural = "nämnder"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "slug"],
                name="namnd_slug_unique_per_municipality",
            ),
            models.UniqueConstraint(
                fields=["municipality", "name"],
                name="namnd_name_unique_per_municipality",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return _address("decisions:namnd", self.municipality.slug, self.slug)

    @property
    def slug_path(self) -> str:
        """The board as every filter names it: its municipality's slug and its
        own, as in its address ("sjobacka-kommun/kommunstyrelsen"). A board's
        slug alone repeats across municipalities, and an id is no address."""
        return f"{self.municipality.slug}/{self.slug}"

    def name_on(self, day: date | None) -> str:
        """The name the board had on day (without one: its name now).

        A rename (decisions.services.rename) keeps the name it replaces, with
        the days it held, as a NamndName."""
        return _name_on(self.earlier_names.all(), day) or self.name


def _held_on(model: type[EarlierName], owner: str, outer: str, day: date | None) -> Any:
    """The name of model (an earlier name) its owner held on day, as a
    subquery on the owner's row (outer: the owner's field there)."""
    if day is None:
        return Value(None, output_field=models.CharField())
    held = model._default_manager.filter(
        Q(valid_from=None) | Q(valid_from__lte=day),
        valid_until__gte=day,
        **{owner: OuterRef(outer)},
    )
    return Subquery(held.order_by("valid_until").values("name")[:1])


def _name_on(earlier: models.QuerySet, day: date | None) -> str | None:
    """Of earlier names (NamndName or MunicipalityName), the one held on day."""
    if day is None:
        return None
    held = earlier.filter(Q(valid_from=None) | Q(valid_from__lte=day))
    return (
        held.filter(valid_until__gte=day)
        .order_by("valid_until")
        .values_list("name", flat=True)
        .first()
    )


class EarlierName(models.Model):
    """A name held before the current one, and the days it was held.

    The current name stays on its own row (Namnd.name, Municipality.name):
    its days run from the day after the last earlier name ended. Only
    decisions.services.rename writes these, and never changes one: the
    history of names is what citations and ingest rely on.
    """

    name = models.CharField("namn", max_length=200, db_collation=SWEDISH)
    slug = models.SlugField("adress", max_length=200)
    # Null: held from before the archive knows (the first name, its start
    # unrecorded).
    valid_from = models.DateField("gällde från", null=True, blank=True)
    # Its last day: the day before the next name took over.
    valid_until = models.DateField("gällde till och med")

    # Copies of a name guarded on its own row when it was given; a slug.
    personal_data_exempt = ("name", "slug")

    class Meta:
        abstract = True
        ordering = ["valid_until"]

    def __str__(self) -> str:
        start = self.valid_from.isoformat() if self.valid_from else ""
        return f"{self.name} ({start}–{self.valid_until.isoformat()})"


class NamndName(EarlierName):
    """A name a board held before its current one, with the days it held."""

    namnd = models.ForeignKey(
        Namnd,
        on_delete=models.CASCADE,
        related_name="earlier_names",
        verbose_name="nämnd",
    )

    class Meta(EarlierName.Meta):
        verbose_name = "tidigare namn för nämnd"
        verbose_name_plural = "tidigare namn för nämnder"
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from=None) | Q(valid_from__lte=F("valid_until")),
                name="namnd_name_days_in_order",
            ),
            models.UniqueConstraint(
                fields=["namnd", "valid_until"], name="namnd_name_one_per_last_day"
            ),
        ]
        indexes = [
            # Ingest resolving a board by a name it had (_write_meeting).
            models.Index(fields=["slug"], name="namnd_name_slug"),
        ]


class MunicipalityName(EarlierName):
    """A name a municipality held before its current one, with the days it
    held; its slug keeps answering with a 301 (views.follows_old_names)."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="earlier_names",
        verbose_name="kommun",
    )

    class Meta(EarlierName.Meta):
        verbose_name = "tidigare namn för kommun"
        verbose_name_plural = "tidigare namn för kommuner"
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from=None) | Q(valid_from__lte=F("valid_until")),
                name="municipality_name_days_in_order",
            ),
            models.UniqueConstraint(
                fields=["municipality", "valid_until"],
                name="municipality_name_one_per_last_day",
            ),
        ]
        indexes = [
            # Old addresses and ingest resolving a municipality by an old name.
            models.Index(fields=["slug"], name="municipality_name_slug"),
        ]


def current_slugs(kommun: str, namnd: str | None = None) -> tuple[str, str] | None:
    """Where an address with a municipality's and a board's slugs, either
    perhaps an earlier one, lives now: (municipality slug, board slug, or ""
    when none was asked); None when nothing there ever moved.

    An old municipality slug is a MunicipalityName's, an old board slug a
    NamndAlias's (rename writes both); a current slug always wins over an
    old one.
    """
    municipality = Municipality.objects.filter(slug=kommun).first()
    if municipality is None:
        earlier = (
            MunicipalityName.objects.filter(slug=kommun)
            .select_related("municipality")
            .order_by("-valid_until")
            .first()
        )
        if earlier is None:
            return None
        municipality = earlier.municipality
    namnd_slug = ""
    if namnd is not None:
        namnd_slug = (
            municipality.namnder.filter(slug=namnd)
            .values_list("slug", flat=True)
            .first()
            or NamndAlias.objects.filter(municipality=municipality, slug=namnd)
            .values_list("namnd__slug", flat=True)
            .first()
            or ""
        )
        if not namnd_slug:
            return None
    if (municipality.slug, namnd_slug) == (kommun, namnd or ""):
        return None
    return municipality.slug, namnd_slug


class NamndAlias(GuardsPersonalData, models.Model):
    """A slug a board was once addressed by, after a rename or a merge.

    Its pages, meetings and paragraphs answer there with a 301 to the board's
    current address (views.follows_old_names); pointing at the board rather
    than at a slug, an alias follows every later rename too. For a merge, point
    the old board's alias at the board it merged into.
    """

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, verbose_name="kommun"
    )
    slug = models.SlugField(
        "tidigare adress",
        max_length=200,
        help_text="Nämndens gamla del av webbadressen. Sidor där skickas vidare "
        "till nämndens adress i dag.",
    )
    namnd = models.ForeignKey(
        Namnd,
        on_delete=models.CASCADE,
        related_name="aliases",
        verbose_name="nämnd",
        help_text="Nämnden adressen leder till; efter en sammanslagning den "
        "nämnd som finns kvar.",
    )

    class Meta:
        verbose_name = "tidigare adress för nämnd"
        verbose_name_plural = "tidigare adresser för nämnder"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "slug"],
                name="namnd_alias_slug_unique_per_municipality",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slug} → {self.namnd}"


class MeetingQuerySet(models.QuerySet):
    def with_withheld(self) -> MeetingQuerySet:
        """Annotate `withheld`: whether a paragraph of the meeting is
        confidential or withdrawn (decisions.originals: its download is then
        a public version)."""
        return self.annotate(
            withheld=_exists(
                "EXISTS (SELECT 1 FROM decisions_paragraf AS withheld"
                " WHERE withheld.meeting_id = decisions_meeting.id"
                " AND withheld.confidential)"
            )
        )


class Meeting(GuardsPersonalData, ChangeStamped):
    """One meeting of a board, as recorded in one protocol."""

    namnd = models.ForeignKey(
        Namnd, on_delete=models.PROTECT, related_name="meetings", verbose_name="nämnd"
    )
    date = models.DateField("datum", null=True, blank=True)
    protocol_number = models.CharField("protokollnummer", max_length=50, blank=True)
    # The address part: the meeting date ("2016-09-20"), or for minutes that state no
    # date "utan-datum-" and the start of the source's SHA-256, which is as stable.
    slug = models.SlugField(
        "adress",
        max_length=100,
        help_text="Sammanträdets del av webbadressen: datumet, till exempel "
        "2024-05-21.",
    )
    source_name = models.CharField(
        "filnamn", max_length=255, help_text="Protokollfilens namn när den lästes in."
    )
    source_sha256 = models.CharField("filens kontrollsumma (SHA-256)", max_length=64)
    # The text as ingested, so that a parser fix can be applied to the whole archive
    # without the original files.
    source_text = models.TextField(
        "protokollets text",
        help_text="Texten som lästes ur protokollfilen. Arkivet läser om "
        "protokollet från den när tolkningen förbättras.",
    )
    # What the source was: "text", "pdf" or "docx".
    source_format = models.CharField("filformat", max_length=10, default="text")
    # The file as ingested or published, for download (decisions.originals).
    source_file = models.FileField(
        "originalfil", max_length=300, upload_to="original/", blank=True
    )
    ingested_at = models.DateTimeField("inläst", auto_now=True)
    place = models.CharField("plats", max_length=300, blank=True)
    time = models.CharField("tid", max_length=100, blank=True)
    # When the adjusted minutes were posted on the notice board (anslag): the
    # three weeks for appeal (laglighetsprövning) run from this date.
    posting_date = models.DateField(
        "anslaget",
        null=True,
        blank=True,
        help_text="Dagen protokollet anslogs på kommunens anslagstavla. Tiden för "
        "att överklaga, tre veckor, räknas från den.",
    )
    # Member is defined below, so the field is typed by hand; its through
    # table is Django's own.
    adjusters: models.ManyToManyField[Member, Any] = models.ManyToManyField(
        "Member",
        blank=True,
        related_name="adjusted_meetings",
        verbose_name="justerare",
    )
    # The board's and the municipality's names on the meeting's date (their
    # name_on()), which its pages, citations, feeds and records show: kept
    # here by save() and by decisions.services.rename, so that a list of
    # paragraphs shows them without a query more.
    namnd_name = models.CharField(
        "nämndens namn då", max_length=200, blank=True, editable=False
    )
    municipality_name = models.CharField(
        "kommunens namn då", max_length=200, blank=True, editable=False
    )
    # The meeting's address when it was first written: its paragraphs' Atom
    # entry ids extend it (decisions.feeds), so that a rename changes no id.
    first_path = models.CharField(
        "första adress", max_length=500, blank=True, editable=False
    )

    # A hash of the source file, not text: its hex digits may spell a number.
    # The names are copies of names guarded where they were set; the path
    # is made of slugs.
    personal_data_exempt = (
        "source_sha256",
        "namnd_name",
        "municipality_name",
        "first_path",
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = [F("date").desc(nulls_last=True), "namnd__name"]
        verbose_name = "sammanträde"
        verbose_name_plural = "sammanträden"
        constraints = [
            models.UniqueConstraint(
                fields=["namnd", "slug"], name="meeting_slug_unique_per_namnd"
            ),
        ]
        indexes = [
            # The start page and board pages: latest meetings first.
            models.Index(F("date").desc(nulls_last=True), name="meeting_date_desc"),
        ]

    def __str__(self) -> str:
        return f"{self.namnd} {self.date_label}"

    def personal_data_namnd(self) -> Namnd | None:
        return self.namnd if self.namnd_id else None

    def save(self, *args, **kwargs) -> None:
        # The names on its date, in one query.
        self.namnd_name, self.municipality_name = (
            Namnd.objects.filter(pk=self.namnd_id)
            .values_list(
                Coalesce(_held_on(NamndName, "namnd", "pk", self.date), "name"),
                Coalesce(
                    _held_on(
                        MunicipalityName, "municipality", "municipality", self.date
                    ),
                    "municipality__name",
                ),
            )
            .get()
        )
        if not self.first_path:
            with translation.override(settings.LANGUAGE_CODE):
                self.first_path = self.get_absolute_url()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                "namnd_name",
                "municipality_name",
                "first_path",
            }
        super().save(*args, **kwargs)

    @property
    def date_label(self) -> str:
        return self.date.isoformat() if self.date else gettext("utan datum")

    @property
    def appeal_deadline(self) -> datetime.date | None:
        """The last day to appeal its decisions, once the minutes are posted."""
        return appeal_deadline(self.posting_date) if self.posting_date else None

    def get_absolute_url(self) -> str:
        namnd = self.namnd
        return _address(
            "decisions:meeting", namnd.municipality.slug, namnd.slug, self.slug
        )


class MemberQuerySet(models.QuerySet):
    def by_slug(self, municipality: Municipality, slug: str) -> Member | None:
        """Find the member of municipality whose address is slug.

        The slug is derived, not stored: a municipality's members are read
        (name and party only, a few thousand at most) and compared.
        """
        for member in self.filter(municipality=municipality).only("name", "party"):
            if member.slug == slug:
                return member
        return None

    def index(self, municipality: Municipality) -> MemberQuerySet:
        """The municipality's people by name, each with the published
        reservations and proposals they stand behind and the meetings they
        attended (the people index)."""
        return (
            self.filter(municipality=municipality)
            .annotate(
                reservation_count=Count(
                    "reservations",
                    filter=published_condition("reservations__paragraf__")
                    & Q(reservations__kind=ReservationKind.RESERVATION),
                    distinct=True,
                ),
                proposal_count=Count(
                    "proposals",
                    filter=published_condition("proposals__paragraf__"),
                    distinct=True,
                ),
                meeting_count=Count("attendance__meeting", distinct=True),
            )
            .order_by("name", "party")
        )

    def of_namnd(self, namnd: Namnd) -> MemberQuerySet:
        """Keep who sat on board (deciding or substitute), with `meetings`
        attended, by name."""
        seats = [g for g in AttendanceGroup if g != AttendanceGroup.OTHER]
        sat = Q(attendance__meeting__namnd=namnd, attendance__group__in=seats)
        return (
            self.filter(sat)
            .annotate(meetings=Count("attendance", filter=sat, distinct=True))
            .order_by("name", "party")
        )


class Member(GuardsPersonalData, ChangeStamped):
    """A person as named in minutes, with the party they sat for."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name="kommun",
    )
    name = models.CharField("namn", max_length=200, db_collation=SWEDISH)
    # The party's abbreviation as printed ("L", "MP", a local party's code), or "".
    party = models.CharField(
        "parti",
        max_length=12,
        blank=True,
        help_text="Partiets förkortning som i protokollet, till exempel S eller "
        "MP. Tomt om inget parti står.",
    )

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "ledamot"
        verbose_name_plural = "ledamöter"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name", "party"],
                name="member_unique_per_municipality",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.party})" if self.party else self.name

    @property
    def slug(self) -> str:
        """Name and party as an address: "rasmus-jonlund-l" (unique with the
        municipality, as name and party are)."""
        return slugify(f"{self.name} {self.party}")

    def get_absolute_url(self) -> str:
        return _address("decisions:person", self.municipality.slug, self.slug)

    def memberships(self) -> list[dict[str, Any]]:
        """The boards the minutes show them at, from attendance: per board,
        the capacities and roles, the meetings attended, the first and last
        of them, and the share of the board's meetings in that span they
        attended. Two queries, whatever the number of boards."""
        rows = list(
            Attendance.objects.filter(member=self)
            .values("meeting__namnd_id", "meeting__namnd__name", "meeting__namnd__slug")
            .annotate(
                attended=Count("meeting", distinct=True),
                first=Min("meeting__date"),
                last=Max("meeting__date"),
                groups=ArrayAgg("group", distinct=True),
                roles=ArrayAgg("role", distinct=True, filter=~Q(role="")),
            )
            .order_by("-last", "meeting__namnd__name")
        )
        spans = Q()
        for row in rows:
            if row["first"] and row["last"]:
                spans |= Q(
                    namnd_id=row["meeting__namnd_id"],
                    date__range=(row["first"], row["last"]),
                )
        held: dict[int, int] = {}
        if spans:
            held = dict(
                Meeting.objects.filter(spans)
                .values_list("namnd_id")
                .annotate(n=Count("id"))
                .values_list("namnd_id", "n")
            )
        labels = dict(AttendanceGroup.choices)
        for row in rows:
            row["capacities"] = [str(labels.get(g, g)) for g in sorted(row["groups"])]
            total = held.get(row["meeting__namnd_id"])
            row["share"] = round(100 * row["attended"] / total) if total else None
            row["held"] = total
        return rows

    def votes_cast(self) -> models.QuerySet[VoteCast]:
        """How they voted in the published paragraphs, newest first."""
        return (
            VoteCast.objects.filter(member=self)
            .filter(published_condition("vote__paragraf__"))
            .select_related("vote__paragraf__meeting__namnd__municipality")
            .order_by(
                F("vote__paragraf__meeting_date").desc(nulls_last=True),
                "vote__paragraf_id",
            )
        )


class ArendeQuerySet(models.QuerySet):
    def index(self, municipality: Municipality) -> models.QuerySet:
        """The municipality's cases that have a published handling, the most
        recently handled first, as rows of arende_id, handlings (how many)
        and latest (the last date): the cases index, whose page loads the
        cases it shows (Arende.objects.in_bulk). A case only confidential
        paragraphs name is not listed: its dnr is not shown on theirs either.

        Counted from the paragraphs, through the index
        paragraf_published_case_dates alone (an index-only scan), among the
        municipality's cases: from the cases, PostgreSQL read every
        paragraph's row (160 ms for a municipality of 10,000 paragraphs;
        34 ms this way)."""
        cases = Arende.objects.filter(municipality=municipality).values("pk")
        return (
            Paragraf.objects.filter(published_condition(), arende_id__in=cases)
            .order_by()
            .values("arende_id")
            .annotate(handlings=Count("*"), latest=Max("meeting_date"))
            .order_by(F("latest").desc(nulls_last=True), "arende_id")
        )


class Arende(GuardsPersonalData, ChangeStamped):
    """A case in a municipality's registry, identified by its diarienummer."""

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="arenden",
        verbose_name="kommun",
    )
    dnr = models.CharField("diarienummer", max_length=100)
    title = models.TextField("rubrik", blank=True)

    objects = ArendeQuerySet.as_manager()

    class Meta:
        ordering = ["dnr"]
        verbose_name = "ärende"
        verbose_name_plural = "ärenden"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "dnr"],
                name="arende_dnr_unique_per_municipality",
            ),
        ]
        indexes = [
            # The API's `dnr` filter (decisions.api.ArendeFilter): a dnr as
            # printed, in any case.
            models.Index(Upper("dnr"), name="arende_dnr_upper"),
            # decisions.search.Reference.cases(): a typed dnr by its key.
            models.Index(dnr_key("dnr"), name="arende_dnr_key"),
        ]

    def __str__(self) -> str:
        return f"Dnr {self.dnr}"

    def get_absolute_url(self) -> str:
        # The diarienummer as printed, slashes and all: "/stockholms-stad/
        # arende/1.1/2152/2016/" is the case's own, readable address.
        return _address("decisions:arende", self.municipality.slug, self.dnr)


# Newest first, in the order of the index paragraf_newest_first, so that "the
# newest N matches" walks the index instead of sorting every match.
NEWEST = (F("meeting_date").desc(nulls_last=True), F("id").asc())


class Search(Protocol):
    """A search as decisions.search parses it (a Query, a Reference): it
    filters and orders the rows it is given."""

    def apply(self, rows: ParagrafQuerySet) -> ParagrafQuerySet: ...


def published_condition(path: str = "") -> Q:
    """What may be shown of a paragraph as content, to anyone: it is not
    confidential. A withdrawn paragraph is confidential too (the constraint
    paragraf_withdrawn_is_confidential), so this one condition keeps both
    out. `path` leads from another model to its paragraph ("paragraf__")."""
    return Q(**{f"{path}confidential": False})


# What the paragraph page asks along with its paragraph, so that it runs the
# queries of its statements and of the same case's list only when there is
# something to list (most paragraphs have neither). Written as SQL, as
# ArchiveState.changed() is: an Exists() of querysets is compiled anew on
# every page. The second is a superset of what the list shows (it counts
# confidential handlings too, which published() then leaves out), so it can
# only cost a query, never hide a row.
_HAS_STATEMENTS = (
    "EXISTS (SELECT 1 FROM decisions_reservation AS statement"
    " WHERE statement.paragraf_id = decisions_paragraf.id)"
)
_HAS_WITHHELD_SIBLING = (
    "EXISTS (SELECT 1 FROM decisions_paragraf AS sibling"
    " WHERE sibling.meeting_id = decisions_paragraf.meeting_id"
    " AND sibling.confidential)"
)
_HAS_VOTES = (
    "EXISTS (SELECT 1 FROM decisions_vote AS vote"
    " WHERE vote.paragraf_id = decisions_paragraf.id)"
)
_HAS_OTHER_HANDLINGS = (
    "EXISTS (SELECT 1 FROM decisions_paragraf AS other"
    " WHERE other.arende_id = decisions_paragraf.arende_id"
    " AND other.id <> decisions_paragraf.id)"
)


def _exists(sql: str) -> RawSQL:
    return RawSQL(sql, (), output_field=models.BooleanField())


class ParagrafQuerySet(models.QuerySet):
    # What a list prints with each paragraph, and the largest values a row
    # carries, which no list prints: the stored vectors and search texts,
    # and the meeting's source text.
    _LISTED = ("meeting__namnd__municipality", "arende__municipality")
    _NOT_LISTED = (
        "search",
        "lexemes",
        "search_terms",
        "reservation_text",
        "meeting__source_text",
    )

    def published(self) -> ParagrafQuerySet:
        """Keep what any public surface may show as content, with what every
        list prints: the paragraphs that are not confidential (a withdrawn one
        is confidential too), with their meeting, board, municipality and case.

        Every public surface reads paragraphs through it: the pages, search,
        feeds, the API, CSV, the sitemap and the download. The one list that
        shows more is listed_with_placeholders().
        """
        return (
            self.filter(published_condition())
            .select_related(*self._LISTED)
            .defer(*self._NOT_LISTED)
        )

    def listed_with_placeholders(self) -> ParagrafQuerySet:
        """Keep every paragraph, published or not, for the lists of minutes
        that show a confidential paragraph as a placeholder (its number and
        neutral title, with a secrecy badge) and a withdrawn one as
        "Återkallad": the start, municipality, board and meeting pages.
        includes/paragraf_item.html prints nothing else of them, and their
        CSV takes published() (decisions.exports). Never for content.
        """
        return self.select_related(*self._LISTED).defer(*self._NOT_LISTED)

    def with_badges(self) -> ParagrafQuerySet:
        """Fetch what a list's badges print (includes/reservation_badges.html)
        in one query: each paragraph's statements in order, as `badges`, each
        with its members' parties, alphabetical, as `member_parties`."""
        statements = Reservation.objects.only("paragraf_id", "kind").annotate(
            member_parties=ArrayAgg(
                "members__party",
                distinct=True,
                order_by="members__party",
                filter=Q(members__party__gt=""),
            )
        )
        return self.prefetch_related(
            Prefetch("reservations", queryset=statements, to_attr="badges")
        )

    def of_member(self, member: Member) -> ParagrafQuerySet:
        """Keep the paragraphs where member reserved, proposed or voted by name.

        The ids come first, in one query (a member's rows, through their
        member indexes): a filter of three IN subqueries, or of three joins
        and DISTINCT, read every paragraph of the archive newest first."""
        ids = (
            ReservationMember.objects.filter(member=member)
            .values_list("reservation__paragraf_id", flat=True)
            .union(
                ProposalMember.objects.filter(member=member).values_list(
                    "proposal__paragraf_id", flat=True
                ),
                VoteCast.objects.filter(member=member).values_list(
                    "vote__paragraf_id", flat=True
                ),
            )
        )
        return self.filter(pk__any=Ids(sorted(ids)))

    def led_to(self, referral: list[Paragraf]) -> ParagrafQuerySet:
        """Keep the decisions a referral's answers led to: the later
        handlings of the cases the referral's paragraphs name (the sender's
        case, "KS 2024/112", decided by the council after the answers),
        outside the referral itself, oldest first."""
        cases = {p.arende_id for p in referral if p.arende_id}
        dates = [p.meeting_date for p in referral if p.meeting_date]
        if not cases or not dates:
            return self.none()
        return (
            self.filter(arende_id__in=cases, meeting_date__gt=max(dates))
            .exclude(pk__in=[p.pk for p in referral])
            .oldest_first()
        )

    def referral_index(self, municipality: Municipality) -> list[dict[str, Any]]:
        """The municipality's referrals (remisser) as the published paragraphs
        that send or answer them show them: slug, a title, how many
        paragraphs, the first and last date; the newest first."""
        return list(
            self.filter(meeting__namnd__municipality=municipality)
            .exclude(referral="")
            .order_by()
            .values("referral")
            .annotate(
                n=Count("id"),
                title=Min("title"),
                first=Min("meeting_date"),
                last=Max("meeting_date"),
            )
            .order_by(F("last").desc(nulls_last=True), "referral")
        )

    def reservations_per_party(self) -> dict[str, int]:
        """Count the paragraphs with a dissent per reserving party."""
        return {
            party: sum(years.values())
            for party, years in self.reservations_per_party_and_year(1).items()
        }

    def reservations_per_party_and_year(self, since: int) -> dict[str, dict[int, int]]:
        """Count the paragraphs with a dissent per reserving party and year,
        from `since` on. Published ones (published()) are read from the index
        paragraf_reserved_dates alone, whose condition theirs implies."""
        rows = (
            self.filter(has_reservation=True, meeting_date__gte=date(since, 1, 1))
            .order_by()
            .values("meeting_date", "reserving_parties")
        )
        sql, params = rows.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT party, extract(year FROM meeting_date)::int, count(*)"
                f" FROM ({sql}) AS dissent (meeting_date, reserving_parties),"
                " unnest(reserving_parties) AS party GROUP BY 1, 2",
                params,
            )
            counts: dict[str, dict[int, int]] = {}
            for party, year, n in cursor.fetchall():
                counts.setdefault(party, {})[year] = n
        return counts

    def search(self, search: Search) -> ParagrafQuerySet:
        """Keep what a search finds, in its order: the one door to search.

        `search` comes parsed from decisions.search (`Query(words)`,
        `Reference.parse(text)`), which holds the query language and imports
        these models; they import nothing of it, so the parsed search does
        the filtering on the rows it is handed.
        """
        return search.apply(self)

    def newest(self) -> ParagrafQuerySet:
        """Order newest meeting first, then as written (ids follow the minutes)."""
        return self.order_by(*NEWEST)

    def detail(self) -> ParagrafQuerySet:
        """Fetch what a paragraph's own page prints of the paragraph, its
        meeting, board, municipality and case (its statements: Paragraf.statements()).

        Not the search vectors, about 4 kB of text a row, nor the meeting's
        source text, which may be megabytes: no page prints them.
        """
        return (
            self.select_related(*self._LISTED)
            .defer(*self._NOT_LISTED)
            .annotate(
                has_statements=_exists(_HAS_STATEMENTS),
                has_votes=_exists(_HAS_VOTES),
                # decisions.originals: whether the meeting's download is the
                # original file or a public version.
                meeting_withheld=_exists(_HAS_WITHHELD_SIBLING),
                has_other_handlings=_exists(_HAS_OTHER_HANDLINGS),
            )
        )

    def same_case(self, paragraf: Paragraf) -> ParagrafQuerySet:
        """Keep the other paragraphs that handled paragraf's case, oldest first."""
        if paragraf.arende_id is None:
            return self.none()
        return (
            self.filter(arende_id=paragraf.arende_id)
            .exclude(pk=paragraf.pk)
            .select_related("meeting__namnd__municipality")
            .oldest_first()
        )

    def of_referral(
        self, municipality: Municipality, referral: str
    ) -> ParagrafQuerySet:
        """Keep the paragraphs that send or answer one referral."""
        return self.filter(meeting__namnd__municipality=municipality, referral=referral)

    def oldest_first(self) -> ParagrafQuerySet:
        """Order by meeting date, undated meetings last, then as written."""
        return self.order_by(
            F("meeting__date").asc(nulls_last=True), "meeting_id", "position"
        )


class Paragraf(GuardsPersonalData, models.Model):
    """A numbered section of a meeting's minutes."""

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="paragrafer",
        verbose_name="sammanträde",
    )
    arende = models.ForeignKey(
        Arende,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="paragrafer",
        verbose_name="ärende",
    )
    # As printed: "7", or "14-16" for a group of items handled together.
    number = models.CharField(
        "paragrafnummer",
        max_length=20,
        help_text="Som i protokollet: 7, eller 14-16 för ärenden som behandlades "
        "tillsammans.",
    )
    # Order within the minutes.
    position = models.PositiveIntegerField("ordning i protokollet")
    title = models.TextField("rubrik")
    decision = models.TextField("beslut", blank=True)
    # The paragraph's whole text: nothing the parser could not place is lost.
    text = models.TextField(
        "text", blank=True, help_text="Paragrafens hela text som i protokollet."
    )
    # The meeting's date, copied here so that search can order and filter by it
    # without a join.
    meeting_date = models.DateField("sammanträdesdatum", null=True, blank=True)
    # The texts of the paragraph's reservations and statements, for search.
    reservation_text = models.TextField("reservationernas text", blank=True)
    # Base forms and compound parts the stemmer misses (decisions.search.lexicon).
    search_terms = models.TextField("sökord", blank=True)
    # The paragraph's parts in order, as {"kind", "heading", "text"} objects.
    sections = models.JSONField("avsnitt", default=list, blank=True)
    # Every case number as printed; `arende` is the first.
    case_numbers = ArrayField(
        models.CharField(max_length=100),
        default=list,
        blank=True,
        verbose_name="diarienummer",
        help_text="Alla diarienummer som står i paragrafen, åtskilda med "
        "kommatecken. Ärendet ovan är det första.",
    )
    procedure = models.TextField("beslutsgång", blank=True)
    # The attachments (bilagor) the minutes name, as {"label", "title"}
    # objects in the order first named (decisions.parser.attachments): what
    # a reader can ask the municipality for; the files themselves are not kept.
    attachments = models.JSONField(
        "bilagor",
        default=list,
        blank=True,
        help_text="Bilagorna som protokollet nämner vid paragrafen, lästa ur "
        "protokollet.",
    )
    recipients = ArrayField(
        models.CharField(max_length=300),
        default=list,
        blank=True,
        verbose_name="expedieras till",
        help_text="Vilka beslutet skickas till, åtskilda med kommatecken.",
    )
    # Covered by secrecy (OSL): only the number and a neutral title are published.
    confidential = models.BooleanField(
        "sekretess",
        default=False,
        help_text="Omfattas av sekretess enligt OSL: bara paragrafens nummer och "
        "en neutral rubrik publiceras.",
    )
    # The law a confidential paragraph is withheld under, as the minutes print
    # it ("26 kap. 1 § OSL"): public, so a reader can ask for the document.
    secrecy_ground = models.CharField("sekretessgrund", max_length=200, blank=True)
    # Whether a dissent (kind reservation) is recorded, and the parties of the
    # members behind any, sorted: copies of the Reservation rows, kept in step
    # by the writer and by the admin (KeepsReservationSummary), so that search
    # filters and counts them from the paragraph's own row.
    has_reservation = models.BooleanField("har reservation", default=False)
    reserving_parties = ArrayField(
        models.CharField(max_length=12),
        default=list,
        blank=True,
        verbose_name="reserverande partier",
    )
    # When the paragraph's public record last changed after it was first
    # written: a re-ingest or reparse that changed it, or a clerk's edit in the
    # admin; null when never. Feeds show it as the entry's `updated`.
    corrected_at = models.DateTimeField("rättad", null=True, blank=True, editable=False)
    # The fields a clerk corrected, each {"value": the clerk's, "minutes":
    # what the minutes said then}: a re-read of the minutes keeps the
    # clerk's value (decisions.services.corrections).
    corrections = models.JSONField(
        "rättelser", default=dict, blank=True, editable=False
    )
    # What a new version of the minutes says in a field the clerk corrected,
    # differently from the minutes they corrected: the clerk's value stays
    # public until they take the minutes' or keep theirs (the admin).
    conflicts = models.JSONField(
        "konflikter med nytt protokoll", default=dict, blank=True, editable=False
    )
    # A paragraph taken down after publishing (say, secret content published
    # by mistake): it is also made confidential, so no public surface shows
    # its content, and its address answers with a tombstone giving the reason.
    withdrawn_at = models.DateTimeField(
        "återkallad", null=True, blank=True, editable=False
    )
    withdrawal_reason = models.TextField("skäl för återkallelse", blank=True)
    # The referral (remiss) the paragraph sends or answers, as a slug of its
    # subject (decisions.referrals): the answers of several boards share it.
    referral = models.SlugField(
        "remiss",
        max_length=200,
        blank=True,
        db_index=False,
        help_text="Remissen paragrafen skickar eller besvarar, läst ur rubriken "
        "när protokollet lästes in. Svaren från flera nämnder delar den.",
    )
    # The weighted vector with word positions: ranking and phrases read it.
    search = models.GeneratedField(
        expression=SEARCH_VECTOR,
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # Its lexemes without positions or weights (strip()): about 1.7 kB, kept
    # in the row itself (storage MAIN, migration 0007) where `search`, about
    # 3 kB compressed, lives out of line. Matching reads this one, so a word found
    # in most of the archive is checked row by row without a TOAST lookup and a
    # decompression each; see decisions.search.Query.matching().
    lexemes = models.GeneratedField(
        expression=Func(SEARCH_VECTOR, function="strip"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ParagrafQuerySet.as_manager()

    class Meta:
        ordering = ["meeting_id", "position"]
        verbose_name = "paragraf"
        verbose_name_plural = "paragrafer"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], name="paragraf_number_unique_per_meeting"
            ),
            models.UniqueConstraint(
                fields=["meeting", "position"],
                name="paragraf_position_unique_per_meeting",
            ),
            models.CheckConstraint(
                condition=~Q(number=""), name="paragraf_number_not_empty"
            ),
            # Withdrawn content is hidden wherever confidential content is:
            # every public surface reads ParagrafQuerySet.published().
            models.CheckConstraint(
                condition=Q(withdrawn_at=None) | Q(confidential=True),
                name="paragraf_withdrawn_is_confidential",
            ),
        ]
        indexes = [
            # ArendeQuerySet.index(): a case's published handlings and their
            # dates, counted from the index alone.
            models.Index(
                fields=["arende", "meeting_date"],
                name="paragraf_published_case_dates",
                condition=Q(confidential=False),
            ),
            # decisions.search.Query.matching(): words, and phrases, matched here.
            GinIndex(fields=["lexemes"], name="paragraf_lexemes_gin"),
            GinIndex(fields=["search"], name="paragraf_search_gin"),
            # reservations_per_party_and_year(): the public dissents of recent
            # years, read from the index alone (an index-only scan).
            models.Index(
                fields=["meeting_date"],
                include=["reserving_parties"],
                name="paragraf_reserved_dates",
                condition=Q(has_reservation=True, confidential=False),
            ),
            # ParagrafFilter's `parti`: reserving_parties @> ARRAY['L'].
            GinIndex(fields=["reserving_parties"], name="paragraf_reserving_parties"),
            # ParagrafQuerySet.of_referral(): the answers to one referral.
            models.Index(
                fields=["referral"],
                name="paragraf_referral",
                condition=~Q(referral=""),
            ),
            # decisions.search.Reference: case_numbers @> ARRAY['KS 2016/3'].
            GinIndex(fields=["case_numbers"], name="paragraf_case_numbers_gin"),
            # Newest first: the start page, lists, and search's bounded ranking.
            models.Index(
                F("meeting_date").desc(nulls_last=True),
                "id",
                name="paragraf_newest_first",
            ),
            # decisions.download.latest_withdrawal(), asked by every download
            # of the archive: the few withdrawn rows only.
            models.Index(
                fields=["withdrawn_at"],
                name="paragraf_withdrawn",
                condition=Q(withdrawn_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"§ {self.number} {self.title}"

    personal_data_parent = "meeting"
    # Copies of texts that passed the guard on their way in (the clerk's, the
    # minutes'), never shown to the public: a confirmed number in them must
    # not stop the next edit.
    personal_data_exempt = ("corrections", "conflicts")

    def personal_data_namnd(self) -> Namnd | None:
        return self.meeting.namnd if self.meeting_id else None

    @property
    def searchable_text(self) -> str:
        """The text search terms and suggestion words are drawn from."""
        return f"{self.title}\n{self.decision}\n{self.text}"

    def get_absolute_url(self) -> str:
        meeting = self.meeting
        namnd = meeting.namnd
        return _address(
            "decisions:paragraf",
            namnd.municipality.slug,
            namnd.slug,
            meeting.slug,
            self.number,
        )

    def sync_reservation_summary(self) -> None:
        """Recompute has_reservation, reserving_parties and reservation_text
        (what search reads of the statements) from the rows."""
        texts = self.reservations.order_by("position").values_list("text", flat=True)
        dissents = self.reservations.filter(kind=ReservationKind.RESERVATION)
        parties = set(
            dissents.filter(members__party__gt="").values_list(
                "members__party", flat=True
            )
        )
        for groups in dissents.values_list("parties", flat=True):
            parties.update(groups)
        Paragraf.objects.filter(pk=self.pk).update(
            has_reservation=dissents.exists(),
            reserving_parties=sorted(p for p in parties if p),
            reservation_text="\n\n".join(texts),
        )

    def statements(self) -> list[Reservation]:
        """Its reservations and statements, each with its members in printed
        order: two queries when it has some (a prefetch from the paragraph's
        query costs more to set up), none when a paragraph read by detail()
        has none, as most have, and one otherwise."""
        if getattr(self, "has_statements", True) is False:
            return []
        statements = list(Reservation.objects.filter(paragraf_id=self.pk))
        if statements:
            prefetch_related_objects(
                statements,
                Prefetch(
                    "reservationmember_set",
                    queryset=ReservationMember.objects.select_related("member"),
                ),
            )
        return statements

    def vote_rows(self) -> list[Vote]:
        """Its votes, each with who voted how (casts, members in printed
        order): no query when a paragraph read by detail() has none."""
        if getattr(self, "has_votes", True) is False:
            return []
        votes = list(Vote.objects.filter(paragraf_id=self.pk))
        if votes:
            prefetch_related_objects(
                votes,
                Prefetch(
                    "casts",
                    queryset=VoteCast.objects.select_related("member").order_by("pk"),
                ),
            )
        return votes

    def other_handlings(self) -> ParagrafQuerySet:
        """The published paragraphs that handled its case too, oldest first,
        with only what a list of them prints (not their texts, nor the search
        vectors and source texts a whole row carries). No query is run when
        a paragraph read by detail() has none."""
        if getattr(self, "has_other_handlings", True) is False:
            return Paragraf.objects.none()
        # published() joins the case, which this list does not print.
        rows = Paragraf.objects.published().select_related(None)
        return rows.same_case(self).only(
            "number",
            "title",
            "withdrawn_at",
            "meeting__slug",
            "meeting__date",
            "meeting__namnd_name",
            "meeting__namnd__slug",
            "meeting__namnd__municipality__slug",
        )

    def get_referral_url(self) -> str:
        """The page of every answer to the referral this paragraph is part of."""
        if not self.referral:
            return ""
        municipality = self.meeting.namnd.municipality
        return _address("decisions:referral", municipality.slug, self.referral)


class ReservationKind(models.TextChoices):
    RESERVATION = "reservation", _("Reservation")
    SPECIAL_STATEMENT = "sarskilt_uttalande", _("Särskilt uttalande")
    PROTOCOL_NOTE = "protokollsanteckning", _("Protokollsanteckning")
    JAV = "jav", _("Jäv")


class OfParagrafQuerySet(models.QuerySet):
    """Rows that belong to a paragraph: its statements, proposals, votes."""

    def published(self) -> Any:
        """Keep the rows whose paragraph is published (ParagrafQuerySet.
        published(): the same rule, through the paragraph)."""
        return self.filter(published_condition("paragraf__"))


class ReservationQuerySet(OfParagrafQuerySet):
    def of_namnd(self, namnd: Namnd) -> ReservationQuerySet:
        """Keep the board's published dissents, newest first, with their
        paragraph and members."""
        return (
            self.published()
            .filter(paragraf__meeting__namnd=namnd, kind=ReservationKind.RESERVATION)
            .select_related("paragraf__meeting__namnd__municipality")
            .prefetch_related("members")
            .order_by(
                F("paragraf__meeting_date").desc(nulls_last=True),
                "paragraf_id",
                "position",
            )
        )


class Reservation(GuardsPersonalData, models.Model):
    """A position named members put on record at a paragraph, with its text.

    Dissent (reservation) first of all; also statements without dissent,
    protocol notes and declared conflicts of interest (jäv), which have the
    same shape: named members and what they had recorded.
    """

    Kind = ReservationKind

    paragraf = models.ForeignKey(
        Paragraf,
        on_delete=models.CASCADE,
        related_name="reservations",
        verbose_name="paragraf",
    )
    kind = models.CharField(
        "typ", max_length=20, choices=Kind.choices, default=Kind.RESERVATION
    )
    position = models.PositiveIntegerField("ordning i paragrafen")
    text = models.TextField("text")
    # A reservation against only some points of the decision: their numbers.
    points = ArrayField(
        models.PositiveSmallIntegerField(),
        null=True,
        blank=True,
        verbose_name="beslutspunkter",
        help_text="Bara mot vissa punkter i beslutet: deras nummer, åtskilda med "
        "kommatecken.",
    )
    # A written reservation given as an attachment: "bilaga 2".
    attachment = models.CharField(
        "bilaga",
        max_length=50,
        blank=True,
        help_text="Om reservationen lämnades skriftligt som bilaga, till exempel "
        "bilaga 2.",
    )
    # Parties that stood behind it as groups ("Sverigedemokraterna reserverar
    # sig"), beside the named members' own parties.
    parties = ArrayField(
        models.CharField(max_length=20),
        default=list,
        blank=True,
        verbose_name="partier",
        help_text="Partier som står bakom den som grupp, utöver de namngivna "
        "ledamöternas partier; åtskilda med kommatecken.",
    )
    members: models.ManyToManyField[Member, ReservationMember] = models.ManyToManyField(
        Member,
        through="ReservationMember",
        related_name="reservations",
        verbose_name="ledamöter",
    )

    objects = ReservationQuerySet.as_manager()

    class Meta:
        ordering = ["paragraf_id", "position"]
        verbose_name = "reservation"
        verbose_name_plural = "reservationer"
        constraints = [
            models.UniqueConstraint(
                fields=["paragraf", "position"],
                name="reservation_position_unique_per_paragraf",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReservationKind.values),
                name="reservation_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} vid {self.paragraf}"

    personal_data_parent = "paragraf"

    def personal_data_namnd(self) -> Namnd | None:
        return self.paragraf.personal_data_namnd() if self.paragraf_id else None


class ReservationMember(models.Model):
    """One member standing behind a reservation."""

    reservation = models.ForeignKey(
        Reservation, on_delete=models.CASCADE, verbose_name="reservation"
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, verbose_name="ledamot")
    position = models.PositiveIntegerField("ordning")

    class Meta:
        ordering = ["reservation_id", "position"]
        verbose_name = "reserverande ledamot"
        verbose_name_plural = "reserverande ledamöter"
        constraints = [
            models.UniqueConstraint(
                fields=["reservation", "member"], name="member_once_per_reservation"
            ),
        ]

    def __str__(self) -> str:
        return str(self.member)


class AttendanceGroup(models.TextChoices):
    DECIDING = "beslutande", _("Beslutande")
    SERVING_SUBSTITUTE = "tjanstgorande_ersattare", _("Tjänstgörande ersättare")
    SUBSTITUTE = "ersattare", _("Ersättare")
    OTHER = "ovriga", _("Övriga närvarande")


class Attendance(GuardsPersonalData, models.Model):
    """Someone the minutes list as present at a meeting, and in what capacity."""

    Group = AttendanceGroup
    personal_data_parent = "meeting"

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="attendance",
        verbose_name="sammanträde",
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, verbose_name="ledamot")
    group = models.CharField("närvarande som", max_length=30, choices=Group.choices)
    role = models.CharField(
        "roll", max_length=100, blank=True, help_text="Till exempel ordförande."
    )
    # For a serving substitute: the member they served for, as printed.
    replaces = models.CharField(
        "ersätter",
        max_length=200,
        blank=True,
        help_text="För en tjänstgörande ersättare: den ledamot som ersattes, som "
        "i protokollet.",
    )
    # Partial presence as printed: "§§ 12-18", "ej § 14".
    note = models.CharField(
        "anteckning",
        max_length=100,
        blank=True,
        help_text="Om närvaron bara gällde en del av mötet, som i protokollet: "
        "§§ 12-18 eller ej § 14.",
    )
    position = models.PositiveIntegerField("ordning i närvarolistan")

    class Meta:
        ordering = ["meeting_id", "position"]
        verbose_name = "närvaro"
        verbose_name_plural = "närvaro"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"], name="attendance_once_per_meeting"
            ),
            models.CheckConstraint(
                condition=Q(group__in=AttendanceGroup.values),
                name="attendance_group_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} ({self.get_group_display()})"


class Proposal(GuardsPersonalData, models.Model):
    """A proposal (yrkande) put at a paragraph, by named members or a role."""

    paragraf = models.ForeignKey(
        Paragraf,
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name="paragraf",
    )
    position = models.PositiveIntegerField("ordning i paragrafen")
    text = models.TextField("text")
    members: models.ManyToManyField[Member, ProposalMember] = models.ManyToManyField(
        Member,
        through="ProposalMember",
        related_name="proposals",
        verbose_name="ledamöter",
    )

    objects = OfParagrafQuerySet.as_manager()

    class Meta:
        ordering = ["paragraf_id", "position"]
        verbose_name = "yrkande"
        verbose_name_plural = "yrkanden"
        constraints = [
            models.UniqueConstraint(
                fields=["paragraf", "position"],
                name="proposal_position_unique_per_paragraf",
            ),
        ]

    def __str__(self) -> str:
        return f"Yrkande vid {self.paragraf}"

    personal_data_parent = "paragraf"

    def personal_data_namnd(self) -> Namnd | None:
        return self.paragraf.personal_data_namnd() if self.paragraf_id else None


class ProposalMember(models.Model):
    """One member behind a proposal."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, verbose_name="yrkande"
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, verbose_name="ledamot")
    position = models.PositiveIntegerField("ordning")

    class Meta:
        ordering = ["proposal_id", "position"]
        verbose_name = "yrkande ledamot"
        verbose_name_plural = "yrkande ledamöter"
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "member"], name="member_once_per_proposal"
            ),
        ]


class Vote(models.Model):
    """One omröstning at a paragraph: the counts as printed and who voted how."""

    paragraf = models.ForeignKey(
        Paragraf,
        on_delete=models.CASCADE,
        related_name="votes",
        verbose_name="paragraf",
    )
    position = models.PositiveIntegerField("ordning i paragrafen")
    ja = models.PositiveIntegerField("ja-röster", null=True, blank=True)
    nej = models.PositiveIntegerField("nej-röster", null=True, blank=True)
    avstar = models.PositiveIntegerField("avstående", null=True, blank=True)

    objects = OfParagrafQuerySet.as_manager()

    class Meta:
        ordering = ["paragraf_id", "position"]
        verbose_name = "omröstning"
        verbose_name_plural = "omröstningar"
        constraints = [
            models.UniqueConstraint(
                fields=["paragraf", "position"],
                name="vote_position_unique_per_paragraf",
            ),
        ]

    def __str__(self) -> str:
        return f"Omröstning vid {self.paragraf}: {self.ja}–{self.nej}–{self.avstar}"


class VoteChoice(models.TextChoices):
    JA = "ja", "Ja"
    NEJ = "nej", "Nej"
    AVSTAR = "avstar", "Avstår"


class VoteCast(models.Model):
    """How one member voted in an omröstning."""

    Choice = VoteChoice

    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="casts", verbose_name="omröstning"
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, verbose_name="ledamot")
    choice = models.CharField("röst", max_length=10, choices=Choice.choices)

    class Meta:
        verbose_name = "röst"
        verbose_name_plural = "röster"
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "member"], name="member_votes_once"
            ),
            models.CheckConstraint(
                condition=Q(choice__in=VoteChoice.values), name="vote_choice_valid"
            ),
        ]


class Word(models.Model):
    """A word that occurs in the archive's public text, for "Menade du: ...".

    Suggestions come from words people can find; confidential text never adds
    any.
    """

    word = models.CharField("ord", max_length=60, unique=True)

    class Meta:
        verbose_name = "ord"
        verbose_name_plural = "ord"
        indexes = [
            # decisions.search.suggest.nearest_words(): word % 'typo', by similarity.
            GinIndex(fields=["word"], opclasses=["gin_trgm_ops"], name="word_trgm"),
        ]

    def __str__(self) -> str:
        return self.word


class VersionCause(models.TextChoices):
    """What replaced an earlier version of a paragraph."""

    CLERK = "rattelse", _("rättelse av nämndsekreteraren")
    MINUTES = "protokoll", _("ny version av protokollet")
    PARSER = "omlasning", _("omläsning av protokollet med en bättre tolkning")


class ParagrafVersion(GuardsPersonalData, models.Model):
    """An earlier public version of a paragraph, kept when a correction
    replaced it: its record (decisions.records) as it read then, at an
    address of its own, so that what was cited stays citable and what
    changed can be shown. The paragraph itself is always the current version.
    """

    paragraf = models.ForeignKey(
        Paragraf, on_delete=models.CASCADE, related_name="versions"
    )
    # 1 is the paragraph as first published.
    number = models.PositiveIntegerField()
    record = models.JSONField()
    # When this version became public (null: when first published, before
    # the archive kept the date), and when a correction replaced it.
    valid_from = models.DateTimeField(null=True, blank=True)
    replaced_at = models.DateTimeField()
    # What replaced it, and for a clerk's edit (or a clerk's choice of the
    # minutes' text over their correction) who: shown in the admin only.
    cause = models.CharField(
        "orsak", max_length=10, choices=VersionCause.choices, default=VersionCause.CLERK
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ändrad av",
    )

    class Meta:
        ordering = ["paragraf_id", "number"]
        verbose_name = "tidigare version"
        verbose_name_plural = "tidigare versioner"
        constraints = [
            models.UniqueConstraint(
                fields=["paragraf", "number"], name="version_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(cause__in=VersionCause.values),
                name="version_cause_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.paragraf}, version {self.number}"

    def get_absolute_url(self) -> str:
        # Its paragraph's address and version-<number>/ (decisions/urls.py).
        paragraf = self.paragraf
        meeting = paragraf.meeting
        namnd = meeting.namnd
        return _address(
            "decisions:paragraf_version",
            namnd.municipality.slug,
            namnd.slug,
            meeting.slug,
            paragraf.number,
            self.number,
        )


class TombstoneQuerySet(models.QuerySet):
    def at(
        self,
        kommun: str,
        namnd: str,
        meeting: str,
        number: str,
        *,
        old_slugs: bool = True,
    ) -> Tombstone | None:
        """The tombstone at a paragraph's address; a board's old slug
        (NamndAlias) finds it too, unless old_slugs is off (the pages answer
        an old slug with a 301 instead: views.follows_old_names)."""
        named = Q(namnd__slug=namnd)
        if old_slugs:
            named |= Q(
                namnd__aliases__slug=namnd, namnd__aliases__municipality__slug=kommun
            )
        return (
            self.filter(named, namnd__municipality__slug=kommun)
            .filter(meeting_slug=meeting, number=number)
            .select_related("namnd__municipality")
            .first()
        )

    def of_meeting(self, meeting: Meeting) -> TombstoneQuerySet:
        """Keep the tombstones of paragraphs of the meeting: same board, and
        its address or its date (the date survives an edited slug)."""
        same = Q(meeting_slug=meeting.slug)
        if meeting.date:
            same |= Q(meeting_date=meeting.date)
        return self.filter(same, namnd_id=meeting.namnd_id)


class Tombstone(GuardsPersonalData, models.Model):
    """A withdrawn paragraph, for ever: what its address answers (410) once
    the paragraph's row is gone too, and what keeps its (board, date,
    number) from ever being public again.

    paragraf_withdraw() writes it in the withdrawal's transaction; the
    database writes one for a withdrawn row that has none (trigger
    paragraf_withdrawn_forever, migration 0018), and refuses a public row where one
    exists. It is keyed by the board, not the paragraph: it outlives the
    row, the meeting, a re-ingest and a rename (the board keeps its id).
    """

    namnd = models.ForeignKey(
        Namnd, on_delete=models.PROTECT, related_name="tombstones"
    )
    meeting_date = models.DateField(null=True, blank=True)
    # The meeting's part of the address (Meeting.slug) when withdrawn.
    meeting_slug = models.SlugField(max_length=100)
    number = models.CharField(max_length=20)
    withdrawn_at = models.DateTimeField()
    reason = models.TextField("skäl för återkallelse")
    # The paragraph's last public record (decisions.records), and its earlier
    # versions, kept for the archive's own sake when its row is deleted:
    # never shown. None when it was never public, or withdrawn before
    # tombstones kept it.
    record = models.JSONField(null=True, blank=True)
    versions = models.JSONField(default=list, blank=True)
    # When the paragraph's row was deleted (null while it exists).
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = TombstoneQuerySet.as_manager()

    # Copies of records that passed the guard on their way in (versions are
    # masked as they are kept): never shown, and a confirmed number in them
    # must not stop a withdrawal. The reason is shown on the 410 page.
    personal_data_exempt = ("record", "versions")

    class Meta:
        verbose_name = "återkallad paragraf"
        verbose_name_plural = "återkallade paragrafer"
        constraints = [
            # Undated meetings have none to key by, so their address does.
            models.UniqueConstraint(
                fields=["namnd", "meeting_date", "number"],
                name="tombstone_unique_per_board_date_number",
            ),
            models.UniqueConstraint(
                fields=["namnd", "meeting_slug", "number"],
                name="tombstone_unique_per_address",
            ),
        ]
        indexes = [
            # decisions.download.latest_withdrawal(), asked by every
            # download of the archive.
            models.Index(F("withdrawn_at").desc(), name="tombstone_withdrawn_at_desc"),
        ]

    def __str__(self) -> str:
        return f"{self.namnd} {self.meeting_slug} § {self.number}"

    @classmethod
    def of(cls, paragraf: Paragraf) -> Tombstone:
        """A withdrawn paragraph's tombstone as its row says (unsaved)."""
        meeting = paragraf.meeting
        tombstone = cls(
            namnd=meeting.namnd,
            meeting_date=meeting.date,
            meeting_slug=meeting.slug,
            number=paragraf.number,
            reason=paragraf.withdrawal_reason,
        )
        # Unset while a withdrawal in progress builds it: the service stamps
        # the time (decisions.services.withdrawal).
        if paragraf.withdrawn_at is not None:
            tombstone.withdrawn_at = paragraf.withdrawn_at
        return tombstone

    @property
    def date_label(self) -> str:
        if self.meeting_date:
            return self.meeting_date.isoformat()
        return gettext("utan datum")

    def get_absolute_url(self) -> str:
        namnd = self.namnd
        return _address(
            "decisions:paragraf",
            namnd.municipality.slug,
            namnd.slug,
            self.meeting_slug,
            self.number,
        )

    def get_meeting_url(self) -> str:
        namnd = self.namnd
        return _address(
            "decisions:meeting", namnd.municipality.slug, namnd.slug, self.meeting_slug
        )


class ChangeQuerySet(models.QuerySet):
    def after(self, since: datetime.datetime) -> ChangeQuerySet:
        """Keep the addresses whose last change came after `since`, in the
        order they changed (a client resumes from the last it saw)."""
        return self.filter(at__gt=since).order_by("seq")


class Change(models.Model):
    """A paragraph address whose public content last changed at `at`: the
    log a mirror syncs from (`andrad_efter` in the API, the daily changes
    files of the download).

    One row per address, moved to the end of the order (`seq`, from one
    sequence) each time: written by the database's triggers (migration
    0029), not by Python, so that every path that changes what is public
    (ingest, a clerk's correction, a reparse, a withdrawal, a rename, raw
    SQL) is logged alike. The row says where and when, not what: the API
    answers with the address's state now, its record if it is public there
    and a tombstone if not (withdrawn, made confidential, deleted, or moved
    by a rename; `paragraf` is then empty or not public).
    """

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    kommun = models.SlugField(max_length=200, db_index=False)
    namnd = models.SlugField(max_length=200, db_index=False)
    meeting = models.SlugField(max_length=100, db_index=False)
    number = models.CharField(max_length=20)
    # The paragraph now at the address; kept by the triggers, not by a
    # foreign key, so that deleting a paragraph costs the log nothing.
    paragraf = models.ForeignKey(
        "Paragraf",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="changes",
    )

    objects = ChangeQuerySet.as_manager()

    class Meta:
        verbose_name = "ändring"
        verbose_name_plural = "ändringar"
        constraints = [
            models.UniqueConstraint(
                fields=["kommun", "namnd", "meeting", "number"],
                name="change_unique_per_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kommun}/{self.namnd}/{self.meeting} § {self.number}"

    def get_absolute_url(self) -> str:
        return _address(
            "decisions:paragraf", self.kommun, self.namnd, self.meeting, self.number
        )


class AlertKind(models.TextChoices):
    """What an e-mail alert follows (Bevaka): a search with its filters, or
    one board, party, person, case or referral."""

    SEARCH = "sokning", _("sökning")
    NAMND = "namnd", _("nämnd")
    PARTY = "parti", _("parti")
    PERSON = "person", _("person")
    CASE = "arende", _("ärende")
    REFERRAL = "remiss", _("remiss")


class AlertFrequency(models.TextChoices):
    AT_ONCE = "genast", _("genast")
    DAILY = "dagligen", _("en gång om dagen")
    WEEKLY = "veckovis", _("en gång i veckan")


class Subscriber(models.Model):
    """An e-mail address that follows something: with its subscriptions the
    only personal data the alerts keep (decisions.services.alerts). No
    account and no password: every link it is sent is signed."""

    email = models.EmailField("e-postadress")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "prenumerant"
        verbose_name_plural = "prenumeranter"
        constraints = [
            # One address however it is typed: no mail server we send to
            # tells Anna@ from anna@.
            models.UniqueConstraint(
                Lower("email"), name="subscriber_email_unique_in_any_case"
            ),
        ]

    def __str__(self) -> str:
        return self.email


class Subscription(models.Model):
    """One thing an address follows, and how often it wants word. Nothing
    but the confirmation is sent until `confirmed_at`; an unconfirmed one is
    deleted after a while (decisions.services.alerts.UNCONFIRMED)."""

    Kind = AlertKind
    Frequency = AlertFrequency

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # What it follows, as the page's own parameters: a search's query
    # string, or the slugs of the board, party, person, case or referral.
    target = models.JSONField()
    # What it follows, as the messages name it ("Sökning: skolskjuts").
    label = models.CharField(max_length=300)
    frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.DAILY
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The highest paragraph id already considered: each run matches only
    # what was published after it.
    watermark = models.BigIntegerField(default=0)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "bevakning"
        verbose_name_plural = "bevakningar"
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "kind", "target"],
                name="subscription_unique_per_subscriber",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=AlertKind.values), name="subscription_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=AlertFrequency.values),
                name="subscription_frequency_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber}: {self.label}"


class UploadStatus(models.TextChoices):
    DRAFT = "utkast", "Utkast"
    PUBLISHED = "publicerat", "Publicerat"
    DISCARDED = "kasserat", "Kasserat"


class Upload(models.Model):
    """A protocol file a clerk uploaded, and the parse they check and correct
    before publishing.

    A draft lives here only, as parsed data: nothing of it is in the tables
    the public site, API, feeds and downloads read until it is published,
    which writes the whole protocol in one transaction (decisions.services.publishing).
    """

    Status = UploadStatus

    namnd = models.ForeignKey(
        Namnd, on_delete=models.PROTECT, related_name="uploads", verbose_name="nämnd"
    )
    meeting_date = models.DateField("sammanträdesdatum")
    file = models.FileField("protokollfil", upload_to="protokoll/%Y/")
    source_name = models.CharField("filnamn", max_length=255)
    source_sha256 = models.CharField("filens kontrollsumma (SHA-256)", max_length=64)
    source_format = models.CharField("filformat", max_length=10)
    # The text as extracted, masked where the clerk masked.
    source_text = models.TextField("protokollets text")
    # The parsed protocol with the clerk's corrections
    # (decisions.parser.protocol_to_data).
    parsed = models.JSONField("tolkat protokoll")
    # Personal data hits the clerk confirmed are none, as the text found.
    confirmed = models.JSONField(
        "bekräftat inte personuppgifter", default=list, blank=True
    )
    status = models.CharField(
        "status", max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="uploads",
        verbose_name="uppladdat av",
    )
    uploaded_at = models.DateTimeField("uppladdat", auto_now_add=True)
    published_at = models.DateTimeField("publicerat", null=True, blank=True)
    meeting = models.OneToOneField(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="upload",
        verbose_name="sammanträde",
    )

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = "uppladdat protokoll"
        verbose_name_plural = "uppladdade protokoll"
        constraints = [
            # The same file once, and one open draft per meeting: two clerks
            # uploading at once, or one twice, meet here (the second waits for
            # the first's transaction, then fails).
            models.UniqueConstraint(
                fields=["source_sha256"],
                condition=~Q(status=UploadStatus.DISCARDED),
                name="upload_file_once",
            ),
            models.UniqueConstraint(
                fields=["namnd", "meeting_date"],
                condition=Q(status=UploadStatus.DRAFT),
                name="upload_one_draft_per_meeting",
            ),
            models.CheckConstraint(
                condition=Q(status__in=UploadStatus.values),
                name="upload_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.namnd} {self.meeting_date:%Y-%m-%d} ({self.source_name})"


class AssignmentQuerySet(models.QuerySet):
    def namnder_of(self, user: Any) -> models.QuerySet[Namnd]:
        """The boards whose minutes user may edit in the admin: their own as a
        clerk, every board of a municipality they are editor for, and every
        board for a superuser."""
        if user.is_superuser:
            return Namnd.objects.all()
        mine = self.filter(user=user)
        return Namnd.objects.filter(
            Q(pk__in=mine.values("namnd"))
            | Q(municipality__in=mine.values("municipality"))
        )

    def municipalities_of(self, user: Any) -> models.QuerySet[Municipality]:
        """The municipalities user is editor of: the rows their boards share
        (members, cases) are changed there only, or by a superuser."""
        if user.is_superuser:
            return Municipality.objects.all()
        return Municipality.objects.filter(
            pk__in=self.filter(user=user).values("municipality")
        )


class Assignment(models.Model):
    """Whose minutes a staff user works on: a clerk (nämndsekreterare) one
    board's, an editor a whole municipality's. Superusers need none; any other
    staff user sees nothing in the admin without one (decisions.admin)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name="användare",
    )
    namnd = models.ForeignKey(
        Namnd,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name="nämnd",
        help_text="Som nämndsekreterare: nämnden vars protokoll användaren sköter. "
        "Fyll i nämnd eller kommun, inte båda.",
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name="kommun",
        help_text="Som redaktör: kommunen vars alla nämnder användaren sköter, "
        "och dess ledamöter och ärenden.",
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "uppdrag"
        verbose_name_plural = "uppdrag"
        constraints = [
            models.CheckConstraint(
                condition=(Q(namnd__isnull=False) & Q(municipality__isnull=True))
                | (Q(namnd__isnull=True) & Q(municipality__isnull=False)),
                name="assignment_board_or_municipality",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.namnd or self.municipality}"


class ArchiveState(models.Model):
    """One row: when anything a reader can see last changed. Every public
    response's Last-Modified and ETag derive from it (decisions.caching), so
    a browser, proxy or CDN revalidating gets 304 until a protocol is
    published, corrected or withdrawn, and the new content right after.

    Writers touch it inside their transaction (decisions.caching), so it
    moves exactly when their change becomes visible (a rolled-back write
    leaves it alone).
    """

    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = "arkivets ändringstid"
        verbose_name_plural = "arkivets ändringstid"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="archive_state_one_row")
        ]

    def __str__(self) -> str:
        return self.changed_at.isoformat()

    @classmethod
    def touch(cls) -> None:
        # One upsert, whether or not the row exists yet.
        ArchiveState.objects.bulk_create(
            [cls(pk=1, changed_at=timezone.now())],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=["changed_at"],
        )

    @classmethod
    def changed(cls) -> datetime.datetime | None:
        # Every public request asks, before anything else: in SQL, as
        # compiling the queryset cost eight times what PostgreSQL does.
        with connections[router.db_for_read(cls)].cursor() as cursor:
            cursor.execute(f"SELECT changed_at FROM {cls._meta.db_table} WHERE id = 1")
            row = cursor.fetchone()
        return row[0] if row else None
