"""`make backup` and `make restore`: a dump restored into an empty database
holds every paragraph, and the uploaded files come back."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import psycopg
from django.db import connection
from django.test import TransactionTestCase

from decisions.models import Paragraf
from decisions.services import ingest as services
from tests.factories import SJOBACKA

ROOT = Path(__file__).resolve().parent.parent


def url(dbname: str) -> str:
    """A libpq URL for dbname on the test server (host may be a socket)."""
    config = connection.settings_dict
    host = (config["HOST"] or "").replace("/", "%2F")
    port = f":{config['PORT']}" if config["PORT"] else ""
    return f"postgres://{config['USER']}@{host}{port}/{dbname}"


def script(*args: str, **env: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [str(ROOT / "scripts" / "backup.sh"), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done


class BackupTests(TransactionTestCase):
    def setUp(self) -> None:
        for path in SJOBACKA:
            services.protocol_ingest(source_name=path.name, data=path.read_bytes())
        self.media = Path(tempfile.mkdtemp(prefix="oppna-media-"))
        (self.media / "protokoll" / "2024").mkdir(parents=True)
        (self.media / "protokoll" / "2024" / "ks.pdf").write_bytes(b"%PDF-1.7 ...")
        self.restored = f"{connection.settings_dict['NAME']}_restored"
        with self.server() as db:
            db.execute(f'DROP DATABASE IF EXISTS "{self.restored}"')
            db.execute(f'CREATE DATABASE "{self.restored}"')

    def tearDown(self) -> None:
        with self.server() as db:
            db.execute(f'DROP DATABASE IF EXISTS "{self.restored}" WITH (FORCE)')

    def server(self) -> psycopg.Connection:
        return psycopg.connect(url("postgres"), autocommit=True)

    def test_a_backup_restores_into_an_empty_database_whole(self):
        folder = Path(tempfile.mkdtemp(prefix="oppna-backup-")) / "b"
        database = url(connection.settings_dict["NAME"])
        script("backup", str(folder), DATABASE_URL=database, MEDIA_ROOT=str(self.media))
        self.assertEqual(
            sorted(p.name for p in folder.iterdir()),
            ["SHA256SUMS", "database.dump", "media.tar.gz"],
        )
        target = Path(tempfile.mkdtemp(prefix="oppna-media-restored-"))
        script(
            "restore",
            str(folder),
            DATABASE_URL=url(self.restored),
            MEDIA_ROOT=str(target),
        )
        numbers = set(Paragraf.objects.values_list("meeting__slug", "number"))
        with psycopg.connect(url(self.restored)) as db:
            restored = set(
                db.execute(
                    "SELECT m.slug, p.number FROM decisions_paragraf p"
                    " JOIN decisions_meeting m ON m.id = p.meeting_id"
                ).fetchall()
            )
            # Search works there too: its text search configuration came along.
            found = db.execute(
                "SELECT count(*) FROM decisions_paragraf"
                " WHERE lexemes @@ websearch_to_tsquery('swedish_unaccent', 'namnd')"
            ).fetchone()[0]
        self.assertEqual(restored, numbers)
        self.assertGreater(len(numbers), 40)
        self.assertGreater(found, 0)
        self.assertEqual(
            (target / "protokoll" / "2024" / "ks.pdf").read_bytes(), b"%PDF-1.7 ..."
        )

    def test_a_damaged_backup_is_refused_and_nothing_is_restored(self):
        folder = Path(tempfile.mkdtemp(prefix="oppna-backup-")) / "b"
        database = url(connection.settings_dict["NAME"])
        script("backup", str(folder), DATABASE_URL=database, MEDIA_ROOT=str(self.media))
        with (folder / "database.dump").open("r+b") as dump:
            dump.seek(100)
            dump.write(b"\x00\x00\x00")
        done = subprocess.run(
            [str(ROOT / "scripts" / "backup.sh"), "restore", str(folder)],
            env={**os.environ, "DATABASE_URL": url(self.restored)},
            capture_output=True,
            text=True,
        )
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("does not match its SHA256SUMS", done.stderr)
        with psycopg.connect(url(self.restored)) as db:
            tables = db.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            ).fetchone()[0]
        self.assertEqual(tables, 0)
