"""A published paragraph as open data: one JSON object, the same in the
archive download as wherever else the archive is handed out as data.

Every identifier is a permanent address (the Swedish page's absolute URL), so
a record found in the download can be cited, and a cited page found in the
download. Confidential paragraphs are never records: `published()` leaves them
out, and record() refuses one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import translation

from .models import (
    Paragraf,
    ParagrafQuerySet,
    ProposalMember,
    ReservationMember,
    VoteCast,
)

# What a record says of its origin, in the archive's manifest and beside it.
TERMS = {
    "sv": (
        "Protokollen och besluten är allmänna handlingar (tryckfrihetsförordningen "
        "2 kap.). Beslut av myndigheter omfattas inte av upphovsrätt "
        "(upphovsrättslagen 9 §): använd dem fritt. Ange gärna Öppna beslut och "
        "paragrafens adress som källa."
    ),
    "en": (
        "The minutes and decisions are public records under Swedish law (Freedom "
        "of the Press Act, chapter 2). Decisions of public authorities are free "
        "of copyright (Swedish Copyright Act, section 9): use them freely. Please "
        "cite Öppna beslut and the section's address as the source."
    ),
}


def published() -> ParagrafQuerySet:
    """Every paragraph anyone may take, with what its record prints, in id order
    (stable, so a reader can resume and two dumps compare line by line)."""
    return (
        Paragraf.objects.public()
        .filter(confidential=False)
        .prefetch_related(
            Prefetch(
                "reservations__reservationmember_set",
                queryset=ReservationMember.objects.select_related("member"),
            ),
            Prefetch(
                "proposals__proposalmember_set",
                queryset=ProposalMember.objects.select_related("member"),
            ),
            Prefetch(
                "votes__casts",
                queryset=VoteCast.objects.select_related("member").order_by("pk"),
            ),
        )
        .order_by("pk")
    )


def record(paragraf: Paragraf, site_url: str) -> dict[str, Any]:
    """The paragraph as a JSON-ready dict; site_url is the archive's own
    address ("https://oppnabeslut.se"), without a trailing slash."""
    if paragraf.confidential:
        raise ValueError(f"paragraf {paragraf.pk} is confidential: no record")
    with translation.override(settings.LANGUAGE_CODE):
        return _record(paragraf, site_url)


def _record(paragraf: Paragraf, site_url: str) -> dict[str, Any]:
    meeting = paragraf.meeting
    namnd = meeting.namnd
    municipality = namnd.municipality

    def person(member) -> dict[str, Any]:
        url = reverse("decisions:person", args=[municipality.slug, member.slug])
        return {"id": site_url + url, "name": member.name, "party": member.party}

    arende = paragraf.arende
    return {
        "id": site_url + paragraf.get_absolute_url(),
        "number": paragraf.number,
        "title": paragraf.title,
        "decision": paragraf.decision,
        "sections": paragraf.sections,
        "procedure": paragraf.procedure,
        "recipients": paragraf.recipients,
        "text": paragraf.text,
        "case": (
            {"id": site_url + arende.get_absolute_url(), "dnr": arende.dnr}
            if arende
            else None
        ),
        "case_numbers": paragraf.case_numbers,
        "referral": (
            site_url + paragraf.get_referral_url() if paragraf.referral else None
        ),
        "meeting": {
            "id": site_url + meeting.get_absolute_url(),
            "date": meeting.date.isoformat() if meeting.date else None,
            "protocol_number": meeting.protocol_number,
            "posting_date": (
                meeting.posting_date.isoformat() if meeting.posting_date else None
            ),
        },
        "board": {"id": site_url + namnd.get_absolute_url(), "name": namnd.name},
        "municipality": {
            "id": site_url + municipality.get_absolute_url(),
            "name": municipality.name,
        },
        "reservations": [
            {
                "kind": r.kind,
                "text": r.text,
                "members": [
                    person(row.member) for row in r.reservationmember_set.all()
                ],
            }
            for r in paragraf.reservations.all()
        ],
        "proposals": [
            {
                "text": p.text,
                "members": [person(row.member) for row in p.proposalmember_set.all()],
            }
            for p in paragraf.proposals.all()
        ],
        "votes": [
            {
                "ja": v.ja,
                "nej": v.nej,
                "avstar": v.avstar,
                "casts": [
                    {**person(cast.member), "choice": cast.choice}
                    for cast in v.casts.all()
                ],
            }
            for v in paragraf.votes.all()
        ],
    }
