"""The admin site: Django's, with a second factor when REQUIRE_TWO_FACTOR is
on (production)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest

from .forms import TwoFactorLoginForm


class AdminSite(admin.AdminSite):
    """With REQUIRE_TWO_FACTOR, only a staff user verified by a TOTP device
    gets in (django_otp.admin.OTPAdminSite does the same, but always); read
    per request, so the tests can turn it on and off."""

    # Properties where AdminSite has attributes: nothing assigns them.
    @property
    def login_form(self) -> Any:  # type: ignore[override]
        return TwoFactorLoginForm if settings.REQUIRE_TWO_FACTOR else None

    @property
    def login_template(self) -> str | None:  # type: ignore[override]
        return "accounts/login.html" if settings.REQUIRE_TWO_FACTOR else None

    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        if not settings.REQUIRE_TWO_FACTOR:
            return True
        # Set by django_otp's middleware; without it, no one is verified.
        is_verified = getattr(request.user, "is_verified", None)
        return bool(is_verified and is_verified())
