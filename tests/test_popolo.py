"""A municipality as Popolo data (decisions.popolo), at /api/v1/popolo/<kommun>.json
and beside the archive download: every object meets the Popolo project's own
JSON Schema (tests/schemas/popolo/, draft-03, their $refs resolved locally),
ids stay the same through renames and re-ingests, and nothing of a
confidential or withdrawn paragraph is there."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase, override_settings
from jsonschema import Draft3Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT3

from decisions import popolo
from decisions.download import MANIFEST_NAME, popolo_name
from decisions.models import (
    Member,
    Municipality,
    Namnd,
    Paragraf,
    Proposal,
    ProposalMember,
    Vote,
    VoteCast,
)
from decisions.services.dump import write_archive
from decisions.services.ingest import protocol_ingest
from decisions.services.rename import municipality_rename, namnd_rename
from decisions.services.withdrawal import paragraf_withdraw
from tests.factories import SAMPLES, SJOBACKA, make_paragraf
from tests.problems import problem_of

SCHEMAS = Path(__file__).parent / "schemas" / "popolo"
# Where the schemas say they live; their $refs name these addresses.
SCHEMA_BASE = "http://www.popoloproject.com/schemas/"
# The document's lists, by the schema of their objects.
KINDS = {
    "organizations": "organization",
    "persons": "person",
    "memberships": "membership",
    "events": "event",
    "motions": "motion",
    "vote_events": "vote_event",
}
OCD = re.compile(
    r"ocd-(organization|person|membership|event|motion|vote)/[0-9a-f-]{36}"
)
KOMMUN = "sjobacka-kommun"
URL = f"/api/v1/popolo/{KOMMUN}.json"
SECRET = "hemligqzx"
FULLMAKTIGE = SAMPLES / "2024-11-25_kommunfullmaktige.txt"


def registry() -> Registry:
    """The vendored schemas under the addresses their $refs use: nothing is
    fetched."""
    return Registry().with_resources(
        (
            SCHEMA_BASE + path.name,
            Resource.from_contents(
                json.loads(path.read_text()), default_specification=DRAFT3
            ),
        )
        for path in SCHEMAS.glob("*.json")
    )


def format_checker() -> FormatChecker:
    """Draft 3's formats, checked: jsonschema leaves "uri" and "date-time"
    unchecked without optional packages, so the checks are given here."""
    checker = FormatChecker()

    @checker.checks("uri")
    def is_uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return bool(parts.scheme and parts.netloc) and " " not in value

    @checker.checks("date-time", raises=ValueError)
    def is_date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        return "T" in value and bool(datetime.datetime.fromisoformat(value))

    return checker


def validators() -> dict[str, Draft3Validator]:
    schemas = registry()
    checker = format_checker()
    out = {}
    for kind, name in KINDS.items():
        schema = json.loads((SCHEMAS / f"{name}.json").read_text())
        Draft3Validator.check_schema(schema)
        out[kind] = Draft3Validator(schema, registry=schemas, format_checker=checker)
    return out


class PopoloTestCase(TestCase):
    """The Sjöbacka samples, plus a confidential paragraph with a proposal and
    a vote whose texts and voters must stay out."""

    @classmethod
    def setUpTestData(cls) -> None:
        call_command("ingest", *map(str, SJOBACKA), stdout=None, stderr=None)
        cls.municipality = Municipality.objects.get(slug=KOMMUN)
        voter = cls.municipality.members.exclude(party="").first()
        meeting = cls.municipality.namnder.get(slug="kommunfullmaktige").meetings.get()
        cls.secret = make_paragraf(
            meeting=meeting,
            number="900",
            title=f"Sekretessärende {SECRET}",
            confidential=True,
        )
        proposal = Proposal.objects.create(
            paragraf=cls.secret, position=1, text=f"Yrkande om {SECRET}."
        )
        ProposalMember.objects.create(proposal=proposal, member=voter, position=1)
        vote = Vote.objects.create(paragraf=cls.secret, position=1, ja=1, nej=0)
        VoteCast.objects.create(vote=vote, member=voter, choice="ja")

    def document(self, url: str = URL) -> dict[str, Any]:
        response = self.client.get(url, headers={"accept": "application/json"})
        self.assertEqual(response.status_code, 200, url)
        return response.json()


class SchemaTests(PopoloTestCase):
    def test_every_object_of_every_kind_meets_its_popolo_schema(self) -> None:
        document = self.document()
        self.assertEqual(set(document), set(KINDS))
        for kind, validator in validators().items():
            self.assertTrue(document[kind], f"the samples give {kind}")
            for obj in document[kind]:
                errors = [e.message for e in validator.iter_errors(obj)]
                self.assertEqual(errors, [], (kind, obj["id"]))

    def test_the_schemas_refs_resolve_locally_and_refuse_a_wrong_shape(self) -> None:
        checks = validators()
        vote_event = self.document()["vote_events"][0]
        wrong_count = {**vote_event, "counts": [{"option": "yes", "value": "5"}]}
        self.assertFalse(checks["vote_events"].is_valid(wrong_count))
        no_option = {**vote_event, "counts": [{"value": 5}]}
        self.assertFalse(checks["vote_events"].is_valid(no_option))
        not_a_url = {**vote_event, "sources": [{"url": "paragraf 12"}]}
        self.assertFalse(checks["vote_events"].is_valid(not_a_url))
        membership = self.document()["memberships"][0]
        undated = {**membership, "start_date": "25 november 2024"}
        self.assertFalse(checks["memberships"].is_valid(undated))
        day_only = {**self.document()["motions"][0], "date": "2024-11-25"}
        self.assertFalse(checks["motions"].is_valid(day_only))


class ContentTests(PopoloTestCase):
    def test_ids_are_ocd_ids_once_each_and_every_reference_resolves(self) -> None:
        document = self.document()
        ids = {kind: [obj["id"] for obj in document[kind]] for kind in KINDS}
        for kind, listed in ids.items():
            self.assertEqual(len(listed), len(set(listed)), kind)
            for value in listed:
                self.assertRegex(value, OCD)
        organizations = set(ids["organizations"])
        persons = set(ids["persons"])
        events = set(ids["events"])
        parties = {
            o["id"] for o in document["organizations"] if o["classification"] == "party"
        }
        for membership in document["memberships"]:
            self.assertIn(membership["person_id"], persons)
            self.assertIn(membership["organization_id"], organizations)
            if "on_behalf_of_id" in membership:
                self.assertIn(membership["on_behalf_of_id"], parties)
        for event in document["events"]:
            self.assertIn(event["organization_id"], organizations)
            for attendee in event["attendees"]:
                self.assertIn(attendee["id"], persons)
        for motion in document["motions"]:
            self.assertIn(motion["legislative_session_id"], events)
            if "creator_id" in motion:
                self.assertIn(motion["creator_id"], persons)
        for vote_event in document["vote_events"]:
            self.assertIn(vote_event["legislative_session_id"], events)
            for vote in vote_event["votes"]:
                self.assertIn(vote["voter_id"], persons)
                if "group_id" in vote:
                    self.assertIn(vote["group_id"], parties)

    def test_organizations_are_the_municipality_its_boards_and_its_parties(
        self,
    ) -> None:
        organizations = self.document()["organizations"]
        top = organizations[0]
        self.assertEqual(top["classification"], "municipality")
        self.assertEqual(top["name"], "Sjöbacka kommun")
        self.assertEqual(
            top["sources"],
            [{"url": f"http://testserver/{KOMMUN}/", "note": "Öppna beslut"}],
        )
        namnder = [o for o in organizations if o["classification"] == "board"]
        self.assertEqual(
            sorted(o["name"] for o in namnder),
            sorted(n.name for n in Namnd.objects.filter(municipality__slug=KOMMUN)),
        )
        self.assertTrue(all(o["parent_id"] == top["id"] for o in namnder))
        parties = {
            o["name"]: o for o in organizations if o["classification"] == "party"
        }
        self.assertEqual(parties["Socialdemokraterna"]["other_names"][0]["name"], "S")
        self.assertEqual(
            parties["Socialdemokraterna"]["sources"][0]["url"],
            f"http://testserver/{KOMMUN}/parti/S/",
        )

    def test_memberships_run_from_the_first_to_the_last_meeting_attended(
        self,
    ) -> None:
        document = self.document()
        person = self.person(document, "Kerstin Bodin")
        namnd = self.organization(document, "Kommunfullmäktige")
        social = self.organization(document, "Socialdemokraterna")
        held = [m for m in document["memberships"] if m["person_id"] == person["id"]]
        seat = next(m for m in held if m["organization_id"] == namnd["id"])
        self.assertEqual(seat["label"], "Beslutande")
        self.assertEqual(seat["role"], "ordförande")
        self.assertEqual((seat["start_date"], seat["end_date"]), ("2024-11-25",) * 2)
        self.assertEqual(seat["on_behalf_of_id"], social["id"])
        self.assertEqual(
            seat["sources"],
            [
                {
                    "url": f"http://testserver/{KOMMUN}/person/kerstin-bodin-s/",
                    "note": "Öppna beslut",
                }
            ],
        )
        self.assertIn(social["id"], {m["organization_id"] for m in held})
        # Present without a seat (an official): an attendee, no member.
        official = self.person(document, "Elisabeth Warg")
        meeting = next(
            e for e in document["events"] if e["organization_id"] == namnd["id"]
        )
        self.assertIn(official["id"], {a["id"] for a in meeting["attendees"]})
        self.assertNotIn(
            official["id"], {m["person_id"] for m in document["memberships"]}
        )

    def test_a_membership_spans_the_meetings_of_its_capacity(self) -> None:
        # The same minutes a year later: Kerstin Bodin chairs again.
        later = FULLMAKTIGE.read_text().replace("2024-11-25", "2025-11-24")
        protocol_ingest(source_name="2025-11-24.txt", data=later.encode())
        document = self.document()
        person = self.person(document, "Kerstin Bodin")
        namnd = self.organization(document, "Kommunfullmäktige")
        seats = [
            m
            for m in document["memberships"]
            if m["person_id"] == person["id"] and m["organization_id"] == namnd["id"]
        ]
        self.assertEqual(len(seats), 1)
        self.assertEqual(
            (seats[0]["start_date"], seats[0]["end_date"]), ("2024-11-25", "2025-11-24")
        )

    def test_events_are_the_meetings_with_who_attended(self) -> None:
        document = self.document()
        namnd = self.organization(document, "Kommunfullmäktige")
        event = next(
            e for e in document["events"] if e["organization_id"] == namnd["id"]
        )
        self.assertEqual(event["start_date"], "2024-11-25")
        self.assertEqual(event["name"], "Kommunfullmäktige 2024-11-25")
        self.assertEqual(
            event["sources"],
            [
                {
                    "url": f"http://testserver/{KOMMUN}/kommunfullmaktige/2024-11-25/",
                    "note": "Öppna beslut",
                }
            ],
        )
        self.assertEqual(event["attendees"][0]["name"], "Kerstin Bodin")
        self.assertEqual(
            len(event["attendees"]),
            Member.objects.filter(
                attendance__meeting__namnd__slug="kommunfullmaktige"
            ).count(),
        )

    def test_votes_are_vote_events_with_counts_and_each_members_vote(self) -> None:
        document = self.document()
        vote = Vote.objects.published().select_related("paragraf").first()
        self.assertIsNotNone(vote, "the samples hold a vote")
        address = "http://testserver" + vote.paragraf.get_absolute_url()
        event = next(v for v in document["vote_events"] if v["paragraph"] == address)
        self.assertEqual(
            event["counts"],
            [
                {"option": option, "value": value}
                for option, value in (
                    ("yes", vote.ja),
                    ("no", vote.nej),
                    ("abstain", vote.avstar),
                )
                if value is not None
            ],
        )
        self.assertEqual(len(event["votes"]), vote.casts.count())
        options = {"ja": "yes", "nej": "no", "avstar": "abstain"}
        cast = vote.casts.select_related("member").order_by("pk").first()
        self.assertEqual(
            event["votes"][0],
            {
                "voter_id": popolo.person_id(cast.member.pk),
                "option": options[cast.choice],
                **(
                    {
                        "group_id": popolo.party_id(
                            self.municipality.pk, cast.member.party
                        )
                    }
                    if cast.member.party
                    else {}
                ),
            },
        )
        self.assertEqual(event["sources"], [{"url": address, "note": "Öppna beslut"}])

    def test_proposals_are_motions_with_their_paragraf(self) -> None:
        document = self.document()
        proposal = (
            Proposal.objects.published()
            .filter(members__isnull=False)
            .select_related("paragraf")
            .first()
        )
        address = "http://testserver" + proposal.paragraf.get_absolute_url()
        motion = next(
            m
            for m in document["motions"]
            if m["paragraph"] == address and m["text"] == proposal.text
        )
        first = proposal.proposalmember_set.order_by("position").first()
        self.assertEqual(motion["creator_id"], popolo.person_id(first.member_id))
        self.assertEqual(
            motion["legislative_session_id"],
            popolo.event_id(proposal.paragraf.meeting_id),
        )

    def test_nothing_of_a_confidential_or_withdrawn_paragraph_is_there(self) -> None:
        withdrawn = Vote.objects.published().first().paragraf
        address = "http://testserver" + withdrawn.get_absolute_url()
        self.assertIn(address, json.dumps(self.document()))
        paragraf_withdraw(
            paragrafer=Paragraf.objects.filter(pk=withdrawn.pk),
            reason="Publicerad av misstag.",
            user=get_user_model().objects.create_superuser("admin", "", "x"),
        )
        document = self.document()
        text = json.dumps(document, ensure_ascii=False)
        self.assertNotIn(SECRET, text)
        places = {o["paragraph"] for o in document["motions"] + document["vote_events"]}
        self.assertNotIn(address, places)
        secret_url = "http://testserver" + self.secret.get_absolute_url()
        self.assertNotIn(secret_url, places)
        self.assertTrue(places, "published proposals and votes are still there")

    def test_it_is_built_in_a_fixed_number_of_queries(self) -> None:
        # 1 the boards, 2 the people, 3 the meetings; 4 the boards' and 5 the
        # municipality's earlier names; 6 the seats (attendance per person,
        # board, capacity and role, with first and last date); 7 who attended
        # each meeting; 8 the published proposals and 9 who stands behind
        # them; 10 the published votes and 11 who voted how.
        with self.assertNumQueries(11):
            popolo.document(self.municipality, settings.SITE_URL)

    def person(self, document: dict[str, Any], name: str) -> dict[str, Any]:
        return next(p for p in document["persons"] if p["name"] == name)

    def organization(self, document: dict[str, Any], name: str) -> dict[str, Any]:
        return next(o for o in document["organizations"] if o["name"] == name)


class StableIdTests(PopoloTestCase):
    def ids(self, document: dict[str, Any]) -> dict[str, list[str]]:
        return {kind: [obj["id"] for obj in document[kind]] for kind in KINDS}

    def test_ids_stay_the_same_when_the_board_and_the_municipality_are_renamed(
        self,
    ) -> None:
        before = self.document()
        namnd = Namnd.objects.get(municipality__slug=KOMMUN, slug="kommunfullmaktige")
        since = datetime.date(2026, 1, 1)
        namnd_rename(namnd=namnd, new_name="Fullmäktige", since=since, user=None)
        municipality_rename(
            municipality=self.municipality,
            new_name="Sjöbacka stad",
            since=since,
            user=None,
        )
        after = self.document("/api/v1/popolo/sjobacka-stad.json")
        self.assertEqual(self.ids(after), self.ids(before))
        top = after["organizations"][0]
        self.assertEqual(top["name"], "Sjöbacka stad")
        self.assertEqual(
            top["sources"],
            [{"url": "http://testserver/sjobacka-stad/", "note": "Öppna beslut"}],
        )
        self.assertEqual(
            top["other_names"],
            [
                {
                    "name": "Sjöbacka kommun",
                    "note": "former name",
                    "end_date": "2025-12-31",
                }
            ],
        )
        namnd = next(o for o in after["organizations"] if o["name"] == "Fullmäktige")
        self.assertEqual(namnd["other_names"][0]["name"], "Kommunfullmäktige")
        self.assertEqual(
            namnd["sources"],
            [
                {
                    "url": "http://testserver/sjobacka-stad/fullmaktige/",
                    "note": "Öppna beslut",
                }
            ],
        )
        # The old address leads on, as every other detail's does.
        moved = self.client.get(URL, headers={"accept": "application/json"})
        self.assertEqual(moved.status_code, 301)
        self.assertEqual(moved["Location"], "/api/v1/popolo/sjobacka-stad.json")

    def test_ids_stay_the_same_when_the_minutes_are_ingested_again(self) -> None:
        before = self.document()
        # A corrected file: its proposals and votes are written anew.
        changed = FULLMAKTIGE.read_text().replace("fullmäktigesalen", "stora salen")
        result = protocol_ingest(source_name=FULLMAKTIGE.name, data=changed.encode())
        self.assertEqual(result.status, "updated")
        self.assertEqual(self.ids(self.document()), self.ids(before))

    def test_an_unknown_municipality_is_404(self) -> None:
        response = self.client.get(
            "/api/v1/popolo/ingen-sadan.json", headers={"accept": "application/json"}
        )
        problem = problem_of(response, 404)
        self.assertEqual(problem["detail"], "Ingen kommun med den adressen.")

    def test_the_index_and_the_openapi_description_name_it(self) -> None:
        index = self.client.get("/api/v1/", headers={"accept": "application/json"})
        template = index.json()["popolo"]
        self.assertEqual(template, "http://testserver/api/v1/popolo/{kommun}.json")
        url = template.replace("{kommun}", KOMMUN).removeprefix("http://testserver")
        self.assertEqual(url, URL)
        schema = self.client.get(
            "/api/v1/schema/", headers={"accept": "application/json"}
        ).json()
        operation = schema["paths"]["/api/v1/popolo/{kommun}.json"]["get"]
        self.assertIn("Popolo", operation["description"])
        # Its own answers, and the problems every operation lists.
        self.assertLessEqual({"200", "301", "404"}, set(operation["responses"]))


class DownloadTests(PopoloTestCase):
    def setUp(self) -> None:
        self.folder = Path(self.enterContext(tempfile.TemporaryDirectory()))

    def test_the_download_holds_each_municipalitys_document_named_in_the_manifest(
        self,
    ) -> None:
        write_archive(self.folder, "http://testserver")
        manifest = json.loads((self.folder / MANIFEST_NAME).read_text())
        name = popolo_name(KOMMUN)
        data = (self.folder / name).read_bytes()
        self.assertEqual(
            manifest["popolo"],
            [
                {
                    "file": name,
                    "municipality": f"http://testserver/{KOMMUN}/",
                    "bytes": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "format": "Popolo JSON (popoloproject.com), one municipality, "
                    "UTF-8",
                }
            ],
        )
        # The same document as the API's, and the same bytes from the same data.
        self.assertEqual(json.loads(data), self.document())
        write_archive(self.folder, "http://testserver")
        self.assertEqual((self.folder / name).read_bytes(), data)
        with override_settings(OPEN_DATA_DIR=self.folder):
            served = self.client.get(f"/oppna-data/{name}")
            self.assertEqual(served.status_code, 200)
            self.assertEqual(served["Content-Type"], "application/json")
            self.assertEqual(b"".join(served.streaming_content), data)
            missing = self.client.get("/oppna-data/popolo-ingen-sadan.json")
            self.assertEqual(missing.status_code, 404)

    def test_a_renamed_municipalitys_old_document_goes_with_the_next_dump(
        self,
    ) -> None:
        write_archive(self.folder, "http://testserver")
        municipality_rename(
            municipality=self.municipality,
            new_name="Sjöbacka stad",
            since=datetime.date(2026, 1, 1),
            user=None,
        )
        write_archive(self.folder, "http://testserver")
        names = sorted(p.name for p in self.folder.glob("popolo-*"))
        self.assertEqual(names, ["popolo-sjobacka-stad.json"])

    def test_a_document_written_before_a_withdrawal_is_not_served(self) -> None:
        write_archive(self.folder, "http://testserver")
        user = get_user_model().objects.create_superuser("admin", "", "x")
        paragraf_withdraw(
            paragrafer=Paragraf.objects.filter(votes__isnull=False, confidential=False),
            reason="Publicerad av misstag.",
            user=user,
        )
        with override_settings(OPEN_DATA_DIR=self.folder):
            response = self.client.get(f"/oppna-data/{popolo_name(KOMMUN)}")
        self.assertEqual(response.status_code, 503)
