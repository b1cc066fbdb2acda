"""Clerks and editors in the admin: each sees and changes only the minutes of
the boards assigned to them; every change is in the audit log."""

from __future__ import annotations

import datetime
import io

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from decisions.models import Assignment, Meeting, Namnd, Paragraf
from tests.admin_pages import admin_url
from tests.factories import (
    make_meeting,
    make_municipality,
    make_namnd,
    make_paragraf,
    make_reservation,
)


class ClerkTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        town = make_municipality("Sjöbacka kommun")
        cls.namnd_a = make_namnd("Kommunstyrelsen", municipality=town)
        cls.namnd_b = make_namnd("Socialnämnden", municipality=town)
        other = make_municipality("Norrvikens kommun")
        cls.namnd_c = make_namnd("Kommunstyrelsen", municipality=other)
        cls.rows = {}
        for namnd in (cls.namnd_a, cls.namnd_b, cls.namnd_c):
            meeting = make_meeting(namnd=namnd, date=datetime.date(2024, 3, 11))
            paragraf = make_paragraf(meeting=meeting)
            cls.rows[namnd.pk] = (
                meeting,
                paragraf,
                make_reservation(paragraf=paragraf),
            )
        out = io.StringIO()
        call_command(
            "create_clerk", "anna", namnd="Sjöbacka kommun/Kommunstyrelsen", stdout=out
        )
        call_command("create_clerk", "bertil", kommun="Sjöbacka kommun", stdout=out)
        users = get_user_model().objects
        cls.clerk, cls.editor = users.get(username="anna"), users.get(username="bertil")

    def test_create_clerk_makes_a_staff_user_in_the_group_with_one_assignment(self):
        self.assertTrue(self.clerk.is_staff)
        self.assertFalse(self.clerk.is_superuser)
        self.assertFalse(self.clerk.has_usable_password())
        self.assertTrue(self.clerk.has_perm("decisions.change_paragraf"))
        self.assertFalse(self.clerk.has_perm("decisions.change_namnd"))
        self.assertEqual(
            list(Assignment.objects.namnder_of(self.clerk)), [self.namnd_a]
        )
        self.assertEqual(
            set(Assignment.objects.namnder_of(self.editor)),
            {self.namnd_a, self.namnd_b},
        )
        with self.assertRaises(CommandError):
            call_command("create_clerk", "cilla", namnd="Ingen/Nämnd")

    def test_a_clerk_lists_only_their_boards_rows(self):
        self.client.force_login(self.clerk)
        for model in (Meeting, Paragraf):
            with self.subTest(model=model.__name__):
                response = self.client.get(admin_url(model, "changelist"))
                self.assertEqual(response.status_code, 200)
                shown = set(response.context["cl"].result_list)
                index = 0 if model is Meeting else 1
                self.assertEqual(shown, {self.rows[self.namnd_a.pk][index]})

    def test_a_clerk_cannot_read_change_or_delete_another_boards_rows(self):
        self.client.force_login(self.clerk)
        for namnd in (self.namnd_b, self.namnd_c):
            for obj in self.rows[namnd.pk]:
                for view in ("change", "delete"):
                    with self.subTest(namnd=namnd.name, obj=obj, view=view):
                        url = admin_url(obj)
                        if view == "delete":
                            url = url.replace("/change/", "/delete/")
                        response = self.client.get(url)
                        self.assertNotEqual(response.status_code, 200)
                        posted = self.client.post(url, {"post": "yes"})
                        self.assertNotEqual(posted.status_code, 200)
        # Nothing of board B or C changed or went.
        for namnd in (self.namnd_b, self.namnd_c):
            for obj in self.rows[namnd.pk]:
                self.assertTrue(type(obj).objects.filter(pk=obj.pk).exists())

    def test_a_clerk_edits_their_own_and_the_audit_log_has_it(self):
        self.client.force_login(self.clerk)
        meeting, paragraf, _ = self.rows[self.namnd_a.pk]
        page = self.client.get(admin_url(meeting))
        self.assertEqual(page.status_code, 200)
        # The board a meeting may be moved to: only the clerk's own.
        choices = page.context["adminform"].form.fields["namnd"].queryset
        self.assertEqual(list(choices), [self.namnd_a])
        self.assertEqual(self.client.get(admin_url(paragraf)).status_code, 200)
        response = self.client.post(
            admin_url(meeting),
            {
                "namnd": self.namnd_a.pk,
                "date": "2024-03-11",
                "protocol_number": "3/2024",
                "slug": meeting.slug,
                "source_name": meeting.source_name,
                "source_text": meeting.source_text,
                "attendance-TOTAL_FORMS": "0",
                "attendance-INITIAL_FORMS": "0",
                "paragrafer-TOTAL_FORMS": "0",
                "paragrafer-INITIAL_FORMS": "0",
            },
        )
        self.assertEqual(response.status_code, 302, response.content[:2000])
        meeting.refresh_from_db()
        self.assertEqual(meeting.protocol_number, "3/2024")
        entry = LogEntry.objects.get(object_id=str(meeting.pk))
        self.assertEqual((entry.user, entry.action_flag), (self.clerk, CHANGE))

    def test_an_editor_has_the_whole_municipality_and_nothing_else(self):
        self.client.force_login(self.editor)
        response = self.client.get(admin_url(Meeting, "changelist"))
        shown = {m.namnd for m in response.context["cl"].result_list}
        self.assertEqual(shown, {self.namnd_a, self.namnd_b})
        self.assertNotEqual(
            self.client.get(admin_url(self.rows[self.namnd_c.pk][0])).status_code, 200
        )
        namnder = self.client.get(admin_url(Namnd, "changelist"))
        self.assertEqual(
            set(namnder.context["cl"].result_list), {self.namnd_a, self.namnd_b}
        )

    def test_no_clerk_may_touch_the_audit_log_or_the_assignments(self):
        self.client.force_login(self.clerk)
        for url in (
            admin_url(LogEntry, "changelist"),
            admin_url(Assignment, "changelist"),
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 403)
        superuser = get_user_model().objects.create_superuser("root", "", "x")
        self.client.force_login(superuser)
        self.assertEqual(
            self.client.get(admin_url(LogEntry, "changelist")).status_code, 200
        )
        entry = LogEntry.objects.create(
            user=superuser,
            content_type_id=1,
            object_id="1",
            object_repr="x",
            action_flag=CHANGE,
        )
        self.assertEqual(self.client.get(admin_url(entry)).status_code, 200)
        self.assertEqual(
            self.client.post(admin_url(entry), {"object_repr": "y"}).status_code, 403
        )
