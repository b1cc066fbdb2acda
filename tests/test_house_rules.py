"""The checks a change must pass besides its tests, run as tests so that
`make test` (and CI, which runs only that) fails on them too: ruff's lint and
format, the layers' import contracts (pyproject.toml, [tool.importlinter]),
and models that match their migrations."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command
from django.test import SimpleTestCase, TestCase

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / tool), *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


class RuffTests(SimpleTestCase):
    def test_ruff_finds_nothing_to_fix(self):
        done = run("ruff", "check", ".")
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)

    def test_every_file_is_formatted_as_ruff_formats_it(self):
        done = run("ruff", "format", "--check", ".")
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)


class LayerTests(SimpleTestCase):
    def test_every_import_contract_is_kept(self):
        # The parser and extraction import no Django; models no pages,
        # writes or admin; pages, feeds and the API no parser and no write;
        # writes no template tags. Indirect imports count.
        done = run("lint-imports", "--no-cache")
        self.assertEqual(done.returncode, 0, done.stdout[-3000:] + done.stderr)


class MigrationTests(TestCase):
    def test_the_models_and_their_migrations_agree(self):
        out = io.StringIO()
        try:
            call_command("makemigrations", "--check", "--dry-run", stdout=out)
        except SystemExit:
            self.fail(f"models changed without a migration:\n{out.getvalue()}")
