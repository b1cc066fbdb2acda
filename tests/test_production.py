"""Running in public: production settings pass Django's deployment checks,
every response carries the security headers, health checks answer, and each
request is a JSON log line with its id and timing."""

from __future__ import annotations

import io
import json
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

from django.db import OperationalError
from django.test import SimpleTestCase, TestCase, override_settings

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Not the test run's own: the browser tests need async-unsafe ORM calls.
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "oppnabeslut.example",
    "DEBUG": "false",
}


class DeploymentChecksTests(SimpleTestCase):
    def test_production_settings_pass_check_deploy(self):
        done = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertIn("no issues", done.stdout)

    def test_production_asks_staff_for_a_second_factor(self):
        done = manage(
            "shell",
            "-c",
            "from django.conf import settings; from django.contrib import admin; "
            "print(settings.REQUIRE_TWO_FACTOR, admin.site.login_form.__name__)",
            **PRODUCTION,
        )
        self.assertEqual(done.stdout.split()[-2:], ["True", "TwoFactorLoginForm"])
        # Turned off, the deployment checks say so.
        done = manage(
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            **{**PRODUCTION, "REQUIRE_TWO_FACTOR": "false"},
        )
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("accounts.W001", done.stderr)

    def test_production_refuses_to_start_without_a_secret_key(self):
        for missing in ("SECRET_KEY", "ALLOWED_HOSTS"):
            with self.subTest(missing=missing):
                env = {**PRODUCTION, missing: ""}
                done = manage("check", **env)
                self.assertNotEqual(done.returncode, 0)
                self.assertIn("DJANGO_ENV=production needs SECRET_KEY", done.stderr)

    def test_production_refuses_debug(self):
        done = manage("check", **{**PRODUCTION, "DEBUG": "true"})
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("DEBUG off", done.stderr)


class SecurityHeaderTests(TestCase):
    def test_every_page_kind_carries_the_security_headers(self):
        for url in ("/", "/sok/?q=budget", "/api/v1/kommuner/", "/healthz", "/nej/"):
            with self.subTest(url=url):
                response = self.client.get(url)
                csp = response["Content-Security-Policy"]
                self.assertIn("default-src 'self'", csp)
                self.assertIn("frame-ancestors 'none'", csp)
                self.assertNotIn("unsafe-inline", csp)
                self.assertEqual(response["X-Frame-Options"], "DENY")
                self.assertEqual(response["X-Content-Type-Options"], "nosniff")
                self.assertEqual(
                    response["Referrer-Policy"], "strict-origin-when-cross-origin"
                )
                self.assertEqual(response["Cross-Origin-Opener-Policy"], "same-origin")
                self.assertIn("camera=()", response["Permissions-Policy"])

    @override_settings(SECURE_HSTS_SECONDS=31_536_000, SECURE_SSL_REDIRECT=True)
    def test_https_only_redirects_and_sends_hsts(self):
        plain = self.client.get("/")
        self.assertEqual(plain.status_code, 301)
        self.assertTrue(plain["Location"].startswith("https://"))
        secure = self.client.get("/", secure=True)
        self.assertIn("max-age=31536000", secure["Strict-Transport-Security"])
        # A load balancer checks health over plain HTTP.
        self.assertEqual(self.client.get("/healthz").status_code, 200)


class HealthTests(TestCase):
    def test_healthz_answers_without_the_database(self):
        with mock.patch(
            "django.db.backends.utils.CursorWrapper.execute",
            side_effect=OperationalError("down"),
        ):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok"})
        self.assertIn("no-cache", response["Cache-Control"])

    def test_readyz_says_the_database_is_reachable_and_migrated(self):
        response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json(), {"status": "ok", "database": "ok", "migrations": "ok"}
        )

    def test_readyz_is_unavailable_without_the_database(self):
        with mock.patch(
            "django.db.backends.utils.CursorWrapper.execute",
            side_effect=OperationalError("down"),
        ):
            response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["database"], "unreachable: OperationalError")

    def test_readyz_is_unavailable_with_migrations_pending(self):
        with (
            mock.patch("portal.health._migrated", False),
            mock.patch(
                "django.db.migrations.executor.MigrationExecutor.migration_plan",
                return_value=[
                    (SimpleNamespace(app_label="decisions", name="0099_x"), False)
                ],
            ),
        ):
            response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(
            response.json()["migrations"], "1 not applied: decisions.0099_x"
        )


class RequestLogTests(TestCase):
    def lines(self, *args, **headers) -> tuple[list[dict], object]:
        """The request log's lines for one GET, formatted as in production."""
        from pythonjsonlogger.json import JsonFormatter

        from portal.middleware import RequestIdFilter

        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"
            )
        )
        handler.addFilter(RequestIdFilter())
        logger = logging.getLogger("portal.request")
        logger.addHandler(handler)
        try:
            response = self.client.get(*args, headers=headers)
        finally:
            logger.removeHandler(handler)
        return [json.loads(line) for line in stream.getvalue().splitlines()], response

    def test_each_request_is_one_json_line_with_its_id_and_timing(self):
        lines, response = self.lines("/sok/?q=budget")
        (line,) = lines
        self.assertEqual(line["request_id"], response["X-Request-ID"])
        self.assertEqual(len(line["request_id"]), 32)
        self.assertEqual(line["status"], 200)
        self.assertEqual(line["path"], "/sok/")
        self.assertEqual(line["method"], "GET")
        self.assertIsInstance(line["duration_ms"], float)
        self.assertGreater(line["duration_ms"], 0)

    def test_a_proxys_request_id_is_kept_and_a_hostile_one_replaced(self):
        lines, response = self.lines("/", **{"X-Request-ID": "lb-1234abcd"})
        self.assertEqual(response["X-Request-ID"], "lb-1234abcd")
        self.assertEqual(lines[0]["request_id"], "lb-1234abcd")
        hostile = '<script>"\nX-Evil: 1'
        lines, response = self.lines("/", **{"X-Request-ID": hostile})
        self.assertNotEqual(response["X-Request-ID"], hostile)
        self.assertRegex(response["X-Request-ID"], r"^[0-9a-f]{32}$")


class StatelessTierTests(SimpleTestCase):
    def test_gunicorn_is_configured_for_the_machine(self):
        done = subprocess.run(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "-c",
                "gunicorn.conf.py",
                "--check-config",
                "--print-config",
                "portal.wsgi",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            env={k: v for k, v in os.environ.items() if k != "WEB_CONCURRENCY"},
        )
        self.assertEqual(done.returncode, 0, done.stderr)
        config = {
            name.strip(): value.strip()
            for name, _, value in (
                line.partition(" = ") for line in done.stdout.splitlines()
            )
        }
        self.assertEqual(int(config["workers"]), os.cpu_count() * 2 + 1)
        self.assertEqual(int(config["timeout"]), 30)
        self.assertGreater(int(config["max_requests"]), 0)
        self.assertEqual(config["preload_app"], "True")

    def test_no_state_lives_in_a_web_process(self):
        from django.conf import settings

        # Sessions in the database; uploads in Django's storage.
        self.assertEqual(settings.SESSION_ENGINE, "django.contrib.sessions.backends.db")
        self.assertIn("default", settings.STORAGES)
