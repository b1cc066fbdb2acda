"""Reads from a read replica, writes to the primary, over real streaming
replication: a primary and a hot standby made for this test from the
machine's PostgreSQL binaries, and the site run against them."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest

from portal.routers import ReadersOnReplicas, ReplicaRouter, reading_from_replicas

ROOT = Path(__file__).resolve().parent.parent


def _bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    assert found, "PostgreSQL's binaries (Debian's postgresql package) are missing"
    return Path(found[-1]).parent


def _as_owner(*command: str) -> subprocess.CompletedProcess:
    """Run a server command as `postgres` when root: PostgreSQL refuses root."""
    if os.geteuid() == 0:
        command = ("runuser", "-u", "postgres", "--", *command)
    return subprocess.run(command, check=True, capture_output=True, text=True, cwd="/")


CREATE = "CREATE DATABASE oppna"


def _url(socket: Path, port: int) -> str:
    return f"postgres://postgres@{str(socket).replace('/', '%2F')}:{port}/oppna"


@pytest.fixture(scope="module")
def primary_and_replica() -> Iterator[tuple[str, str]]:
    """Two servers on unix sockets of their own: a primary, and a standby made
    from it by pg_basebackup, streaming from it."""
    bin_ = _bin()
    # A short path `postgres` can enter (socket paths have a length limit).
    base = Path(tempfile.mkdtemp(prefix="ob-repl-", dir="/tmp"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
    primary, replica = base / "primary", base / "replica"
    sockets = {name: base / f"s-{name}" for name in ("primary", "replica")}
    _as_owner("mkdir", "-m", "700", str(sockets["primary"]), str(sockets["replica"]))
    _as_owner(
        str(bin_ / "initdb"),
        f"--pgdata={primary}",
        "--username=postgres",
        "--auth=trust",
        "--encoding=UTF8",
        "--locale=C.UTF-8",
    )
    settings = "listen_addresses='' fsync=off full_page_writes=off"
    started = []
    try:
        _as_owner(
            str(bin_ / "pg_ctl"),
            "start",
            "-w",
            "-D",
            str(primary),
            "-l",
            str(base / "primary.log"),
            "-o",
            f"-c {settings.replace(' ', ' -c ')} -p 5601 "
            f"-c unix_socket_directories={sockets['primary']}",
        )
        started.append(primary)
        psql = [str(bin_ / "psql"), "-h", str(sockets["primary"]), "-p", "5601"]
        _as_owner(
            *psql, "-U", "postgres", "-d", "postgres", "-c", "CREATE DATABASE oppna"
        )
        # --write-recovery-conf: the copy starts as a standby of the primary.
        _as_owner(
            str(bin_ / "pg_basebackup"),
            "-h",
            str(sockets["primary"]),
            "-p",
            "5601",
            "-U",
            "postgres",
            "-D",
            str(replica),
            "--write-recovery-conf",
            "--wal-method=stream",
            "--checkpoint=fast",
        )
        _as_owner(
            str(bin_ / "pg_ctl"),
            "start",
            "-w",
            "-D",
            str(replica),
            "-l",
            str(base / "replica.log"),
            "-o",
            f"-c {settings.replace(' ', ' -c ')} -p 5602 "
            f"-c unix_socket_directories={sockets['replica']} -c hot_standby=on",
        )
        started.append(replica)
        yield _url(sockets["primary"], 5601), _url(sockets["replica"], 5602)
    finally:
        for data in reversed(started):
            _as_owner(str(bin_ / "pg_ctl"), "stop", "-m", "immediate", "-D", str(data))
        shutil.rmtree(base, ignore_errors=True)


def _site(primary: str, replica: str, script: str) -> str:
    """Run a Python script in the site's settings against the pair."""
    env = {
        **os.environ,
        "DATABASE_URL": primary,
        "DATABASE_REPLICA_URLS": replica,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        # Static files from the source tree (no collectstatic manifest).
        "DEBUG": "true",
    }
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_readers_read_the_replica_and_everything_else_the_primary(
    primary_and_replica,
) -> None:
    primary, replica = primary_and_replica
    out = _site(
        primary,
        replica,
        """
        import time
        import django
        django.setup()
        from django.core.management import call_command
        from django.db import connections
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from decisions.models import Municipality

        call_command("migrate", verbosity=0)
        Municipality.objects.create(name="Replikeby kommun", slug="replikeby-kommun")
        replica = connections["replica1"]
        # A reader's page, from the standby once it has replayed the write.
        for _ in range(100):
            with CaptureQueriesContext(replica) as on_replica:
                page = Client().get("/replikeby-kommun/")
            if page.status_code == 200:
                break
            time.sleep(0.05)
        print("page", page.status_code, "Replikeby kommun" in page.content.decode())
        print("page on replica", len(on_replica) > 0)
        with replica.cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            print("standby", cursor.fetchone()[0])
        # The admin reads the primary: a clerk sees their own write at once.
        admin = get_user_model().objects.create_superuser("root", password="x")
        client = Client()
        client.force_login(admin)
        with CaptureQueriesContext(replica) as on_replica:
            listing = client.get("/admin/decisions/municipality/")
        print("admin", listing.status_code, "on replica", len(on_replica))
        """,
    )
    assert "page 200 True" in out
    assert "standby True" in out
    assert "page on replica True" in out
    assert "admin 200 on replica 0" in out


@mock.patch("portal.routers.replicas", return_value=["replica1", "replica2"])
def test_the_router_sends_only_readers_to_replicas(_) -> None:
    router = ReplicaRouter()
    assert router.db_for_read(None) == "default"
    seen = set()
    for _ in range(50):
        with reading_from_replicas():
            # One replica for the whole block, another maybe for the next.
            first = router.db_for_read(None)
            assert {router.db_for_read(None) for _ in range(5)} == {first}
            assert router.db_for_write(None) == "default"
            seen.add(first)
    assert seen == {"replica1", "replica2"}
    assert not router.allow_migrate("replica1", "decisions")
    assert router.allow_migrate("default", "decisions")


@mock.patch("portal.routers.replicas", return_value=["replica1"])
def test_admin_and_posts_are_never_read_from_replicas(_, rf) -> None:
    seen = []

    def view(request):
        seen.append(ReplicaRouter().db_for_read(None))
        return None

    middleware = ReadersOnReplicas(view)
    middleware(rf.get("/sok/?q=budget"))
    middleware(rf.get("/admin/decisions/paragraf/"))
    middleware(rf.post("/admin/decisions/upload/add/"))
    middleware(rf.post("/sok/"))
    assert seen == ["replica1", "default", "default", "default"]
