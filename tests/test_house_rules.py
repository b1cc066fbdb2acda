"""The house rules catch what they are for.

`make check` runs them on the tree: ruff's lint and format, the migrations
check, mypy with django-stubs ([tool.mypy]) and the layers' import contracts
([tool.importlinter]); `make test`, and so CI, runs it before pytest, and
.pre-commit-config.yaml before each commit. A check that is configured to
look at nothing passes as well as one that finds nothing, so these tests
plant a fault in a copy or a scratch file and see each check fail on it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CONFIG = ROOT / "pyproject.toml"


def run(
    tool: str, *args: str, cwd: Path = ROOT, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / tool), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class ScratchTestCase(SimpleTestCase):
    def scratch(self) -> Path:
        folder = Path(tempfile.mkdtemp(prefix="house-rules-"))
        self.addCleanup(shutil.rmtree, folder)
        return folder


class RuffTests(ScratchTestCase):
    def test_a_planted_lint_fault_fails_ruff_check(self):
        planted = self.scratch() / "planted.py"
        planted.write_text(
            "import os\n\n\ndef add(item, to=[]):\n    to.append(item)\n    return to\n"
        )
        done = run("ruff", "check", "--config", str(CONFIG), str(planted))
        self.assertEqual(done.returncode, 1, done.stdout + done.stderr)
        # An unused import (F) and a mutable default (B): the rule sets chosen.
        self.assertIn("F401", done.stdout)
        self.assertIn("B006", done.stdout)

    def test_planted_unformatted_code_fails_ruff_format_check(self):
        planted = self.scratch() / "planted.py"
        planted.write_text("x = {  'a':1 }\n")
        done = run("ruff", "format", "--check", "--config", str(CONFIG), str(planted))
        self.assertEqual(done.returncode, 1, done.stdout + done.stderr)


class TypeCheckTests(ScratchTestCase):
    def test_a_planted_type_error_fails_mypy(self):
        # A scratch module beside the tree, checked with the project's
        # configuration (and its cache). The second fault only the
        # django-stubs plugin, reading the models through portal.settings,
        # can see.
        planted = self.scratch() / "planted.py"
        planted.write_text(
            "from decisions.models import Paragraf\n"
            "\n"
            "\n"
            "def title(paragraf: Paragraf) -> int:\n"
            "    return paragraf.title\n"
            "\n"
            "\n"
            "def unknown() -> None:\n"
            "    Paragraf.objects.filter(no_such_field=1)\n"
        )
        done = run("mypy", "--config-file", str(CONFIG), str(planted))
        out = done.stdout + done.stderr
        self.assertEqual(done.returncode, 1, out)
        self.assertIn(
            'planted.py:5: error: Incompatible return value type (got "str"', out
        )
        self.assertIn(
            "planted.py:9: error: Cannot resolve keyword 'no_such_field'", out
        )


class LayerTests(ScratchTestCase):
    def test_a_planted_forbidden_import_breaks_a_contract(self):
        # A copy of the package whose parser imports Django, linted with
        # the project's contracts.
        copy = self.scratch()
        shutil.copy(CONFIG, copy / "pyproject.toml")
        shutil.copytree(
            ROOT / "decisions",
            copy / "decisions",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        parser = copy / "decisions" / "parser" / "__init__.py"
        parser.write_text(parser.read_text() + "\nimport django.db  # planted\n")
        done = run("lint-imports", "--no-cache", cwd=copy)
        out = done.stdout + done.stderr
        self.assertEqual(done.returncode, 1, out[-3000:])
        self.assertIn(
            "The parser and extraction are functions of bytes and text: no Django "
            "BROKEN",
            out,
        )


class PreCommitTests(SimpleTestCase):
    def test_pre_commit_runs_every_check_make_check_runs(self):
        makefile = (ROOT / "Makefile").read_text()
        match = re.search(r"^check:(.*)$", makefile, re.MULTILINE)
        assert match, "the Makefile has no check target"
        checks = match[1].split()
        config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
        entries = [hook["entry"] for repo in config["repos"] for hook in repo["hooks"]]
        self.assertEqual(entries, [f"make {check}" for check in checks])
        done = run("pre-commit", "validate-config", ".pre-commit-config.yaml")
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
