"""Public pages: the archive by municipality, board, meeting and paragraph; search."""

from __future__ import annotations

import datetime
import functools
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import Count, F, Max, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.views.decorators.http import condition

from . import version_diff
from .charts import Scale
from .download import (
    ARCHIVE_NAME,
    CHANGES_SCHEMA_NAME,
    MANIFEST_NAME,
    POPOLO_FILE,
    SCHEMA_NAME,
    holds_records,
    is_changes_name,
    outdated,
    rebuild_pending,
)
from .exports import csv_response, table_response, wants_csv
from .models import (
    Arende,
    Meeting,
    Member,
    Municipality,
    Namnd,
    Paragraf,
    Proposal,
    Reservation,
    Tombstone,
    count_per_year,
    current_slugs,
    published_condition,
)
from .originals import download_of, download_response
from .parties import full_name
from .referrals import referral_subject, same_positions
from .search import (
    COUNT_LIMIT,
    ParagrafFilter,
    Reference,
    find_reference,
    search_archive,
)
from .site import absolute

# Paragraphs on the start, municipality and board pages.
LATEST_COUNT = 20
PAGE_PARAM = "sida"


class CappedPaginator(Paginator):
    """Count up to COUNT_LIMIT rows: pages past that are not offered.

    An exact count of a common word's matches reads every matching row.
    """

    object_list: QuerySet

    @cached_property
    def count(self) -> int:
        counted = self.object_list.order_by().values("pk")[: COUNT_LIMIT + 1].count()
        return min(counted, COUNT_LIMIT)


def follows_old_names(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Answer an address under a renamed board's or municipality's old slug
    (NamndAlias, MunicipalityName) with a 301 to its current one.

    Only when the view finds nothing there: a board or municipality that has
    the slug now always wins over an old one.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except Http404:
            moved = current_slugs(kwargs["kommun"], kwargs.get("namnd"))
            if moved is None:
                raise
            kwargs["kommun"] = moved[0]
            if "namnd" in kwargs:
                kwargs["namnd"] = moved[1]
            match = request.resolver_match
            assert match is not None  # set for every view the URLconf resolved
            url = reverse(f"{match.namespace}:{match.url_name}", kwargs=kwargs)
            if request.META.get("QUERY_STRING"):
                url += "?" + request.META["QUERY_STRING"]
            return redirect(url, permanent=True)

    return wrapper


def paginate(
    request: HttpRequest,
    queryset: QuerySet,
    paginator_class: type[Paginator] = CappedPaginator,
) -> Page:
    """Return the requested page; a page that is not a number or not there is 404.
    A list of groups (the cases index) takes Paginator: CappedPaginator counts
    rows by their pk, which would count the rows grouped, not the groups."""
    paginator = paginator_class(queryset, settings.PAGE_SIZE)
    try:
        return paginator.page(request.GET.get(PAGE_PARAM) or 1)
    except InvalidPage as exc:
        raise Http404("Sidan finns inte.") from exc


# The start page's chart: reservations per party in the last CHART_YEARS years
# of the archive, for the CHART_PARTIES parties that reserved most.
CHART_YEARS = 10
CHART_PARTIES = 8
# Each party's chart, drawn at the width the start page's grid gives it.
CHART_WIDTH = 280


def start(request: HttpRequest) -> HttpResponse:
    latest = Meeting.objects.aggregate(last=Max("date"))["last"]
    per_party = (
        Paragraf.objects.published().reservations_per_party_and_year(
            latest.year - CHART_YEARS + 1
        )
        if latest
        else {}
    )
    parties = sorted(per_party, key=lambda p: (-sum(per_party[p].values()), p))
    return render(
        request,
        "decisions/start.html",
        {
            "paragrafer": Paragraf.objects.listed_with_placeholders()
            .with_badges()
            .newest()[:LATEST_COUNT],
            "municipalities": Municipality.objects.prefetch_related("namnder"),
            "party_charts": [(p, per_party[p]) for p in parties[:CHART_PARTIES]],
            # One scale for all: a party's bars can be read against another's.
            "party_scale": Scale.of(
                [per_party[p] for p in parties[:CHART_PARTIES]], width=CHART_WIDTH
            ),
        },
    )


@follows_old_names
def municipality(request: HttpRequest, kommun: str) -> HttpResponseBase:
    municipality = get_object_or_404(Municipality, slug=kommun)
    namnder = municipality.namnder.annotate(
        meeting_count=Count("meetings"), latest_date=Max("meetings__date")
    )
    paragrafer = (
        Paragraf.objects.listed_with_placeholders()
        .with_badges()
        .filter(meeting__namnd__municipality=municipality)
        .newest()
    )
    if wants_csv(request):
        return csv_response(request, paragrafer, municipality.slug)
    return render(
        request,
        "decisions/municipality.html",
        {
            "municipality": municipality,
            "namnder": namnder,
            "page": paginate(request, paragrafer),
        },
    )


@follows_old_names
def namnd(request: HttpRequest, kommun: str, namnd: str) -> HttpResponseBase:
    found = get_object_or_404(
        Namnd.objects.select_related("municipality"),
        municipality__slug=kommun,
        slug=namnd,
    )
    # Not their source texts, which only the admin shows.
    meetings = (
        found.meetings.defer("source_text")
        .annotate(paragraf_count=Count("paragrafer"))
        .order_by(F("date").desc(nulls_last=True), "slug")
    )
    paragrafer = (
        Paragraf.objects.listed_with_placeholders()
        .with_badges()
        .filter(meeting__namnd=found)
        .newest()
    )
    if wants_csv(request):
        return csv_response(request, paragrafer, f"{kommun}-{found.slug}")
    return render(
        request,
        "decisions/namnd.html",
        {
            "namnd": found,
            "meetings": meetings,
            "paragrafer": paragrafer[:LATEST_COUNT],
            "members": Member.objects.of_namnd(found),
            "reservations": Reservation.objects.of_namnd(found)[:LATEST_COUNT],
        },
    )


@follows_old_names
def meeting(
    request: HttpRequest, kommun: str, namnd: str, meeting: str
) -> HttpResponseBase:
    found = get_object_or_404(
        # The source text is not shown, and may be megabytes.
        Meeting.objects.select_related("namnd__municipality")
        .defer("source_text")
        .with_withheld(),
        namnd__municipality__slug=kommun,
        namnd__slug=namnd,
        slug=meeting,
    )
    paragrafer = (
        Paragraf.objects.listed_with_placeholders()
        .with_badges()
        .filter(meeting=found)
        .order_by("position")
    )
    if wants_csv(request):
        return csv_response(request, paragrafer, f"{kommun}-{namnd}-{found.slug}")
    # A meeting of thousands of paragraphs is pages of MEETING_PAGE_SIZE (a
    # page of all 9,999 was 4.5 MB); each paragraph's own address stays.
    paginator = Paginator(paragrafer, settings.MEETING_PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get(PAGE_PARAM) or 1)
    except InvalidPage as exc:
        raise Http404("Sidan finns inte.") from exc
    attendance = found.attendance.select_related("member")
    return render(
        request,
        "decisions/meeting.html",
        {
            "meeting": found,
            "page": page,
            "paragrafer": page.object_list,
            "attendance": attendance,
            "adjusters": found.adjusters.all(),
            "download": download_of(found, found.withheld),
        },
    )


@follows_old_names
def meeting_download(
    request: HttpRequest, kommun: str, namnd: str, meeting: str
) -> HttpResponseBase:
    """The protocol as published, or its public version (decisions.originals)."""
    found = get_object_or_404(
        Meeting.objects.select_related("namnd__municipality"),
        namnd__municipality__slug=kommun,
        namnd__slug=namnd,
        slug=meeting,
    )
    return download_response(found)


def _paragraf_or_tombstone(
    kommun: str, namnd: str, meeting: str, number: str
) -> Paragraf | Tombstone:
    """The paragraph at the address; once withdrawn, its tombstone, which
    outlives the row (decisions.services.withdrawal); 404 when neither is there."""
    try:
        # get(), not first(): a number is unique in its meeting, so nothing
        # to order by (an ORDER BY costs compiling and a sort on every page).
        found = Paragraf.objects.detail().get(
            meeting__namnd__municipality__slug=kommun,
            meeting__namnd__slug=namnd,
            meeting__slug=meeting,
            number=number,
        )
    except Paragraf.DoesNotExist:
        pass
    else:
        return Tombstone.of(found) if found.withdrawn_at else found
    gone = Tombstone.objects.at(kommun, namnd, meeting, number, old_slugs=False)
    if gone is None:
        raise Http404("Ingen paragraf med den adressen.")
    return gone


def withdrawn(request: HttpRequest, tombstone: Tombstone) -> HttpResponse:
    """The tombstone of a withdrawn paragraph: 410 Gone, with when and why,
    and nothing of what it said (its title may be what was secret)."""
    meeting_gone = tombstone.pk is not None and not (
        Meeting.objects.filter(
            namnd=tombstone.namnd, slug=tombstone.meeting_slug
        ).exists()
    )
    return render(
        request,
        "decisions/withdrawn.html",
        {"tombstone": tombstone, "meeting_gone": meeting_gone},
        status=410,
    )


@follows_old_names
def paragraf(
    request: HttpRequest, kommun: str, namnd: str, meeting: str, number: str
) -> HttpResponse:
    found = _paragraf_or_tombstone(kommun, namnd, meeting, number)
    if isinstance(found, Tombstone):
        return withdrawn(request, found)
    public = not found.confidential
    return render(
        request,
        "decisions/paragraf.html",
        {
            "paragraf": found,
            "meeting": found.meeting,
            "statements": found.statements() if public else [],
            "votes": found.vote_rows() if public else [],
            "download": download_of(
                found.meeting, getattr(found, "meeting_withheld", None)
            ),
            "same_case": found.other_handlings() if public else [],
            # Only a corrected paragraph has earlier versions to ask for.
            "earlier_versions": found.versions.defer("record")
            if public and found.corrected_at
            else [],
        },
    )


@follows_old_names
def paragraf_version(
    request: HttpRequest,
    kommun: str,
    namnd: str,
    meeting: str,
    number: str,
    version: int,
) -> HttpResponse:
    """An earlier version of a corrected paragraph, and what the correction
    that replaced it changed."""
    found = _paragraf_or_tombstone(kommun, namnd, meeting, number)
    if isinstance(found, Tombstone):
        return withdrawn(request, found)
    if found.confidential:
        raise Http404("Ingen publicerad paragraf med den adressen.")
    earlier = get_object_or_404(found.versions, number=version)
    later = found.versions.filter(number=version + 1).first()
    newer = later.record if later else version_diff.snapshot(found)
    assert newer is not None  # a public paragraph has a record
    return render(
        request,
        "decisions/paragraf_version.html",
        {
            "paragraf": found,
            "meeting": found.meeting,
            "version": earlier,
            "record": earlier.record,
            "later": later,
            "diff": version_diff.diff(earlier.record, newer),
        },
    )


@follows_old_names
def arende(request: HttpRequest, kommun: str, dnr: str) -> HttpResponseBase:
    case = get_object_or_404(
        Arende.objects.select_related("municipality"),
        municipality__slug=kommun,
        dnr=dnr,
    )
    paragrafer = (
        Paragraf.objects.published().with_badges().filter(arende=case).oldest_first()
    )
    if wants_csv(request):
        return csv_response(request, paragrafer, f"{kommun}-{slugify(dnr)}")
    return render(
        request, "decisions/arende.html", {"arende": case, "paragrafer": paragrafer}
    )


@follows_old_names
def referral(request: HttpRequest, kommun: str, referral: str) -> HttpResponseBase:
    municipality = get_object_or_404(Municipality, slug=kommun)
    if wants_csv(request):
        rows = Paragraf.objects.published().of_referral(municipality, referral)
        if not rows.exists():
            raise Http404("Ingen remiss med den adressen.")
        return csv_response(request, rows.oldest_first(), f"{kommun}-{referral}")
    paragrafer = list(
        Paragraf.objects.published()
        .with_badges()
        # The statements whole, with their members: shared_positions().
        .prefetch_related("reservations__members")
        .of_referral(municipality, referral)
        .oldest_first()
    )
    if not paragrafer:
        raise Http404("Ingen remiss med den adressen.")
    return render(
        request,
        "decisions/referral.html",
        {
            "municipality": municipality,
            "subject": referral_subject(paragrafer[0].title) or paragrafer[0].title,
            "paragrafer": paragrafer,
            "led_to": Paragraf.objects.published().with_badges().led_to(paragrafer),
            "positions": shared_positions(paragrafer),
        },
    )


@follows_old_names
def parties(request: HttpRequest, kommun: str) -> HttpResponseBase:
    """The municipality's parties: full name, people, paragraphs reserved."""
    municipality = get_object_or_404(Municipality, slug=kommun)
    people = dict(
        Member.objects.filter(municipality=municipality)
        .exclude(party="")
        .values_list("party")
        .annotate(n=Count("id"))
        .values_list("party", "n")
    )
    reserved = (
        Paragraf.objects.published()
        .filter(meeting__namnd__municipality=municipality)
        .reservations_per_party()
    )
    rows = [
        {
            "code": code,
            "name": full_name(code),
            "people": people.get(code, 0),
            "reserved": reserved.get(code, 0),
        }
        for code in sorted(people.keys() | reserved.keys())
    ]
    if wants_csv(request):
        return table_response(
            ["adress", "parti", "namn", "personer", "paragrafer med reservation"],
            (
                [
                    absolute(reverse("decisions:party", args=[kommun, r["code"]])),
                    r["code"],
                    r["name"],
                    r["people"],
                    r["reserved"],
                ]
                for r in rows
            ),
            f"{kommun}-partier",
        )
    return render(
        request,
        "decisions/parties.html",
        {"municipality": municipality, "parties": rows},
    )


@follows_old_names
def people(request: HttpRequest, kommun: str) -> HttpResponseBase:
    """The municipality's people as the minutes name them."""
    municipality = get_object_or_404(Municipality, slug=kommun)
    members = Member.objects.index(municipality)
    if wants_csv(request):
        return table_response(
            ["adress", "namn", "parti", "sammanträden", "reservationer", "yrkanden"],
            (
                [
                    absolute(reverse("decisions:person", args=[kommun, m.slug])),
                    m.name,
                    m.party,
                    m.meeting_count,
                    m.reservation_count,
                    m.proposal_count,
                ]
                for m in members.iterator()
            ),
            f"{kommun}-personer",
        )
    return render(
        request,
        "decisions/people.html",
        {"municipality": municipality, "page": paginate(request, members)},
    )


@follows_old_names
def arenden(request: HttpRequest, kommun: str) -> HttpResponseBase:
    """The municipality's cases, the most recently handled first."""
    municipality = get_object_or_404(Municipality, slug=kommun)
    handled = Arende.objects.index(municipality)
    if wants_csv(request):
        return table_response(
            ["adress", "dnr", "rubrik", "paragrafer", "senast"],
            (
                [
                    absolute(row["case"].get_absolute_url()),
                    row["case"].dnr,
                    row["case"].title,
                    row["handlings"],
                    row["latest"].isoformat() if row["latest"] else "",
                ]
                for row in _with_cases(handled.iterator(), municipality)
            ),
            f"{kommun}-arenden",
        )
    page = paginate(request, handled, Paginator)
    page.object_list = list(_with_cases(page.object_list, municipality))
    return render(
        request, "decisions/arenden.html", {"municipality": municipality, "page": page}
    )


def _with_cases(
    rows: Iterable[dict[str, Any]], municipality: Municipality, chunk: int = 500
) -> Iterator[dict[str, Any]]:
    """The index's rows, each with its case (`case`), read a chunk at a time."""
    it = iter(rows)
    while part := list(itertools.islice(it, chunk)):
        cases = Arende.objects.in_bulk([row["arende_id"] for row in part])
        for row in part:
            case = cases[row["arende_id"]]
            case.municipality = municipality
            yield {**row, "case": case}


@follows_old_names
def referrals(request: HttpRequest, kommun: str) -> HttpResponseBase:
    """The municipality's referrals and how many paragraphs answered each."""
    municipality = get_object_or_404(Municipality, slug=kommun)
    rows = Paragraf.objects.published().referral_index(municipality)
    for row in rows:
        row["subject"] = referral_subject(row["title"]) or row["title"]
        row["url"] = reverse("decisions:referral", args=[kommun, row["referral"]])
    if wants_csv(request):
        return table_response(
            ["adress", "remiss", "paragrafer", "först", "senast"],
            (
                [
                    absolute(r["url"]),
                    r["subject"],
                    r["n"],
                    r["first"].isoformat() if r["first"] else "",
                    r["last"].isoformat() if r["last"] else "",
                ]
                for r in rows
            ),
            f"{kommun}-remisser",
        )
    return render(
        request,
        "decisions/referrals.html",
        {"municipality": municipality, "referrals": rows},
    )


def shared_positions(paragrafer: list[Paragraf]) -> list[list[Reservation]]:
    """The reservations that say the same in several paragraphs, grouped."""
    reservations = [
        r
        for p in paragrafer
        for r in p.reservations.all()
        if r.kind == Reservation.Kind.RESERVATION
    ]
    groups = same_positions([r.text for r in reservations])
    return [
        [reservations[i] for i in group]
        for group in groups
        if len({reservations[i].paragraf_id for i in group}) > 1
    ]


@follows_old_names
def party(request: HttpRequest, kommun: str, party: str) -> HttpResponseBase:
    municipality = get_object_or_404(Municipality, slug=kommun)
    members = Member.objects.filter(municipality=municipality, party=party)
    if not members.exists():
        raise Http404("Inget parti med den förkortningen.")
    reserved = (
        Paragraf.objects.published()
        .with_badges()
        .filter(
            meeting__namnd__municipality=municipality,
            reserving_parties__contains=[party],
        )
    )
    if wants_csv(request):
        return csv_response(request, reserved, f"{kommun}-{slugify(party)}")
    proposals = Proposal.objects.published().filter(
        paragraf__meeting__namnd__municipality=municipality,
        members__party=party,
    )
    return render(
        request,
        "decisions/party.html",
        {
            "municipality": municipality,
            "party": party,
            "members": members.annotate(
                n=Count(
                    "reservations",
                    filter=published_condition("reservations__paragraf__"),
                )
            ).order_by("name"),
            "reservations_per_year": count_per_year(reserved, "meeting_date"),
            "proposals_per_year": count_per_year(proposals, "paragraf__meeting_date"),
            "paragrafer": reserved.newest()[:LATEST_COUNT],
        },
    )


@follows_old_names
def person(request: HttpRequest, kommun: str, person: str) -> HttpResponseBase:
    municipality = get_object_or_404(Municipality, slug=kommun)
    member = Member.objects.by_slug(municipality, person)
    if member is None:
        raise Http404("Ingen person med den adressen.")
    reservations = (
        Reservation.objects.published()
        .filter(members=member)
        .select_related("paragraf__meeting__namnd__municipality")
    )
    proposals = Proposal.objects.published().filter(members=member)
    if wants_csv(request):
        return csv_response(
            request,
            Paragraf.objects.published().of_member(member).newest(),
            f"{kommun}-{person}",
        )
    newest = (F("paragraf__meeting_date").desc(nulls_last=True), "paragraf_id")
    return render(
        request,
        "decisions/person.html",
        {
            "municipality": municipality,
            "member": member,
            "memberships": member.memberships(),
            "votes": member.votes_cast()[:LATEST_COUNT],
            "reservations_per_year": count_per_year(
                reservations.filter(kind=Reservation.Kind.RESERVATION),
                "paragraf__meeting_date",
            ),
            "proposals_per_year": count_per_year(proposals, "paragraf__meeting_date"),
            "reservations": reservations.order_by(*newest)[:LATEST_COUNT],
            "proposals": proposals.select_related(
                "paragraf__meeting__namnd__municipality"
            ).order_by(*newest)[:LATEST_COUNT],
        },
    )


def search(request: HttpRequest) -> HttpResponseBase:
    filterset = ParagrafFilter(request.GET or None, queryset=Paragraf.objects.newest())
    context = {"filter": filterset, "form": filterset.form, "query": ""}
    if filterset.is_bound and not filterset.form.is_valid():
        return render(request, "decisions/search.html", context, status=400)
    if wants_csv(request):
        return csv_response(request, filterset.scope(), "sok")
    query = filterset.query
    context["query"] = query
    reference = Reference.parse(query) if query else None
    if reference is not None and (named := find_reference(reference)):
        if named.destination:
            return redirect(named.destination)
        context["reference"] = query
        context["cases"] = named.cases
        context["page"] = paginate(request, named.paragrafer)
        return render(request, "decisions/search.html", context)
    try:
        result = search_archive(filterset, request.GET.get(PAGE_PARAM))
    except InvalidPage:
        # A page number past the end, negative or not a number: say so on the
        # search page itself, with the form to go on from.
        context["page_error"] = True
        return render(request, "decisions/search.html", context, status=400)
    context.update(
        page=result.page,
        result=result,
        facets=result.facets,
        suggestion=result.suggestion,
    )
    return render(request, "decisions/search.html", context)


def glossary(request: HttpRequest) -> HttpResponse:
    """The words of the minutes a reader meets on every § page, explained;
    the outcome strip and the section headings link here."""
    return render(request, "decisions/glossary.html")


def open_data(request: HttpRequest) -> HttpResponse:
    """What can be taken as data, and how: feeds, CSV, the archive download."""
    manifest = read_manifest()
    changes = manifest.get("changes", []) if manifest else []
    return render(
        request,
        "decisions/open_data.html",
        {
            "manifest": manifest,
            # The examples name the archive's own address, to copy as they are.
            "site": settings.SITE_URL,
            "latest_changes": changes[-1]["file"] if changes else None,
            "example_kommun": Municipality.objects.order_by("name")
            .values_list("slug", flat=True)
            .first(),
            "withheld": manifest is not None and outdated(manifest),
            # The worker writes a new one (decisions.tasks): say so.
            "rebuilding": rebuild_pending(),
        },
    )


def read_manifest() -> dict[str, Any] | None:
    try:
        return json.loads((settings.OPEN_DATA_DIR / MANIFEST_NAME).read_text())
    except FileNotFoundError:
        return None


# The files `manage.py dump_archive` writes, by name, with their media types;
# and a Popolo document per municipality (download.POPOLO_FILE).
OPEN_DATA_FILES = {
    ARCHIVE_NAME: "application/gzip",
    MANIFEST_NAME: "application/json",
    SCHEMA_NAME: "application/schema+json",
    CHANGES_SCHEMA_NAME: "application/schema+json",
}


def _media_type(name: str) -> str:
    if name in OPEN_DATA_FILES:
        return OPEN_DATA_FILES[name]
    if is_changes_name(name):
        return "application/gzip"
    if POPOLO_FILE.fullmatch(name):
        return "application/json"
    raise Http404("Ingen sådan fil bland öppna data.")


def _open_data_path(name: str) -> Path:
    _media_type(name)
    return settings.OPEN_DATA_DIR / name


def _file_modified(request: HttpRequest, name: str) -> datetime.datetime | None:
    try:
        mtime = _open_data_path(name).stat().st_mtime
    except FileNotFoundError:
        return None
    return datetime.datetime.fromtimestamp(mtime, tz=datetime.UTC)


# When to ask again for an archive withheld after a withdrawal: in a minute
# when the worker has the rebuild in hand (decisions.tasks), otherwise at
# the next `manage.py dump_archive` of a schedule.
RETRY_AFTER = 3600
RETRY_AFTER_REBUILDING = 60


def open_data_file(request: HttpRequest, name: str) -> HttpResponseBase:
    """Serve a file of the archive download, but never an archive (or a
    Popolo document, with its proposals and votes) that may hold a paragraph
    withdrawn since it was written: 503 until the next dump, before any 304
    could tell a reader their copy is current."""
    path = _open_data_path(name)
    if holds_records(name) and path.exists() and outdated(read_manifest()):
        if rebuilding := rebuild_pending():
            message = (
                "En ny arkivfil skapas just nu efter att en paragraf har "
                "återkallats. Försök igen om en minut.\n"
                "A new archive file is being written after a section was "
                "withdrawn. Please try again in a minute.\n"
            )
        else:
            message = (
                "Arkivfilen skrivs om efter att en paragraf har återkallats. "
                "Försök igen senare.\n"
                "The archive file is being rewritten after a section was "
                "withdrawn. Please try again later.\n"
            )
        response = HttpResponse(
            message, content_type="text/plain; charset=utf-8", status=503
        )
        response["Retry-After"] = str(
            RETRY_AFTER_REBUILDING if rebuilding else RETRY_AFTER
        )
        return response
    return _open_data_file(request, name)


@condition(last_modified_func=_file_modified)
def _open_data_file(request: HttpRequest, name: str) -> FileResponse:
    """Stream a file of the archive download from disk (If-Modified-Since
    answers 304)."""
    try:
        handle = _open_data_path(name).open("rb")
    except FileNotFoundError as exc:
        raise Http404("Arkivfilen är inte skapad än (manage.py dump_archive).") from exc
    return FileResponse(
        handle,
        content_type=_media_type(name),
        as_attachment=name == ARCHIVE_NAME,
        filename=name,
    )


def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawl every page but the admin and the endless search combinations; the
    sitemap names every permanent address."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Disallow: {reverse('decisions:search')}",
        f"Disallow: /en{reverse('decisions:search')}",
        f"Sitemap: {absolute(reverse('sitemap_index'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
