"""Constraints that keep the archive true, enforced by PostgreSQL itself."""

from django.db import IntegrityError, connection, transaction
from django.test import TestCase

from decisions.models import Municipality, Reservation, ReservationMember
from tests.factories import make_member, make_paragraf, make_reservation


class ConstraintTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.paragraf = make_paragraf(number="7")
        cls.municipality = cls.paragraf.meeting.namnd.municipality

    def assertRefused(self, constraint: str, create) -> None:
        with self.assertRaisesMessage(IntegrityError, constraint):
            with transaction.atomic():
                create()

    def test_a_paragraph_number_is_unique_within_its_meeting(self):
        self.assertRefused(
            "paragraf_number_unique_per_meeting",
            lambda: make_paragraf(meeting=self.paragraf.meeting, number="7"),
        )
        # The same number in another meeting is another paragraph.
        self.assertEqual(make_paragraf(number="7").number, "7")

    def test_a_member_appears_once_per_reservation(self):
        member = make_member("Rasmus Jonlund", "L", municipality=self.municipality)
        reservation = make_reservation(paragraf=self.paragraf, members=[member])
        self.assertRefused(
            "member_once_per_reservation",
            lambda: ReservationMember.objects.create(
                reservation=reservation, member=member, position=2
            ),
        )

    def test_a_reservation_kind_must_be_known(self):
        self.assertRefused(
            "reservation_kind_valid",
            lambda: Reservation.objects.create(
                paragraf=self.paragraf, kind="protest", position=9, text="x"
            ),
        )

    def test_a_member_is_one_row_per_name_and_party(self):
        make_member("Anna Berg", "S", municipality=self.municipality)
        self.assertRefused(
            "member_unique_per_municipality",
            lambda: make_member("Anna Berg", "S", municipality=self.municipality),
        )

    def test_names_sort_in_swedish_order(self):
        # Byte order would put Ä before Å; Swedish puts Å, Ä, Ö last, in that order.
        swedish_order = [
            "Ale kommun",
            "Zeta kommun",
            "Åre kommun",
            "Ängelholms kommun",
            "Örebro kommun",
        ]
        for name in reversed(swedish_order):
            Municipality.objects.create(name=name, slug=name.lower().replace(" ", "-"))
        found = Municipality.objects.filter(name__endswith=" kommun")
        self.assertEqual([m.name for m in found], swedish_order)


class SearchStorageTests(TestCase):
    def test_lexemes_stay_in_the_row_and_search_may_leave_it(self):
        # Matching a common word checks its newest rows one by one: `lexemes`
        # must be read from the row itself (storage MAIN), not from TOAST.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT attname, attstorage FROM pg_attribute WHERE attrelid ="
                " 'decisions_paragraf'::regclass AND attname IN ('search', 'lexemes')"
            )
            self.assertEqual(dict(cursor.fetchall()), {"lexemes": "m", "search": "x"})
