"""Rate limits per client address on the expensive public paths (search, its
CSV and feed, the API), counted in PostgreSQL.

django-ratelimit counts in Django's cache and needs memcached or Redis for a
count shared by every worker and machine (its own checks refuse the database
cache, whose increment is not atomic); the archive runs on PostgreSQL alone.
Here one upsert per request counts in an UNLOGGED table (migration 0017: no
WAL, not replicated, emptied by a crash, which only forgives some hits), exact
across workers and machines because the primary counts them all.
"""

from __future__ import annotations

import ipaddress
import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext_lazy

from decisions import problems
from decisions.exports import wants_csv

_RATE = re.compile(r"(\d+)/([smh])")
_SECONDS = {"s": 1, "m": 60, "h": 3600}
# A window in words, for the page a refused reader gets (templates/429.html).
_PER = {
    1: gettext_lazy("per sekund"),
    60: gettext_lazy("per minut"),
    3600: gettext_lazy("per timme"),
}


@dataclass(frozen=True)
class Rate:
    hits: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate | None:
        """ "60/m" is 60 hits a minute; "", "0" or "0/m" is no limit."""
        text = text.strip()
        if text.isascii() and text.isdigit() and int(text) == 0:
            return None
        match = _RATE.fullmatch(text)
        if not text or (match and int(match[1]) == 0):
            return None
        if not match:
            raise ValueError(f"a rate is N/s, N/m or N/h, or 0 for none, not {text!r}")
        return cls(int(match[1]), _SECONDS[match[2]])


def client(request: HttpRequest) -> str:
    """Who is counted: the client's address, its /64 for IPv6 (one household
    or server has them all). Behind a proxy, CLIENT_IP_HEADER names the header
    it sets, and the last address there is the one the proxy saw."""
    address = request.META.get("REMOTE_ADDR", "")
    header = settings.CLIENT_IP_HEADER
    if header:
        given = request.headers.get(header, "").split(",")[-1].strip()
        address = given or address
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64] or "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def count(who: str, bucket: str, rate: Rate) -> tuple[int, int]:
    """Count a hit; return the hits in the current window and the seconds
    until it ends."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            "INSERT INTO rate_limit (client, bucket, window_start, hits) VALUES"
            " (%s, %s, to_timestamp(floor(extract(epoch FROM now()) / %s) * %s), 1)"
            " ON CONFLICT (client, bucket, window_start)"
            " DO UPDATE SET hits = rate_limit.hits + 1"
            " RETURNING hits, ceil(extract(epoch FROM window_start) + %s"
            " - extract(epoch FROM now()))::int",
            [who, bucket, rate.seconds, rate.seconds, rate.seconds],
        )
        hits, left = cursor.fetchone()
        if random.random() < 0.001:
            cursor.execute(
                "DELETE FROM rate_limit WHERE window_start < now() - interval '1 day'"
            )
    return hits, max(left, 1)


def _bucket(request: HttpRequest) -> tuple[str, Rate | None]:
    path = request.path.removeprefix("/en")
    if path.startswith("/api/"):
        return "api", Rate.parse(settings.RATELIMIT_API)
    if path.startswith("/sok/") or wants_csv(request):
        return "search", Rate.parse(settings.RATELIMIT_SEARCH)
    return "", None


class RateLimit:
    """Middleware: a client over its rate gets 429, with Retry-After."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        # A rate that cannot be read stops the server as it starts (the
        # middleware is built then), rather than making every search a 500.
        for name in ("RATELIMIT_SEARCH", "RATELIMIT_API"):
            try:
                Rate.parse(getattr(settings, name))
            except ValueError as exc:
                raise ImproperlyConfigured(f"{name}: {exc}") from exc

    def __call__(self, request: HttpRequest) -> HttpResponse:
        bucket, rate = _bucket(request)
        if rate is None:
            return self.get_response(request)
        hits, left = count(client(request), bucket, rate)
        if hits <= rate.hits:
            return self.get_response(request)
        message = (
            f"För många förfrågningar: högst {rate.hits} per {rate.seconds} s "
            f"från samma adress. Försök igen om {left} s."
        )
        response: HttpResponse
        if bucket == "api":
            response = problems.problem(request, problems.TOO_MANY_REQUESTS, message)
        else:
            response = HttpResponse(_page(request, rate, left), status=429)
        response["Retry-After"] = str(left)
        response["Cache-Control"] = "no-store"
        return response


def _page(request: HttpRequest, rate: Rate, left: int) -> str:
    """The 429 page, in the language of the address (English under /en/):
    LocaleMiddleware, inside this one, has not chosen it yet."""
    language = (
        translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    )
    with translation.override(language):
        return loader.render_to_string(
            "429.html",
            {"hits": rate.hits, "per": _PER[rate.seconds], "left": left},
        )
