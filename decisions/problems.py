"""Errors as data: every refusal under /api/ is a problem (RFC 9457), a JSON
object of type application/problem+json, in Swedish.

    {"type": "https://…/oppna-data/#fel-ogiltig-parameter",
     "title": "Ogiltig parameter", "status": 400,
     "detail": "antal: Fyll i ett heltal.", "instance": "/api/v1/paragrafer/",
     "errors": [{"parameter": "antal", "messages": ["Fyll i ett heltal."]}]}

A client reads one shape whatever went wrong and wherever: `type` says which
kind of problem it is (a section of the open-data page that describes it, or
about:blank for a plain HTTP refusal), `errors` which parameters to fix, and
a withdrawn paragraph's 410 when and why, as members of its own.

Problems are raised where they happen and answered in one place each:
- in a DRF view, by `exception_handler` (REST_FRAMEWORK["EXCEPTION_HANDLER"]);
- before or outside any view, by Django's handlers for /api/ paths
  (`page_not_found`, `bad_request`, `permission_denied` here; the 500 and the
  outage's 503 in portal.outage), by the rate limit (portal.ratelimit), and
  by the middleware that refuses a request unread (portal.middleware).
Each of these answers a page, as before, for every other path.

The OpenAPI description lists them per operation: decisions.problem_schema.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.views import defaults
from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.settings import api_settings

from .site import absolute

if TYPE_CHECKING:
    from rest_framework.renderers import BaseRenderer

# This module is named by REST_FRAMEWORK's settings, which DRF reads as it
# defines its APIView (DEFAULT_CONTENT_NEGOTIATION_CLASS): it must not import
# rest_framework.views, generics or anything that does, or DRF's import of it
# would go round in a circle.

PROBLEM_JSON = "application/problem+json"


@dataclass(frozen=True)
class Kind:
    """A kind of problem: its status, its title, and the anchor of its
    section on the open-data page (None: about:blank, a plain HTTP
    refusal that the status says all about)."""

    status: int
    title: str
    anchor: str | None = None

    @property
    def type(self) -> str:
        if self.anchor is None:
            return "about:blank"
        # The Swedish page, whatever language is active: a type is an
        # identifier a client compares, so it has one spelling.
        with translation.override("sv"):
            page = reverse("decisions:open_data")
        return absolute(f"{page}#{self.anchor}")


INVALID_PARAMETER = Kind(400, "Ogiltig parameter", "fel-ogiltig-parameter")
BAD_REQUEST = Kind(400, "Ogiltig förfrågan", "fel-ogiltig-forfragan")
NOT_FOUND = Kind(404, "Finns inte", "fel-finns-inte")
METHOD_NOT_ALLOWED = Kind(405, "Metoden tas inte emot", "fel-metoden-tas-inte-emot")
NOT_ACCEPTABLE = Kind(406, "Formatet finns inte", "fel-formatet-finns-inte")
WITHDRAWN = Kind(410, "Paragrafen är återkallad", "fel-aterkallad")
TOO_MANY_REQUESTS = Kind(429, "För många förfrågningar", "fel-for-manga-forfragningar")
SERVER_ERROR = Kind(500, "Serverfel", "fel-serverfel")
UNAVAILABLE = Kind(503, "Arkivet är inte tillgängligt", "fel-inte-tillgangligt")

# The documented kinds, for the OpenAPI description and the tests.
KINDS = [
    INVALID_PARAMETER,
    BAD_REQUEST,
    NOT_FOUND,
    METHOD_NOT_ALLOWED,
    NOT_ACCEPTABLE,
    WITHDRAWN,
    TOO_MANY_REQUESTS,
    SERVER_ERROR,
    UNAVAILABLE,
]

# Refusals of HTTP itself that the API never words (about:blank), titled in
# Swedish as RFC 9457 allows: the status says what they are.
_PLAIN_TITLES = {
    400: "Ogiltig förfrågan",
    401: "Inloggning krävs",
    403: "Förbjudet",
    404: "Finns inte",
    405: "Metoden tas inte emot",
    406: "Formatet finns inte",
    411: "Längden saknas",
    412: "Villkoret uppfylls inte",
    413: "För stor förfrågan",
    415: "Innehållets typ tas inte emot",
    429: "För många förfrågningar",
    500: "Serverfel",
    503: "Inte tillgänglig",
}


def plain(status: int) -> Kind:
    """The about:blank kind of a status the API has no kind of its own for."""
    return Kind(status, _PLAIN_TITLES.get(status, f"Fel {status}"))


NOWHERE = "Det finns inget på den adressen."


class Problem(exceptions.APIException):
    """A refusal a view words itself: its kind, what went wrong this time, and
    members of the kind's own (a withdrawn paragraph's when and why)."""

    def __init__(self, kind: Kind, detail: str, **members: Any) -> None:
        super().__init__(detail)
        self.status_code = kind.status
        self.kind = kind
        self.members = members


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def problem(
    request: HttpRequest, kind: Kind, detail: str, **members: Any
) -> HttpResponse:
    """The problem as a response: its members in RFC 9457's order, then the
    kind's own. `instance` is the path asked for."""
    body = {
        "type": kind.type,
        "title": kind.title,
        "status": kind.status,
        "detail": detail,
        "instance": request.path,
        **members,
    }
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, cls=DjangoJSONEncoder),
        status=kind.status,
        content_type=PROBLEM_JSON,
    )


# -- In DRF's views -----------------------------------------------------------


def exception_handler(exc: Exception, context: dict[str, Any]) -> HttpResponse | None:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: a refusal a view raised as its
    problem. A plain Django response, not DRF's: DRF would render it with the
    renderer the request chose, the browsable API's HTML for a browser.

    An exception that is no refusal (a fault, the database out of reach) is
    left to propagate: Django logs it once with its traceback, and
    handler500 answers the problem (portal.outage: a 500, or a 503 with
    Retry-After when the database is out of reach)."""
    request = context["request"]
    found = _problem_of(exc, request, context.get("view"))
    if found is None:
        return None
    # Imported here: rest_framework.views imports this module (see above).
    from rest_framework.views import set_rollback

    set_rollback()
    kind, detail, members = found
    response = problem(request, kind, detail, **members)
    wait = getattr(exc, "wait", None)
    if wait:
        response["Retry-After"] = str(int(wait))
    return response


def _problem_of(
    exc: Exception, request: Any, view: Any
) -> tuple[Kind, str, dict[str, Any]] | None:
    if isinstance(exc, Problem):
        return exc.kind, str(exc.detail), exc.members
    if isinstance(exc, exceptions.ValidationError):
        return _invalid(exc.detail)
    if isinstance(exc, Http404):
        # Django's own messages are English ("No Namnd matches the given
        # query."): the API's 404s raise NotFound with a Swedish one.
        return NOT_FOUND, NOWHERE, {}
    if isinstance(exc, PermissionDenied):
        return plain(403), "Åtkomst nekad.", {}
    if not isinstance(exc, exceptions.APIException):
        return None
    # DRF's own details are English (it has no Swedish translation): a view's
    # own detail, which is Swedish, is kept; DRF's default is replaced.
    own = str(exc.detail) if str(exc.detail) != str(exc.default_detail) else None
    if isinstance(exc, exceptions.NotFound):
        return NOT_FOUND, own or NOWHERE, {}
    if isinstance(exc, exceptions.MethodNotAllowed):
        allowed = ", ".join(view.allowed_methods) if view else ""
        return (
            METHOD_NOT_ALLOWED,
            f"Metoden {request.method} tas inte emot här; adressen svarar på "
            f"{allowed}.",
            {},
        )
    if isinstance(exc, exceptions.NotAcceptable):
        return NOT_ACCEPTABLE, _not_acceptable(request, view), {}
    if isinstance(exc, exceptions.Throttled):
        return TOO_MANY_REQUESTS, "För många förfrågningar.", {}
    if isinstance(exc, exceptions.ParseError):
        return BAD_REQUEST, "Förfrågans innehåll kunde inte läsas.", {}
    kind = plain(exc.status_code)
    return kind, own or f"{kind.title}.", {}


def _invalid(detail: Any) -> tuple[Kind, str, dict[str, Any]]:
    """The parameters a ValidationError names, with their messages. What it
    says of no parameter (a form's check across fields) is its detail."""
    if not isinstance(detail, dict):
        return BAD_REQUEST, " ".join(_messages(detail)), {}
    named = {
        str(name): _messages(messages)
        for name, messages in detail.items()
        if name not in ("__all__", api_settings.NON_FIELD_ERRORS_KEY)
    }
    if not named:
        return BAD_REQUEST, " ".join(_messages(list(detail.values()))), {}
    summary = "; ".join(f"{name}: {' '.join(said)}" for name, said in named.items())
    errors = [{"parameter": name, "messages": said} for name, said in named.items()]
    return INVALID_PARAMETER, summary, {"errors": errors}


def _messages(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in _messages(value)]
    if isinstance(detail, list):
        return [m for value in detail for m in _messages(value)]
    return [str(detail)]


def _not_acceptable(request: Any, view: Any) -> str:
    offered = _offered(view)
    asked = request.headers.get("Accept", "")
    return f"Svaret finns som {offered}; Accept ({asked}) ber om något annat."


def _offered(view: Any) -> str:
    renderers = getattr(view, "renderer_classes", []) if view else []
    return ", ".join(r.media_type for r in renderers) or "application/json"


class FormatNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, with an unknown `format` as a 406 naming the
    parameter and the formats there are: DRF's own answer is a bare 404,
    which says the address is wrong when the format is."""

    def filter_renderers(
        self, renderers: Iterable[BaseRenderer], format: str
    ) -> list[BaseRenderer]:
        offered = list(renderers)
        kept = [renderer for renderer in offered if renderer.format == format]
        if not kept:
            known = ", ".join(sorted({r.format for r in offered}))
            message = f"Formatet {format!r} finns inte här; välj {known}."
            raise Problem(
                NOT_ACCEPTABLE,
                message,
                errors=[{"parameter": "format", "messages": [message]}],
            )
        return kept


# -- Outside DRF's views: Django's handlers ----------------------------------


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: an address under /api/ that names nothing is a problem;
    elsewhere the site's 404 page (templates/404.html)."""
    if is_api(request):
        return problem(request, NOT_FOUND, NOWHERE)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: a request Django refuses before any view (a Host it does
    not serve, too many fields)."""
    if is_api(request):
        return problem(request, BAD_REQUEST, "Förfrågan kunde inte läsas.")
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403."""
    if is_api(request):
        return problem(request, plain(403), "Åtkomst nekad.")
    return defaults.permission_denied(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 of an API request (portal.outage.server_error, handler500,
    calls it for /api/ paths). It reads nothing from the database."""
    return problem(
        request,
        SERVER_ERROR,
        "Ett fel uppstod på servern. Det är loggat; försök igen om en stund.",
    )
