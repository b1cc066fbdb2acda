"""The admin speaks Swedish to clerks (issue 19, item 11), checked on what
admin.site's registry makes, not on a list: every model's changelist (its
columns, filters, actions), change and add pages (labels, help texts,
fieldsets, inlines) as a superuser and a clerk open them; the fields the
archive derives or keeps for itself are never inputs; and the actions'
messages count in Swedish ("1 paragraf återkallad")."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.contrib.auth import get_user_model
from django.db.models import Model
from django.test import RequestFactory, TestCase
from django.utils.text import camel_case_to_spaces

from decisions.models import Meeting, Paragraf, Reservation, Upload
from tests.admin_pages import admin_url, posted
from tests.factories import make_meeting, make_paragraf, make_reservation
from tests.test_admin_permissions import World, label_of

# Words of English prose that Swedish does not use: one in a label, help
# text, action or message means a string was left in English.
ENGLISH = {
    "the",
    "of",
    "and",
    "is",
    "are",
    "to",
    "for",
    "this",
    "that",
    "with",
    "when",
    "from",
    "or",
    "if",
    "it",
    "has",
    "have",
    "be",
    "was",
    "will",
    "can",
    "at",
}
# What a Swedish sentence or heading has, and an English one lacks: one of
# å, ä, ö or one of these words.
SWEDISH = {
    "av",
    "bort",
    "de",
    "den",
    "det",
    "eller",
    "en",
    "ett",
    "för",
    "har",
    "i",
    "inte",
    "kan",
    "med",
    "och",
    "om",
    "på",
    "som",
    "till",
    "vid",
}
# An attribute name shown as it is: "source_name", "protocol_number".
UNDERSCORED = re.compile(r"[a-z0-9]_[a-z]", re.IGNORECASE)
# Attribute names that already are the Swedish word, so a label may be the
# same word; any other label equal to its attribute's name is Django's
# default, left in English.
SWEDISH_AS_IS = {"dnr", "paragraf", "reservation", "status", "text"}

# What the archive derives or keeps for itself, beyond the fields a model
# marks editable=False or generated: written by ingest and the writes
# (decisions.services), never typed in the admin. Every `position` too: the
# order the minutes print the rows in.
DERIVED: dict[type[Model], set[str]] = {
    Paragraf: {
        "sections",
        "search_terms",
        "reservation_text",
        "has_reservation",
        "reserving_parties",
        "meeting_date",
        "referral",
    },
    Meeting: {"source_sha256", "source_format", "ingested_at"},
    Upload: {
        "source_sha256",
        "source_format",
        "source_text",
        "parsed",
        "confirmed",
        "status",
        "published_at",
        "meeting",
    },
}


def internal(model: type[Model]) -> set[str]:
    """The fields of model no admin page may offer as an input."""
    fields = [
        f
        for f in model._meta.get_fields()
        if f.concrete and not getattr(f, "primary_key", False)
    ]
    names = {
        f.name
        for f in fields
        if not f.editable or getattr(f, "generated", False) or f.name == "position"
    }
    return names | DERIVED.get(model, set())


def english_in(text: str) -> list[str]:
    return sorted(set(re.findall(r"[a-zåäö]+", text.lower())) & ENGLISH)


def reads_swedish(text: str) -> bool:
    words = set(re.findall(r"[a-zåäö]+", text.lower()))
    return bool(re.search("[åäö]", text.lower()) or words & SWEDISH)


def ours(model: type[Model]) -> bool:
    """Whether model is of one of the project's own apps."""
    path = Path(apps.get_app_config(model._meta.app_label).path)
    return path.parent == Path(settings.BASE_DIR)


def speaks_swedish(model: type[Model]) -> bool:
    """Whether model's labels are the project's own or come with Swedish:
    django-axes and django-otp ship no Swedish (locale/sv) and name their
    fields in English."""
    path = Path(apps.get_app_config(model._meta.app_label).path)
    return ours(model) or (path / "locale" / "sv").is_dir()


class _Controls(HTMLParser):
    """The names of a page's enabled form controls: what a browser posts."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("input", "select", "textarea") and found.get("name"):
            if "disabled" not in found:
                self.names.add(str(found["name"]))


def controls(content: bytes) -> set[str]:
    """The names of a page's enabled form controls: what a browser posts."""
    parser = _Controls()
    parser.feed(content.decode())
    return parser.names


def field_of(control: str) -> str:
    """The field a control is for, without an inline's prefix
    ("paragrafer-0-position") or a split widget's suffix ("_0")."""
    return re.sub(r"_\d+$", "", control.rsplit("-", 1)[-1])


def forms_of(context: Any) -> Iterator[tuple[type[Model] | None, forms.BaseForm]]:
    """The forms an admin page shows, each with its model: the page's own,
    its inlines' rows (and their empty form), the upload's and the draft
    preview's."""
    if "adminform" in context:
        form = context["adminform"].form
        yield form._meta.model, form
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        for form in [*formset.forms, formset.empty_form]:
            yield formset.model, form
    if isinstance(context.get("form"), forms.BaseForm):
        yield None, context["form"]
    for block in context.get("preview") or []:
        if getattr(block, "form", None) is not None:
            yield Upload, block.form


class LabelChecks(TestCase):
    """What a label of the admin must be: named in Swedish, not by the
    attribute it shows."""

    def assert_swedish(self, where: str, name: str | None, label: Any) -> None:
        text = str(label).strip()
        with self.subTest(where=where, name=name, label=text):
            self.assertTrue(text, "no label")
            self.assertIsNone(UNDERSCORED.search(text), "an attribute's name")
            self.assertEqual(english_in(text), [], "English words")
            if name and name.lower() not in SWEDISH_AS_IS:
                raw = {name.lower(), name.replace("_", " ").lower()}
                raw.add(camel_case_to_spaces(name))
                # And Django's plural of them ("proposal members").
                raw |= {f"{word}s" for word in raw}
                self.assertNotIn(text.lower(), raw, "Django's default, in English")

    def assert_swedish_text(self, where: str, text: Any, *, own: bool = True) -> None:
        """A heading, help text, action or message: no English, no attribute
        names, and, when it is the project's own (not Django's translated
        one), a Swedish letter or word."""
        text = str(text)
        if not text:
            return
        with self.subTest(where=where, text=text):
            self.assertIsNone(UNDERSCORED.search(text), "an attribute's name")
            self.assertEqual(english_in(text), [], "English words")
            if own:
                self.assertTrue(reads_swedish(text), "no Swedish in it")


class SwedishAdminTests(LabelChecks):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = World()

    def request(self, role: str) -> Any:
        request = RequestFactory().get("/admin/")
        request.user = self.world.users[role]
        return request

    def registered(self) -> list[tuple[type[Model], Any]]:
        return list(admin.site._registry.items())

    def assert_model_names(self, model: type[Model], where: str) -> None:
        meta = model._meta
        self.assert_swedish(where, meta.object_name, meta.verbose_name)
        self.assert_swedish(where, meta.object_name, meta.verbose_name_plural)

    def assert_page(self, key: str, model: type[Model], page: Any) -> None:
        """Every label, help text, fieldset and inline heading of an admin
        page."""
        context = page.context
        own = ours(model)
        for _, form in forms_of(context):
            for name, field in form.fields.items():
                where = f"{key} {type(form).__name__}"
                self.assert_swedish(where, name, field.label)
                self.assert_swedish_text(f"{where} {name}", field.help_text, own=own)
        if "adminform" in context:
            for fieldset in context["adminform"]:
                if fieldset.name:
                    self.assert_swedish(f"{key} fieldset", None, fieldset.name)
                    self.assert_swedish_text(f"{key} fieldset", fieldset.name, own=own)
                if fieldset.description:
                    self.assert_swedish_text(
                        f"{key} fieldset", fieldset.description, own=own
                    )
                for line in fieldset:
                    for field in line:
                        if field.is_readonly:
                            name = field.field["name"]
                            self.assert_swedish(key, name, field.field["label"])
                            self.assert_swedish_text(
                                f"{key} {name}", field.field["help_text"], own=own
                            )
        for inline in context.get("inline_admin_formsets", []):
            where = f"{key} inline {inline.opts.model.__name__}"
            self.assert_swedish(where, None, inline.opts.verbose_name_plural)
            self.assert_model_names(inline.opts.model, where)
            for field in inline.fields():
                self.assert_swedish(where, field["name"], field["label"])
                self.assert_swedish_text(where, field.get("help_text", ""), own=own)

    def test_every_model_column_filter_and_action_is_named_in_swedish(self):
        self.client.force_login(self.world.users["superuser"])
        checked = set()
        for model, model_admin in self.registered():
            key = label_of(model)
            if not speaks_swedish(model):
                continue
            checked.add(model)
            self.assert_model_names(model, key)
            page = self.client.get(admin_url(model, "changelist"))
            self.assertEqual(page.status_code, 200, key)
            changelist = page.context["cl"]
            for name in changelist.list_display:
                if name == "action_checkbox":
                    continue
                label = label_for_field(name, model, model_admin)
                self.assert_swedish(f"{key} column", name, label)
            for spec in changelist.filter_specs:
                name = getattr(spec, "field_path", None) or spec.parameter_name
                self.assert_swedish(f"{key} filter", name.split("__")[-1], spec.title)
            names = {"verbose_name_plural": model._meta.verbose_name_plural}
            actions = model_admin.get_actions(self.request("superuser"))
            for name, (_, _, description) in actions.items():
                described = str(description) % names
                self.assert_swedish(f"{key} action", name, described)
                self.assert_swedish_text(
                    f"{key} action {name}", described, own=ours(model)
                )
        # Every model of the archive's own was among them.
        archive = {m for m, _ in self.registered() if m._meta.app_label == "decisions"}
        self.assertLessEqual(archive, checked)

    def test_every_change_and_add_page_is_labelled_in_swedish(self):
        for role in ("superuser", "clerk_a"):
            self.client.force_login(self.world.users[role])
            for model, _ in self.registered():
                key = label_of(model)
                if not speaks_swedish(model):
                    continue
                for label, row in self.world.rows[key].items():
                    page = self.client.get(admin_url(row))
                    if page.status_code == 200:
                        self.assert_page(f"{key} {label} as {role}", model, page)
                page = self.client.get(admin_url(model, "add"))
                if page.status_code == 200:
                    self.assert_page(f"{key} add as {role}", model, page)

    def test_models_without_swedish_labels_are_for_superusers_only(self):
        """django-axes' and django-otp's models name their fields in English
        and ship no Swedish: no clerk or editor may open them."""
        for model, model_admin in self.registered():
            if speaks_swedish(model):
                continue
            for role in ("clerk_a", "editor"):
                with self.subTest(model=label_of(model), role=role):
                    request = self.request(role)
                    self.assertFalse(model_admin.has_module_permission(request))
                    self.assertFalse(model_admin.has_view_permission(request))

    def test_no_change_page_offers_a_derived_field_as_an_input(self):
        """As a superuser, who sees every row, and as a clerk: neither the
        forms nor the HTML, inlines and the draft preview included."""
        walked: dict[str, set[str]] = {}
        for role in ("superuser", "clerk_a"):
            self.client.force_login(self.world.users[role])
            for model, _ in self.registered():
                key = label_of(model)
                for label, row in self.world.rows[key].items():
                    page = self.client.get(admin_url(row))
                    if page.status_code != 200:
                        continue
                    walked.setdefault(role, set()).add(key)
                    where = f"{key} {label} as {role}"
                    sent = controls(page.content)
                    inlines = page.context.get("inline_admin_formsets", [])
                    prefixes = tuple(f"{i.formset.prefix}-" for i in inlines)
                    # The page's own form, and the draft preview's.
                    own = {field_of(c) for c in sent if not c.startswith(prefixes)}
                    with self.subTest(page=where):
                        self.assertEqual(own & internal(model), set())
                    for form_model, form in forms_of(page.context):
                        hidden = internal(form_model or model)
                        with self.subTest(page=where, form=type(form).__name__):
                            self.assertEqual(set(form.fields) & hidden, set())
                    for inline in inlines:
                        prefix = inline.formset.prefix
                        named = {
                            field_of(c) for c in sent if c.startswith(f"{prefix}-")
                        }
                        with self.subTest(page=where, inline=prefix):
                            self.assertEqual(
                                named & internal(inline.formset.model), set()
                            )
        # The clerk walked the pages of their own minutes, where the
        # positions and the paragraph's derived fields are.
        self.assertLessEqual(
            {
                "decisions.paragraf",
                "decisions.meeting",
                "decisions.reservation",
                "decisions.reservationmember",
                "decisions.proposal",
                "decisions.vote",
                "decisions.attendance",
                "decisions.upload",
            },
            walked["clerk_a"],
        )
        self.assertEqual(
            walked["superuser"], {label_of(m) for m, _ in self.registered()}
        )


class DerivedFieldsTests(TestCase):
    """Posted anyway, a derived field is ignored: the admin's form has no
    place for it, whoever sends it."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.root = get_user_model().objects.create_superuser("root", "", None)
        cls.paragraf = make_paragraf(
            sections=[{"kind": "decision", "heading": "Beslut", "text": "Ja."}],
            referral="remiss-om-taxa",
        )
        cls.reservation = make_reservation(paragraf=cls.paragraf)

    def test_a_posted_position_sections_or_referral_changes_nothing(self):
        self.client.force_login(self.root)
        before = Paragraf.objects.values(
            "position", "sections", "referral", "search_terms"
        ).get(pk=self.paragraf.pk)
        data = posted(self.client.get(admin_url(self.paragraf)))
        data.update(
            position=99,
            sections='[{"kind": "other", "heading": "", "text": "Ändrat."}]',
            referral="annan-remiss",
            search_terms="påhittat",
            title="Ny rubrik",
        )
        data["reservations-0-position"] = 99
        response = self.client.post(admin_url(self.paragraf), data)
        self.assertEqual(response.status_code, 302)
        after = Paragraf.objects.values(
            "position", "sections", "referral", "search_terms", "title"
        ).get(pk=self.paragraf.pk)
        self.assertEqual(after.pop("title"), "Ny rubrik")
        self.assertEqual(
            {k: v for k, v in after.items() if k != "search_terms"},
            {k: v for k, v in before.items() if k != "search_terms"},
        )
        # The search terms are the write's, from the new title: not typed.
        self.assertNotIn("påhittat", after["search_terms"])
        self.reservation.refresh_from_db()
        self.assertEqual(self.reservation.position, 1)

    def test_a_row_added_in_an_inline_goes_last(self):
        self.client.force_login(self.root)
        data = posted(self.client.get(admin_url(self.paragraf)))
        data["reservations-TOTAL_FORMS"] = 2
        data.update(
            {
                "reservations-1-kind": Reservation.Kind.PROTOCOL_NOTE,
                "reservations-1-text": "En anteckning.",
                "reservations-1-position": 1,
            }
        )
        response = self.client.post(admin_url(self.paragraf), data)
        self.assertEqual(response.status_code, 302)
        added = Reservation.objects.get(text="En anteckning.")
        self.assertEqual(added.position, 2)


class MessagesTests(LabelChecks):
    """The actions' messages, with their counts, as a clerk reads them."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.root = get_user_model().objects.create_superuser("root", "", None)
        meeting = make_meeting(date=datetime.date(2024, 5, 21))
        cls.paragrafer = [make_paragraf(meeting=meeting) for _ in range(3)]

    def act(self, action: str, paragrafer: list[Paragraf], **data: Any) -> list[str]:
        self.client.force_login(self.root)
        response = self.client.post(
            admin_url(Paragraf, "changelist"),
            {"action": action, "_selected_action": [p.pk for p in paragrafer], **data},
            follow=True,
        )
        return [str(m) for m in response.context["messages"]]

    def test_withdrawing_says_how_many_in_swedish(self):
        for count, said in (
            (1, "1 paragraf återkallad."),
            (2, "2 paragrafer återkallade."),
        ):
            with self.subTest(count=count):
                chosen = [p for p in self.paragrafer if not p.withdrawn_at][:count]
                shown = self.act(
                    "withdraw", chosen, apply="1", reason="Publicerades av misstag."
                )
                for p in chosen:
                    p.refresh_from_db()
                self.assertEqual(len(shown), 1, shown)
                self.assertTrue(shown[0].startswith(said), shown)
                self.assert_swedish_text("withdraw", shown[0].split("(manage.py")[0])

    def test_settling_a_conflict_says_how_many_in_swedish(self):
        cases = (
            ("use_minutes", 1, "1 paragraf visar nu det nya protokollets text."),
            ("keep_correction", 3, "3 paragrafer behåller din rättelse."),
        )
        for action, count, said in cases:
            chosen = self.paragrafer[:count]
            Paragraf.objects.filter(pk__in=[p.pk for p in chosen]).update(
                corrections={"title": {"value": "Rättad", "minutes": "Förr"}},
                conflicts={"title": "Nu"},
            )
            with self.subTest(action=action):
                self.assertEqual(self.act(action, chosen), [said])
                self.assert_swedish_text(action, said)

    def test_deleting_published_paragraphs_says_how_many_were_withdrawn(self):
        for count, said in (
            (1, "1 publicerad paragraf återkallades innan den raderades"),
            (2, "2 publicerade paragrafer återkallades innan de raderades"),
        ):
            with self.subTest(count=count):
                chosen = list(Paragraf.objects.order_by("pk")[:count])
                shown = self.act("delete_selected", chosen, post="yes")
                self.assertTrue(any(m.startswith(said) for m in shown), shown)
