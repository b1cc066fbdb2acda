"""Earlier versions of corrected paragraphs, and what changed between them.

The Paragraf row is always the current version. A correction after
publishing (a clerk's edit in the admin) that changes what a reader sees
keeps the public record as it read before (decisions.records) as the next
ParagrafVersion, at an address of its own, so that what was cited stays
citable. Only corrected paragraphs have such rows.

Records are kept with identity numbers masked (decisions.guard): a number
corrected away is gone from every public surface, earlier versions included.

Records are kept with paths, not absolute addresses (site_url ""): a version
reads the same whichever host wrote it.

What changed is shown as a diff of two records rendered as lines of text
(record_lines()): a reader sees words, not JSON.
"""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from .guard import mask_numbers
from .models import Paragraf, ParagrafVersion, VoteChoice
from .records import records
from .templatetags.decisions_extras import SECTION_LABELS, kind_label

Record = dict[str, Any]

# Parts of a record that are the meeting's, board's or municipality's, not the
# paragraph's: a posting date entered after publishing or a renamed board is
# no correction of each of the meeting's paragraphs. corrected_at is what a
# correction itself sets.
NOT_COMPARED = ("meeting", "board", "municipality", "corrected_at")
# Records built per query batch, as the archive download does.
BATCH = 2000
# Unchanged lines shown around each change.
CONTEXT = 2


@dataclass(frozen=True)
class Before:
    """A paragraph's public record before an edit (None while confidential),
    and since when it read so (its corrected_at then; None: since first
    published)."""

    record: Record | None
    valid_from: datetime.datetime | None


def snapshot(paragraf: Paragraf) -> Record | None:
    """Return the paragraph's public record as it reads now; None when
    confidential, which has none."""
    if paragraf.confidential:
        return None
    return records([paragraf], "")[0]


def _fresh(ids: Iterable[int]) -> list[Paragraf]:
    return list(
        Paragraf.objects.filter(pk__in=list(ids))
        .select_related("meeting__namnd__municipality", "arende")
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
    paragrafer = _fresh(ids)
    recorded = _snapshots(paragrafer)
    return {p.pk: Before(recorded[p.pk], p.corrected_at) for p in paragrafer}


def _compared(record: Record | None) -> Record | None:
    if record is None:
        return None
    return {k: v for k, v in record.items() if k not in NOT_COMPARED}


def keep_versions(earlier: Mapping[int, Before]) -> list[ParagrafVersion]:
    """Compare each paragraph's record read by before() with its record now
    (built in batches); where they differ, stamp Paragraf.corrected_at and
    keep the record before as the next earlier version (when it was public:
    a confidential paragraph had nothing public to keep). Paragraphs deleted
    since are passed over. Return the versions kept."""
    paragrafer = _fresh(earlier)
    now = _snapshots(paragrafer)
    kept = (_keep(p, earlier[p.pk], now[p.pk]) for p in paragrafer)
    return [version for version in kept if version]


def _keep(
    paragraf: Paragraf, earlier: Before, record: Record | None
) -> ParagrafVersion | None:
    if _compared(earlier.record) == _compared(record):
        return None
    with transaction.atomic():
        # The row's lock orders two corrections of one paragraph: each
        # numbers its version after the other's.
        Paragraf.objects.select_for_update().filter(pk=paragraf.pk).only("pk").first()
        replaced_at = timezone.now()
        Paragraf.objects.filter(pk=paragraf.pk).update(corrected_at=replaced_at)
        paragraf.corrected_at = replaced_at
        if earlier.record is None:
            return None
        last = paragraf.versions.aggregate(last=Max("number"))["last"] or 0
        # An earlier version is public: a number the correction took away
        # (or one confirmed then) is kept masked, never as it read.
        return ParagrafVersion.objects.create(
            paragraf=paragraf,
            number=last + 1,
            record=mask_numbers(earlier.record),
            valid_from=earlier.valid_from,
            replaced_at=replaced_at,
        )


def _people(members: list[dict[str, Any]]) -> str:
    return ", ".join(
        f"{m['name']} ({m['party']})" if m.get("party") else m["name"] for m in members
    )


def _line(label: str, value: str) -> str:
    return f"{label}: {value}"


def _text(label: str, text: str) -> list[str]:
    lines = [line for line in (text or "").splitlines() if line.strip()]
    return [f"{label}:", *lines] if lines else []


def record_lines(record: Record, *, with_text: bool = False) -> list[str]:
    """A record as lines of text to compare: title, case, decision, sections,
    procedure, recipients, statements with their members and parties,
    proposals, votes; the whole text only `with_text` (it repeats the
    sections)."""
    lines = [_line(gettext("Rubrik"), record.get("title", ""))]
    case = record.get("case")
    if case:
        lines.append(_line("Dnr", case["dnr"]))
    others = [
        n for n in record.get("case_numbers") or [] if not case or n != case["dnr"]
    ]
    if others:
        lines.append(_line(gettext("Fler diarienummer"), ", ".join(others)))
    lines += _text(gettext("Beslut"), record.get("decision", ""))
    for section in record.get("sections") or []:
        kind = section.get("kind") or "other"
        label = SECTION_LABELS.get(kind, SECTION_LABELS["other"])
        heading = section.get("heading") or str(label)
        lines += _text(heading, section.get("text", ""))
    lines += _text(gettext("Beslutsgång"), record.get("procedure", ""))
    recipients = record.get("recipients") or []
    if recipients:
        lines.append(_line(gettext("Beslutet skickas till"), ", ".join(recipients)))
    for statement in record.get("reservations") or []:
        label = kind_label(statement.get("kind", ""))
        people = _people(statement.get("members") or [])
        lines += _text(f"{label} ({people})" if people else label, statement["text"])
    for proposal in record.get("proposals") or []:
        people = _people(proposal.get("members") or [])
        label = gettext("Yrkande")
        lines += _text(f"{label} ({people})" if people else label, proposal["text"])
    for vote in record.get("votes") or []:
        lines.append(
            gettext("Omröstning: ja %(ja)s, nej %(nej)s, avstår %(avstar)s")
            % {k: "–" if vote.get(k) is None else vote[k] for k in VoteChoice.values}
        )
        for choice in VoteChoice:
            people = [c for c in vote.get("casts") or [] if c.get("choice") == choice]
            if people:
                lines.append(_line(choice.label, _people(people)))
    if with_text:
        lines += _text(gettext("Hela texten"), record.get("text", ""))
    return lines


@dataclass(frozen=True)
class DiffLine:
    """A line of a diff: removed, added, unchanged context, or a gap where
    unchanged lines are left out."""

    kind: Literal["removed", "added", "same", "gap"]
    text: str = ""


def diff(older: Record, newer: Record) -> list[DiffLine]:
    """What changed from older to newer, line by line, with CONTEXT unchanged
    lines around each change. The whole text is compared too when it changed
    and the sections, which would show the same change, did not."""
    with_text = older.get("text") != newer.get("text") and older.get(
        "sections"
    ) == newer.get("sections")
    old = record_lines(older, with_text=with_text)
    new = record_lines(newer, with_text=with_text)
    if old == new:
        return []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    out: list[DiffLine] = []
    for group in matcher.get_grouped_opcodes(CONTEXT):
        if group[0][1] > 0:
            out.append(DiffLine("gap"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [DiffLine("same", line) for line in old[i1:i2]]
                continue
            out += [DiffLine("removed", line) for line in old[i1:i2]]
            out += [DiffLine("added", line) for line in new[j1:j2]]
        end = group[-1][2]
    if end < len(old):
        out.append(DiffLine("gap"))
    return out
