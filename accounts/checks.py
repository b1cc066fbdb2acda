"""A deployment check: production asks every staff user for a second factor."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def two_factor_in_production(**kwargs: Any) -> list[checks.CheckMessage]:
    if settings.PRODUCTION and not settings.REQUIRE_TWO_FACTOR:
        return [
            checks.Warning(
                "REQUIRE_TWO_FACTOR är avstängt i produktion: personalen loggar "
                "in i administrationen med bara ett lösenord.",
                hint="Ta bort REQUIRE_TWO_FACTOR=false ur miljön och ge varje "
                "personalkonto en enhet med manage.py totp_device ANVÄNDARNAMN.",
                id="accounts.W001",
            )
        ]
    return []
