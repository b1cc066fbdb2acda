"""Published paragraphs as open data: one JSON object each, the same in the
archive download as wherever else the archive is handed out as data.

Every identifier is a permanent address (the Swedish page's absolute URL), so
a record found in the download can be cited, and a cited page found in the
download; after a rename it is the current address (the old one answers
with a 301). A board and a municipality are named as on the meeting's date,
with their current names beside. Confidential paragraphs are never records.

Records are built a batch at a time: the batch's reservations, proposals and
votes come in one query each, as plain values, and the addresses of meetings,
boards, municipalities, cases and members are reversed once per batch. Built
one paragraph at a time through the ORM's prefetching, a million paragraphs
took 15 minutes, two thirds of it in queryset cloning and URL reversing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from .models import (
    Member,
    Paragraf,
    ParagrafQuerySet,
    ProposalMember,
    Reservation,
    ReservationMember,
    Vote,
    VoteCast,
)
from .models import Proposal as ProposalRow

# A paragraph's public record: what the API, the download and the version
# pages show of it (records()).
Record = dict[str, Any]

# What the records say of their origin, in the archive's manifest and beside it.
TERMS = {
    "sv": (
        "Protokollen och besluten är allmänna handlingar (tryckfrihetsförordningen "
        "2 kap.). Beslut av myndigheter omfattas inte av upphovsrätt "
        "(upphovsrättslagen 9 §): använd dem fritt. Ange gärna Öppna beslut och "
        "paragrafens adress som källa."
    ),
    "en": (
        "The minutes and decisions are public records under Swedish law (Freedom "
        "of the Press Act, chapter 2). Decisions of public authorities are free "
        "of copyright (Swedish Copyright Act, section 9): use them freely. Please "
        "cite Öppna beslut and the section's address as the source."
    ),
}


def record_rows() -> ParagrafQuerySet:
    """Every paragraph anyone may take (Paragraf.objects.published()), with
    its meeting, board, municipality and case, in id order (stable: a reader
    can resume, and two dumps compare line by line). A batch reads its
    statements itself (_Batch)."""
    return Paragraf.objects.published().order_by("pk")


def batches(size: int) -> Iterator[list[Paragraf]]:
    """record_rows() in batches of size, by keyset on the id: each batch is
    one query however far into the archive, and only one batch is in memory."""
    last = 0
    while True:
        batch = list(record_rows().filter(pk__gt=last)[:size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def records(paragrafer: list[Paragraf], site_url: str) -> list[dict[str, Any]]:
    """The paragraphs as JSON-ready dicts; site_url is the archive's own
    address ("https://oppnabeslut.se"), without a trailing slash."""
    if any(p.confidential for p in paragrafer):
        raise ValueError("a confidential paragraph has no record")
    with translation.override(settings.LANGUAGE_CODE):
        return _Batch(paragrafer, site_url).records()


class _Batch:
    def __init__(self, paragrafer: list[Paragraf], site_url: str) -> None:
        self.paragrafer = paragrafer
        self.site_url = site_url
        self.urls: dict[Any, str] = {}
        ids = [p.pk for p in paragrafer]
        # Statements and their members come in their models' own order (the
        # order printed); casts have none, so in the order written.
        self.reservations = _by_paragraf(
            Reservation.objects.filter(paragraf__in=ids),
            ReservationMember.objects.filter(reservation__paragraf__in=ids),
            "reservation_id",
            ("kind", "text"),
        )
        self.proposals = _by_paragraf(
            ProposalRow.objects.filter(paragraf__in=ids),
            ProposalMember.objects.filter(proposal__paragraf__in=ids),
            "proposal_id",
            ("text",),
        )
        self.votes = _by_paragraf(
            Vote.objects.filter(paragraf__in=ids),
            VoteCast.objects.filter(vote__paragraf__in=ids).order_by("vote_id", "pk"),
            "vote_id",
            ("ja", "nej", "avstar"),
            extra=("choice",),
        )

    def url(self, obj: Any) -> str:
        key = (type(obj), obj.pk)
        if key not in self.urls:
            self.urls[key] = self.site_url + obj.get_absolute_url()
        return self.urls[key]

    def person(self, municipality_slug: str, member: dict[str, Any]) -> dict[str, Any]:
        key = (municipality_slug, member["name"], member["party"])
        if key not in self.urls:
            slug = Member(name=member["name"], party=member["party"]).slug
            path = reverse("decisions:person", args=[municipality_slug, slug])
            self.urls[key] = self.site_url + path
        out = {"id": self.urls[key], "name": member["name"], "party": member["party"]}
        if "choice" in member:
            out["choice"] = member["choice"]
        return out

    def records(self) -> list[dict[str, Any]]:
        return [self.record(p) for p in self.paragrafer]

    def record(self, paragraf: Paragraf) -> dict[str, Any]:
        meeting = paragraf.meeting
        namnd = meeting.namnd
        municipality = namnd.municipality
        arende = paragraf.arende
        place = municipality.slug

        def with_people(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [
                {**row, "members": [self.person(place, m) for m in row["members"]]}
                for row in rows
            ]

        votes = [
            {
                **{k: v for k, v in vote.items() if k != "members"},
                "casts": [self.person(place, m) for m in vote["members"]],
            }
            for vote in self.votes.get(paragraf.pk, [])
        ]
        meeting_url = self.url(meeting)
        return {
            # A paragraph's address extends its meeting's (decisions/urls.py).
            "id": f"{meeting_url}paragraf-{paragraf.number}/",
            "number": paragraf.number,
            "title": paragraf.title,
            "decision": paragraf.decision,
            "sections": paragraf.sections,
            "procedure": paragraf.procedure,
            "recipients": paragraf.recipients,
            # The attachments the minutes name ({"label", "title"}); the
            # files are not in the archive. Versions kept before they were
            # read have no such key.
            "attachments": paragraf.attachments,
            "text": paragraf.text,
            "case": ({"id": self.url(arende), "dnr": arende.dnr} if arende else None),
            "case_numbers": paragraf.case_numbers,
            "referral": (
                self.site_url
                + reverse("decisions:referral", args=[place, paragraf.referral])
                if paragraf.referral
                else None
            ),
            "meeting": {
                "id": meeting_url,
                "date": meeting.date.isoformat() if meeting.date else None,
                "protocol_number": meeting.protocol_number,
                "posting_date": (
                    meeting.posting_date.isoformat() if meeting.posting_date else None
                ),
            },
            # The current address, the name on the meeting's date (as the
            # minutes and their citation say) and the name now.
            "board": {
                "id": self.url(namnd),
                "name": meeting.namnd_name,
                "current_name": namnd.name,
            },
            "municipality": {
                "id": self.url(municipality),
                "name": meeting.municipality_name,
                "current_name": municipality.name,
            },
            "reservations": with_people(self.reservations.get(paragraf.pk, [])),
            "proposals": with_people(self.proposals.get(paragraf.pk, [])),
            "votes": votes,
            "corrected_at": (
                paragraf.corrected_at.isoformat() if paragraf.corrected_at else None
            ),
        }


def _by_paragraf(
    parents: Any,
    links: Any,
    parent_field: str,
    fields: tuple[str, ...],
    extra: tuple[str, ...] = (),
) -> dict[int, list[dict[str, Any]]]:
    """Statements (reservations, proposals, votes) per paragraph id, each a
    dict of fields and its members in printed order, from two queries."""
    members: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in links.values(parent_field, "member__name", "member__party", *extra):
        member = {"name": row["member__name"], "party": row["member__party"]}
        member.update({name: row[name] for name in extra})
        members[row[parent_field]].append(member)
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in parents.values("pk", "paragraf_id", *fields):
        statement = {name: row[name] for name in fields}
        statement["members"] = members.get(row["pk"], [])
        out[row["paragraf_id"]].append(statement)
    return out
