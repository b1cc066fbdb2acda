"""E-mail alerts (Bevaka): subscribing with double opt-in, confirming,
unsubscribing, and an address's data on request.

An address gets nothing but a confirmation message until it confirms the
subscription, and an unconfirmed one is deleted after UNCONFIRMED. Every
link a message carries is signed (django.core.signing), so no account or
password is needed: a confirmation link expires with the subscription, an
unsubscribe link never does (RFC 8058's one-click POST must always work).
The address and its subscriptions are the only personal data kept; ending
the last subscription deletes the address.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from ..models import (
    Member,
    Municipality,
    Paragraf,
    ParagrafQuerySet,
    Subscriber,
    Subscription,
)
from ..search import ParagrafFilter
from ..site import absolute

# How long an unconfirmed subscription, and its confirmation link, lives.
UNCONFIRMED = datetime.timedelta(hours=48)
_CONFIRM = "decisions.alerts.confirm"
_UNSUBSCRIBE = "decisions.alerts.unsubscribe"


class BadLink(ValueError):
    """A signed link that is forged, expired or of something gone."""


def normalized(email: str) -> str:
    """The address as kept: trimmed, its domain in lower case (the local part
    is the mail server's to read, RFC 5321)."""
    local, _, domain = email.strip().rpartition("@")
    return f"{local}@{domain.lower()}"


def subscription_subscribe(
    *, email: str, kind: str, target: dict[str, Any], label: str, frequency: str
) -> Subscription:
    """Keep an unconfirmed subscription of email (or the one it has) and
    queue its confirmation message once the transaction commits."""
    with transaction.atomic():
        address = normalized(email)
        subscriber = _subscriber(address) or Subscriber.objects.create(email=address)
        subscription, created = Subscription.objects.get_or_create(
            subscriber=subscriber,
            kind=kind,
            target=target,
            defaults={"label": label, "frequency": frequency},
        )
        if subscription.confirmed_at is None:
            # Imported here: the task module imports this one.
            from ..tasks import send_confirmation

            transaction.on_commit(
                lambda: send_confirmation.defer(subscription_id=subscription.pk)
            )
    return subscription


def confirm_token(subscription: Subscription) -> str:
    return signing.dumps(subscription.pk, salt=_CONFIRM)


def unsubscribe_token(subscription: Subscription) -> str:
    return signing.dumps(subscription.pk, salt=_UNSUBSCRIBE)


def _signed(token: str, salt: str, max_age: datetime.timedelta | None) -> Any:
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature as exc:
        raise BadLink(str(exc)) from exc


def subscription_of(token: str, *, confirming: bool) -> Subscription:
    """The subscription a signed link names, or BadLink."""
    pk = (
        _signed(token, _CONFIRM, UNCONFIRMED)
        if confirming
        else _signed(token, _UNSUBSCRIBE, None)
    )
    found = Subscription.objects.select_related("subscriber").filter(pk=pk).first()
    if found is None:
        raise BadLink("no such subscription")
    return found


def subscription_confirm(token: str) -> Subscription:
    """Confirm the subscription a confirmation link names: from now on it is
    sent what is published after this moment, never what came before."""
    with transaction.atomic():
        subscription = subscription_of(token, confirming=True)
        if subscription.confirmed_at is None:
            subscription.confirmed_at = timezone.now()
            last = Paragraf.objects.order_by("-pk").values_list("pk", flat=True)
            subscription.watermark = last.first() or 0
            subscription.save(update_fields=["confirmed_at", "watermark"])
    return subscription


def subscription_end(token: str) -> Subscription:
    """End the subscription an unsubscribe link names; the address goes too
    when it was its last. Return the subscription ended (no longer kept)."""
    with transaction.atomic():
        subscription = subscription_of(token, confirming=False)
        subscriber = subscription.subscriber
        subscription.delete()
        if not subscriber.subscriptions.exists():
            subscriber.delete()
    return subscription


def purge_unconfirmed(now: datetime.datetime | None = None) -> int:
    """Delete subscriptions left unconfirmed past UNCONFIRMED, and addresses
    left with none; return how many subscriptions went."""
    now = now or timezone.now()
    with transaction.atomic():
        deleted, _ = Subscription.objects.filter(
            confirmed_at=None, created_at__lt=now - UNCONFIRMED
        ).delete()
        Subscriber.objects.filter(subscriptions=None).delete()
    return deleted


def _subscriber(email: str) -> Subscriber | None:
    """The address as kept, however it is typed now."""
    return Subscriber.objects.filter(email__iexact=normalized(email)).first()


def address_export(email: str) -> dict[str, Any] | None:
    """Everything kept of an address, as it would be handed to its owner."""
    subscriber = _subscriber(email)
    if subscriber is None:
        return None
    return {
        "email": subscriber.email,
        "created_at": subscriber.created_at.isoformat(),
        "subscriptions": [
            {
                "kind": s.kind,
                "target": s.target,
                "label": s.label,
                "frequency": s.frequency,
                "created_at": s.created_at.isoformat(),
                "confirmed_at": s.confirmed_at.isoformat() if s.confirmed_at else None,
                "last_sent_at": s.last_sent_at.isoformat() if s.last_sent_at else None,
            }
            for s in subscriber.subscriptions.order_by("pk")
        ],
    }


def address_delete(email: str) -> bool:
    """Delete an address and all its subscriptions; whether it was kept."""
    deleted, _ = Subscriber.objects.filter(email__iexact=normalized(email)).delete()
    return deleted > 0


def confirmation_message(subscription: Subscription) -> EmailMessage:
    """The one message an unconfirmed address is ever sent: what it asked to
    follow, the link that confirms it, and the one that ends it."""
    confirm = absolute(
        reverse("decisions:alert_confirm", args=[confirm_token(subscription)])
    )
    end = absolute(
        reverse("decisions:alert_end", args=[unsubscribe_token(subscription)])
    )
    body = (
        f"Någon, kanske du, bad Öppna beslut att bevaka: {subscription.label}.\n\n"
        f"Bekräfta inom 48 timmar, så får du besked om nya beslut:\n{confirm}\n\n"
        "Bad du inte om det? Gör ingenting, så raderas adressen om 48 timmar.\n\n"
        f"Avsluta bevakningen: {end}\n\n"
        f"Someone, perhaps you, asked Öppna beslut to follow: {subscription.label}.\n"
        f"Confirm within 48 hours to be told of new decisions:\n{confirm}\n"
        "Did not ask? Do nothing, and the address is deleted in 48 hours.\n"
    )
    return EmailMessage(
        subject=f"Bekräfta bevakningen: {subscription.label}",
        body=body,
        to=[subscription.subscriber.email],
        headers={
            # RFC 8058: a mail client's one-click unsubscribe POSTs here.
            "List-Unsubscribe": f"<{end}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )


def matches(subscription: Subscription, *, upto: int) -> ParagrafQuerySet:
    """The published paragraphs a subscription follows among those over its
    watermark, up to the id `upto` (the run's own watermark: what is
    published while it runs waits for the next), oldest first. Read through
    the same filters as the pages it was subscribed from: the search's
    filterset, or the board's, party's, person's, case's or referral's."""
    rows = Paragraf.objects.published().filter(
        pk__gt=subscription.watermark, pk__lte=upto
    )
    target = subscription.target
    kind = subscription.kind
    if kind == Subscription.Kind.SEARCH:
        params = QueryDict(mutable=True)
        for name, value in target.items():
            params.setlist(name, value if isinstance(value, list) else [value])
        filterset = ParagrafFilter(params, queryset=rows)
        if not filterset.form.is_valid():
            return rows.none()
        rows = filterset.qs
    else:
        municipality = Municipality.objects.filter(slug=target.get("kommun")).first()
        if municipality is None:
            return rows.none()
        rows = rows.filter(meeting__namnd__municipality=municipality)
        if kind == Subscription.Kind.NAMND:
            rows = rows.filter(meeting__namnd__slug=target.get("namnd"))
        elif kind == Subscription.Kind.PARTY:
            rows = rows.filter(reserving_parties__contains=[target.get("parti")])
        elif kind == Subscription.Kind.PERSON:
            member = Member.objects.by_slug(municipality, target.get("person", ""))
            if member is None:
                return rows.none()
            rows = rows.of_member(member)
        elif kind == Subscription.Kind.CASE:
            rows = rows.filter(arende__dnr=target.get("dnr"))
        else:
            rows = rows.of_referral(municipality, target.get("remiss", ""))
    return rows.order_by("pk")
