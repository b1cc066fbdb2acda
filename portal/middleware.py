"""Middleware for running in public: a log line per request, and the
Permissions-Policy header Django does not send itself."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

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
            return HttpResponseBadRequest(
                "Ogiltigt tecken (NUL) i adressen.", content_type="text/plain"
            )
        return self.get_response(request)
