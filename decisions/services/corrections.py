"""A clerk's corrections of published minutes, and what a re-read of the
minutes does with them.

The admin calls these, and nothing it saves writes anything else: a
paragraph's derived fields (its copy of the meeting date, its search terms,
the suggestion words) and the decision's place among its sections are
written here, beside the row; the records before an edit are read by
paragrafer_before() and compared by paragrafer_corrected(), which keeps the
versions the edit replaced (decisions.services.versions).

A correction is remembered field by field (Paragraf.corrections: the
clerk's value and what the minutes said then), so that a re-read of the
same minutes (reparse) keeps it, and a new version of the minutes that
changes the same field is held as a conflict (Paragraf.conflicts) until the
clerk takes the minutes' text or keeps theirs (paragraf_resolve()).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal

from django.db import transaction
from django.db.models import Field, QuerySet

from ..models import (
    ArchiveState,
    Meeting,
    Paragraf,
    ParagrafVersion,
    VersionCause,
    Word,
)
from ..search.lexicon import search_terms, words
from . import versions

# The fields a clerk corrects that a re-read of the minutes writes too, as a
# clerk knows them (for the ingest summary and the admin).
CORRECTABLE = {
    "title": "rubrik",
    "decision": "beslut",
    "text": "text",
    "arende": "ärende",
    "case_numbers": "diarienummer",
    "procedure": "beslutsgång",
    "recipients": "expedieras till",
    "confidential": "sekretess",
}


def value(paragraf: Paragraf, field: str) -> Any:
    """A correctable field's value as JSON keeps it (a case by its id)."""
    if field == "arende":
        return paragraf.arende_id
    found = getattr(paragraf, field)
    return list(found) if isinstance(found, (list, tuple)) else found


def _set(paragraf: Paragraf, field: str, new: Any) -> None:
    if field == "arende":
        paragraf.arende_id = new
    else:
        setattr(paragraf, field, new)


def with_decision(sections: list[dict[str, Any]], decision: str) -> list[dict]:
    """The sections with the paragraph's own decision reading `decision`.

    The page shows the decision from the sections (with the minutes' own
    headings), the API, CSV and feeds from Paragraf.decision: a corrected
    decision is written to both, so that every surface reads the same. The
    first own decision section (not an earlier stage's proposal) takes the
    text, the others go; with none, one is put first."""
    own = [
        i
        for i, s in enumerate(sections)
        if isinstance(s, dict) and s.get("kind") == "decision" and not s.get("stage")
    ]
    if "\n\n".join(sections[i].get("text", "") for i in own) == decision:
        return sections
    out = [
        dict(s) if isinstance(s, dict) else s
        for i, s in enumerate(sections)
        if i not in own[1:]
    ]
    if own:
        out[own[0]]["text"] = decision
        if not decision:
            del out[own[0]]
    elif decision:
        out.insert(0, {"kind": "decision", "heading": "", "text": decision})
    return out


def decision_of(sections: list[Any]) -> str | None:
    """The decision the sections state (their own decision sections, as the
    parser joins them); None when they have none of their own."""
    own = [
        s.get("text", "")
        for s in sections
        if isinstance(s, dict) and s.get("kind") == "decision" and not s.get("stage")
    ]
    return "\n\n".join(own) if own else None


def derive(paragraf: Paragraf) -> None:
    """Fill what a paragraph's row copies or derives: its meeting's date (for
    search without a join) and its search terms (decisions.search.lexicon)."""
    paragraf.meeting_date = paragraf.meeting.date
    paragraf.search_terms = search_terms(paragraf.searchable_text)


def words_add(paragrafer: Iterable[Paragraf]) -> None:
    """Add the public paragraphs' words to the spelling suggestions."""
    found = set().union(
        *(words(p.searchable_text) for p in paragrafer if not p.confidential)
    )
    Word.objects.bulk_create(
        [Word(word=word) for word in sorted(found)], ignore_conflicts=True
    )


def paragraf_save(
    *, paragraf: Paragraf, changed: Iterable[str] = (), user: Any = None
) -> None:
    """Write a paragraph a clerk added or changed (`changed`: the fields
    their form changed), remembering each correctable field they corrected
    and what the minutes said in it."""
    changed = set(changed)
    if "decision" in changed:
        paragraf.sections = with_decision(paragraf.sections, paragraf.decision)
    elif "sections" in changed:
        decision = decision_of(paragraf.sections)
        if decision is not None and decision != paragraf.decision:
            paragraf.decision = decision
            changed.add("decision")
    if paragraf.pk is not None:
        _remember(paragraf, changed & set(CORRECTABLE))
    derive(paragraf)
    paragraf.save()
    words_add([paragraf])


def _attname(name: str) -> str:
    """The column of one of Paragraf's own fields (a foreign key's "_id")."""
    field = Paragraf._meta.get_field(name)
    assert isinstance(field, Field)
    return field.attname


def _remember(paragraf: Paragraf, fields: set[str]) -> None:
    if not fields:
        return
    names = [_attname(f) for f in sorted(fields)]
    stored = Paragraf.objects.filter(pk=paragraf.pk).values(*names).get()
    corrections = dict(paragraf.corrections)
    for field in sorted(fields):
        attname = _attname(field)
        entry = corrections.get(field)
        minutes = entry["minutes"] if entry else stored[attname]
        new = value(paragraf, field)
        if new == minutes:
            # Back to what the minutes say: no correction to keep.
            corrections.pop(field, None)
        else:
            corrections[field] = {"value": new, "minutes": minutes}
    paragraf.corrections = corrections


def meeting_save(*, meeting: Meeting) -> None:
    """Write a meeting a clerk changed, and its paragraphs' copy of its date."""
    meeting.save()
    meeting.paragrafer.exclude(meeting_date=meeting.date).update(
        meeting_date=meeting.date
    )


def paragrafer_before(ids: Iterable[int]) -> dict[int, versions.Before]:
    """The paragraphs' public records before a clerk's edit, for
    paragrafer_corrected() to compare with after it."""
    return versions.before(ids)


def paragrafer_corrected(
    before: dict[int, versions.Before], *, also: Iterable[int] = (), user: Any
) -> list[ParagrafVersion]:
    """After a clerk's edit of the paragraphs (and of those `also` touched):
    recompute their copies of their statements, and keep the versions the
    edit replaced, as the clerk's (their feed entries then show as
    updated)."""
    for paragraf in Paragraf.objects.filter(pk__in={*before, *also}).only("pk"):
        paragraf.sync_reservation_summary()
    return versions.keep_versions(before, cause=VersionCause.CLERK, user=user)


def keep_corrections(
    row: Paragraf, *, same_source: bool, warn: Callable[[str], None]
) -> None:
    """On a re-read of the minutes: put the clerk's corrections back over
    what the minutes now say in `row` (set from the parse).

    From the same source (a reparse) a correction stands, and what the
    minutes say is what was corrected. From a new source, a field the new
    minutes leave as they were keeps the correction, one they now write as
    the clerk did needs it no more, and one they change otherwise is a
    conflict: the clerk's value stays public, the minutes' waits in
    Paragraf.conflicts, and `warn` says so."""
    corrections = dict(row.corrections)
    conflicts = dict(row.conflicts)
    for field, entry in list(corrections.items()):
        read = value(row, field)
        if same_source:
            if field in conflicts:
                conflicts[field] = read
            else:
                entry = {**entry, "minutes": read}
        elif read == entry["value"]:
            del corrections[field]
            conflicts.pop(field, None)
            continue
        elif read == entry["minutes"]:
            conflicts.pop(field, None)
        else:
            conflicts[field] = read
            warn(
                f"§ {row.number}: det nya protokollet ändrar "
                f"{CORRECTABLE.get(field, field)}, som nämndsekreteraren har "
                "rättat; rättelsen gäller tills den prövats i administrationen"
            )
        corrections[field] = entry
        _set(row, field, entry["value"])
    if "decision" in corrections:
        row.sections = with_decision(row.sections, row.decision)
    row.corrections = corrections
    row.conflicts = conflicts


def paragraf_resolve(
    *,
    paragrafer: QuerySet[Paragraf],
    take: Literal["minutes", "correction"],
    user: Any,
) -> list[ParagrafVersion]:
    """Settle the conflicts between the paragraphs' corrections and a new
    version of their minutes: take the minutes' text (which replaces the
    clerk's, kept as a version of the new minutes' cause) or keep the
    correction (the new minutes' text is what it corrects from now on).
    Return the versions kept."""
    with transaction.atomic():
        rows = list(
            paragrafer.exclude(conflicts={})
            .select_for_update(of=("self",))
            .select_related("meeting")
        )
        before = versions.before(p.pk for p in rows) if take == "minutes" else {}
        for row in rows:
            corrections = dict(row.corrections)
            for field, read in row.conflicts.items():
                if take == "minutes":
                    corrections.pop(field, None)
                    _set(row, field, read)
                    if field == "decision":
                        row.sections = with_decision(row.sections, row.decision)
                else:
                    corrections[field] = {**corrections[field], "minutes": read}
            row.corrections = corrections
            row.conflicts = {}
            # Withdrawn stays hidden, whatever the minutes say.
            row.confidential = row.confidential or row.withdrawn_at is not None
            derive(row)
        Paragraf.objects.bulk_update(
            rows,
            [
                *CORRECTABLE,
                "sections",
                "corrections",
                "conflicts",
                "meeting_date",
                "search_terms",
            ],
        )
        words_add(rows)
        if take == "minutes" and rows:
            # A bulk update sends no signal (decisions.caching): the pages'
            # validators move here.
            ArchiveState.touch()
        return versions.keep_versions(before, cause=VersionCause.MINUTES, user=user)
