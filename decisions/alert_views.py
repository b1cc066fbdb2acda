"""The pages an alert's signed links open (decisions.services.alerts): one
to confirm a subscription, one to end it. Each asks with a button before
it acts, as a link scanner that opens every link in a message must not
confirm or end anything; RFC 8058's one-click POST ends at once."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .models import Subscription
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


def _signed(
    request: HttpRequest,
    token: str,
    *,
    confirming: bool,
    act: Callable[[str], Subscription],
    asking: str,
    done: str,
) -> HttpResponse:
    """A signed link's page: on POST act on the subscription (the service
    checks the link), else ask with a button, or say it is done already."""
    try:
        if request.method == "POST":
            return _page(request, done, act(token).label)
        subscription = alerts.subscription_of(token, confirming=confirming)
    except alerts.BadLink:
        return _page(request, "bad", status=404)
    finished = confirming and subscription.confirmed_at is not None
    return _page(request, done if finished else asking, subscription.label)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def alert_confirm(request: HttpRequest, token: str) -> HttpResponse:
    return _signed(
        request,
        token,
        confirming=True,
        act=alerts.subscription_confirm,
        asking="confirm",
        done="confirmed",
    )


# A mail client's one-click unsubscribe carries no CSRF token: the signed
# link is the authority, and ending a subscription harms no one else.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def alert_end(request: HttpRequest, token: str) -> HttpResponse:
    return _signed(
        request,
        token,
        confirming=False,
        act=alerts.subscription_end,
        asking="end",
        done="ended",
    )
