"""Staff logins: failed logins lock a username and an address (django-axes,
counted in PostgreSQL), and with REQUIRE_TWO_FACTOR (production) the admin
wants a code from the user's TOTP device as well as the password."""

from __future__ import annotations

import io
import re
from base64 import b32decode
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import TestCase, override_settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import make_municipality, make_namnd

PASSWORD = "protokoll-2024"
LOGIN = "/admin/login/?next=/admin/"


def make_staff(username: str) -> object:
    return get_user_model().objects.create_user(
        username, password=PASSWORD, is_staff=True
    )


class LoginClient:
    """Posts the admin's login form, as a browser at an address would."""

    def login(
        self, username: str, password: str, address: str = "192.0.2.10", **fields
    ):
        return self.client.post(
            LOGIN,
            {"username": username, "password": password, **fields},
            REMOTE_ADDR=address,
            headers=fields.pop("headers", {}),
        )

    def assertLockedOut(self, response) -> None:
        self.assertEqual(response.status_code, 429)
        self.assertContains(
            response, "För många misslyckade inloggningar", status_code=429
        )
        self.assertContains(response, "Försök igen efter kl.", status_code=429)
        self.assertEqual(response["Retry-After"], "900")
        self.assertEqual(response["Cache-Control"], "no-store")
        self.assertNotIn("_auth_user_id", self.client.session)

    def assertLoggedIn(self, response) -> None:
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)
        self.assertIn("_auth_user_id", self.client.session)
        self.client.logout()


@override_settings(
    AXES_FAILURE_LIMIT=3, AXES_COOLOFF_TIME=timedelta(minutes=15), CLIENT_IP_HEADER=""
)
class LockoutTests(LoginClient, TestCase):
    @classmethod
    def setUpTestData(cls):
        for username in ("anna", "bertil", "cilla"):
            make_staff(username)

    def test_wrong_passwords_for_one_user_lock_that_user_from_every_address(self):
        for n in range(2):
            wrong = self.login("anna", "fel", f"192.0.2.{n + 1}")
            self.assertEqual(wrong.status_code, 200)
        self.assertLockedOut(self.login("anna", "fel", "192.0.2.3"))
        # The right password, from a fresh address, is refused too.
        self.assertLockedOut(self.login("anna", PASSWORD, "198.51.100.9"))
        # Others at that address are not locked.
        self.assertLoggedIn(self.login("bertil", PASSWORD, "198.51.100.9"))

    def test_wrong_passwords_from_one_address_lock_that_address(self):
        for username in ("anna", "bertil"):
            self.assertEqual(self.login(username, "fel", "192.0.2.50").status_code, 200)
        self.assertLockedOut(self.login("nobody", "fel", "192.0.2.50"))
        self.assertLockedOut(self.login("cilla", PASSWORD, "192.0.2.50"))
        self.assertLoggedIn(self.login("cilla", PASSWORD, "192.0.2.51"))

    def test_a_success_before_the_limit_clears_no_failures_of_its_address(self):
        # An attacker who has one account of their own cannot log in with it
        # between guesses to start the address's count again.
        self.login("anna", "fel1", "192.0.2.60")
        self.login("bertil", "fel2", "192.0.2.60")
        self.assertLoggedIn(self.login("cilla", PASSWORD, "192.0.2.60"))
        self.assertLockedOut(self.login("anna", "fel3", "192.0.2.60"))

    def test_attempts_are_kept_in_postgresql_without_the_secrets(self):
        self.assertEqual(connection.vendor, "postgresql")
        self.login("anna", "hemligt-fel", "192.0.2.70", otp_token="123456")
        self.login("anna", "hemligt-fel", "192.0.2.70")
        (attempt,) = AccessAttempt.objects.filter(username="anna")
        self.assertEqual(attempt.ip_address, "192.0.2.70")
        self.assertEqual(attempt.failures_since_start, 2)
        self.assertNotIn("hemligt-fel", attempt.post_data)
        self.assertNotIn("123456", attempt.post_data)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sum(failures_since_start) FROM axes_accessattempt"
                " WHERE username = %s",
                ["anna"],
            )
            self.assertEqual(cursor.fetchone(), (2,))

    @override_settings(CLIENT_IP_HEADER="X-Forwarded-For")
    def test_behind_a_proxy_a_forged_address_does_not_escape_the_lock(self):
        proxy = "10.0.0.1"
        for n, username in enumerate(("anna", "bertil", "cilla")):
            forged = {"X-Forwarded-For": f"203.0.113.{n}, 198.51.100.7"}
            last = self.login(username, "fel", proxy, headers=forged)
        self.assertLockedOut(last)
        self.assertEqual(
            set(AccessAttempt.objects.values_list("ip_address", flat=True)),
            {"198.51.100.7"},
        )
        other = {"X-Forwarded-For": "198.51.100.8"}
        self.assertLoggedIn(self.login("bertil", PASSWORD, proxy, headers=other))

    def test_ipv6_addresses_are_locked_by_their_64(self):
        for host in range(1, 4):
            last = self.login(f"user{host}", "fel", f"2001:db8:1:2::{host}")
        self.assertLockedOut(last)
        self.assertLoggedIn(self.login("anna", PASSWORD, "2001:db8:1:3::1"))

    def test_the_lock_ends_after_the_cool_off_or_with_axes_reset(self):
        for _ in range(3):
            self.login("anna", "fel")
        self.assertLockedOut(self.login("anna", PASSWORD, "198.51.100.1"))
        AccessAttempt.objects.update(
            attempt_time=timezone.now() - timedelta(minutes=16)
        )
        self.assertLoggedIn(self.login("anna", PASSWORD, "198.51.100.1"))
        for _ in range(3):
            self.login("anna", "fel")
        call_command("axes_reset", stdout=io.StringIO())
        self.assertLoggedIn(self.login("anna", PASSWORD, "198.51.100.1"))


def token(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the user's app shows now, or that many steps (30 s) later."""
    t0 = device.t0 - steps_ahead * device.step
    return f"{totp(device.bin_key, device.step, t0, device.digits):06d}"


@override_settings(REQUIRE_TWO_FACTOR=True, OTP_TOTP_THROTTLE_FACTOR=0)
class TwoFactorTests(LoginClient, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.anna = make_staff("anna")
        cls.bertil = make_staff("bertil")

    def enrol(self, username: str, *args: str) -> tuple[str, TOTPDevice]:
        out = io.StringIO()
        call_command("totp_device", username, *args, stdout=out)
        return out.getvalue(), TOTPDevice.objects.get(user__username=username)

    def test_a_staff_user_without_a_device_cannot_reach_the_admin(self):
        self.client.force_login(self.bertil)
        self.assertRedirects(
            self.client.get("/admin/"),
            "/admin/login/?next=/admin/",
            fetch_redirect_response=False,
        )
        self.client.logout()
        response = self.login("bertil", PASSWORD)
        self.assertContains(response, "Kontot har ingen enhet för engångskoder")
        self.assertContains(response, "manage.py totp_device bertil")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_staff_user_logs_in_with_the_code_of_their_device_only(self):
        output, device = self.enrol("anna")
        # The app is set up from the printed address; the code comes from it.
        url = re.search(r"otpauth://\S+", output)[0]
        secret = parse_qs(urlparse(url).query)["secret"][0]
        self.assertEqual(b32decode(secret), device.bin_key)
        self.assertIn(secret, output)

        self.assertContains(self.login("anna", PASSWORD), "Skriv engångskoden")
        wrong = self.login("anna", PASSWORD, otp_token=token(device, steps_ahead=5))
        self.assertContains(wrong, "Fel engångskod")
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertContains(
            self.login("bertil", PASSWORD, otp_token=token(device)),
            "Kontot har ingen enhet",
        )

        code = token(device)
        self.assertLoggedIn(self.login("anna", PASSWORD, otp_token=code))
        # The same code does not serve twice.
        again = self.login("anna", PASSWORD, otp_token=code)
        self.assertContains(again, "Fel engångskod")

    @override_settings(OTP_TOTP_THROTTLE_FACTOR=60)
    def test_a_wrong_code_makes_the_device_wait_before_the_next(self):
        # The password is counted by axes; codes are guessed against the
        # device, which waits 60 s, then 120 s, ... after each wrong one.
        _, device = self.enrol("anna")
        self.login("anna", PASSWORD, otp_token=token(device, steps_ahead=5))
        refused = self.login("anna", PASSWORD, otp_token=token(device))
        self.assertContains(refused, "Engångskoden är spärrad en stund")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_verified_user_reaches_the_admin(self):
        _, device = self.enrol("anna")
        response = self.login("anna", PASSWORD, otp_token=token(device))
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/admin/").status_code, 200)

    def test_the_login_page_asks_for_the_code(self):
        response = self.client.get("/admin/login/")
        self.assertContains(response, "Engångskod")
        self.assertContains(response, 'autocomplete="one-time-code"')

    @override_settings(REQUIRE_TWO_FACTOR=False)
    def test_without_the_setting_a_password_is_enough(self):
        self.assertLoggedIn(self.login("bertil", PASSWORD))
        self.client.force_login(self.bertil)
        self.assertEqual(self.client.get("/admin/").status_code, 200)


class TotpDeviceCommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.anna = make_staff("anna")
        get_user_model().objects.create_user("reader", password=PASSWORD)

    def test_it_makes_one_confirmed_device_and_replaces_it_only_when_asked(self):
        out = io.StringIO()
        call_command("totp_device", "anna", stdout=out)
        first = TOTPDevice.objects.get(user=self.anna)
        self.assertTrue(first.confirmed)
        self.assertIn(
            "otpauth://totp/%C3%96ppna%20beslut%3Aanna?secret=", out.getvalue()
        )
        with self.assertRaisesMessage(CommandError, "--replace"):
            call_command("totp_device", "anna", stdout=io.StringIO())
        call_command("totp_device", "anna", "--replace", stdout=io.StringIO())
        (second,) = TOTPDevice.objects.filter(user=self.anna)
        self.assertNotEqual(second.key, first.key)

    def test_it_refuses_unknown_users_and_non_staff(self):
        for username in ("nobody", "reader"):
            with self.subTest(username=username), self.assertRaises(CommandError):
                call_command("totp_device", username, stdout=io.StringIO())

    def test_it_draws_a_qr_code_on_a_terminal(self):
        class Terminal(io.StringIO):
            def isatty(self) -> bool:
                return True

        out = Terminal()
        call_command("totp_device", "anna", stdout=out)
        self.assertRegex(out.getvalue(), "[█▀▄]{10}")

    def test_create_clerk_says_how_to_enrol(self):
        town = make_municipality("Sjöbacka kommun")
        make_namnd("Socialnämnden", municipality=town)
        out = io.StringIO()
        call_command(
            "create_clerk", "cilla", namnd="Sjöbacka kommun/Socialnämnden", stdout=out
        )
        self.assertIn("manage.py totp_device cilla", out.getvalue())
