"""A query the database never answers is cut by the client, so the reader gets
the outage page (portal.outage) instead of a worker hung until gunicorn kills
it.

PostgreSQL's own statement_timeout (portal/settings.py) ends a slow query,
but only a server that runs can send that answer: a server stopped or frozen
(SIGSTOP, a hung disk, a network partition) under a connection kept open
between requests (CONN_MAX_AGE) leaves the query waiting on a socket that
the kernel keeps open, and psycopg has no timeout of its own. Here one
watchdog thread per process shuts down the socket of a query older than
DATABASE_CLIENT_TIMEOUT: the query fails as a lost connection does
(OperationalError), Django drops the connection, and handler500 answers 503.

Only the queries a request runs are watched; a command's long statements
(migrate, ingest) are not.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

_lock = threading.Lock()
# The watched queries: thread id -> (deadline, the connection's socket).
_running: dict[int, tuple[float, int]] = {}
# The process the watchdog runs in: a thread does not follow a fork, and
# gunicorn loads the application before forking its workers (preload_app).
_watchdog_pid: int | None = None
# How often the watchdog looks; a query is cut at most this late.
_TICK = 0.25


def _cut(fd: int) -> None:
    """Shut down the connection's socket (both directions): libpq's waiting
    read returns at once, as when the server closes the connection."""
    try:
        duplicate = socket.socket(fileno=os.dup(fd))
    except OSError:
        return
    try:
        duplicate.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        duplicate.close()


def _watch() -> None:
    while True:
        time.sleep(_TICK)
        now = time.monotonic()
        with _lock:
            for thread, (deadline, fd) in list(_running.items()):
                if now >= deadline:
                    del _running[thread]
                    _cut(fd)


def _start_watchdog() -> None:
    global _watchdog_pid
    with _lock:
        if _watchdog_pid != os.getpid():
            threading.Thread(
                target=_watch, name="database-deadline", daemon=True
            ).start()
            _watchdog_pid = os.getpid()


@contextmanager
def _deadline(raw: Any) -> Iterator[None]:
    """Cut the psycopg connection's socket if what runs inside takes longer
    than DATABASE_CLIENT_TIMEOUT."""
    fd = raw.pgconn.socket if raw is not None and not raw.closed else -1
    if fd < 0:
        yield
        return
    thread = threading.get_ident()
    with _lock:
        _running[thread] = (time.monotonic() + settings.DATABASE_CLIENT_TIMEOUT, fd)
    try:
        yield
    finally:
        # Under the lock: the watchdog never cuts the next query's socket
        # for this one's deadline.
        with _lock:
            _running.pop(thread, None)


def _watched(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
) -> Any:
    with _deadline(context["connection"].connection):
        return execute(sql, params, many, context)


def _check_kept_connections() -> None:
    """Run the health check of the connections kept from an earlier request
    (CONN_HEALTH_CHECKS) under the deadline: Django runs it on its first use
    in the request, past every execute wrapper."""
    for alias in connections:
        wrapper = connections[alias]
        # health_check_done is Django's (4.1 on); django-stubs lacks it.
        done = wrapper.health_check_done  # type: ignore[attr-defined]
        if wrapper.connection is not None and not done:
            with _deadline(wrapper.connection):
                wrapper.close_if_health_check_failed()


class DatabaseDeadline:
    """Middleware: watch every query the request runs (DATABASE_CLIENT_TIMEOUT
    seconds, 0: off)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.enabled = settings.DATABASE_CLIENT_TIMEOUT > 0

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.enabled:
            return self.get_response(request)
        if _watchdog_pid != os.getpid():
            _start_watchdog()
        _check_kept_connections()
        with ExitStack() as watching:
            for alias in connections:
                watching.enter_context(connections[alias].execute_wrapper(_watched))
            return self.get_response(request)
