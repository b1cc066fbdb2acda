"""A staff user's login in real Chromium when two factors are required:
password and the code from their authenticator app, through the admin's form."""

import io
import re
from base64 import b32decode
from urllib.parse import parse_qs, urlparse

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_otp.oath import totp
from playwright.sync_api import Page

from tests.test_browser import wcag_violations


def test_a_staff_user_logs_in_with_password_and_one_time_code(
    live_server, transactional_db, page: Page, settings
) -> None:
    settings.REQUIRE_TWO_FACTOR = True
    # No pause after the wrong code (django-otp's throttling is tested apart).
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    get_user_model().objects.create_user(
        "anna", password="protokoll-2024", is_staff=True, is_superuser=True
    )
    out = io.StringIO()
    call_command("totp_device", "anna", stdout=out)
    # What the user's app does with the printed address.
    url = re.search(r"otpauth://\S+", out.getvalue())[0]
    key = b32decode(parse_qs(urlparse(url).query)["secret"][0])

    page.goto(live_server.url + "/admin/")
    page.get_by_label("Användarnamn").fill("anna")
    page.get_by_label("Lösenord").fill("protokoll-2024")
    page.get_by_label("Engångskod").fill(f"{(totp(key) + 1) % 10**6:06d}")
    page.get_by_role("button", name="Logga in").click()
    page.get_by_text("Fel engångskod").wait_for()
    assert wcag_violations(page) == []

    page.get_by_label("Lösenord").fill("protokoll-2024")
    page.get_by_label("Engångskod").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(live_server.url + "/admin/")
    assert page.get_by_role("heading", name="Arkivet").is_visible()
