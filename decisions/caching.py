"""HTTP caching of what readers see, so that browsers, a reverse proxy or a
CDN carry the reading load.

Everything public (pages, feeds, the API, sitemaps) is a function of the
archive's content and of the code: its validators are the archive's last
change (models.ArchiveState, which every writer touches) and the release.
A conditional request (If-None-Match, If-Modified-Since) that still matches
is answered 304 before any view runs, with one indexed read; a plain one is
answered from a kept copy of the rendered response when there is one (the
"pages" cache, files in memory that the machine's workers share, keyed by
address and Accept header under the validators). Once a protocol
is published, corrected or withdrawn the validators move, and the next
request gets the new content: no older copy is read again. Browsers
revalidate every time (max-age=0); shared caches may keep a response
CACHE_SHARED_MAX_AGE seconds, the longest a change takes to reach every
reader behind a CDN.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from . import problems
from .models import ArchiveState

# Paths whose responses are no function of the archive alone: the admin, the
# health checks, and the open data page and download, which tell of the file
# `dump_archive` last wrote (the file's own Last-Modified is its date).
_NOT_ARCHIVE = (
    "/admin/",
    "/healthz",
    "/readyz",
    "/oppna-data/",
    "/en/oppna-data/",
    # An alert's signed links: one reader's, and they change what they show.
    "/bevaka/",
    "/en/bevaka/",
)
# Larger responses (a long CSV) are rendered each time rather than kept.
_KEPT_BYTES = 256 * 1024
# Statuses a cache may keep: a page, a permanent redirect, a missing or a
# withdrawn paragraph; all change only when the archive does.
_CACHEABLE = {200, 301, 404, 410}


def _released_at() -> datetime.datetime:
    """When the running code was written: the newest of the files that shape a
    response (a deploy changes them, and so every validator)."""
    root = Path(settings.BASE_DIR)
    newest = max(
        path.stat().st_mtime
        for folder in ("decisions", "portal", "templates", "locale", "static")
        for path in (root / folder).rglob("*")
        if path.is_file()
    )
    return datetime.datetime.fromtimestamp(int(newest), tz=datetime.UTC)


RELEASED_AT = _released_at()


def validators() -> tuple[datetime.datetime, str] | None:
    """Last-Modified and ETag of every public response, or None before the
    archive has any content."""
    changed = ArchiveState.changed()
    if changed is None:
        return None
    last = max(changed, RELEASED_AT)
    etag = f'W/"{int(changed.timestamp() * 1e6):x}-{int(RELEASED_AT.timestamp()):x}"'
    return last, etag


def _page_key(
    request: HttpRequest, found: tuple[datetime.datetime, str] | None
) -> str | None:
    """Where a rendered response is kept: its address, under the archive's
    validators, so that a change leaves every older copy unread."""
    if found is None or request.method != "GET":
        return None
    # Filed by Accept too: the API answers JSON or its browsable HTML by it.
    asked = f"{request.get_full_path()}\n{request.headers.get('Accept', '')}"
    return f"{found[1]}:{hashlib.sha256(asked.encode()).hexdigest()}"


def _keepable(response: HttpResponse) -> bool:
    """Whether a copy can answer the next request with the same address and
    Accept header: a public response of bounded size that varies on no
    other header of the request."""
    varies = {v.strip().lower() for v in response.get("Vary", "").split(",")}
    return (
        "public" in response.get("Cache-Control", "")
        and varies <= {"", "accept"}
        and not response.streaming
        and len(response.content) <= _KEPT_BYTES
    )


class ArchiveCaching:
    """Middleware: answer a reader's conditional GET or HEAD with 304 before
    the view when nothing changed; give every cacheable public response its
    validators and Cache-Control."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or request.path.startswith(
            _NOT_ARCHIVE
        ):
            return self.get_response(request)
        found = validators()
        if found:
            last, etag = found
            # Django's own reading of If-None-Match and If-Modified-Since
            # (and If-Match: a failed precondition is a 412).
            answered = get_conditional_response(
                request, etag=etag, last_modified=int(last.timestamp())
            )
            if answered is not None:
                if answered.status_code == 304:
                    self._headers(answered, found)
                elif problems.is_api(request):
                    # If-Match or If-Unmodified-Since failed (412): the
                    # API's refusals are problems too.
                    return problems.problem(
                        request,
                        problems.plain(answered.status_code),
                        "Arkivet har ändrats sedan den version förfrågan "
                        "villkorar (If-Match, If-Unmodified-Since).",
                    )
                return answered
        key = _page_key(request, found)
        kept = caches["pages"].get(key) if key else None
        if kept:
            status, headers, content = kept
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            return response
        response = self.get_response(request)
        if response.status_code in _CACHEABLE and not response.cookies:
            self._headers(response, found)
            if key and _keepable(response):
                caches["pages"].set(
                    key,
                    (response.status_code, list(response.items()), response.content),
                )
        return response

    def _headers(
        self,
        response: HttpResponse,
        found: tuple[datetime.datetime, str] | None,
    ) -> HttpResponse:
        if "Cache-Control" in response:
            return response
        if found:
            # The ETag a conditional request is answered by before any view;
            # a view's own Last-Modified (an API record's) is finer, and stays.
            last, etag = found
            response["ETag"] = etag
            response.setdefault("Last-Modified", http_date(last.timestamp()))
        patch_cache_control(
            response,
            public=True,
            max_age=0,
            s_maxage=settings.CACHE_SHARED_MAX_AGE,
        )
        # The language is in the path (no prefix: Swedish), never taken from
        # the browser's Accept-Language: a shared cache need not vary on it.
        vary = [
            value.strip()
            for value in response.get("Vary", "").split(",")
            if value.strip() and value.strip().lower() != "accept-language"
        ]
        if vary:
            response["Vary"] = ", ".join(vary)
        elif "Vary" in response:
            del response["Vary"]
        return response


def _changed(sender: type, **kwargs: object) -> None:
    # Inside the writer's transaction, so that the new validators and the
    # new content become visible together. The row stays locked until the
    # writer commits: concurrent writers wait for each other there (readers
    # never do), which at the archive's rate of writes costs nothing.
    if _touched_in_this_transaction():
        return
    ArchiveState.touch()


def _touched() -> None:
    """The mark a touch leaves among the transaction's on-commit callbacks."""


def _touched_in_this_transaction() -> bool:
    """Whether this transaction has touched ArchiveState already (a re-ingest
    deletes hundreds of rows one signal each: one touch serves them all).

    The mark is an on-commit callback, so it lives exactly as long as the
    touch it stands for: Django drops it at commit, and at the rollback of
    the transaction or of the savepoint it was made in, which undoes the
    touch too. A mark made in a savepoint counts only inside that savepoint
    (a test's transaction holds many writers' savepoints in a row)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return False
    active = set(connection.savepoint_ids)
    if any(f is _touched and ids <= active for ids, f, _ in connection.run_on_commit):
        return True
    transaction.on_commit(_touched)
    return False


def follow_changes() -> None:
    """Touch ArchiveState whenever a row readers see is saved or deleted one
    at a time: the admin, the shell, and ingest and publishing, which save
    the meeting before writing its rows in bulk. A writer that saves no row
    (withdrawal's update) touches it itself."""
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save

    private = {"upload", "word", "assignment", "archivestate", "paragrafversion"}
    for model in apps.get_app_config("decisions").get_models():
        if model._meta.model_name in private:
            continue
        uid = f"archive-state-{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _changed, sender=field.remote_field.through, dispatch_uid=f"{uid}-m2m"
            )
