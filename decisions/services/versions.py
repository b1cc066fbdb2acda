"""Keeping earlier versions of corrected paragraphs (what changed between
two versions, for pages, is decisions.version_diff).

The Paragraf row is always the current version. Any change after
publishing that changes what a reader sees keeps the public record as it
read before (decisions.records) as the next ParagrafVersion, at an address
of its own, so that what was cited stays citable, with its cause: a clerk's
edit in the admin (decisions.services.corrections), a new version of the
minutes (ingest, publish) or a re-reading by a better parser (reparse).
Only changed paragraphs have such rows.

Records are kept with identity numbers masked (decisions.guard): a number
corrected away is gone from every public surface, earlier versions included.

Records are kept with paths, not absolute addresses (site_url ""): a version
reads the same whichever host wrote it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ..guard import mask_numbers
from ..models import Paragraf, ParagrafVersion, VersionCause
from ..records import Record, records
from .dump import schedule_archive_rebuild

# Parts of a record that are the meeting's, board's or municipality's, not the
# paragraph's: a posting date entered after publishing or a renamed board is
# no correction of each of the meeting's paragraphs. corrected_at is what a
# correction itself sets.
NOT_COMPARED = ("meeting", "board", "municipality", "corrected_at")
# Records built per query batch, as the archive download does.
BATCH = 2000


@dataclass(frozen=True)
class Before:
    """A paragraph's public record before an edit (None while confidential),
    and since when it read so (its corrected_at then; None: since first
    published)."""

    record: Record | None
    valid_from: datetime.datetime | None


def _fresh(ids: Iterable[int]) -> list[Paragraf]:
    return list(
        Paragraf.objects.filter(pk__in=list(ids))
        .select_related("meeting__namnd__municipality", "arende__municipality")
        .defer("search", "lexemes", "meeting__source_text")
        .order_by("pk")
    )


def _snapshots(paragrafer: list[Paragraf]) -> dict[int, Record | None]:
    """Records of many paragraphs, a batch per few queries (a member's
    corrected name touches every paragraph they are named at)."""
    out: dict[int, Record | None] = {p.pk: None for p in paragrafer}
    public = [p for p in paragrafer if not p.confidential]
    for start in range(0, len(public), BATCH):
        batch = public[start : start + BATCH]
        out.update(zip((p.pk for p in batch), records(batch, ""), strict=True))
    return out


def before(ids: Iterable[int]) -> dict[int, Before]:
    """Read the paragraphs' records from the database before an edit, for
    keep_versions() to compare after it."""
    ids = list(ids)
    if not ids:
        return {}
    paragrafer = _fresh(ids)
    recorded = _snapshots(paragrafer)
    return {p.pk: Before(recorded[p.pk], p.corrected_at) for p in paragrafer}


def _compared(record: Record | None) -> Record | None:
    if record is None:
        return None
    return {k: v for k, v in record.items() if k not in NOT_COMPARED}


def keep_versions(
    earlier: Mapping[int, Before], *, cause: VersionCause, user: Any = None
) -> list[ParagrafVersion]:
    """Compare each paragraph's record read by before() with its record now
    (built in batches); where they differ, stamp Paragraf.corrected_at and
    keep the record before as the next earlier version, with what replaced
    it (`cause`) and, for a clerk, who (`user`); a confidential paragraph
    had nothing public to keep. Paragraphs deleted since are passed over.
    Return the versions kept.

    A fixed number of queries for any number of paragraphs (a re-ingest of
    a 200-paragraph protocol whose every paragraph changed): the records in
    batches, then one lock, one stamp, one count and one insert."""
    if not earlier:
        return []
    paragrafer = _fresh(earlier)
    now = _snapshots(paragrafer)
    changed = [
        p for p in paragrafer if _compared(earlier[p.pk].record) != _compared(now[p.pk])
    ]
    if not changed:
        return []
    ids = [p.pk for p in changed]
    replaced_at = timezone.now()
    with transaction.atomic():
        # The rows' lock orders two corrections of one paragraph: each
        # numbers its versions after the other's.
        list(
            Paragraf.objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Paragraf.objects.filter(pk__in=ids).update(corrected_at=replaced_at)
        schedule_archive_rebuild()
        last = dict(
            ParagrafVersion.objects.filter(paragraf__in=ids)
            .values_list("paragraf")
            .annotate(last=Max("number"))
            .order_by()
        )
        kept = []
        for paragraf in changed:
            paragraf.corrected_at = replaced_at
            record = earlier[paragraf.pk].record
            if record is None:
                continue
            # An earlier version is public: a number the correction took
            # away (or one confirmed then) is kept masked, never as it read.
            kept.append(
                ParagrafVersion(
                    paragraf=paragraf,
                    number=last.get(paragraf.pk, 0) + 1,
                    record=mask_numbers(record),
                    valid_from=earlier[paragraf.pk].valid_from,
                    replaced_at=replaced_at,
                    cause=cause,
                    changed_by=user if user is not None and user.pk else None,
                )
            )
        return ParagrafVersion.objects.bulk_create(kept)
