"""sitemap.xml: an index over paginated sitemaps of every permanent address.

A paragraph sitemap page covers a range of ids, not an OFFSET: page 20 of a
million paragraphs reads its own 50,000 rows from the primary key instead of
skipping 950,000 first. Pages may hold fewer addresses than the limit where
ids were deleted; none holds more.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property

from . import site
from .models import Arende, Meeting, Municipality, Namnd, Paragraf


class SiteSitemap(Sitemap):
    """Addresses under SITE_URL, whatever host the request came by
    (decisions.site); Django's would take the request's."""

    def get_domain(self, site_: Any = None) -> str:
        return site.domain()

    def get_protocol(self, protocol: str | None = None) -> str:
        return site.protocol()


def index(request: HttpRequest, **kwargs: Any) -> TemplateResponse:
    """Django's sitemap index, with its sections' addresses under SITE_URL."""
    response = sitemap_views.index(request, **kwargs)
    assert response.context_data is not None  # the index view passes one
    for item in response.context_data["sitemaps"]:
        parts = urlsplit(item.location)
        item.location = site.absolute(parts._replace(scheme="", netloc="").geturl())
    return response


class IdRangePaginator:
    """What Sitemap needs of a paginator, with page n = ids in
    ((n - 1) * limit, n * limit]."""

    def __init__(self, queryset: QuerySet, limit: int) -> None:
        self.queryset = queryset
        self.limit = limit

    @cached_property
    def num_pages(self) -> int:
        last = self.queryset.aggregate(last=Max("pk"))["last"] or 0
        return max(1, -(-last // self.limit))

    def page(self, number: Any) -> SimpleNamespace:
        try:
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(number) from exc
        if not 1 <= number <= self.num_pages:
            raise EmptyPage(number)
        low, high = (number - 1) * self.limit, number * self.limit
        rows = self.queryset.filter(pk__gt=low, pk__lte=high).order_by("pk")
        return SimpleNamespace(object_list=rows)


class IdPagedSitemap(SiteSitemap):
    """Addresses of one model's rows, in pages of id ranges."""

    queryset: QuerySet

    def items(self) -> QuerySet:
        return self.queryset

    # Sitemap reads only num_pages and page() of its paginator; the stubs ask
    # for a Paginator.
    @property
    def paginator(self) -> IdRangePaginator:  # type: ignore[override]
        return IdRangePaginator(self.items(), self.limit)


class ArchiveSitemap(IdPagedSitemap):
    """Id pages whose addresses are dated by their meeting's ingest."""

    # The path from a row to its meeting's ingested_at ("" for a meeting).
    ingested = ""

    def get_latest_lastmod(self) -> datetime | None:
        return self.items().aggregate(last=Max(self.ingested + "ingested_at"))["last"]


class ParagrafSitemap(ArchiveSitemap):
    ingested = "meeting__"
    # Published paragraphs only: a withdrawn one's address is a tombstone
    # (410), and a confidential one's page has nothing to index.
    queryset = (
        Paragraf.objects.published()
        .select_related(None)
        .select_related("meeting__namnd__municipality")
        .only(
            "number",
            "meeting__slug",
            "meeting__ingested_at",
            "meeting__namnd__slug",
            "meeting__namnd__municipality__slug",
        )
    )

    def lastmod(self, item: Paragraf) -> datetime:
        return item.meeting.ingested_at


class MeetingSitemap(ArchiveSitemap):
    queryset = Meeting.objects.select_related("namnd__municipality").only(
        "slug", "ingested_at", "namnd__slug", "namnd__municipality__slug"
    )

    def lastmod(self, item: Meeting) -> datetime:
        return item.ingested_at


class ArendeSitemap(IdPagedSitemap):
    queryset = Arende.objects.select_related("municipality")


class PlacesSitemap(SiteSitemap):
    """The pages above the minutes: start, open data, municipalities, boards."""

    def items(self) -> list[Any]:
        return [
            reverse("decisions:start"),
            reverse("decisions:open_data"),
            *Municipality.objects.order_by("pk"),
            *Namnd.objects.select_related("municipality").order_by("pk"),
        ]

    def location(self, item: Any) -> str:
        return item if isinstance(item, str) else item.get_absolute_url()


SITEMAPS = {
    "platser": PlacesSitemap,
    "arenden": ArendeSitemap,
    "sammantraden": MeetingSitemap,
    "paragrafer": ParagrafSitemap,
}
