"""A municipality as Popolo data (https://www.popoloproject.com), for
developers who build on civic-tech tools that read it: the municipality, its
boards and its parties (`organizations`), the people its minutes name
(`persons`), who sat on which board from when to when and for which party
(`memberships`), its meetings and who attended them (`events`), and the
proposals and roll-call votes of its published paragraphs (`motions`,
`vote_events`). One document per municipality, the same in the API
(/api/v1/popolo/<kommun>.json) and beside the archive download
(popolo-<kommun>.json, decisions.services.dump).

Only what is published: proposals and votes are read through
published_condition(), so a confidential or withdrawn paragraph's are never
here. Meetings, people and attendance are public as the pages show them.
Motions and vote events carry one key Popolo does not define, `paragraph`:
the paragraph's address, the id of its record in the API and the download
(Popolo's schemas allow other keys).

Identifiers are Open Civic Data's form, "ocd-<kind>/<uuid>", and stay the
same when a board or the municipality is renamed. The pages' permanent
addresses do not (decisions.services.rename gives new slugs, the old ones
answering 301), so each object carries its page's current address in
`sources`, and its id is a UUID5, under NAMESPACE, of its kind and its row's
database id (ocd_id()). Why the database id and not the first slug: a board
renamed to a new slug under the same name keeps no NamndName, and a merged
board's old slug (a NamndAlias) points at another board, so no stored slug
is surely a board's first. A row's id changes with no rename, no re-ingest
of its minutes (ingest updates rows by their natural keys) and no backup
restored (pg_dump keeps ids); only loading the minutes into a new, empty
database would change it. Proposals and votes are written anew at every
re-ingest (services/ingest.py), so theirs is their paragraph's id and their
place in it, which a re-ingest of the same minutes keeps.

Built from a few queries whatever the municipality's size (one per kind of
row, addresses reversed once each), as plain dicts: the download writes one
document per municipality.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db.models import Max, Min
from django.urls import reverse
from django.utils import translation

from .models import (
    Attendance,
    AttendanceGroup,
    Meeting,
    Member,
    Municipality,
    MunicipalityName,
    Namnd,
    NamndName,
    Proposal,
    ProposalMember,
    Vote,
    VoteCast,
    published_condition,
)
from .parties import full_name

# Chosen once, at random: every id of every document is derived under it, so
# it must never change.
NAMESPACE = uuid.UUID("05959469-57d1-426b-8eb7-c06eff605ca3")

# Popolo's options of a vote (popoloproject.com/specs/vote-event.html), for
# the minutes' Ja, Nej and Avstår.
OPTIONS = {"ja": "yes", "nej": "no", "avstar": "abstain"}

# Who is present without a seat (officials, the secretary): they attended,
# so they are among an event's attendees, but hold no membership of the board.
NO_SEAT = AttendanceGroup.OTHER

Doc = dict[str, Any]


def ocd_id(kind: str, *key: object) -> str:
    """An OCD-style id: kind ("organization", "person", "event", "motion",
    "vote", "membership") and a UUID5 of the key, the row's own kind and
    database id ("namnd", 12), which no rename changes."""
    name = "/".join(str(part) for part in key)
    return f"ocd-{kind}/{uuid.uuid5(NAMESPACE, name)}"


def municipality_id(municipality: Municipality) -> str:
    return ocd_id("organization", "kommun", municipality.pk)


def namnd_id(pk: int) -> str:
    return ocd_id("organization", "namnd", pk)


def party_id(municipality_pk: int, party: str) -> str:
    return ocd_id("organization", "parti", municipality_pk, party)


def person_id(pk: int) -> str:
    return ocd_id("person", "ledamot", pk)


def event_id(pk: int) -> str:
    return ocd_id("event", "sammantrade", pk)


def document(municipality: Municipality, site_url: str) -> Doc:
    """The municipality as one Popolo document; site_url is the archive's own
    address ("https://oppnabeslut.se"), without a trailing slash."""
    with translation.override(settings.LANGUAGE_CODE):
        return _Document(municipality, site_url).build()


def _source(url: str) -> list[dict[str, str]]:
    # The note names the source, as Popolo's examples do ("Wikipedia page").
    return [{"url": url, "note": "Öppna beslut"}]


def _other_names(earlier: list[Any]) -> list[dict[str, Any]]:
    """Earlier names (NamndName, MunicipalityName) as Popolo's other_names,
    with the days each was held."""
    out = []
    for row in earlier:
        name: dict[str, Any] = {"name": row.name, "note": "former name"}
        if row.valid_from:
            name["start_date"] = row.valid_from.isoformat()
        name["end_date"] = row.valid_until.isoformat()
        out.append(name)
    return out


class _Document:
    def __init__(self, municipality: Municipality, site_url: str) -> None:
        self.municipality = municipality
        self.site_url = site_url
        self.kommun = municipality.slug
        self.namnder = list(Namnd.objects.filter(municipality=municipality))
        self.slugs = {n.pk: n.slug for n in self.namnder}
        self.members = list(
            Member.objects.filter(municipality=municipality).order_by(
                "name", "party", "pk"
            )
        )
        self.member_by_pk = {m.pk: m for m in self.members}
        # Each person's page, reversed once: their memberships name it too.
        self.person_urls = {
            m.pk: self.url("decisions:person", m.slug) for m in self.members
        }
        self.meetings = list(
            Meeting.objects.filter(namnd__municipality=municipality)
            .order_by("date", "namnd__name", "pk")
            .values(
                "pk",
                "slug",
                "date",
                "namnd_id",
                "namnd_name",
                "place",
                "protocol_number",
            )
        )
        self.meeting_urls = {
            m["pk"]: self.url("decisions:meeting", self.slugs[m["namnd_id"]], m["slug"])
            for m in self.meetings
        }
        self.meeting_namnd = {m["pk"]: m["namnd_id"] for m in self.meetings}

    def url(self, name: str, *args: str) -> str:
        return self.site_url + reverse(name, args=[self.kommun, *args])

    def build(self) -> Doc:
        return {
            "organizations": self.organizations(),
            "persons": self.persons(),
            "memberships": self.memberships(),
            "events": self.events(),
            "motions": self.motions(),
            "vote_events": self.vote_events(),
        }

    def organizations(self) -> list[Doc]:
        municipality = self.municipality
        top = municipality_id(municipality)
        names: dict[int, list[NamndName]] = defaultdict(list)
        for earlier in NamndName.objects.filter(namnd__in=self.namnder):
            names[earlier.namnd_id].append(earlier)
        out = [
            {
                "id": top,
                "name": municipality.name,
                "classification": "municipality",
                "other_names": _other_names(
                    list(MunicipalityName.objects.filter(municipality=municipality))
                ),
                "sources": _source(self.url("decisions:municipality")),
            }
        ]
        out += [
            {
                "id": namnd_id(namnd.pk),
                "name": namnd.name,
                "classification": "board",
                "parent_id": top,
                "other_names": _other_names(names[namnd.pk]),
                "sources": _source(self.url("decisions:namnd", namnd.slug)),
            }
            for namnd in self.namnder
        ]
        for party in sorted({m.party for m in self.members if m.party}):
            name = full_name(party)
            out.append(
                {
                    "id": party_id(municipality.pk, party),
                    "name": name,
                    # No parent: the party's group in the municipality is
                    # not a body of the municipality, as a board is.
                    "classification": "party",
                    # The code as printed, where the full name is known.
                    "other_names": (
                        [{"name": party, "note": "abbreviation"}]
                        if name != party
                        else []
                    ),
                    "sources": _source(self.url("decisions:party", party)),
                }
            )
        return out

    def attendance(self) -> Any:
        """Attendance at the municipality's meetings, of its own people (the
        only ones ingest names there; a row an edit pointed elsewhere is
        left out rather than failing the whole document)."""
        return Attendance.objects.filter(
            meeting__namnd__municipality=self.municipality,
            member__municipality=self.municipality,
        )

    def person_url(self, member: Member) -> str:
        return self.person_urls[member.pk]

    def persons(self) -> list[Doc]:
        return [
            {
                "id": person_id(m.pk),
                "name": m.name,
                "sources": _source(self.person_url(m)),
            }
            for m in self.members
        ]

    def memberships(self) -> list[Doc]:
        """A seat on a board per capacity and role the minutes give a person
        there (Beslutande; Ersättare; Beslutande as ordförande), from the first
        to the last meeting they attended so; and each person's party."""
        seats = (
            self.attendance()
            .exclude(group=NO_SEAT)
            .values("member_id", "meeting__namnd_id", "group", "role")
            .annotate(first=Min("meeting__date"), last=Max("meeting__date"))
            .order_by("member_id", "meeting__namnd_id", "group", "role")
        )
        labels = dict(AttendanceGroup.choices)
        held: dict[int, list[Doc]] = defaultdict(list)
        for seat in seats:
            member = self.member_by_pk[seat["member_id"]]
            pk = seat["meeting__namnd_id"]
            membership: Doc = {
                "id": ocd_id(
                    "membership", "ledamot", member.pk, pk, seat["group"], seat["role"]
                ),
                "person_id": person_id(member.pk),
                "organization_id": namnd_id(pk),
                "label": str(labels[seat["group"]]),
            }
            if seat["role"]:
                membership["role"] = seat["role"]
            if member.party:
                membership["on_behalf_of_id"] = party_id(
                    self.municipality.pk, member.party
                )
            if seat["first"]:
                membership["start_date"] = seat["first"].isoformat()
                membership["end_date"] = seat["last"].isoformat()
            membership["sources"] = _source(self.person_url(member))
            held[member.pk].append(membership)
        out = []
        for member in self.members:
            out += held[member.pk]
            if member.party:
                out.append(
                    {
                        "id": ocd_id("membership", "parti", member.pk),
                        "person_id": person_id(member.pk),
                        "organization_id": party_id(self.municipality.pk, member.party),
                        "sources": _source(self.person_url(member)),
                    }
                )
        return out

    def events(self) -> list[Doc]:
        attendees: dict[int, list[Doc]] = defaultdict(list)
        present = self.attendance().values_list("meeting_id", "member_id")
        for meeting_pk, member_pk in present.order_by("meeting_id", "position"):
            member = self.member_by_pk[member_pk]
            attendees[meeting_pk].append(
                {"id": person_id(member.pk), "name": member.name}
            )
        out = []
        for meeting in self.meetings:
            day = meeting["date"]
            event: Doc = {
                "id": event_id(meeting["pk"]),
                "name": " ".join(
                    [meeting["namnd_name"], day.isoformat() if day else ""]
                ).strip(),
                "classification": "meeting",
                "start_date": day.isoformat() if day else None,
                "organization_id": namnd_id(meeting["namnd_id"]),
            }
            if meeting["place"]:
                event["location"] = meeting["place"]
            if meeting["protocol_number"]:
                event["identifiers"] = [
                    {
                        "identifier": meeting["protocol_number"],
                        "scheme": "protokollnummer",
                    }
                ]
            event["attendees"] = attendees[meeting["pk"]]
            event["sources"] = _source(self.meeting_urls[meeting["pk"]])
            out.append(event)
        return out

    def paragraf_url(self, row: dict[str, Any]) -> str:
        # A paragraph's address extends its meeting's (decisions/urls.py).
        meeting_url = self.meeting_urls[row["paragraf__meeting_id"]]
        return f"{meeting_url}paragraf-{row['paragraf__number']}/"

    def _of_paragraf(self, rows: Any, *fields: str) -> list[dict[str, Any]]:
        """Published rows of the municipality's paragraphs (proposals or
        votes), in the order printed, with their paragraph's place."""
        return list(
            rows.published()
            .filter(paragraf__meeting__namnd__municipality=self.municipality)
            .order_by("paragraf_id", "position")
            .values(
                "pk",
                "position",
                "paragraf_id",
                "paragraf__number",
                "paragraf__meeting_id",
                *fields,
            )
        )

    def _members_of(self, rows: Any, path: str) -> Any:
        """The members behind _of_paragraf()'s rows (path leads to them:
        "vote__"), the same published paragraphs of the municipality."""
        return rows.filter(
            published_condition(f"{path}paragraf__"),
            **{f"{path}paragraf__meeting__namnd__municipality": self.municipality},
            member__municipality=self.municipality,
        )

    def _context(self, row: dict[str, Any]) -> Doc:
        """What a motion and a vote event say of where they were put: the
        board, the meeting, and the paragraph's address (the same id as its
        record in the API and the download)."""
        meeting_pk = row["paragraf__meeting_id"]
        url = self.paragraf_url(row)
        return {
            "organization_id": namnd_id(self.meeting_namnd[meeting_pk]),
            "legislative_session_id": event_id(meeting_pk),
            "paragraph": url,
            "sources": _source(url),
        }

    def motions(self) -> list[Doc]:
        """Proposals (yrkanden) as motions; creator the first member named
        behind it (Popolo has one creator), none for a role's proposal."""
        proposals = self._of_paragraf(Proposal.objects, "text")
        first: dict[int, int] = {}
        behind = self._members_of(ProposalMember.objects, "proposal__").order_by(
            "proposal_id", "position"
        )
        for proposal_pk, member_pk in behind.values_list("proposal_id", "member_id"):
            first.setdefault(proposal_pk, member_pk)
        out = []
        for proposal in proposals:
            motion: Doc = {
                "id": ocd_id(
                    "motion", "yrkande", proposal["paragraf_id"], proposal["position"]
                ),
                "text": proposal["text"],
            }
            if proposal["pk"] in first:
                motion["creator_id"] = person_id(first[proposal["pk"]])
            motion.update(self._context(proposal))
            out.append(motion)
        return out

    def vote_events(self) -> list[Doc]:
        """Roll-call votes (voteringar) as vote events: the counts as printed
        and each member's vote, with their party as the voter's group."""
        votes = self._of_paragraf(Vote.objects, "ja", "nej", "avstar")
        casts: dict[int, list[Doc]] = defaultdict(list)
        cast_rows = (
            self._members_of(VoteCast.objects, "vote__")
            .order_by("vote_id", "pk")
            .values_list("vote_id", "member_id", "choice")
        )
        for vote_pk, member_pk, choice in cast_rows:
            member = self.member_by_pk[member_pk]
            cast: Doc = {"voter_id": person_id(member.pk), "option": OPTIONS[choice]}
            if member.party:
                cast["group_id"] = party_id(self.municipality.pk, member.party)
            casts[vote_pk].append(cast)
        out = []
        for vote in votes:
            event: Doc = {
                "id": ocd_id(
                    "vote", "omrostning", vote["paragraf_id"], vote["position"]
                ),
                "counts": [
                    {"option": option, "value": vote[choice]}
                    for choice, option in OPTIONS.items()
                    if vote[choice] is not None
                ],
                "votes": casts[vote["pk"]],
            }
            event.update(self._context(vote))
            out.append(event)
        return out
