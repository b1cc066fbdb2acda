"""Withdrawing published paragraphs (återkallelse): content that should never
have been published, say secret, taken down from every public surface at once.

A withdrawn paragraph is made confidential too (a database constraint keeps
it so, and ingest keeps it so), so every public filter, `confidential=False`,
already hides its content: search, the content of lists, feeds, CSV, the API
and records.published() with it, charts, member, case and party pages. Its
address answers 410 with a tombstone giving the date and the reason
(decisions.views). What else carries its words is cleared here: the title its
case copied from it, and spelling suggestions no other public paragraph
holds. The archive download is a file written by `manage.py dump_archive`:
until that runs again, the download refuses a file older than the latest
withdrawal (decisions.dump.outdated()).

Nothing in the admin takes a withdrawal back: withdrawn_at is no form field,
and confidential cannot be unticked while it is set.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.postgres.search import SearchQuery
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from .guard import guard
from .lexicon import known_word, words
from .models import SEARCH_CONFIG, ArchiveState, Arende, Paragraf, Word


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
    return rows


def latest_withdrawal() -> datetime.datetime | None:
    """When a paragraph was last withdrawn (through the index paragraf_withdrawn)."""
    return (
        Paragraf.objects.filter(withdrawn_at__isnull=False)
        .order_by("-withdrawn_at")
        .values_list("withdrawn_at", flat=True)
        .first()
    )


def _clear_case_titles(withdrawn: list[Paragraf]) -> None:
    """A case is titled after its first paragraph at ingest: one titled after
    a withdrawn paragraph takes the title of a public paragraph of the case
    instead, or none when no public paragraph has the case."""
    titles = {p.title for p in withdrawn}
    cases = {p.arende_id for p in withdrawn if p.arende_id}
    for case in Arende.objects.filter(pk__in=cases):
        public = (
            Paragraf.objects.filter(arende=case, confidential=False)
            .oldest_first()
            .first()
        )
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
    public = Paragraf.objects.filter(confidential=False)
    orphans = [
        word
        for word in unusual
        if not public.filter(lexemes=SearchQuery(word, config=SEARCH_CONFIG)).exists()
    ]
    Word.objects.filter(word__in=orphans).delete()
