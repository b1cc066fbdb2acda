"""E-mail alerts (issue 21, in part): a subscription is confirmed by its
address before anything but the confirmation is sent, ends by the one-click
POST of RFC 8058, an address's data can be exported and deleted, and each
kind of subscription matches what its page lists, over its watermark.
Messages go through Django's SMTP backend to a real SMTP server (aiosmtpd)
started here."""

from __future__ import annotations

import datetime
import email
import email.policy
import io
import json
import re
import socket
from collections.abc import Iterator
from email.message import EmailMessage as Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from decisions.models import Member, Paragraf, Subscriber, Subscription
from decisions.services import alerts
from decisions.services import ingest as services
from decisions.tasks import send_confirmation
from tests.factories import SJOBACKA

pytestmark = pytest.mark.django_db


class Inbox:
    """An aiosmtpd handler keeping every message it is given."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox(settings: Any) -> Iterator[Inbox]:
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    controller.stop()


def subscribe(django_capture_on_commit_callbacks: Any, **fields: Any) -> Subscription:
    """Subscribe as the form will, and run the confirmation job it queues."""
    values = {
        "email": " Anna@Example.SE ",
        "kind": Subscription.Kind.SEARCH,
        "target": {"q": "skolskjuts"},
        "label": "Sökning: skolskjuts",
        "frequency": Subscription.Frequency.DAILY,
        **fields,
    }
    with django_capture_on_commit_callbacks(execute=True):
        subscription = alerts.subscription_subscribe(**values)
    send_confirmation(subscription_id=subscription.pk)
    return subscription


def link(message: Message, path: str) -> str:
    body = message.get_content()
    return re.search(rf"https?://\S+?(/bevaka/{path}/\S+/)", body).group(1)


def test_nothing_but_the_confirmation_is_sent_until_the_address_confirms(
    inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    subscription = subscribe(django_capture_on_commit_callbacks)
    assert subscription.confirmed_at is None
    assert Subscriber.objects.get().email == "Anna@example.se"
    [message] = inbox.messages
    assert message["To"] == "Anna@example.se"
    assert message["Subject"] == "Bekräfta bevakningen: Sökning: skolskjuts"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/bevaka/avsluta/" in message["List-Unsubscribe"]

    # The link opens a page that asks; only its button confirms.
    client = Client()
    confirm = link(message, "bekrafta")
    page = client.get(confirm)
    assert page.status_code == 200
    assert "Bekräfta bevakningen" in page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0")
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None
    assert client.post(confirm).status_code == 200
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None
    # From now on: what is published after the confirmation, nothing before.
    assert subscription.watermark == (
        Paragraf.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    )

    # Subscribing again to a confirmed subscription sends nothing more.
    subscribe(django_capture_on_commit_callbacks)
    assert len(inbox.messages) == 1


def test_the_one_click_post_ends_it_and_the_last_one_takes_the_address(
    inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    first = subscribe(django_capture_on_commit_callbacks)
    subscribe(
        django_capture_on_commit_callbacks,
        kind=Subscription.Kind.PARTY,
        target={"kommun": "sjobacka-kommun", "parti": "L"},
        label="Parti: L i Sjöbacka kommun",
    )
    ends = [
        message["List-Unsubscribe"].strip("<>").split("testserver", 1)[-1]
        for message in inbox.messages
    ]
    client = Client(enforce_csrf_checks=True)
    # A mail client's one-click POST: no CSRF token, RFC 8058's body.
    done = client.post(
        ends[0],
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert done.status_code == 200
    assert not Subscription.objects.filter(pk=first.pk).exists()
    assert Subscriber.objects.exists()
    client.post(ends[1])
    assert not Subscriber.objects.exists()
    # The link of what is gone leads nowhere, and says so.
    assert client.get(ends[0]).status_code == 404


def test_a_forged_or_expired_link_confirms_nothing(
    inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    subscription = subscribe(django_capture_on_commit_callbacks)
    confirm = link(inbox.messages[0], "bekrafta")
    client = Client()
    assert client.post(confirm.replace("/bekrafta/", "/bekrafta/x")).status_code == 404
    # The unsubscribe token does not confirm (another salt).
    token = alerts.unsubscribe_token(subscription)
    assert client.post(f"/bevaka/bekrafta/{token}/").status_code == 404
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None


def test_unconfirmed_subscriptions_and_their_addresses_go_after_48_hours(
    inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    subscribe(django_capture_on_commit_callbacks)
    later = timezone.now() + alerts.UNCONFIRMED - datetime.timedelta(minutes=1)
    assert alerts.purge_unconfirmed(later) == 0
    assert alerts.purge_unconfirmed(later + datetime.timedelta(minutes=2)) == 1
    assert not Subscriber.objects.exists()


def test_an_address_can_be_exported_and_deleted(
    inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    subscribe(django_capture_on_commit_callbacks)
    out = io.StringIO()
    call_command("alerts_address", "export", "anna@EXAMPLE.se", stdout=out)
    exported = json.loads(out.getvalue())
    assert exported["email"] == "Anna@example.se"
    assert [s["label"] for s in exported["subscriptions"]] == ["Sökning: skolskjuts"]
    call_command("alerts_address", "delete", "Anna@example.se", stdout=io.StringIO())
    assert not Subscriber.objects.exists()
    assert not Subscription.objects.exists()


def test_each_kind_matches_what_is_published_over_its_watermark() -> None:
    for path in SJOBACKA:
        services.protocol_ingest(source_name=path.name, data=path.read_bytes())
    published = Paragraf.objects.published()
    upto = Paragraf.objects.order_by("-pk").values_list("pk", flat=True).first()
    secret = Paragraf.objects.get(confidential=True)
    reserved = published.filter(has_reservation=True).first()
    member = Member.objects.filter(reservations__paragraf=reserved).first()
    party = reserved.reserving_parties[0]
    case = published.filter(arende__isnull=False).first()
    referral = published.exclude(referral="").first()
    kommun = {"kommun": "sjobacka-kommun"}
    subscriber = Subscriber.objects.create(email="anna@example.se")
    wanted = {
        Subscription.Kind.NAMND: (
            {**kommun, "namnd": secret.meeting.namnd.slug},
            published.filter(meeting__namnd=secret.meeting.namnd),
        ),
        Subscription.Kind.PARTY: (
            {**kommun, "parti": party},
            published.filter(reserving_parties__contains=[party]),
        ),
        Subscription.Kind.PERSON: (
            {**kommun, "person": member.slug},
            published.of_member(member),
        ),
        Subscription.Kind.CASE: (
            {**kommun, "dnr": case.arende.dnr},
            published.filter(arende=case.arende),
        ),
        Subscription.Kind.REFERRAL: (
            {**kommun, "remiss": referral.referral},
            published.filter(referral=referral.referral),
        ),
        Subscription.Kind.SEARCH: (
            {"q": "budget", "kommun": "sjobacka-kommun"},
            published.filter(search_terms__icontains="budget")
            | published.filter(text__icontains="budget"),
        ),
    }
    for kind, (target, expected) in wanted.items():
        subscription = Subscription.objects.create(
            subscriber=subscriber, kind=kind, target=target, label=kind
        )
        found = list(alerts.matches(subscription, upto=upto))
        assert found, kind
        assert secret not in found, kind
        assert [p.pk for p in found] == sorted(p.pk for p in found), kind
        if kind != Subscription.Kind.SEARCH:
            assert set(found) == set(expected), kind
        else:
            assert set(found) <= set(expected), kind
        # Over its watermark only, and up to the run's.
        subscription.watermark = found[-1].pk
        assert list(alerts.matches(subscription, upto=upto)) == []
        subscription.watermark = 0
        assert list(alerts.matches(subscription, upto=found[0].pk)) == found[:1]
