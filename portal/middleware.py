"""Middleware for running in public: a log line per request, the
Permissions-Policy header Django does not send itself, a limit on request
bodies that holds before anything reads one, and gzip for public text."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from decisions import problems

logger = logging.getLogger("portal.request")

# The id of the request being served, on every log line written meanwhile.
_request_id: ContextVar[str] = ContextVar("request_id", default="-")
# An id a proxy in front already gave the request is kept, if it looks like one.
_GIVEN_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class RequestLog:
    """Give each request an id (X-Request-ID, the proxy's or a new one), and
    log its method, path, status and time taken once it is answered."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _GIVEN_ID.fullmatch(given) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            _request_id.reset(token)


class PermissionsPolicy:
    """Send settings.PERMISSIONS_POLICY: the browser features pages may use."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class RefuseNul:
    """Answer 400 to a request whose path holds a NUL character: PostgreSQL
    text cannot hold one, so no page could look it up, and a view that tried
    would fail with a 500. (Query parameters go through forms, which refuse
    it with a message of their own.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            return _refuse(
                request, 400, "Ogiltigt tecken (NUL) i adressen.", "text/plain"
            )
        return self.get_response(request)


# The upload form's fields and multipart framing around the file.
UPLOAD_FORM_BYTES = 64 * 1024


class LimitRequestBody:
    """Answer 413 to a body larger than its address takes, before anything
    reads it: the CSRF check and the sessions read request.POST, and Django
    writes a large multipart body to a temporary file as it reads, so an
    anonymous 300 MB POST to any address would fill the disk first.

    A protocol's upload takes UPLOAD_MAX_BYTES and its form; every other
    address DATA_UPLOAD_MAX_MEMORY_SIZE, the most any of its forms sends. A
    body without Content-Length (Transfer-Encoding: chunked) is refused with
    411: its size is unknown until it has been read, browsers never send
    one, and Django would read none of it anyway.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "HTTP_TRANSFER_ENCODING" in request.META:
            return _refuse(
                request,
                411,
                "Förfrågan saknar Content-Length; delad överföring (chunked) "
                "tas inte emot.",
            )
        given = request.META.get("CONTENT_LENGTH") or "0"
        if not (given.isascii() and given.isdigit()):
            return _refuse(request, 400, "Ogiltig Content-Length.")
        length = int(given)
        # Most requests have no body, and so no address to look up.
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE and (
            length > (limit := body_limit(request.path))
        ):
            return _refuse(
                request,
                413,
                f"Förfrågan är för stor ({filesizeformat(length)}); högst "
                f"{filesizeformat(limit)} tas emot här.",
            )
        return self.get_response(request)


def _refuse(
    request: HttpRequest,
    status: int,
    message: str,
    content_type: str = "text/plain; charset=utf-8",
) -> HttpResponse:
    """A request refused before it is read: a problem under /api/
    (decisions.problems), plain text elsewhere."""
    if problems.is_api(request):
        kind = problems.BAD_REQUEST if status == 400 else problems.plain(status)
        return problems.problem(request, kind, message)
    return HttpResponse(message, status=status, content_type=content_type)


def body_limit(path: str) -> int:
    """Return how many bytes a request body to `path` may have (never less
    than DATA_UPLOAD_MAX_MEMORY_SIZE)."""
    if path == reverse("admin:decisions_upload_add"):
        return settings.UPLOAD_MAX_BYTES + UPLOAD_FORM_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _text(content_type: str) -> bool:
    """Whether a response of this type is text that gzip shrinks: pages,
    feeds, JSON, CSV. Static files never come here (whitenoise, further out,
    serves them compressed already), and the archive download is gzip."""
    kind = content_type.partition(";")[0].strip().lower()
    return kind.startswith("text/") or kind.endswith(("json", "xml"))


class CompressPublic(GZipMiddleware):
    """gzip what the public reads (pages, feeds, the API, CSV), and nothing
    that may carry a secret.

    BREACH recovers a secret from the size of compressed responses that also
    echo what an attacker sends; a public page holds no secret to recover.
    The admin's pages carry CSRF tokens and a signed-in clerk's data, so
    nothing under /admin/ is compressed, nor any response that sets a cookie
    (a CSRF or session cookie means a token or a session on the page) or
    varies on one (a page for one signed-in user). Django's gzip adds up to
    100 random bytes besides.

    In MIDDLEWARE outside decisions.caching.ArchiveCaching and
    ConditionalGetMiddleware: a kept page is stored as rendered and
    compressed on its way out, for each client that asks, so a client that
    sends no Accept-Encoding never gets a kept gzip; and an ETag is the
    rendered page's. Inside SessionMiddleware's reach it would compress a
    page before the session cookie is set, so it sits outside it too.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        varies = response.get("Vary", "").lower()
        if (
            request.path.startswith("/admin/")
            or response.cookies
            or "cookie" in varies
            or not _text(response.get("Content-Type", ""))
        ):
            return response
        return super().process_response(request, response)
