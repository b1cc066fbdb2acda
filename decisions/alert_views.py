"""The pages an alert's signed links open (decisions.services.alerts): one
to confirm a subscription, one to end it. Each asks with a button before
it acts, as a link scanner that opens every link in a message must not
confirm or end anything; RFC 8058's one-click POST ends at once."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .services import alerts


def _page(
    request: HttpRequest, state: str, label: str = "", status: int = 200
) -> HttpResponse:
    return render(
        request,
        "decisions/alert.html",
        {"state": state, "label": label},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def alert_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscription = alerts.subscription_of(token, confirming=True)
    except alerts.BadLink:
        return _page(request, "bad", status=404)
    if request.method == "POST":
        alerts.subscription_confirm(token)
        return _page(request, "confirmed", subscription.label)
    if subscription.confirmed_at is not None:
        return _page(request, "confirmed", subscription.label)
    return _page(request, "confirm", subscription.label)


# A mail client's one-click unsubscribe carries no CSRF token: the signed
# link is the authority, and ending a subscription harms no one else.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def alert_end(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscription = alerts.subscription_of(token, confirming=False)
    except alerts.BadLink:
        return _page(request, "bad", status=404)
    if request.method == "POST":
        alerts.subscription_end(token)
        return _page(request, "ended", subscription.label)
    return _page(request, "end", subscription.label)
