"""Atom feeds: a journalist follows a search as a feed."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext

from .filters import ParagrafFilter
from .models import Paragraf

# Entries in a feed: the newest matches.
FEED_SIZE = 50


class SearchFeed(Feed):
    """Every search, newest matches first: /sok/feed/?q=...&namnd=..."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest) -> ParagrafFilter:
        params = request.GET.copy()
        params["ordning"] = "nyast"
        params.pop("sida", None)
        filterset = ParagrafFilter(params, queryset=Paragraf.objects.public().newest())
        filterset.feed_path = request.get_full_path()
        filterset.site_url = request.build_absolute_uri("/")[:-1]
        return filterset

    def feed_url(self, filterset: ParagrafFilter) -> str:
        return filterset.feed_path

    def title(self, filterset: ParagrafFilter) -> str:
        query = filterset.query
        if query:
            return gettext("Öppna beslut: %(query)s") % {"query": query}
        return gettext("Öppna beslut: nya paragrafer")

    def subtitle(self, filterset: ParagrafFilter) -> str:
        return gettext("Nya paragrafer i kommunala protokoll som matchar sökningen.")

    def link(self, filterset: ParagrafFilter) -> str:
        query = filterset.data.urlencode() if filterset.data else ""
        return reverse("decisions:search") + (f"?{query}" if query else "")

    def items(self, filterset: ParagrafFilter) -> list[Paragraf]:
        # A malformed query string gives an empty feed, not an error page.
        if not filterset.form.is_valid():
            return []
        items = list(filterset.qs[:FEED_SIZE])
        # Entry ids are the paragraphs' permanent (Swedish) addresses, the same
        # in the English feed, whose links lead to the English pages.
        with translation.override(settings.LANGUAGE_CODE):
            for item in items:
                item.permalink = filterset.site_url + item.get_absolute_url()
        return items

    def item_title(self, item: Paragraf) -> str:
        meeting = item.meeting
        return (
            f"{meeting.namnd.name} {meeting.date_label}, § {item.number} {item.title}"
        )

    def item_description(self, item: Paragraf) -> str:
        return item.decision or item.title

    def item_link(self, item: Paragraf) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Paragraf) -> str:
        return item.permalink

    def item_pubdate(self, item: Paragraf) -> datetime.datetime:
        return item.meeting.ingested_at

    def item_updateddate(self, item: Paragraf) -> datetime.datetime:
        return item.meeting.ingested_at
