"""Who may do what in the admin: a clerk stays in their board, an editor in
their municipality; rows every board of a municipality shares (members,
cases) are changed only by its editor or a superuser; a published paragraph
or meeting is withdrawn, never deleted, by anyone but a superuser."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from axes.models import (
    AccessAttempt,
    AccessAttemptExpiration,
    AccessFailureLog,
    AccessLog,
)
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.db.models import Model
from django.test import Client, RequestFactory, TestCase
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from decisions.models import (
    Assignment,
    Attendance,
    Meeting,
    Member,
    Namnd,
    NamndAlias,
    Paragraf,
    Proposal,
    ReservationMember,
    Upload,
    Vote,
    VoteCast,
    Word,
)
from decisions.parser import parse_protocol, protocol_to_data
from tests.admin_pages import admin_url, posted
from tests.factories import (
    SAMPLES,
    make_arende,
    make_meeting,
    make_member,
    make_municipality,
    make_namnd,
    make_paragraf,
    make_reservation,
)


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

    def test_the_clerk_fixes_the_party_in_their_own_minutes(self):
        # The same person as listed for another party: chosen for this
        # board's reservation, it changes this board's minutes only.
        karin_m = make_member(
            "Karin Svensson", "M", municipality=self.karin.municipality
        )
        signed = ReservationMember.objects.get(member=self.karin)
        self.client.force_login(self.social_clerk)
        response = self.client.post(
            admin_url(signed),
            {"reservation": signed.reservation_id, "member": karin_m.pk, "position": 1},
        )
        self.assertEqual(response.status_code, 302)
        paragraf = Paragraf.objects.get(pk=self.paragraf.pk)
        self.assertEqual(paragraf.reserving_parties, ["M"])
        self.karin.refresh_from_db()
        self.assertEqual(self.karin.party, "S")

    def test_the_municipalitys_editor_corrects_the_party(self):
        response = self.change_party(self.editor, "M")
        self.assertEqual(response.status_code, 302)
        self.karin.refresh_from_db()
        self.assertEqual(self.karin.party, "M")
        paragraf = Paragraf.objects.get(pk=self.paragraf.pk)
        self.assertEqual(paragraf.reserving_parties, ["M"])
        self.assertIsNotNone(paragraf.corrected_at)
        self.assertTrue(Member.objects.filter(party="M").exists())


# The matrix: every model registered in the admin × every role × every
# operation the admin offers on it (list, view, history, add, change, delete
# and each action), on rows of board A and board B of one municipality, and of board C
# of another; posted through the admin's own URLs, the database checked after.

ROLES = ("anonymous", "clerk_a", "clerk_b", "editor", "superuser")
OPERATIONS = ("list", "view", "history", "add", "change", "delete")
# What each action is posted with, and how to tell it was done.
ACTIONS: dict[str, dict[str, Any]] = {
    "delete_selected": {"post": "yes"},
    "withdraw": {"apply": "1", "reason": "Publicerades av misstag."},
    # A conflict with new minutes settled (attempt() makes one first).
    "use_minutes": {},
    "keep_correction": {},
}
SETTLES = ("use_minutes", "keep_correction")


def own_namnder(ops: str, superuser: str | None = None) -> dict[str, dict[str, str]]:
    """A clerk their own board's rows, the editor both boards of their
    municipality, a superuser every row (what `superuser` says, if given)."""
    every = superuser or ops
    return {
        "clerk_a": {"A": ops},
        "clerk_b": {"B": ops},
        "editor": {"A": ops, "B": ops},
        "superuser": {"A": every, "B": every, "C": every},
    }


def shared(clerk: str, editor: str, superuser: str) -> dict[str, dict[str, str]]:
    """Rows the boards of a municipality share: what a clerk may do with
    those their own board uses, the editor with all of the municipality's."""
    return {
        "clerk_a": {"A": clerk},
        "clerk_b": {"B": clerk},
        "editor": {"A": editor, "B": editor},
        "superuser": {"A": superuser, "B": superuser, "C": superuser},
    }


def superuser_only(ops: str, *labels: str) -> dict[str, dict[str, str]]:
    return {"superuser": dict.fromkeys(labels or ("-",), ops)}


EVERYTHING = "list view add change delete delete_selected"
LOOK = "list view"

# Model → role → row → what the role may do with the row ("" or absent:
# nothing). Anonymous may do nothing anywhere. Rows: A and B are of two boards
# of one municipality, C of a board of another; "-" a row of no board; a
# municipality's rows are labelled A (board A's) and C.
EXPECTED: dict[str, dict[str, dict[str, str]]] = {
    "decisions.municipality": {
        "clerk_a": {"A": LOOK},
        "clerk_b": {"A": LOOK},
        "editor": {"A": LOOK},
        "superuser": {"A": EVERYTHING, "C": EVERYTHING},
    },
    "decisions.namnd": shared(LOOK, LOOK, EVERYTHING),
    "decisions.namndalias": shared(LOOK, LOOK, EVERYTHING),
    "decisions.member": shared(LOOK, EVERYTHING, EVERYTHING),
    "decisions.arende": shared(LOOK, EVERYTHING, EVERYTHING),
    # Published: withdrawn, never deleted, but by a superuser.
    "decisions.meeting": own_namnder("list view add change", EVERYTHING),
    "decisions.paragraf": own_namnder(
        f"list view add change withdraw {' '.join(SETTLES)}",
        f"{EVERYTHING} withdraw {' '.join(SETTLES)}",
    ),
    "decisions.reservation": own_namnder(EVERYTHING),
    "decisions.reservationmember": own_namnder(EVERYTHING),
    "decisions.proposal": own_namnder(EVERYTHING),
    "decisions.vote": own_namnder(EVERYTHING),
    "decisions.attendance": own_namnder(EVERYTHING),
    # A draft is discarded (its change here), never deleted.
    "decisions.upload": own_namnder("list view add change"),
    "decisions.word": superuser_only("list view delete delete_selected"),
    "decisions.assignment": superuser_only(EVERYTHING, "A", "B"),
    "admin.logentry": superuser_only(LOOK),
    "auth.user": superuser_only(EVERYTHING),
    "auth.group": superuser_only(EVERYTHING),
    # Failed logins and the lockouts they caused (django-axes): what lifts a
    # lockout is deleting its attempt; the rows themselves are read-only.
    "axes.accessattempt": superuser_only("list view delete delete_selected"),
    "axes.accesslog": superuser_only("list view delete delete_selected"),
    "axes.accessfailurelog": superuser_only("list view delete delete_selected"),
    # Staff's second factors (django-otp).
    "otp_totp.totpdevice": superuser_only(EVERYTHING),
}

# How each model's rows are changed and added: fields posted over the row's
# own form (as a superuser's change page shows it); an added row is the row
# copied, with these fields, so it belongs to the same board.
WRITES: dict[str, dict[str, dict[str, Any]]] = {
    "decisions.municipality": {
        "change": {"name": "Ändrad kommun"},
        "add": {"name": "Ny kommun", "slug": "ny-kommun"},
    },
    "decisions.namnd": {
        "change": {"name": "Ändrad nämnd"},
        "add": {"name": "Ny nämnd", "slug": "ny-namnd"},
    },
    "decisions.namndalias": {
        "change": {"slug": "andrad-adress"},
        "add": {"slug": "ny-adress"},
    },
    "decisions.member": {"change": {"party": "X"}, "add": {"name": "Ny Ledamot"}},
    "decisions.arende": {
        "change": {"title": "Ändrad ärendemening"},
        "add": {"dnr": "NY 2030/1"},
    },
    "decisions.meeting": {
        "change": {"protocol_number": "99/2024"},
        "add": {"slug": "2030-01-01", "date": "2030-01-01"},
    },
    "decisions.paragraf": {
        "change": {"title": "Ändrad rubrik"},
        "add": {"number": "99", "title": "Ny paragraf"},
    },
    "decisions.reservation": {
        "change": {"text": "Ändrad reservation."},
        "add": {"text": "Ny reservation."},
    },
    "decisions.reservationmember": {
        # Its position is the minutes' order, read-only: another member.
        "change": {"member": lambda world, label: world.spare[label].pk},
        "add": {"member": lambda world, label: world.spare[label].pk},
    },
    "decisions.proposal": {
        "change": {"text": "Ändrat yrkande."},
        "add": {"text": "Nytt yrkande."},
    },
    "decisions.vote": {"change": {"ja": 11}, "add": {}},
    "decisions.attendance": {
        "change": {"role": "justerare"},
        "add": {"member": lambda world, label: world.spare[label].pk},
    },
    "decisions.upload": {
        # The preview's own buttons: discard a draft; upload a file.
        "change": {"_discard": "1"},
        "changed": {"status": Upload.Status.DISCARDED},
    },
    "decisions.word": {"change": {"word": "ändrat"}, "add": {"word": "nyttord"}},
    "decisions.assignment": {
        "change": {"namnd": lambda world, label: world.namnder["C"].pk},
        "add": {"user": lambda world, label: world.spare["-"].pk},
    },
    "admin.logentry": {
        "change": {"object_repr": "ändrad"},
        "add": {"object_repr": "ny"},
    },
    "auth.user": {
        "change": {"first_name": "Ändrad"},
        "add": {
            "username": "ny",
            # Set later (manage.py changepassword): no slow hashing here.
            "usable_password": "false",
        },
    },
    "auth.group": {"change": {"name": "Ändrad grupp"}, "add": {"name": "Ny grupp"}},
    "axes.accessattempt": {"change": {"username": "ändrad"}, "add": {}},
    "axes.accesslog": {"change": {"username": "ändrad"}, "add": {}},
    "axes.accessfailurelog": {"change": {"username": "ändrad"}, "add": {}},
    "otp_totp.totpdevice": {
        "change": {"name": "Ändrad enhet"},
        "add": {"name": "Ny enhet", "key": "3132333435363738393031323334353637383930"},
    },
}
# Where each board's minutes come from when uploaded (the add of an upload):
# the sample for A and B, and for C the same text from the other municipality.
TEKNISKA = SAMPLES / "2025-02-18_tekniska-namnden.txt"
SOCIAL = SAMPLES / "2024-05-21_socialnamnden.txt"


def label_of(model: type[Model]) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


@contextmanager
def rolled_back() -> Iterator[None]:
    """Undo what a posted write did, so the next operation meets the world
    as it was."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def snapshot(model: type[Model], pk: Any) -> list[dict[str, Any]]:
    return list(model._default_manager.filter(pk=pk).values())


class World:
    """Two boards of Sjöbacka kommun (A: Tekniska nämnden, B: Socialnämnden)
    and one of Norrvikens kommun (C), each with published minutes in which
    one member of its own is named everywhere (attends, adjusts, reserves,
    proposes, votes) and one case is handled, and a draft upload; a clerk of
    A, a clerk of B, Sjöbacka's editor and a superuser."""

    def __init__(self) -> None:
        sjobacka = make_municipality("Sjöbacka kommun")
        norrviken = make_municipality("Norrvikens kommun")
        self.namnder = {
            "A": make_namnd("Tekniska nämnden", municipality=sjobacka),
            "B": make_namnd("Socialnämnden", municipality=sjobacka),
            "C": make_namnd("Tekniska nämnden", municipality=norrviken),
        }
        self.rows: dict[str, dict[str, Model]] = {}
        self.spare: dict[str, Model] = {}
        for label, namnd in self.namnder.items():
            self._minutes(label, namnd)
        self.row("decisions.municipality", A=sjobacka, C=norrviken)
        self.users = {
            "clerk_a": make_staff("tove", namnd="Sjöbacka kommun/Tekniska nämnden"),
            "clerk_b": make_staff("sara", namnd="Sjöbacka kommun/Socialnämnden"),
            "editor": make_staff("erik", kommun="Sjöbacka kommun"),
            "superuser": get_user_model().objects.create_superuser("root", "", None),
        }
        someone = get_user_model().objects.create_user("nils")
        self.spare["-"] = someone
        self.row(
            "decisions.assignment",
            A=Assignment.objects.get(user=self.users["clerk_a"]),
            B=Assignment.objects.get(user=self.users["clerk_b"]),
        )
        self.row("auth.user", **{"-": someone})
        self.row("auth.group", **{"-": Group.objects.create(name="Läsare")})
        self.row("decisions.word", **{"-": Word.objects.create(word="gatubelysning")})
        entry = LogEntry.objects.log_actions(
            self.users["superuser"].pk,
            [self.namnder["A"]],
            CHANGE,
            change_message="Ändrade namnet",
            single_object=True,
        )
        self.row("admin.logentry", **{"-": entry})
        self._logins(someone)

    def _logins(self, user: Any) -> None:
        """A lockout that has run out, a login, a failed login, and a second
        factor for a user of no board."""
        long_ago = timezone.now() - datetime.timedelta(days=30)
        attempt = AccessAttempt.objects.create(
            username="nils",
            ip_address="198.51.100.7",
            user_agent="test",
            http_accept="*/*",
            path_info="/admin/login/",
            failures_since_start=10,
            attempt_time=long_ago,
        )
        AccessAttemptExpiration.objects.create(
            access_attempt=attempt, expires_at=long_ago
        )
        self.row("axes.accessattempt", **{"-": attempt})
        common = {
            "username": "nils",
            "ip_address": "198.51.100.7",
            "user_agent": "test",
            "http_accept": "*/*",
            "path_info": "/admin/login/",
        }
        self.row("axes.accesslog", **{"-": AccessLog.objects.create(**common)})
        self.row(
            "axes.accessfailurelog",
            **{"-": AccessFailureLog.objects.create(**common, locked_out=False)},
        )
        self.row(
            "otp_totp.totpdevice",
            **{"-": TOTPDevice.objects.create(user=user, name="Telefon")},
        )

    def row(self, model: str, **rows: Model) -> None:
        self.rows.setdefault(model, {}).update(rows)

    def _minutes(self, label: str, namnd: Namnd) -> None:
        town = namnd.municipality
        meeting = make_meeting(namnd=namnd, date=datetime.date(2024, 3, 11))
        member = make_member(f"Ledamot {label}", "S", municipality=town)
        self.spare[label] = make_member(f"Ersättare {label}", "V", municipality=town)
        meeting.adjusters.add(member)
        case = make_arende(f"DNR 2024/{label}", municipality=town)
        paragraf = make_paragraf(meeting=meeting, arende=case)
        reservation = make_reservation(paragraf=paragraf, members=[member])
        proposal = Proposal.objects.create(
            paragraf=paragraf, position=1, text="Bifall."
        )
        proposal.members.add(member, through_defaults={"position": 1})
        vote = Vote.objects.create(paragraf=paragraf, position=1, ja=5, nej=3, avstar=1)
        VoteCast.objects.create(vote=vote, member=member, choice="nej")
        text = TEKNISKA.read_text()
        draft = Upload.objects.create(
            namnd=namnd,
            meeting_date=datetime.date(2024, 9, 1),
            file=f"protokoll/utkast-{label}.txt",
            source_name=f"utkast-{label}.txt",
            source_sha256=f"{label:0>64}",
            source_format="text",
            source_text=text,
            parsed=protocol_to_data(parse_protocol(text, source="utkast.txt")),
        )
        rows = {
            "decisions.namnd": namnd,
            "decisions.namndalias": NamndAlias.objects.create(
                municipality=town, slug=f"gammal-{label.lower()}", namnd=namnd
            ),
            "decisions.meeting": meeting,
            "decisions.member": member,
            "decisions.arende": case,
            "decisions.paragraf": paragraf,
            "decisions.reservation": reservation,
            "decisions.reservationmember": reservation.reservationmember_set.get(),
            "decisions.proposal": proposal,
            "decisions.vote": vote,
            "decisions.attendance": Attendance.objects.create(
                meeting=meeting, member=member, group="beslutande", position=1
            ),
            "decisions.upload": draft,
        }
        for model, row in rows.items():
            self.row(model, **{label: row})

    def upload_of(self, label: str) -> dict[str, Any]:
        """The upload form, filled in with board label's minutes."""
        if label == "B":
            name, text, day = SOCIAL.name, SOCIAL.read_text(), "2024-05-21"
        else:
            name, text, day = TEKNISKA.name, TEKNISKA.read_text(), "2025-02-18"
        if label == "C":
            text = text.replace("Sjöbacka kommun", "Norrvikens kommun")
        return {
            "namnd": self.namnder[label].pk,
            "meeting_date": day,
            "file": SimpleUploadedFile(name, text.encode()),
        }


def filled(fields: dict[str, Any], world: World, label: str) -> dict[str, Any]:
    return {
        name: value(world, label) if callable(value) else value
        for name, value in fields.items()
    }


class AdminPermissionMatrix(TestCase):
    """One test per registered model and role (the methods are made below
    from admin.site's registry), a subtest per operation and row."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = World()
        # The forms as a superuser's change pages show them, to post back.
        client = Client()
        client.force_login(cls.world.users["superuser"])
        cls.forms: dict[tuple[str, str], dict[str, Any]] = {}
        cls.add_forms: dict[tuple[str, str], dict[str, Any]] = {}
        for model, rows in cls.world.rows.items():
            for label, row in rows.items():
                page = client.get(admin_url(row))
                if page.context and "adminform" in page.context:
                    cls.forms[model, label] = posted(page)
                    cls.add_forms[model, label] = posted(page, with_inlines=False)

    def check(self, model: type[Model], role: str) -> None:
        key = label_of(model)
        for name, table in (("EXPECTED", EXPECTED), ("WRITES", WRITES)):
            if key not in table:
                self.fail(
                    f"{key} is registered in the admin but has no entry in "
                    f"{name}: say there who may do what with it, and how"
                )
        self.assertIn(key, self.world.rows, f"{key}: make rows of it in World")
        rows = self.world.rows[key]
        expected = EXPECTED[key].get(role, {})
        self.assertLessEqual(set(expected), set(rows), f"{key}: rows of EXPECTED")
        model_admin = admin.site._registry[model]
        request = RequestFactory().get("/admin/")
        request.user = self.world.users["superuser"]
        actions = list(model_admin.get_actions(request))
        for action in actions:
            self.assertIn(
                action, ACTIONS, f"{key}: say in ACTIONS how to post {action}"
            )
        user = self.world.users.get(role)
        if user is not None:
            self.client.force_login(user)
        listed = self.listed(model)
        for label, row in rows.items():
            allowed = set(expected.get(label, "").split())
            if "view" in allowed:
                # A row's history is shown to whoever may view the row.
                allowed.add("history")
            for operation in (*OPERATIONS, *actions):
                with self.subTest(model=key, role=role, op=operation, row=label):
                    done = self.attempt(model, key, operation, label, row, listed)
                    self.assertEqual(
                        done,
                        operation in allowed,
                        f"{role} {'could' if done else 'could not'} {operation} "
                        f"{key} of {label}",
                    )

    def listed(self, model: type[Model]) -> set[Any]:
        response = self.client.get(admin_url(model, "changelist"))
        if response.status_code != 200:
            return set()
        return {row.pk for row in response.context["cl"].result_list}

    def attempt(
        self,
        model: type[Model],
        key: str,
        operation: str,
        label: str,
        row: Model,
        listed: set[Any],
    ) -> bool:
        """Try operation on row; whether it was done. A refused write must
        leave the database as it was."""
        if operation == "list":
            return row.pk in listed
        if operation in ("view", "history"):
            url = admin_url(row, "change" if operation == "view" else operation)
            return self.client.get(url).status_code == 200
        before = snapshot(model, row.pk)
        count = model._default_manager.count()
        with rolled_back():
            done, response = self.write(model, key, operation, label, row, count)
            if not done:
                self.assertEqual(snapshot(model, row.pk), before, operation)
                self.assertEqual(model._default_manager.count(), count, operation)
                # Refused, never broken. (A refusal may be a form error, a
                # choice out of scope; the superuser's success with the same
                # data shows the data itself is good.)
                self.assertLess(response.status_code, 500)
        return done

    def write(
        self,
        model: type[Model],
        key: str,
        operation: str,
        label: str,
        row: Model,
        count: int,
    ) -> tuple[bool, Any]:
        rows = model._default_manager
        writes = WRITES[key]
        if operation == "add":
            if key == "decisions.upload":
                data = self.world.upload_of(label)
            else:
                data = {
                    **self.add_forms.get((key, label), {}),
                    **filled(writes["add"], self.world, label),
                }
            response = self.client.post(admin_url(model, "add"), data)
            return rows.count() == count + 1, response
        if operation == "change":
            change = filled(writes["change"], self.world, label)
            data = {**self.forms.get((key, label), {}), **change}
            response = self.client.post(admin_url(row), data)
            changed = writes.get("changed", change)
            return rows.filter(pk=row.pk, **changed).exists(), response
        if operation == "delete":
            response = self.client.post(admin_url(row, "delete"), {"post": "yes"})
            return gone_or_protected(rows, row, response), response
        if operation in SETTLES:
            rows.filter(pk=row.pk).update(
                corrections={"title": {"value": row.title, "minutes": "Förr"}},
                conflicts={"title": "Nu"},
            )
        response = self.client.post(
            admin_url(model, "changelist"),
            {"action": operation, "_selected_action": [row.pk], **ACTIONS[operation]},
        )
        if operation in SETTLES:
            settled = rows.filter(pk=row.pk, conflicts={}).exists()
            rows.filter(pk=row.pk).update(corrections={}, conflicts={})
            return settled, response
        if operation == "withdraw":
            return rows.filter(pk=row.pk, withdrawn_at__isnull=False).exists(), response
        return gone_or_protected(rows, row, response), response


def gone_or_protected(rows: Any, row: Model, response: Any) -> bool:
    """Whether a delete was done, or refused only because other rows still
    point at the row (on_delete=PROTECT): the admin would have deleted it."""
    if not rows.filter(pk=row.pk).exists():
        return True
    return bool(response.context and response.context.get("protected"))


def _make_test(model: type[Model], role: str) -> Any:
    def test(self: AdminPermissionMatrix) -> None:
        self.check(model, role)

    return test


for _model in admin.site._registry:
    for _role in ROLES:
        _name = f"test_{_model._meta.app_label}_{_model._meta.model_name}_as_{_role}"
        setattr(AdminPermissionMatrix, _name, _make_test(_model, _role))


class RegistryTests(TestCase):
    def test_every_model_in_the_admin_has_its_permissions_written_down(self):
        registered = {label_of(model) for model in admin.site._registry}
        self.assertEqual(registered - set(EXPECTED), set(), "missing from EXPECTED")
        self.assertEqual(set(EXPECTED) - registered, set(), "no longer registered")


class WithdrawnNotDeletedTests(TestCase):
    """A published paragraph or meeting leaves the archive by a withdrawal
    only; a superuser alone may delete one (decisions.services.withdrawal)."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = World()

    def actions_offered(self, role: str, model: type[Model]) -> set[str]:
        self.client.force_login(self.world.users[role])
        page = self.client.get(admin_url(model, "changelist"))
        form = page.context["action_form"]
        return {name for name, _ in form.fields["action"].choices if name}

    def test_a_clerk_and_an_editor_are_offered_withdraw_and_no_delete(self):
        for role in ("clerk_a", "editor"):
            with self.subTest(role=role):
                self.assertEqual(
                    self.actions_offered(role, Paragraf), {"withdraw", *SETTLES}
                )
                page = self.client.get(admin_url(Meeting, "changelist"))
                self.assertIsNone(page.context["action_form"])
                paragraf = self.world.rows["decisions.paragraf"]["A"]
                change = self.client.get(admin_url(paragraf))
                self.assertFalse(change.context["has_delete_permission"])

    def test_a_superuser_may_still_delete(self):
        self.assertEqual(
            self.actions_offered("superuser", Paragraf),
            {"withdraw", "delete_selected", *SETTLES},
        )


class ForeignKeyChoicesTests(TestCase):
    """A clerk attaches to their own minutes only what their scope offers:
    their own board's meetings and paragraphs, and any member or case of
    their municipality (choosing one changes only their minutes); never a
    row of another board or municipality, posted by its id, in a form or in
    one of its inlines."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = World()

    def setUp(self) -> None:
        self.client.force_login(self.world.users["clerk_a"])

    def row(self, model: str, label: str = "A") -> Any:
        return self.world.rows[f"decisions.{model}"][label]

    def post_over(self, obj: Model, **changes: Any) -> Any:
        """Post obj's change page back as shown, with changes."""
        data = posted(self.client.get(admin_url(obj)))
        for name in changes:
            self.assertIn(name, data)
        return self.client.post(admin_url(obj), {**data, **changes})

    def test_a_row_is_not_moved_to_another_boards_paragraph_or_meeting(self):
        reservation = self.row("reservation")
        self.post_over(reservation, paragraf=self.row("paragraf", "B").pk)
        reservation.refresh_from_db()
        self.assertEqual(reservation.paragraf, self.row("paragraf"))
        paragraf = self.row("paragraf")
        self.post_over(paragraf, meeting=self.row("meeting", "B").pk)
        paragraf.refresh_from_db()
        self.assertEqual(paragraf.meeting, self.row("meeting"))

    def test_any_member_of_the_municipality_may_be_chosen_none_of_another(self):
        meeting, attendance = self.row("meeting"), self.row("attendance")
        key = "attendance-0-member"
        refused = self.post_over(meeting, **{key: self.row("member", "C").pk})
        self.assertEqual(refused.status_code, 200)
        attendance.refresh_from_db()
        self.assertEqual(attendance.member, self.row("member"))
        chosen = self.post_over(meeting, **{key: self.row("member", "B").pk})
        self.assertEqual(chosen.status_code, 302)
        attendance.refresh_from_db()
        self.assertEqual(attendance.member, self.row("member", "B"))

    def test_an_adjuster_or_a_reserving_member_is_of_the_municipality(self):
        meeting = self.row("meeting")
        foreign = self.row("member", "C")
        self.post_over(meeting, adjusters=[foreign.pk])
        self.assertNotIn(foreign, meeting.adjusters.all())
        reservation = self.row("reservation")
        key = "reservationmember_set-0-member"
        self.post_over(reservation, **{key: foreign.pk})
        self.assertNotIn(foreign, reservation.members.all())

    def test_a_paragraph_is_not_filed_under_another_municipalitys_case(self):
        meeting, paragraf = self.row("meeting"), self.row("paragraf")
        self.post_over(meeting, **{"paragrafer-0-arende": self.row("arende", "C").pk})
        paragraf.refresh_from_db()
        self.assertEqual(paragraf.arende, self.row("arende"))

    def test_a_paragraph_is_not_deleted_through_its_meeting(self):
        meeting, paragraf = self.row("meeting"), self.row("paragraf")
        data = posted(self.client.get(admin_url(meeting)))
        self.client.post(admin_url(meeting), {**data, "paragrafer-0-DELETE": "on"})
        self.assertTrue(Paragraf.objects.filter(pk=paragraf.pk).exists())

    def autocomplete(self, model: str, field: str) -> set[str]:
        response = self.client.get(
            reverse("admin:autocomplete"),
            {"app_label": "decisions", "model_name": model, "field_name": field},
        )
        self.assertEqual(response.status_code, 200)
        return {result["id"] for result in response.json()["results"]}

    def test_autocomplete_offers_what_may_be_chosen(self):
        ids = {
            model: {
                str(row.pk) for row in self.world.rows[f"decisions.{model}"].values()
            }
            for model in ("member", "paragraf", "meeting", "arende", "namnd")
        }
        members = self.autocomplete("attendance", "member")
        own_town = {str(self.row("member", x).pk) for x in "AB"}
        self.assertEqual(members & ids["member"], own_town)
        self.assertEqual(
            self.autocomplete("reservation", "paragraf"), {str(self.row("paragraf").pk)}
        )
        self.assertEqual(
            self.autocomplete("paragraf", "meeting"), {str(self.row("meeting").pk)}
        )
        self.assertEqual(
            self.autocomplete("paragraf", "arende") & ids["arende"],
            {str(self.row("arende", x).pk) for x in "AB"},
        )
        self.assertEqual(
            self.autocomplete("meeting", "namnd"), {str(self.row("namnd").pk)}
        )
