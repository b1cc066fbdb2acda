"""A database outage is a 503 with Retry-After, not a 500.

When PostgreSQL refuses connections, does not answer within
DATABASE_CONNECT_TIMEOUT, or cancels a statement at DATABASE_STATEMENT_TIMEOUT
(portal/settings.py), the reader is told the archive is unavailable for a
moment, on a page in their language (English under /en/, Swedish elsewhere),
the API in JSON, and a proxy, crawler or feed reader learns to come back.

Django's handler500, not a middleware: Django turns an exception into a
response at the edge of the middleware it was raised in, so a middleware never
sees what one inside it raised, and the archive's first read of a request is
in one (decisions.caching reads ArchiveState before any view, and
portal.ratelimit counts hits). handler500 is where every uncaught exception
of a request ends, wherever it was raised. (With DEBUG on, Django shows its
debug page instead, as for any error.)
"""

from __future__ import annotations

import sys

import psycopg
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils import translation
from django.views import defaults

from decisions import problems

# Connection refused or lost, connect or statement timeout, the server
# shutting down or starting up, too many connections: a state of the server
# that passes, not a fault of the request. (psycopg's own, for a read that
# escaped Django's wrapping, as a streamed response's.)
UNAVAILABLE = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)


def database_unavailable(error: BaseException | None) -> bool:
    """Whether error, or an error it was raised from, says the database is
    out of reach."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, UNAVAILABLE):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 for a request the database could not serve. It reads nothing
    from the database, and renders without context processors (which may)."""
    if problems.is_api(request):
        response = problems.problem(
            request,
            problems.UNAVAILABLE,
            "Arkivet är inte tillgängligt just nu: databasen svarar inte. "
            "Försök igen om en stund.",
        )
    else:
        language = translation.get_language_from_path(request.path_info) or "sv"
        with translation.override(language):
            html = loader.render_to_string("503.html")
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(settings.OUTAGE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a 503 when the database is out of reach, else the 500:
    a problem under /api/ (decisions.problems), elsewhere Django's 500 page
    (templates/500.html)."""
    if database_unavailable(sys.exc_info()[1]):
        return unavailable(request)
    if problems.is_api(request):
        return problems.server_error(request)
    return defaults.server_error(request)
