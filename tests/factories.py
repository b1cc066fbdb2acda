"""Small factories for tests: each makes one row and what it needs, with defaults."""

from __future__ import annotations

import datetime
import hashlib
import io
import itertools
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.utils.text import slugify

from decisions.models import (
    Arende,
    Meeting,
    Member,
    Municipality,
    Namnd,
    Paragraf,
    Reservation,
    ReservationMember,
)
from decisions.services.corrections import paragraf_save

SAMPLES = Path(__file__).parent.parent / "samples"
# The fictional Sjöbacka minutes `make run` shows.
SJOBACKA = sorted(SAMPLES.glob("*.txt"))
# The two real seed extracts: Kulturnämnden § 7, then Socialnämnden § 13.
SEEDS = sorted((SAMPLES / "stockholm").glob("*.txt"))

_counter = itertools.count(1)


def _next() -> int:
    return next(_counter)


def make_municipality(name: str | None = None, **fields: Any) -> Municipality:
    name = name or f"Testkommun {_next()}"
    fields.setdefault("slug", slugify(name))
    return Municipality.objects.create(name=name, **fields)


def make_namnd(
    name: str | None = None, *, municipality: Municipality | None = None, **fields: Any
) -> Namnd:
    name = name or f"Testnämnden {_next()}"
    fields.setdefault("slug", slugify(name))
    return Namnd.objects.create(
        name=name, municipality=municipality or make_municipality(), **fields
    )


def make_meeting(
    *,
    namnd: Namnd | None = None,
    date: datetime.date | None | str = "default",
    **fields: Any,
) -> Meeting:
    """Make a meeting; date=None makes one whose minutes state no date."""
    if date == "default":
        date = datetime.date(2016, 9, 20)
    source_text = fields.pop("source_text", f"Protokoll {_next()}")
    sha = hashlib.sha256(source_text.encode()).hexdigest()
    fields.setdefault("source_sha256", sha)
    fields.setdefault("source_name", f"protokoll-{sha[:6]}.txt")
    if "slug" not in fields:
        fields["slug"] = date.isoformat() if date else f"utan-datum-{sha[:8]}"
    return Meeting.objects.create(
        namnd=namnd or make_namnd(), date=date, source_text=source_text, **fields
    )


def make_member(
    name: str | None = None,
    party: str = "S",
    *,
    municipality: Municipality,
) -> Member:
    return Member.objects.create(
        name=name or f"Ledamot {_next()}", party=party, municipality=municipality
    )


def make_arende(
    dnr: str | None = None, *, municipality: Municipality, **fields: Any
) -> Arende:
    return Arende.objects.create(
        dnr=dnr or f"KS 2016/{_next()}", municipality=municipality, **fields
    )


def make_paragraf(
    *,
    meeting: Meeting | None = None,
    number: str | None = None,
    title: str = "Remissvar om strategi för smart stad",
    decision: str = "Nämnden godkänner förvaltningens förslag till remissvar.",
    text: str | None = None,
    dnr: str | None = None,
    arende: Arende | None = None,
    **fields: Any,
) -> Paragraf:
    """Make a paragraph; dnr="..." files it under that case in its municipality."""
    meeting = meeting or make_meeting()
    position = fields.pop("position", None)
    if position is None:
        position = meeting.paragrafer.count() + 1
    number = number or str(position)
    if arende is None and dnr:
        arende, _ = Arende.objects.get_or_create(
            municipality=meeting.namnd.municipality, dnr=dnr
        )
    if text is None:
        text = f"{title}\n\nBeslut\n\n{decision}"
    paragraf = Paragraf(
        meeting=meeting,
        number=number,
        position=position,
        title=title,
        decision=decision,
        text=text,
        arende=arende,
        **fields,
    )
    # As the admin adds one: its derived fields and words written with it.
    paragraf_save(paragraf=paragraf)
    return paragraf


def make_reservation(
    *,
    paragraf: Paragraf,
    members: list[Member] | None = None,
    text: str = "Vi reserverar oss mot beslutet till förmån för vårt eget förslag.",
    kind: str = Reservation.Kind.RESERVATION,
) -> Reservation:
    reservation = Reservation.objects.create(
        paragraf=paragraf,
        kind=kind,
        position=paragraf.reservations.count() + 1,
        text=text,
    )
    for position, member in enumerate(members or [], start=1):
        ReservationMember.objects.create(
            reservation=reservation, member=member, position=position
        )
    # As the admin does after an edit (ingest writes the copies itself).
    paragraf.sync_reservation_summary()
    paragraf.refresh_from_db(fields=["has_reservation", "reserving_parties"])
    return reservation


# Queries every public page runs before its view: the archive's last change,
# its HTTP validators (decisions.caching); and on search and the API, the rate
# limit's count (portal.ratelimit).
STAMP = 1
COUNTED = 1


def ingest_command(*args: str) -> tuple[str, str, int]:
    """Run `manage.py ingest` as a user would: its output, its errors, and
    its exit status."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("ingest", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit:
        code = int(exit.code or 0)
    return out.getvalue(), err.getvalue(), code
