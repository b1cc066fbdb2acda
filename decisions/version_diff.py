"""What changed between two public records of a paragraph, for its version
pages: a diff of the records rendered as lines of text (record_lines()), so
that a reader sees words, not JSON. Keeping the versions is a write
(decisions.services.versions).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Literal

from django.utils.translation import gettext

from .models import Paragraf, VoteChoice
from .records import Record, records
from .templatetags.decisions_extras import SECTION_LABELS, kind_label

# Unchanged lines shown around each change.
CONTEXT = 2


def snapshot(paragraf: Paragraf) -> Record | None:
    """Return the paragraph's public record as it reads now; None when
    confidential, which has none."""
    if paragraf.confidential:
        return None
    return records([paragraf], "")[0]


def _people(members: list[dict[str, Any]]) -> str:
    return ", ".join(
        f"{m['name']} ({m['party']})" if m.get("party") else m["name"] for m in members
    )


def _attachment(attachment: dict[str, Any]) -> str:
    label, title = attachment.get("label", ""), attachment.get("title", "")
    return f"{label}: {title}" if title else label


def _line(label: str, value: str) -> str:
    return f"{label}: {value}"


def _text(label: str, text: str) -> list[str]:
    lines = [line for line in (text or "").splitlines() if line.strip()]
    return [f"{label}:", *lines] if lines else []


def record_lines(record: Record, *, with_text: bool = False) -> list[str]:
    """A record as lines of text to compare: title, case, decision, sections,
    procedure, recipients, attachments, statements with their members and
    parties, proposals, votes; the whole text only `with_text` (it repeats
    the sections)."""
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
        named = SECTION_LABELS.get(kind, SECTION_LABELS["other"])
        heading = section.get("heading") or str(named)
        lines += _text(heading, section.get("text", ""))
    lines += _text(gettext("Beslutsgång"), record.get("procedure", ""))
    recipients = record.get("recipients") or []
    if recipients:
        lines.append(_line(gettext("Beslutet skickas till"), ", ".join(recipients)))
    # A version kept before attachments were read has none: no line, as a
    # record that names none.
    attachments = record.get("attachments") or []
    lines += _text(gettext("Bilagor"), "\n".join(map(_attachment, attachments)))
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
            casts = [c for c in vote.get("casts") or [] if c.get("choice") == choice]
            if casts:
                lines.append(_line(choice.label, _people(casts)))
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
