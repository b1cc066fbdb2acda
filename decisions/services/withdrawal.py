"""Withdrawing published paragraphs (återkallelse): content that should never
have been published, say secret, taken down from every public surface at once.

A withdrawn paragraph is made confidential too (a database constraint keeps
it so, and ingest keeps it so), so Paragraf.objects.published(), which every
public surface reads, already hides its content: search, the content of
lists, feeds, CSV, the API and the download, charts, member, case and party
pages. Its
address answers 410 with a tombstone giving the date and the reason
(decisions.views). What else carries its words is cleared here: the title its
case copied from it, and spelling suggestions no other public paragraph
holds. The archive download is a file written by `manage.py dump_archive`:
until that runs again, the download refuses a file older than the latest
withdrawal (decisions.download.outdated()).

Withdrawn is forever. Each withdrawal writes a Tombstone (the board, the
meeting's date and address, the number, when and why, and the paragraph's
last public record, never shown), which outlives the paragraph's row: its
address answers 410 from it after the row is deleted, and the database
refuses that (board, date, number) as public again (triggers, migration
0018), so ingest writes it as withdrawn again. Deleting a paragraph, or its
meeting, withdraws it first when it was public (paragraf_delete()), so
deletion is a withdrawal too, and keeps its record and earlier versions in
the tombstone.

Nothing in the admin takes a withdrawal back: withdrawn_at is no form field,
and confidential cannot be unticked while it is set.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.postgres.search import SearchQuery
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ..guard import guard
from ..models import (
    SEARCH_CONFIG,
    ArchiveState,
    Arende,
    Meeting,
    Paragraf,
    ParagrafVersion,
    Tombstone,
    Word,
)
from ..records import records
from ..search.lexicon import known_word, words
from .dump import schedule_archive_rebuild


def paragraf_withdraw(
    *, paragrafer: QuerySet[Paragraf], reason: str, user: Any
) -> list[Paragraf]:
    """Withdraw those of the paragraphs not withdrawn yet, in one transaction,
    with an entry in the audit log (the admin's LogEntry) for each naming the
    reason; return the paragraphs withdrawn."""
    reason = reason.strip()
    if not reason:
        raise ValueError("a withdrawal needs a reason")
    # The reason is public (the tombstone) and written in bulk: the guard's.
    guard({"reason": ("Skäl för återkallelse", reason)})
    ids = list(paragrafer.values_list("pk", flat=True))
    with transaction.atomic():
        rows = list(
            Paragraf.objects.filter(pk__in=ids, withdrawn_at=None)
            .select_for_update()
            .defer("search", "lexemes")
            .order_by("pk")
        )
        if not rows:
            return []
        now = timezone.now()
        recorded = _records(p.pk for p in rows if not p.confidential)
        tombstones = [Tombstone.of(p) for p in _with_meetings(rows)]
        for tombstone, paragraf in zip(tombstones, rows, strict=True):
            tombstone.withdrawn_at, tombstone.reason = now, reason
            tombstone.record = recorded.get(paragraf.pk)
        Tombstone.objects.bulk_create(tombstones, ignore_conflicts=True)
        Paragraf.objects.filter(pk__in=[p.pk for p in rows]).update(
            withdrawn_at=now, withdrawal_reason=reason, confidential=True
        )
        for paragraf in rows:
            paragraf.withdrawn_at = now
            paragraf.withdrawal_reason = reason
            paragraf.confidential = True
        _clear_case_titles(rows)
        _forget_words(rows)
        LogEntry.objects.log_actions(
            user.pk, rows, CHANGE, change_message=f"Återkallad: {reason}"
        )
        ArchiveState.touch()
        schedule_archive_rebuild()
    return rows


def paragraf_delete(*, paragrafer: QuerySet[Paragraf], user: Any) -> int:
    """Delete the paragraphs, withdrawing the public ones first ("Raderad av
    <user>"), so that each leaves a tombstone with its record and earlier
    versions and its address answers 410; return how many were withdrawn."""
    with transaction.atomic():
        ids = list(paragrafer.values_list("pk", flat=True))
        public = Paragraf.objects.published().filter(pk__in=ids)
        withdrawn = paragraf_withdraw(
            paragrafer=public, reason=f"Raderad av {user.get_username()}", user=user
        )
        keep_tombstones(Paragraf.objects.filter(pk__in=ids))
        Paragraf.objects.filter(pk__in=ids).delete()
        ArchiveState.touch()
        schedule_archive_rebuild()
    return len(withdrawn)


def meeting_delete(*, meetings: QuerySet[Meeting], user: Any) -> int:
    """Delete the meetings, their paragraphs as paragraf_delete() does;
    return how many paragraphs were withdrawn."""
    with transaction.atomic():
        ids = list(meetings.values_list("pk", flat=True))
        withdrawn = paragraf_delete(
            paragrafer=Paragraf.objects.filter(meeting__in=ids), user=user
        )
        Meeting.objects.filter(pk__in=ids).delete()
        schedule_archive_rebuild()
    return withdrawn


def keep_tombstones(paragrafer: QuerySet[Paragraf]) -> None:
    """Before withdrawn paragraphs are deleted: keep in each one's tombstone
    what would go with the row, its earlier versions, and its record where
    the tombstone has none (withdrawn before tombstones kept it; then the
    record is what the row holds)."""
    rows = list(
        paragrafer.filter(withdrawn_at__isnull=False)
        .select_related("meeting")
        .defer("search", "lexemes", "meeting__source_text")
    )
    if not rows:
        return
    by_meeting: dict[int, list[Paragraf]] = defaultdict(list)
    for paragraf in rows:
        by_meeting[paragraf.meeting_id].append(paragraf)
    kept: dict[int, Tombstone] = {}
    for paragrafer_of_meeting in by_meeting.values():
        meeting = paragrafer_of_meeting[0].meeting
        found = {t.number: t for t in Tombstone.objects.of_meeting(meeting)}
        for paragraf in paragrafer_of_meeting:
            kept[paragraf.pk] = found.get(paragraf.number) or Tombstone.of(paragraf)
    missing = [pk for pk, t in kept.items() if t.record is None]
    recorded = _records(missing, as_published=True)
    earlier: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for version in ParagrafVersion.objects.filter(paragraf__in=list(kept)).order_by(
        "paragraf_id", "number"
    ):
        earlier[version.paragraf_id].append(
            {
                "number": version.number,
                "record": version.record,
                "valid_from": _iso(version.valid_from),
                "replaced_at": _iso(version.replaced_at),
            }
        )
    for pk, tombstone in kept.items():
        if tombstone.record is None:
            tombstone.record = recorded.get(pk)
        tombstone.versions = earlier.get(pk, tombstone.versions)
    Tombstone.objects.bulk_create([t for t in kept.values() if t.pk is None])
    Tombstone.objects.bulk_update(
        [t for t in kept.values() if t.pk is not None], ["record", "versions"]
    )


def _iso(moment: datetime.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _with_meetings(rows: list[Paragraf]) -> list[Paragraf]:
    """The rows again, in their order, with meeting and board."""
    found = Paragraf.objects.select_related("meeting__namnd").defer(
        "search", "lexemes", "meeting__source_text"
    )
    by_pk = found.in_bulk([p.pk for p in rows])
    return [by_pk[p.pk] for p in rows]


def _records(ids: Iterable[int], *, as_published: bool = False) -> dict[int, Any]:
    """The public records of the paragraphs, by id; `as_published`: of
    confidential ones too, as they would read if public (a withdrawn row's
    content, kept in its tombstone)."""
    rows = list(
        Paragraf.objects.filter(pk__in=list(ids))
        .select_related("meeting__namnd__municipality", "arende")
        .defer("search", "lexemes", "meeting__source_text")
        .order_by("pk")
    )
    if as_published:
        for paragraf in rows:
            paragraf.confidential = False
    rows = [p for p in rows if not p.confidential]
    if not rows:
        return {}
    return dict(zip((p.pk for p in rows), records(rows, ""), strict=True))


def _clear_case_titles(withdrawn: list[Paragraf]) -> None:
    """A case is titled after its first paragraph at ingest: one titled after
    a withdrawn paragraph takes the title of a public paragraph of the case
    instead, or none when no public paragraph has the case."""
    titles = {p.title for p in withdrawn}
    cases = {p.arende_id for p in withdrawn if p.arende_id}
    for case in Arende.objects.filter(pk__in=cases):
        public = Paragraf.objects.published().filter(arende=case).oldest_first().first()
        if public is None:
            title = ""
        elif case.title in titles:
            title = public.title
        else:
            continue
        if title != case.title:
            case.title = title
            case.save(update_fields=["title"])


def _forget_words(withdrawn: list[Paragraf]) -> None:
    """Drop the spelling suggestions ("Menade du: ...") that only withdrawn
    text held: its words outside the Swedish word list (names, places,
    numbers spelt out) that no public paragraph's words match. Dictionary
    words say nothing of what was withdrawn and stay."""
    found = set().union(*(words(p.searchable_text) for p in withdrawn))
    unusual = sorted(w for w in found if not known_word(w))
    public = Paragraf.objects.published()
    orphans = [
        word
        for word in unusual
        if not public.filter(lexemes=SearchQuery(word, config=SEARCH_CONFIG)).exists()
    ]
    Word.objects.filter(word__in=orphans).delete()
