"""Reads from PostgreSQL read replicas, writes to the primary.

With DATABASE_REPLICA_URLS set (portal/settings.py), a reader's request (GET
or HEAD, outside the admin) reads from a replica picked at random for the
request, so the reading load spreads over as many machines as there are; everything
else reads and writes the primary: the admin and every form post (a clerk
reads what they just wrote, not a replica's slightly older copy), management
commands, migrations and tests. A replica lags the primary by a moment, which a
reader cannot tell from the page having been cached that moment earlier.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.http import HttpRequest, HttpResponse

# The replica this request reads from, or "" for the primary.
_replica: ContextVar[str] = ContextVar("replica", default="")


def replicas() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


@contextmanager
def reading_from_replicas() -> Iterator[None]:
    """Read from one replica, picked at random, until the block ends: a
    request sees one replica's state throughout (the archive's validators
    and the content they stand for come from the same copy)."""
    aliases = replicas()
    token = _replica.set(random.choice(aliases) if aliases else "")
    try:
        yield
    finally:
        _replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str:
        return _replica.get() or DEFAULT_DB_ALIAS

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # Every alias holds the same data.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        # A replica follows the primary's schema by replication.
        return db == DEFAULT_DB_ALIAS


class ReadersOnReplicas:
    """Middleware: a reader's request reads from the replicas (see above)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or request.path.startswith("/admin/"):
            return self.get_response(request)
        with reading_from_replicas():
            return self.get_response(request)
