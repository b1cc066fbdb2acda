"""How django-axes sees a login attempt's address, and what a locked-out
login gets (portal/settings.py names both)."""

from __future__ import annotations

import ipaddress
from typing import Any

from axes.helpers import get_cool_off, get_failure_limit
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from portal.ratelimit import client


def client_address(request: HttpRequest) -> str | None:
    """The address the rate limits count (portal.ratelimit.client: the last
    one in CLIENT_IP_HEADER, so a client cannot name another first; an IPv6
    client by its /64), written as one address for axes' address column;
    None when there is no address to read."""
    try:
        return str(ipaddress.ip_network(client(request), strict=False)[0])
    except ValueError:
        return None


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page a locked-out login gets, in the admin's look: 429, saying
    when to try again (each try while locked starts the cool-off again)."""
    cool_off = get_cool_off(request)
    assert cool_off is not None  # settings.AXES_COOLOFF_TIME is a timedelta
    context = {
        **admin.site.each_context(request),
        "title": "Inloggningen är spärrad",
        "failure_limit": get_failure_limit(request, credentials),
        "minutes": round(cool_off.total_seconds() / 60),
        "until": timezone.localtime() + cool_off,
    }
    response = render(request, "accounts/locked_out.html", context, status=429)
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    response["Cache-Control"] = "no-store"
    return response
