"""Who may do what in the admin: a clerk stays in their board, an editor in
their municipality; rows every board of a municipality shares (members,
cases) are changed only by its editor or a superuser; a published paragraph
or meeting is withdrawn, never deleted, by anyone but a superuser."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from decisions.models import Attendance, Member, Paragraf
from tests.factories import (
    make_meeting,
    make_member,
    make_municipality,
    make_namnd,
    make_paragraf,
    make_reservation,
)


def admin_url(obj: Any, view: str = "change") -> str:
    meta = obj._meta
    args = [obj.pk] if view in ("change", "delete", "history") else []
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


def make_staff(username: str, **scope: str) -> Any:
    """A clerk (namnd="Kommun/Nämnd") or an editor (kommun="Kommun"), as
    `manage.py create_clerk` makes them."""
    call_command("create_clerk", username, stdout=io.StringIO(), **scope)
    return get_user_model().objects.get(username=username)


class AMemberOfAnotherBoardTests(TestCase):
    """The finding: Tekniska nämnden's clerk changed the party of a member who
    sits only on Socialnämnden, and Socialnämnden's public paragraph then
    showed the reservation under the new party, stamped "Rättad"."""

    @classmethod
    def setUpTestData(cls) -> None:
        town = make_municipality("Sjöbacka kommun")
        tekniska = make_namnd("Tekniska nämnden", municipality=town)
        social = make_namnd("Socialnämnden", municipality=town)
        make_paragraf(meeting=make_meeting(namnd=tekniska))
        meeting = make_meeting(namnd=social, date=datetime.date(2024, 5, 21))
        cls.karin = make_member("Karin Svensson", "S", municipality=town)
        Attendance.objects.create(
            meeting=meeting, member=cls.karin, group="beslutande", position=1
        )
        cls.paragraf = make_paragraf(meeting=meeting)
        make_reservation(paragraf=cls.paragraf, members=[cls.karin])
        cls.tekniska_clerk = make_staff(
            "tove", namnd="Sjöbacka kommun/Tekniska nämnden"
        )
        cls.social_clerk = make_staff("sara", namnd="Sjöbacka kommun/Socialnämnden")
        cls.editor = make_staff("erik", kommun="Sjöbacka kommun")

    def change_party(self, user: Any, party: str) -> Any:
        self.client.force_login(user)
        return self.client.post(
            admin_url(self.karin),
            {
                "municipality": self.karin.municipality_id,
                "name": "Karin Svensson",
                "party": party,
            },
        )

    def assert_untouched(self) -> None:
        self.karin.refresh_from_db()
        self.assertEqual(self.karin.party, "S")
        paragraf = Paragraf.objects.get(pk=self.paragraf.pk)
        self.assertEqual(paragraf.reserving_parties, ["S"])
        self.assertIsNone(paragraf.corrected_at)

    def test_a_clerk_of_another_board_can_neither_open_nor_change_the_member(self):
        self.change_party(self.tekniska_clerk, "M")
        self.assert_untouched()
        page = self.client.get(admin_url(self.karin))
        # Not in their scope: the admin's answer for a row that is not there.
        self.assertRedirects(page, reverse("admin:index"))

    def test_the_members_own_boards_clerk_sees_the_member_but_changes_nothing(self):
        self.client.force_login(self.social_clerk)
        page = self.client.get(admin_url(self.karin))
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "kommunens redaktör")
        self.assertEqual(self.change_party(self.social_clerk, "M").status_code, 403)
        self.assert_untouched()

    def test_the_municipalitys_editor_corrects_the_party(self):
        response = self.change_party(self.editor, "M")
        self.assertEqual(response.status_code, 302)
        self.karin.refresh_from_db()
        self.assertEqual(self.karin.party, "M")
        paragraf = Paragraf.objects.get(pk=self.paragraf.pk)
        self.assertEqual(paragraf.reserving_parties, ["M"])
        self.assertIsNotNone(paragraf.corrected_at)
        self.assertTrue(Member.objects.filter(party="M").exists())
