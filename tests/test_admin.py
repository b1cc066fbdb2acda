"""The admin: every model's list, change and add pages open for a superuser."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Model
from django.test import TestCase
from django.urls import reverse

from decisions.models import (
    Attendance,
    NamndAlias,
    Proposal,
    Reservation,
    ReservationMember,
    Vote,
    VoteCast,
)
from tests.factories import (
    make_arende,
    make_meeting,
    make_member,
    make_municipality,
    make_namnd,
    make_paragraf,
    make_reservation,
)


class AdminTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.user = get_user_model().objects.create_superuser(
            "admin", "admin@example.org", "lösenord-för-test"
        )
        municipality = make_municipality("Stockholms stad", slug="stockholm")
        namnd = make_namnd("Kulturnämnden", municipality=municipality)
        meeting = make_meeting(namnd=namnd, date=datetime.date(2016, 9, 20))
        arende = make_arende("1.1/2152/2016", municipality=municipality)
        paragraf = make_paragraf(
            meeting=meeting,
            arende=arende,
            sections=[{"kind": "decision", "heading": "Beslut", "text": "Ja."}],
        )
        member = make_member("Anna Berg", "M", municipality=municipality)
        reservation = make_reservation(paragraf=paragraf, members=[member])
        proposal = Proposal.objects.create(
            paragraf=paragraf, position=1, text="Avslag."
        )
        proposal.members.add(member, through_defaults={"position": 1})
        vote = Vote.objects.create(paragraf=paragraf, position=1, ja=5, nej=3, avstar=1)
        VoteCast.objects.create(vote=vote, member=member, choice="nej")
        attendance = Attendance.objects.create(
            meeting=meeting, member=member, group="beslutande", position=1
        )
        alias = NamndAlias.objects.create(
            municipality=municipality, slug="kulturnamnd", namnd=namnd
        )
        cls.objects: list[Model] = [
            municipality,
            namnd,
            meeting,
            member,
            arende,
            paragraf,
            reservation,
            ReservationMember.objects.get(reservation=reservation),
            proposal,
            vote,
            attendance,
            alias,
        ]

    def setUp(self) -> None:
        self.client.force_login(self.user)

    @staticmethod
    def admin_url(obj: Model, view: str, *args: object) -> str:
        meta = obj._meta
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)

    def test_every_model_has_a_changelist_that_lists_its_rows(self) -> None:
        for obj in self.objects:
            with self.subTest(model=type(obj).__name__):
                response = self.client.get(self.admin_url(obj, "changelist"))
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, self.admin_url(obj, "change", obj.pk))

    def test_every_model_has_a_change_page(self) -> None:
        for obj in self.objects:
            with self.subTest(model=type(obj).__name__):
                response = self.client.get(self.admin_url(obj, "change", obj.pk))
                self.assertEqual(response.status_code, 200)

    def test_every_model_has_an_add_page(self) -> None:
        for obj in self.objects:
            with self.subTest(model=type(obj).__name__):
                response = self.client.get(self.admin_url(obj, "add"))
                self.assertEqual(response.status_code, 200)

    def test_changelist_search_answers(self) -> None:
        for obj in self.objects:
            with self.subTest(model=type(obj).__name__):
                url = self.admin_url(obj, "changelist")
                response = self.client.get(url, {"q": "Berg"})
                self.assertEqual(response.status_code, 200)

    def test_the_site_header_names_the_archive(self) -> None:
        response = self.client.get(reverse("admin:index"))
        self.assertContains(response, "Öppna beslut – administration")

    def test_generated_and_ingest_fields_cannot_be_edited(self) -> None:
        paragraf, meeting = self.objects[5], self.objects[2]
        response = self.client.get(self.admin_url(paragraf, "change", paragraf.pk))
        self.assertNotIn("search", response.context["adminform"].form.fields)
        response = self.client.get(self.admin_url(meeting, "change", meeting.pk))
        fields = response.context["adminform"].form.fields
        self.assertNotIn("source_sha256", fields)
        self.assertNotIn("ingested_at", fields)
        self.assertContains(response, meeting.source_sha256)

    def test_edits_keep_the_paragraphs_copy_of_its_reservations(self) -> None:
        paragraf, member, reservation = (
            self.objects[5],
            self.objects[3],
            self.objects[6],
        )
        self.assertEqual(
            (paragraf.has_reservation, paragraf.reserving_parties), (True, ["M"])
        )
        # A member's party corrected...
        response = self.client.post(
            self.admin_url(member, "change", member.pk),
            {"municipality": member.municipality_id, "name": member.name, "party": "L"},
        )
        self.assertEqual(response.status_code, 302)
        paragraf.refresh_from_db()
        self.assertEqual(paragraf.reserving_parties, ["L"])
        # ... and the reservation deleted.
        response = self.client.post(
            self.admin_url(reservation, "delete", reservation.pk), {"post": "yes"}
        )
        self.assertEqual(response.status_code, 302)
        paragraf.refresh_from_db()
        self.assertEqual(
            (paragraf.has_reservation, paragraf.reserving_parties), (False, [])
        )
        form = self.client.get(self.admin_url(paragraf, "change", paragraf.pk))
        fields = form.context["adminform"].form.fields
        self.assertNotIn("reserving_parties", fields)

    def test_inlines_show_paragraphs_reservations_and_members(self) -> None:
        meeting, paragraf, reservation = (
            self.objects[2],
            self.objects[5],
            self.objects[6],
        )
        response = self.client.get(self.admin_url(meeting, "change", meeting.pk))
        self.assertContains(response, paragraf.title)
        response = self.client.get(self.admin_url(paragraf, "change", paragraf.pk))
        self.assertContains(response, reservation.text)
        self.assertIsInstance(reservation, Reservation)
        response = self.client.get(
            self.admin_url(reservation, "change", reservation.pk)
        )
        self.assertContains(response, "Anna Berg (M)")
