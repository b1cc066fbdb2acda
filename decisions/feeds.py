"""Atom feeds: a journalist follows a search, a board, a municipality, a case
or a party's dissents as a feed of new paragraphs.

Every feed is the same kind of entry: a published paragraph, newest meeting
first, titled with its number and title, then its board's and municipality's
names on the meeting's date and the date. Its id is the
paragraph's (Swedish) address as first published, the same in the English
feed, whose links lead to the English pages, and the same after its board or
municipality is renamed (Meeting.first_path): a feed reader never sees an
entry twice, and the id still leads to the paragraph. Its `updated` is the
paragraph's last correction, else its meeting's ingest, so a corrected
paragraph comes back to a reader as updated.

Opened in a browser, a feed is a page: its HTML twin (the same entries, with
a word on what a feed is), since browsers are dropping XSLT; the feed itself
still names static/feed.xsl for a client that applies it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.feedgenerator import Atom1Feed, Stylesheet
from django.utils.translation import gettext
from django.utils.xmlutils import SimplerXMLGenerator

from .lookups import Ids
from .models import Arende, Member, Municipality, Namnd, Paragraf, ParagrafQuerySet
from .search import ParagrafFilter, newest_ids
from .site import absolute

# Entries in a feed: the newest matches.
FEED_SIZE = 50

# What XML 1.0 cannot carry (C0 but tab and line ends, lone surrogates,
# U+FFFE and U+FFFF), and the C1 controls and DEL it only discourages. Ingest
# and the admin remove control characters before anything is stored
# (decisions.parser.control); this keeps a row stored before that, or a
# search typed with one, from making a feed a 500 ("Control characters are
# not supported in XML 1.0").
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


class _XMLGenerator(SimplerXMLGenerator):
    """Django's generator, leaving out what XML 1.0 cannot carry instead of
    failing on it."""

    def characters(self, content: str) -> None:
        super().characters(_NOT_XML.sub("", content) if content else content)


class AtomFeed(Atom1Feed):
    """Atom1Feed written by _XMLGenerator, with its stylesheets (Django writes
    them into RSS feeds only)."""

    def write(self, outfile: Any, encoding: str) -> None:
        # As Atom1Feed.write, with the generator that drops what XML refuses.
        handler = _XMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        # After the XML declaration, before the first element, as RssFeed.
        self.add_stylesheets(handler)
        # typeshed asks for an AttributesImpl; XMLGenerator reads only its
        # items(), and Django's own Atom1Feed.write passes this dict too.
        handler.startElement("feed", self.root_attributes())  # type: ignore[arg-type]
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")

    def add_stylesheets(self, handler: SimplerXMLGenerator) -> None:
        for stylesheet in self.feed["stylesheets"] or []:
            handler.processingInstruction("xml-stylesheet", str(stylesheet))


def _browser(request: HttpRequest) -> bool:
    """Whether a person opened the feed in a browser, which asks for a page
    (text/html) and names no feed type, where a feed reader names Atom or
    takes anything (*/*)."""
    accept = request.headers.get("Accept", "").lower()
    return "text/html" in accept and "atom" not in accept


@dataclass
class Scope:
    """What one request's feed is of: the board, case, search... (`owner`),
    and the addresses its entries are built from."""

    owner: Any
    path: str


class ParagrafFeed(Feed):
    """The newest published paragraphs of a scope that a subclass names: its
    owner (from the URL) and the paragraphs of that owner, of which items()
    keeps the published ones."""

    feed_type = AtomFeed
    # RFC 4287: a feed names an author unless every entry does.
    author_name = "Öppna beslut"

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # A person who opens the feed in a browser gets its HTML twin: browsers
        # offer application/atom+xml as a download (Firefox) or show its
        # source (Chromium), and are dropping the XSLT that static/feed.xsl
        # would apply (chromestatus.com/feature/4709671889534976). A feed
        # reader gets the feed, which still names the stylesheet for any
        # client that applies one.
        if _browser(request):
            response = self.as_page(request, **kwargs)
        else:
            response = super().__call__(request, *args, **kwargs)
        patch_vary_headers(response, ["Accept"])
        return response

    def as_page(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        """The feed as a page: its title, its address to copy into a feed
        reader, a word on what a feed is, and the same entries."""
        scope = self.get_object(request, **kwargs)
        entries = [
            {
                "title": self.item_title(item),
                "link": self.item_link(item),
                "updated": self.item_updateddate(item),
                "summary": item.decision,
            }
            for item in self.items(scope)
        ]
        return render(
            request,
            "decisions/feed_page.html",
            {
                "feed_title": self.title(scope),
                "feed_url": self.feed_url(scope),
                "page_url": self.page(scope),
                "entries": entries,
            },
        )

    def stylesheets(self) -> list[Stylesheet]:
        # The feed as a page in a browser (static/feed.xsl), from the site's
        # own origin: browsers apply no XSLT from another, and the CSP's
        # script-src 'self' holds for it.
        return [Stylesheet(static("feed.xsl"), mimetype="text/xsl")]

    def get_object(self, request: HttpRequest, **kwargs: Any) -> Scope:
        return Scope(
            owner=self.owner(request, **kwargs),
            path=request.get_full_path(),
        )

    def owner(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        """The feed's subject, from the URL's arguments (each subclass names
        those it takes)."""
        raise NotImplementedError

    def paragrafer(self, owner: Any) -> ParagrafQuerySet:
        raise NotImplementedError

    def page(self, scope: Scope) -> str:
        """The path of the page the feed follows."""
        raise NotImplementedError

    def link(self, scope: Scope) -> str:
        # Django would prefix a path with the request's host (decisions.site).
        return absolute(self.page(scope))

    def feed_url(self, scope: Scope) -> str:
        return absolute(scope.path)

    def items(self, scope: Scope) -> list[Paragraf]:
        rows = self.paragrafer(scope.owner).published().newest()
        return list(rows[:FEED_SIZE])

    def item_title(self, item: Paragraf) -> str:
        # Whose decision it is, as a feed of many boards and a reader's list
        # of many feeds need it: the board's and municipality's names of the
        # meeting's day (as its page shows them).
        meeting = item.meeting
        whose = ", ".join(
            name
            for name in (
                meeting.namnd_name,
                meeting.municipality_name,
                meeting.date_label,
            )
            if name
        )
        return f"§ {item.number} {item.title} – {whose}"

    def item_description(self, item: Paragraf) -> str:
        return item.decision or item.title

    def item_link(self, item: Paragraf) -> str:
        return absolute(item.get_absolute_url())

    def item_guid(self, item: Paragraf) -> str:
        # A paragraph's address extends its meeting's (decisions/urls.py).
        meeting = item.meeting
        if not meeting.first_path:
            with translation.override(settings.LANGUAGE_CODE):
                return absolute(item.get_absolute_url())
        return absolute(f"{meeting.first_path}paragraf-{item.number}/")

    def item_pubdate(self, item: Paragraf) -> datetime.datetime:
        return item.meeting.ingested_at

    def item_updateddate(self, item: Paragraf) -> datetime.datetime:
        return item.corrected_at or item.meeting.ingested_at


class SearchFeed(ParagrafFeed):
    """Every search, newest matches first: /sok/feed/?q=...&namnd=..."""

    def owner(self, request: HttpRequest, **kwargs: Any) -> ParagrafFilter:
        params = request.GET.copy()
        params["ordning"] = "nyast"
        params.pop("sida", None)
        return ParagrafFilter(params, queryset=Paragraf.objects.newest())

    def paragrafer(self, filterset: ParagrafFilter) -> ParagrafQuerySet:
        # A malformed query string gives an empty feed, not an error page.
        if not filterset.form.is_valid():
            return Paragraf.objects.none()
        # The newest matches as the search page finds them, by the same walk.
        ids = newest_ids(filterset, FEED_SIZE)
        return Paragraf.objects.filter(pk__any=Ids(ids))

    def title(self, scope: Scope) -> str:
        # The words and the filters, as the search page says them: a reader
        # following several searches tells them apart by name.
        filterset: ParagrafFilter = scope.owner
        said = " – ".join(
            part
            for part in (filterset.query, ", ".join(filterset.chosen_labels()))
            if part
        )
        if said:
            return gettext("Öppna beslut: %(query)s") % {"query": said}
        return gettext("Öppna beslut: nya paragrafer")

    def subtitle(self, scope: Scope) -> str:
        return gettext("Nya paragrafer i kommunala protokoll som matchar sökningen.")

    def page(self, scope: Scope) -> str:
        filterset: ParagrafFilter = scope.owner
        assert isinstance(filterset.data, QueryDict)  # owner() copied request.GET
        query = filterset.data.urlencode() if filterset.data else ""
        return reverse("decisions:search") + (f"?{query}" if query else "")


class SiteFeed(ParagrafFeed):
    """Every municipality's newest published paragraphs: the archive's own
    feed, named in every page's head."""

    def owner(self, request: HttpRequest) -> None:
        return None

    def paragrafer(self, owner: None) -> ParagrafQuerySet:
        return Paragraf.objects.all()

    def title(self, scope: Scope) -> str:
        return gettext("Öppna beslut: nya paragrafer i hela arkivet")

    def page(self, scope: Scope) -> str:
        return reverse("decisions:start")


class MunicipalityFeed(ParagrafFeed):
    def owner(self, request: HttpRequest, kommun: str) -> Municipality:
        return get_object_or_404(Municipality, slug=kommun)

    def paragrafer(self, municipality: Municipality) -> ParagrafQuerySet:
        return Paragraf.objects.filter(meeting__namnd__municipality=municipality)

    def title(self, scope: Scope) -> str:
        municipality: Municipality = scope.owner
        return gettext("Öppna beslut: %(query)s") % {"query": municipality.name}

    def page(self, scope: Scope) -> str:
        municipality: Municipality = scope.owner
        return municipality.get_absolute_url()


class NamndFeed(ParagrafFeed):
    def owner(self, request: HttpRequest, kommun: str, namnd: str) -> Namnd:
        return get_object_or_404(
            Namnd.objects.select_related("municipality"),
            municipality__slug=kommun,
            slug=namnd,
        )

    def paragrafer(self, namnd: Namnd) -> ParagrafQuerySet:
        return Paragraf.objects.filter(meeting__namnd=namnd)

    def title(self, scope: Scope) -> str:
        namnd: Namnd = scope.owner
        name = f"{namnd.name}, {namnd.municipality.name}"
        return gettext("Öppna beslut: %(query)s") % {"query": name}

    def page(self, scope: Scope) -> str:
        namnd: Namnd = scope.owner
        return namnd.get_absolute_url()


class ArendeFeed(ParagrafFeed):
    def owner(self, request: HttpRequest, kommun: str, dnr: str) -> Arende:
        return get_object_or_404(
            Arende.objects.select_related("municipality"),
            municipality__slug=kommun,
            dnr=dnr,
        )

    def paragrafer(self, arende: Arende) -> ParagrafQuerySet:
        return Paragraf.objects.filter(arende=arende)

    def title(self, scope: Scope) -> str:
        arende: Arende = scope.owner
        name = f"Dnr {arende.dnr}, {arende.municipality.name}"
        return gettext("Öppna beslut: %(query)s") % {"query": name}

    def page(self, scope: Scope) -> str:
        arende: Arende = scope.owner
        return arende.get_absolute_url()


class PartyFeed(ParagrafFeed):
    """The paragraphs where a party's members dissented."""

    def owner(
        self, request: HttpRequest, kommun: str, party: str
    ) -> tuple[Municipality, str]:
        municipality = get_object_or_404(Municipality, slug=kommun)
        if not municipality.members.filter(party=party).exists():
            raise Http404("Inget parti med den förkortningen.")
        return municipality, party

    def paragrafer(self, owner: tuple[Municipality, str]) -> ParagrafQuerySet:
        municipality, party = owner
        return Paragraf.objects.filter(
            meeting__namnd__municipality=municipality,
            reserving_parties__contains=[party],
        )

    def title(self, scope: Scope) -> str:
        owner: tuple[Municipality, str] = scope.owner
        municipality, party = owner
        return gettext("Öppna beslut: reservationer av %(party)s i %(place)s") % {
            "party": party,
            "place": municipality.name,
        }

    def page(self, scope: Scope) -> str:
        owner: tuple[Municipality, str] = scope.owner
        municipality, party = owner
        return reverse("decisions:party", args=[municipality.slug, party])


class PersonFeed(ParagrafFeed):
    """The paragraphs where a person reserved, proposed or voted by name."""

    def owner(self, request: HttpRequest, kommun: str, person: str) -> Member:
        municipality = get_object_or_404(Municipality, slug=kommun)
        member = Member.objects.by_slug(municipality, person)
        if member is None:
            raise Http404("Ingen person med den adressen.")
        member.municipality = municipality
        return member

    def paragrafer(self, owner: Member) -> ParagrafQuerySet:
        return Paragraf.objects.of_member(owner)

    def title(self, scope: Scope) -> str:
        member: Member = scope.owner
        return gettext("Öppna beslut: %(person)s i %(place)s") % {
            "person": str(member),
            "place": member.municipality.name,
        }

    def page(self, scope: Scope) -> str:
        member: Member = scope.owner
        return reverse("decisions:person", args=[member.municipality.slug, member.slug])
