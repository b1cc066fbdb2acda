"""Only the published is public: every URL pattern of the site but the admin
is asked, with arguments from one archive, and no answer (HTML, Atom, JSON,
CSV, sitemap XML, the download) holds a word of a confidential paragraph, of
a withdrawn one, or of a draft (an upload not yet published).

The patterns come from the URL configuration itself, and each needs an entry
in URLS saying how to build its addresses: a new pattern without one fails
test_every_url_pattern_has_a_way_to_build_its_addresses, so no surface is
forgotten.
"""

from __future__ import annotations

import datetime
import gzip
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from decisions.download import ARCHIVE_NAME, MANIFEST_NAME, popolo_name
from decisions.models import (
    Member,
    Municipality,
    Paragraf,
    Proposal,
    ProposalMember,
    Upload,
    VersionCause,
)
from decisions.services import versions
from decisions.services.corrections import paragraf_save, words_add
from decisions.services.dump import write_archive
from decisions.services.publishing import upload_protocol
from decisions.services.withdrawal import paragraf_withdraw
from decisions.sitemaps import SITEMAPS
from tests.factories import SAMPLES, SJOBACKA, make_paragraf, make_reservation

# Words no minutes hold, one for each kind of text that must stay unseen. Plain
# ASCII letters: the same in HTML, XML, JSON and CSV, and words the
# suggestions ("Menade du") would take in.
SECRET = "hemlisqzx"
WITHDRAWN = "aterkallqzx"
DRAFT = "utkastqzx"
UNSEEN = (SECRET, WITHDRAWN, DRAFT)
# Phrases of the confidential and the withdrawn paragraph's texts.
PHRASES = ['"text om en enskild"', '"en felpublicerad uppgift"']
# The minutes that stay a draft: every other sample is published.
DRAFTED = SAMPLES / "2025-04-07_kommunstyrelsen.txt"
KOMMUN = "sjobacka-kommun"
# Patterns that are no public surface.
NOT_PUBLIC = ("admin:",)


def url_names(
    resolver: URLResolver | None = None, namespace: str = ""
) -> Iterator[str]:
    """Every URL pattern's name, with its namespaces ("decisions:paragraf");
    an unnamed pattern by its route."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{pattern.namespace}:" if pattern.namespace else ""
            yield from url_names(pattern, namespace + inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name or pattern.pattern}"


class Archive:
    """What the addresses are built from: the Sjöbacka samples, plus a
    confidential paragraph, a withdrawn one and a draft, each sharing its
    case, referral, board and party with published paragraphs."""

    def __init__(self) -> None:
        self.public = (
            Paragraf.objects.filter(confidential=False, arende__isnull=False)
            .exclude(referral="")
            .select_related("meeting__namnd__municipality", "arende")
            .first()
        )
        assert self.public is not None, "the samples hold a case with a referral"
        self.meeting = self.public.meeting
        self.namnd = self.meeting.namnd
        self.municipality = self.namnd.municipality
        self.secret = Paragraf.objects.get(title__startswith="Sekretessärende")
        self.withdrawn = Paragraf.objects.get(withdrawn_at__isnull=False)
        self.member = Member.objects.get(reservations__paragraf=self.secret)
        self.corrected = Paragraf.objects.filter(versions__isnull=False).first()

    def paragraf_args(self, paragraf: Paragraf) -> list[str]:
        meeting = paragraf.meeting
        namnd = meeting.namnd
        return [namnd.municipality.slug, namnd.slug, meeting.slug, paragraf.number]

    def statuses(self) -> dict[str, tuple[int, ...]]:
        """The answers that are not 200 (or a reference search's 302): what
        is not published is not there (404), or gone (410)."""
        secret = self.paragraf_args(self.secret)
        withdrawn = self.paragraf_args(self.withdrawn)
        drafted = [KOMMUN, "kommunstyrelsen", "2025-04-07"]
        return {
            reverse("decisions:meeting", args=drafted): (404,),
            reverse("decisions:paragraf_version", args=[*secret, 1]): (404,),
            reverse("decisions:paragraf", args=withdrawn): (410,),
            reverse("decisions:paragraf_version", args=[*withdrawn, 1]): (410,),
            reverse("api:paragraf", args=secret): (404,),
            reverse("api:paragraf", args=withdrawn): (410,),
            # A detail asked for by its page's path leads on to its own.
            reverse("api:case_by_page", args=[KOMMUN, self.public.arende.dnr]): (301,),
            reverse("api:member_by_page", args=[KOMMUN, self.member.slug]): (301,),
            reverse("decisions:alert_confirm", args=[NO_TOKEN]): (404,),
            reverse("decisions:alert_end", args=[NO_TOKEN]): (404,),
        }

    def paragrafer(self) -> list[Paragraf]:
        return [self.public, self.secret, self.withdrawn, self.corrected]

    def searches(self) -> list[str]:
        """Query strings for the search, its feed and the API's paragraphs.
        A search shows what was typed, so none types an unseen word whole: its
        beginning (the last word matches as one), a misspelling (for "Menade
        du"), a phrase of the text around it, and the filters that reach it."""
        typed = [w[:-1] for w in UNSEEN] + [w[:-1] + "y" for w in UNSEEN] + PHRASES
        out = []
        for q in typed:
            out += [urlencode({"q": q}), urlencode({"q": q, "ordning": "nyast"})]
        party = self.member.party
        out += [
            "",
            urlencode({"parti": party}),
            urlencode({"parti": party, "q": "beslut"}),
            urlencode({"reservation": "true", "kommun": KOMMUN}),
            urlencode({"q": self.public.arende.dnr}),
            urlencode({"q": f"§ {self.secret.number}"}),
            urlencode({"q": f"§ {self.withdrawn.number}"}),
        ]
        return out


def paths(*urls: str) -> Callable[[Archive], list[str]]:
    return lambda archive: list(urls)


def pages(name: str, *variants: str) -> Callable[[Archive], list[str]]:
    """A page of the municipality, board, case... built by `args`, also as
    CSV where the page has it."""

    def build(archive: Archive) -> list[str]:
        urls = [reverse(name, args=args) for args in ARGS[name](archive)]
        return [url + variant for url in urls for variant in ("", *variants)]

    return build


def searches(name: str) -> Callable[[Archive], list[str]]:
    def build(archive: Archive) -> list[str]:
        base = reverse(name)
        return [f"{base}?{query}" if query else base for query in archive.searches()]

    return build


NO_TOKEN = "ingen-bevakning"

# Each parametrised pattern's arguments.
ARGS: dict[str, Callable[[Archive], list[list[Any]]]] = {
    "decisions:municipality": lambda a: [[KOMMUN]],
    "decisions:municipality_feed": lambda a: [[KOMMUN]],
    "decisions:namnd": lambda a: [[KOMMUN, a.namnd.slug]],
    "decisions:namnd_feed": lambda a: [[KOMMUN, a.namnd.slug]],
    "decisions:meeting": lambda a: [
        [KOMMUN, a.namnd.slug, a.meeting.slug],
        # The draft's meeting, which is not there.
        [KOMMUN, "kommunstyrelsen", "2025-04-07"],
    ],
    "decisions:meeting_download": lambda a: [[KOMMUN, a.namnd.slug, a.meeting.slug]],
    "decisions:paragraf": lambda a: [a.paragraf_args(p) for p in a.paragrafer()],
    "decisions:paragraf_version": lambda a: [
        [*a.paragraf_args(p), 1] for p in (a.corrected, a.secret, a.withdrawn)
    ],
    "decisions:arende": lambda a: [[KOMMUN, a.public.arende.dnr]],
    "decisions:arende_feed": lambda a: [[KOMMUN, a.public.arende.dnr]],
    "decisions:referral": lambda a: [[KOMMUN, a.public.referral]],
    "decisions:party": lambda a: [[KOMMUN, a.member.party]],
    "decisions:party_feed": lambda a: [[KOMMUN, a.member.party]],
    "decisions:person": lambda a: [[KOMMUN, a.member.slug]],
    "decisions:person_feed": lambda a: [[KOMMUN, a.member.slug]],
    "decisions:parties": lambda a: [[KOMMUN]],
    "decisions:people": lambda a: [[KOMMUN]],
    "decisions:arenden": lambda a: [[KOMMUN]],
    "decisions:referrals": lambda a: [[KOMMUN]],
    "api:municipality": lambda a: [[KOMMUN]],
    "api:namnd": lambda a: [[KOMMUN, a.namnd.slug]],
    "api:meeting": lambda a: [[KOMMUN, a.namnd.slug, a.meeting.slug]],
    "api:paragraf": lambda a: [a.paragraf_args(p) for p in a.paragrafer()],
    "api:case": lambda a: [[KOMMUN, a.public.arende.dnr]],
    "api:case_by_page": lambda a: [[KOMMUN, a.public.arende.dnr]],
    "api:member_by_page": lambda a: [[KOMMUN, a.member.slug]],
    "api:member": lambda a: [[KOMMUN, a.member.slug]],
    "api:popolo": lambda a: [[KOMMUN]],
    # An alert's signed links: one no subscription has (tests/test_alerts.py
    # walks real ones).
    "decisions:alert_confirm": lambda a: [[NO_TOKEN]],
    "decisions:alert_end": lambda a: [[NO_TOKEN]],
}

CSV = "?format=csv"

# How to build the addresses of every URL pattern: name -> the archive's
# addresses for it.
URLS: dict[str, Callable[[Archive], list[str]]] = {
    "healthz": paths("/healthz"),
    "readyz": paths("/readyz"),
    "robots_txt": paths("/robots.txt"),
    "favicon": paths("/favicon.ico"),
    "sitemap_index": paths("/sitemap.xml"),
    "sitemap_section": paths(*(f"/sitemap-{section}.xml" for section in SITEMAPS)),
    "open_data_file": paths(
        f"/oppna-data/{ARCHIVE_NAME}",
        f"/oppna-data/{MANIFEST_NAME}",
        f"/oppna-data/{popolo_name(KOMMUN)}",
    ),
    "decisions:start": paths("/"),
    "decisions:search": searches("decisions:search"),
    "decisions:search_feed": searches("decisions:search_feed"),
    "decisions:open_data": paths("/oppna-data/"),
    "decisions:glossary": paths("/ordlista/"),
    "decisions:site_feed": paths("/feed/"),
    "api:index": paths("/api/v1/"),
    "decisions:municipality": pages("decisions:municipality", CSV),
    "decisions:municipality_feed": pages("decisions:municipality_feed"),
    "decisions:arende_feed": pages("decisions:arende_feed"),
    "decisions:arende": pages("decisions:arende", CSV),
    "decisions:referral": pages("decisions:referral"),
    "decisions:party": pages("decisions:party", CSV),
    "decisions:party_feed": pages("decisions:party_feed"),
    "decisions:person": pages("decisions:person", CSV),
    "decisions:person_feed": pages("decisions:person_feed"),
    "decisions:parties": pages("decisions:parties", CSV),
    "decisions:people": pages("decisions:people", CSV),
    "decisions:arenden": pages("decisions:arenden", CSV),
    "decisions:referrals": pages("decisions:referrals", CSV),
    "decisions:namnd": pages("decisions:namnd", CSV),
    "decisions:namnd_feed": pages("decisions:namnd_feed"),
    "decisions:meeting": pages("decisions:meeting", CSV),
    "decisions:meeting_download": pages("decisions:meeting_download"),
    "decisions:paragraf": pages("decisions:paragraf"),
    "decisions:paragraf_version": pages("decisions:paragraf_version"),
    "api:schema": paths("/api/v1/schema/"),
    "api:docs": paths("/api/v1/docs/"),
    "api:municipalities": paths("/api/v1/kommuner/"),
    "api:municipality": pages("api:municipality"),
    "api:namnder": paths("/api/v1/namnder/"),
    "api:namnd": pages("api:namnd"),
    "api:meetings": paths("/api/v1/sammantraden/"),
    "api:meeting": pages("api:meeting"),
    "api:paragrafer": searches("api:paragrafer"),
    "api:paragraf": pages("api:paragraf"),
    "api:cases": paths("/api/v1/arenden/"),
    "api:case": pages("api:case"),
    "api:case_by_page": pages("api:case_by_page"),
    "api:member_by_page": pages("api:member_by_page"),
    "api:reservations": lambda a: [
        "/api/v1/reservationer/",
        f"/api/v1/reservationer/?{urlencode({'parti': a.member.party})}",
    ],
    "api:members": paths("/api/v1/ledamoter/"),
    "api:member": pages("api:member"),
    "api:parties": paths("/api/v1/partier/"),
    "api:attendance": lambda a: [
        "/api/v1/narvaro/",
        f"/api/v1/narvaro/?{urlencode({'kommun': KOMMUN, 'person': a.member.slug})}",
    ],
    "api:popolo": pages("api:popolo"),
    "decisions:alert_confirm": pages("decisions:alert_confirm"),
    "decisions:alert_end": pages("decisions:alert_end"),
}


def body(response: Any) -> str:
    """The answer as text, whatever its kind: streamed (CSV, the download),
    gzipped (the download) or not."""
    content = b"".join(response) if response.streaming else response.content
    if content[:2] == b"\x1f\x8b":
        content = gzip.decompress(content)
    return content.decode("utf-8", errors="replace")


@override_settings(RATELIMIT_SEARCH="", RATELIMIT_API="")
class PublishedSurfacesTests(TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.folder = Path(cls.enterClassContext(tempfile.TemporaryDirectory()))
        cls.enterClassContext(override_settings(OPEN_DATA_DIR=cls.folder))
        super().setUpClass()

    @classmethod
    def setUpTestData(cls) -> None:
        published = [path for path in SJOBACKA if path != DRAFTED]
        call_command("ingest", *map(str, published), stdout=None, stderr=None)
        user = get_user_model().objects.create_superuser("admin", "a@example.org", "x")
        public = (
            Paragraf.objects.filter(confidential=False, arende__isnull=False)
            .exclude(referral="")
            .first()
        )
        party = public.meeting.namnd.municipality.members.exclude(party="").first()
        common = {"arende": public.arende, "referral": public.referral}

        # A confidential paragraph whose text was public once: a correction
        # kept its earlier version, then it was made confidential.
        secret = make_paragraf(
            meeting=public.meeting,
            number="900",
            title="Sekretessärende",
            decision=f"Beslut om {SECRET} beslut.",
            text=f"Ärendet gäller {SECRET} text om en enskild.",
            **common,
        )
        earlier = versions.before([secret.pk])
        secret.title = "Sekretessärende, rättat"
        paragraf_save(paragraf=secret, changed=["title"])
        versions.keep_versions(earlier, cause=VersionCause.CLERK, user=user)
        secret.confidential = True
        paragraf_save(paragraf=secret, changed=["confidential"])
        make_reservation(
            paragraf=secret, members=[party], text=f"Reservation om {SECRET} text."
        )
        proposal = Proposal.objects.create(
            paragraf=secret, position=1, text=f"Yrkande om {SECRET} text."
        )
        ProposalMember.objects.create(proposal=proposal, member=party, position=1)
        words_add([secret])

        # A published paragraph, with its words among the suggestions, then
        # withdrawn.
        withdrawn = make_paragraf(
            meeting=public.meeting,
            number="901",
            title=f"Ärende om {WITHDRAWN} titel",
            decision=f"Beslut om {WITHDRAWN} beslut.",
            text=f"Ärendet om {WITHDRAWN} gäller en felpublicerad uppgift.",
            **common,
        )
        make_reservation(
            paragraf=withdrawn, members=[party], text=f"Reservation {WITHDRAWN} text."
        )
        words_add([withdrawn])
        paragraf_withdraw(
            paragrafer=Paragraf.objects.filter(pk=withdrawn.pk),
            reason="Publicerad av misstag.",
            user=user,
        )

        # A published paragraph with an earlier version, for the version page.
        corrected = Paragraf.objects.filter(confidential=False).last()
        earlier = versions.before([corrected.pk])
        corrected.title += " (rättad)"
        paragraf_save(paragraf=corrected, changed=["title"])
        versions.keep_versions(earlier, cause=VersionCause.CLERK, user=user)

        # A clerk's draft of the minutes left out above.
        namnd = Municipality.objects.get(slug=KOMMUN).namnder.get(
            slug="kommunstyrelsen"
        )
        text = DRAFTED.read_text()
        assert "Årsredovisning 2024" in text
        upload_protocol(
            user=user,
            namnd=namnd,
            meeting_date=datetime.date(2025, 4, 7),
            name=DRAFTED.name,
            data=text.replace(
                "Årsredovisning 2024", f"Årsredovisning {DRAFT}"
            ).encode(),
        )

        write_archive(cls.folder, settings.SITE_URL)

    def setUp(self) -> None:
        self.archive = Archive()

    def test_every_url_pattern_has_a_way_to_build_its_addresses(self) -> None:
        names = {name for name in url_names() if not name.startswith(NOT_PUBLIC)}
        self.assertEqual(sorted(names - set(URLS)), [], "patterns without a builder")
        self.assertEqual(sorted(set(URLS) - names), [], "builders without a pattern")

    def test_the_fixture_reaches_each_kind_of_unpublished_text(self) -> None:
        # Published paragraphs share the case and referral of the secret one,
        # and the draft exists: the surfaces below have something to leave out.
        self.assertTrue(self.archive.secret.confidential)
        self.assertTrue(self.archive.secret.versions.exists())
        self.assertIsNotNone(self.archive.withdrawn.withdrawn_at)
        self.assertIsNotNone(self.archive.corrected)
        shared = Paragraf.objects.filter(arende=self.archive.secret.arende_id)
        self.assertGreater(shared.filter(confidential=False).count(), 0)
        self.assertIn(DRAFT, str(Upload.objects.get().parsed))

    def addresses(self) -> Iterator[tuple[str, str]]:
        """(address, its Swedish address) of every public surface: the pages
        in Swedish and in English."""
        with translation.override(settings.LANGUAGE_CODE):
            built = [
                (name, url)
                for name, build in URLS.items()
                for url in build(self.archive)
            ]
        for name, url in built:
            yield url, url
            if name.startswith("decisions:"):
                yield "/en" + url, url

    def test_no_public_surface_shows_what_is_not_published(self) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            status = self.archive.statuses()
        asked = 0
        for address, url in self.addresses():
            with self.subTest(url=address):
                response = self.client.get(address)
                expected = status.get(url.partition("?")[0], (200, 302))
                self.assertIn(response.status_code, expected, address)
                text = body(response).lower()
                for word in UNSEEN:
                    self.assertNotIn(word, text, address)
            asked += 1
        self.assertGreater(asked, 100)
