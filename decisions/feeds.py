"""Atom feeds: a journalist follows a search as a feed."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

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
        return filterset

    def feed_url(self, filterset: ParagrafFilter) -> str:
        return filterset.feed_path

    def title(self, filterset: ParagrafFilter) -> str:
        query = filterset.query
        return f"Öppna beslut: {query}" if query else "Öppna beslut: nya paragrafer"

    def subtitle(self, filterset: ParagrafFilter) -> str:
        return "Nya paragrafer i kommunala protokoll som matchar sökningen."

    # Entry ids are the paragraphs' permanent addresses (the default: the link).

    def link(self, filterset: ParagrafFilter) -> str:
        query = filterset.data.urlencode() if filterset.data else ""
        return reverse("decisions:search") + (f"?{query}" if query else "")

    def items(self, filterset: ParagrafFilter) -> list[Paragraf]:
        # A malformed query string gives an empty feed, not an error page.
        if not filterset.form.is_valid():
            return []
        return list(filterset.qs[:FEED_SIZE])

    def item_title(self, item: Paragraf) -> str:
        meeting = item.meeting
        return (
            f"{meeting.namnd.name} {meeting.date_label}, § {item.number} {item.title}"
        )

    def item_description(self, item: Paragraf) -> str:
        return item.decision or item.title

    def item_link(self, item: Paragraf) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Paragraf) -> datetime.datetime:
        return item.meeting.ingested_at

    def item_updateddate(self, item: Paragraf) -> datetime.datetime:
        return item.meeting.ingested_at
