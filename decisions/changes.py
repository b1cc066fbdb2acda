"""What changed since a time, as a mirror applies it: each address whose
public content changed (decisions.models.Change, logged by the database)
with its state now, the paragraph's record where it is public and a
tombstone where it is not.

Only the state now is told, never the steps: a paragraph corrected twice
and then withdrawn since a client's last sync is one tombstone. So a client
that applies the changes after its copy's time, in order, upserting records
by `id` and deleting tombstones' `id`s, holds what the full download holds.
The API's `andrad_efter` (decisions.api) and the download's daily changes
files (decisions.services.dump) both answer from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Q

from .models import Change, Tombstone
from .records import Record, record_rows, records

# A tombstone: an address that is no longer public (withdrawn, made
# confidential, deleted from a new version of the minutes, or left by a
# rename), when that was, and for a withdrawal when and why.
Gone = dict[str, Any]


def state(changes: list[Change], site_url: str) -> tuple[list[Record], list[Gone]]:
    """The records of the changed addresses that are public now and the
    tombstones of the others, each in the changes' order."""
    ids = [c.paragraf_id for c in changes if c.paragraf_id is not None]
    public = {p.pk: p for p in record_rows().filter(pk__in=ids)}
    found = dict(
        zip(
            public,
            records(list(public.values()), site_url),
            strict=True,
        )
    )
    kept: list[Record] = []
    gone: list[Change] = []
    for change in changes:
        record = found.get(change.paragraf_id) if change.paragraf_id else None
        # A paragraph logged at an address it has left since (a path that
        # moved it without the log knowing) is gone from there.
        if record is not None and record["id"] == site_url + change.get_absolute_url():
            kept.append(record)
        else:
            gone.append(change)
    return kept, _tombstones(gone, site_url)


def _tombstones(changes: list[Change], site_url: str) -> list[Gone]:
    """Tombstones of addresses, with the withdrawal of those withdrawn (one
    query for all, by the board's and municipality's slugs now)."""
    if not changes:
        return []
    at = Q()
    for change in changes:
        at |= Q(
            namnd__municipality__slug=change.kommun,
            namnd__slug=change.namnd,
            meeting_slug=change.meeting,
            number=change.number,
        )
    withdrawn = {
        (t.namnd.municipality.slug, t.namnd.slug, t.meeting_slug, t.number): t
        for t in Tombstone.objects.filter(at).select_related("namnd__municipality")
    }
    out = []
    for change in changes:
        tombstone = withdrawn.get(
            (change.kommun, change.namnd, change.meeting, change.number)
        )
        out.append(
            {
                "id": site_url + change.get_absolute_url(),
                "number": change.number,
                "removed_at": change.at.isoformat(),
                "withdrawn_at": (
                    tombstone.withdrawn_at.isoformat() if tombstone else None
                ),
                "withdrawal_reason": tombstone.reason if tombstone else "",
            }
        )
    return out


def lines(changes: Iterable[Change], site_url: str, batch: int) -> Iterator[Any]:
    """Records and tombstones of changes in their order, a batch at a time,
    as the daily changes files hold them (a tombstone has `removed_at`,
    which no record has)."""
    chunk: list[Change] = []
    for change in changes:
        chunk.append(change)
        if len(chunk) == batch:
            yield from _in_order(chunk, site_url)
            chunk = []
    if chunk:
        yield from _in_order(chunk, site_url)


def _in_order(changes: list[Change], site_url: str) -> Iterator[Any]:
    kept, gone = state(changes, site_url)
    by_id = {item["id"]: item for item in [*kept, *gone]}
    for change in changes:
        yield by_id[site_url + change.get_absolute_url()]
