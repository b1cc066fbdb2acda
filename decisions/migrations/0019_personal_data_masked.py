"""Mask the identity numbers already in the archive, now that the guard
(decisions.guard) keeps new ones out.

Earlier versions of paragraphs are masked whole: a version is public, and
before this a number corrected away stayed in it; so are the records a
tombstone keeps of a withdrawn paragraph. The current texts (a
meeting's source text, its paragraphs, statements and proposals, case titles)
are masked too, except a number a clerk confirmed as no personal data when
publishing the minutes (Upload.confirmed). A number kept with ingest
--keep-identity-numbers left no record of that confirmation, so it is masked.

Only rows whose text holds ten digits in a row, as a number may be written,
are read (a regular expression in PostgreSQL), then checked in Python with
the archive's own rules (decisions.personal_data: its date and Luhn checks,
pure functions of text).
"""

from __future__ import annotations

import re
from typing import Any

from django.db import migrations
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from decisions.personal_data import find_identity_numbers

# Six digits, an optional separator, four digits: every spelling
# find_identity_numbers() accepts holds such a run.
MAYBE = r"[0-9]{6}[ ]?[-+ ]?[ ]?[0-9]{4}"


def masked(value: Any, keep: set[str]) -> Any:
    """value with every identity number not in keep masked, however deep."""
    if isinstance(value, str):
        out, last = [], 0
        for hit in find_identity_numbers(value):
            if hit.text in keep:
                continue
            out += [value[last : hit.start], re.sub(r"\d", "X", hit.text)]
            last = hit.end
        return "".join([*out, value[last:]])
    if isinstance(value, list):
        return [masked(item, keep) for item in value]
    if isinstance(value, dict):
        return {key: masked(item, keep) for key, item in value.items()}
    return value


def confirmed_by_meeting(apps: Any) -> dict[int, set[str]]:
    Upload = apps.get_model("decisions", "Upload")
    rows = Upload.objects.exclude(meeting=None).values_list("meeting_id", "confirmed")
    return {meeting: set(confirmed or []) for meeting, confirmed in rows}


def mask_rows(
    model: Any, fields: list[str], meeting_of: str | None, keep: dict[int, set[str]]
) -> None:
    # As text, so that JSON and arrays are searched the same way.
    as_text = {f"{name}_as_text": Cast(name, TextField()) for name in fields}
    maybe = Q()
    for name in as_text:
        maybe |= Q(**{f"{name}__regex": MAYBE})
    values = [*fields, meeting_of] if meeting_of else fields
    rows = model.objects.annotate(**as_text).filter(maybe).values("pk", *values)
    for row in rows.iterator():
        kept = keep.get(row[meeting_of], set()) if meeting_of else set()
        changed = {
            name: masked(row[name], kept)
            for name in fields
            if masked(row[name], kept) != row[name]
        }
        if changed:
            model.objects.filter(pk=row["pk"]).update(**changed)


def mask_archive(apps: Any, schema_editor: Any) -> None:
    keep = confirmed_by_meeting(apps)
    model = apps.get_model
    mask_rows(model("decisions", "ParagrafVersion"), ["record"], None, {})
    # What a tombstone keeps of a withdrawn paragraph is never shown, but it
    # is in the database and its backups like the rest.
    mask_rows(model("decisions", "Tombstone"), ["record", "versions"], None, {})
    mask_rows(model("decisions", "Meeting"), ["source_text"], "pk", keep)
    mask_rows(
        model("decisions", "Paragraf"),
        [
            "title",
            "decision",
            "text",
            "reservation_text",
            "sections",
            "procedure",
            "recipients",
            "case_numbers",
        ],
        "meeting_id",
        keep,
    )
    mask_rows(model("decisions", "Reservation"), ["text"], "paragraf__meeting_id", keep)
    mask_rows(model("decisions", "Proposal"), ["text"], "paragraf__meeting_id", keep)
    mask_rows(model("decisions", "Arende"), ["title"], None, {})


class Migration(migrations.Migration):
    dependencies = [("decisions", "0018_tombstone")]

    # Masked digits cannot be restored: going back leaves them masked.
    operations = [migrations.RunPython(mask_archive, migrations.RunPython.noop)]
