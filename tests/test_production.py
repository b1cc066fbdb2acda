"""Running in public: production settings pass Django's deployment checks,
every response carries the security headers, health checks answer, each
request is a JSON log line with its id and timing, and a second web machine
finds everything the first left for a later request."""

from __future__ import annotations

import io
import json
import logging
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from email.message import Message
from http.cookies import SimpleCookie
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import OperationalError
from django.test import SimpleTestCase, TestCase, TransactionTestCase, override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from decisions.models import Meeting, Upload
from tests.factories import make_municipality, make_namnd
from tests.test_accounts import token
from tests.test_outage import database_url_for_tests, web_server

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


# -- two web machines ----------------------------------------------------------

PASSWORD = "protokoll-2024"
SOCIAL = ROOT / "samples" / "2024-05-21_socialnamnden.txt"


@dataclass
class Answer:
    status: int
    headers: Message
    body: str


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Browser:
    """A browser at one address, with its cookies, sent to whichever machine
    the load balancer picks: the machine's base URL is part of each call."""

    _opener = urllib.request.build_opener(_NoRedirects)

    def __init__(self, address: str = "192.0.2.10") -> None:
        self.address = address
        self.cookies: dict[str, str] = {}

    def get(self, url: str) -> Answer:
        return self._send(urllib.request.Request(url))

    def post(
        self, url: str, fields: dict[str, str], file: tuple[str, bytes] | None = None
    ) -> Answer:
        """POST a form with the CSRF token from the cookie; `file` as the
        form's "file" field, (name, data)."""
        fields = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **fields}
        if file is None:
            body = urllib.parse.urlencode(fields).encode()
            kind = "application/x-www-form-urlencoded"
        else:
            body, kind = _multipart(fields, *file)
        request = urllib.request.Request(url, data=body, method="POST")
        request.add_header("Content-Type", kind)
        return self._send(request)

    def sign_in(
        self, base: str, username: str, password: str, code: str = ""
    ) -> Answer:
        """The admin's login form, fetched and posted: 302 when signed in."""
        self.get(f"{base}/admin/login/")
        fields = {"username": username, "password": password, "otp_token": code}
        return self.post(f"{base}/admin/login/?next=/admin/", fields)

    def _send(self, request: urllib.request.Request) -> Answer:
        request.add_header("X-Forwarded-For", self.address)
        if self.cookies:
            request.add_header(
                "Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            )
        try:
            with self._opener.open(request, timeout=60) as response:
                answer = Answer(
                    response.status, response.headers, response.read().decode()
                )
        except urllib.error.HTTPError as error:
            answer = Answer(error.code, error.headers, error.read().decode())
        for line in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(line).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return answer


def _multipart(fields: dict[str, str], name: str, data: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body of fields and one file; its Content-Type."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
        f"{value}\r\n".encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{name}"\r\nContent-Type: text/plain\r\n\r\n'.encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _kept_pages(folder: Path) -> int:
    return sum(1 for path in folder.rglob("*") if path.is_file())


class TwoWebMachinesTests(TransactionTestCase):
    """Two web machines behind one load balancer, as docs/scaling.md adds
    them: each its own gunicorn and its own kept pages (/dev/shm), one
    database and one shared volume for uploads. Whatever a request leaves
    for a later one (a session and its second factor, failed logins, the
    search count, a clerk's draft and its file) is found by the other
    machine; what a machine keeps to itself (rendered pages) is never read
    once a change made on the other has moved the archive's validators."""

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()

        def folder() -> Path:
            return Path(cls.enterClassContext(tempfile.TemporaryDirectory()))

        cls.media, cls.pages_a, cls.pages_b = folder(), folder(), folder()
        shared = {
            "DATABASE_URL": database_url_for_tests(),
            "MEDIA_ROOT": str(cls.media),
            "OPEN_DATA_DIR": str(folder()),
            "REQUIRE_TWO_FACTOR": "true",
            "LOGIN_FAILURE_LIMIT": "3",
            "RATELIMIT_SEARCH": "3/h",
            "CLIENT_IP_HEADER": "X-Forwarded-For",
            "PAGE_CACHE": "on",
            # Only so that pages find their static files without a
            # collectstatic (whitenoise's manifest storage needs one).
            "DEBUG": "true",
        }
        cls.a = cls.enterClassContext(
            web_server(**shared, PAGE_CACHE_DIR=str(cls.pages_a))
        )
        cls.b = cls.enterClassContext(
            web_server(**shared, PAGE_CACHE_DIR=str(cls.pages_b))
        )

    def staff(self, username: str, **fields: bool) -> TOTPDevice:
        """A staff user with an authenticator app; their device."""
        get_user_model().objects.create_user(
            username, password=PASSWORD, is_staff=True, **fields
        )
        call_command("totp_device", username, stdout=io.StringIO())
        return TOTPDevice.objects.get(user__username=username)

    def test_a_session_begun_on_one_machine_holds_on_the_other(self):
        device = self.staff("anna")
        browser = Browser()
        code = token(device)
        self.assertEqual(browser.sign_in(self.a, "anna", PASSWORD, code).status, 302)

        # The other machine knows the session, and that its second factor
        # was given (the admin lets in no one else).
        self.assertEqual(browser.get(f"{self.b}/admin/").status, 200)
        # The code cannot be given again there: its use is in the database.
        replay = Browser("192.0.2.11")
        self.assertEqual(replay.sign_in(self.b, "anna", PASSWORD, code).status, 200)
        self.assertNotIn("sessionid", replay.cookies)
        # Signed out on one machine is signed out on both.
        self.assertEqual(browser.post(f"{self.b}/admin/logout/", {}).status, 200)
        self.assertEqual(browser.get(f"{self.a}/admin/").status, 302)

    def test_failed_logins_on_both_machines_count_together(self):
        self.staff("anna")
        first = Browser("192.0.2.21").sign_in(self.a, "anna", "fel")
        second = Browser("192.0.2.22").sign_in(self.b, "anna", "fel")
        self.assertEqual((first.status, second.status), (200, 200))

        third = Browser("192.0.2.23").sign_in(self.a, "anna", "fel")
        self.assertEqual(third.status, 429)
        self.assertIn("För många misslyckade inloggningar", third.body)
        # Locked on the other machine too, from a new address.
        locked = Browser("192.0.2.24").sign_in(self.b, "anna", PASSWORD)
        self.assertEqual(locked.status, 429)

    def test_the_search_limit_counts_hits_on_both_machines_together(self):
        # The limit counts per hour from the hour: not across one.
        left = 3600 - time.time() % 3600
        if left < 30:
            time.sleep(left + 1)
        reader = Browser("203.0.113.9")
        statuses = [
            reader.get(f"{base}/sok/?q=ord{n}").status
            for n, base in enumerate([self.a, self.b, self.a, self.b])
        ]

        self.assertEqual(statuses, [200, 200, 200, 429])
        other = Browser("203.0.113.10")
        self.assertEqual(other.get(f"{self.a}/sok/?q=ord").status, 200)

    def test_a_protocol_uploaded_on_one_machine_is_published_from_the_other(self):
        town = make_municipality("Sjöbacka kommun")
        namnd = make_namnd(
            "Socialnämnden", municipality=town, handles_individual_cases=True
        )
        device = self.staff("anna", is_superuser=True)
        clerk, reader = Browser(), Browser("198.51.100.5")
        namnd_page = namnd.get_absolute_url()
        # Each machine renders the board's page, without the meeting, and
        # keeps it.
        before = {}
        for base, kept in ((self.a, self.pages_a), (self.b, self.pages_b)):
            before[base] = reader.get(base + namnd_page)
            self.assertEqual(before[base].status, 200)
            self.assertNotIn("/2024-05-21/", before[base].body)
            self.assertGreater(_kept_pages(kept), 0)

        self.assertEqual(
            clerk.sign_in(self.a, "anna", PASSWORD, token(device)).status, 302
        )
        data = SOCIAL.read_bytes()
        fields = {"namnd": str(namnd.pk), "meeting_date": "2024-05-21"}
        uploaded = clerk.post(
            f"{self.a}/admin/decisions/upload/add/", fields, (SOCIAL.name, data)
        )
        self.assertEqual(uploaded.status, 302, uploaded.body[:2000])
        draft = Upload.objects.get()
        # The file is on the volume both machines share; the draft is in the
        # database, where the other machine shows it for review.
        self.assertEqual((self.media / draft.file.name).read_bytes(), data)
        review = clerk.get(self.b + uploaded.headers["Location"])
        self.assertEqual(review.status, 200)
        self.assertIn(SOCIAL.name, review.body)

        published = clerk.post(self.b + uploaded.headers["Location"], {"_publish": "1"})
        self.assertEqual(published.status, 302)
        meeting = Meeting.objects.get()
        self.assertEqual(published.headers["Location"], meeting.get_absolute_url())
        # The machine that kept the board's page before shows the meeting.
        after = reader.get(self.a + namnd_page)
        self.assertEqual(after.status, 200)
        self.assertIn(meeting.get_absolute_url(), after.body)
        self.assertNotEqual(after.headers["ETag"], before[self.a].headers["ETag"])
