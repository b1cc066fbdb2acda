"""The archive download as readers get it: the files `dump_archive` writes
(decisions.services.dump), whether the one on disk may still be offered, and
whether the worker is writing a new one (decisions.tasks).
"""

from __future__ import annotations

import datetime
import re
from datetime import datetime as DateTime
from pathlib import Path
from typing import Any

from procrastinate.contrib.django.models import ProcrastinateJob

from .models import Tombstone

ARCHIVE_NAME = "oppna-beslut.jsonl.gz"
MANIFEST_NAME = "manifest.json"
# A JSON Schema of one line of the archive, written beside it by every dump.
SCHEMA_NAME = "oppna-beslut.schema.json"
SCHEMA_SOURCE = Path(__file__).resolve().parent / "schemas" / "record.schema.json"
# And one of a line of the daily changes files: a record or a tombstone.
CHANGES_SCHEMA_NAME = "oppna-beslut-andringar.schema.json"
CHANGES_SCHEMA_SOURCE = SCHEMA_SOURCE.with_name("changes.schema.json")
# The daily changes files (decisions.services.dump.write_changes): one per
# day (UTC) of the last CHANGES_DAYS, named by it.
CHANGES_DAYS = 31
CHANGES_PREFIX = "andringar-"
CHANGES_SUFFIX = ".jsonl.gz"


def changes_name(day: datetime.date) -> str:
    return f"{CHANGES_PREFIX}{day.isoformat()}{CHANGES_SUFFIX}"


def is_changes_name(name: str) -> bool:
    """Whether name is a changes file's (the date checked as a date)."""
    if not (name.startswith(CHANGES_PREFIX) and name.endswith(CHANGES_SUFFIX)):
        return False
    try:
        day = datetime.date.fromisoformat(
            name.removeprefix(CHANGES_PREFIX).removesuffix(CHANGES_SUFFIX)
        )
    except ValueError:
        return False
    return changes_name(day) == name


# A municipality as one Popolo document (decisions.popolo), one file each,
# named by its slug when the dump was written.
POPOLO_FILE = re.compile(r"popolo-[-a-zA-Z0-9_]+\.json")
# The task that writes the download again (decisions.tasks.rebuild_archive)
# and its queueing lock: at most one such job waits at a time.
REBUILD_TASK = "rebuild_archive"
REBUILD_LOCK = "open-data-archive"


def popolo_name(kommun: str) -> str:
    """The file of a municipality's Popolo document, by its slug."""
    return f"popolo-{kommun}.json"


def holds_records(name: str) -> bool:
    """Whether a file of the download holds what paragraphs say (the archive,
    the changes files, and the Popolo documents' proposals and votes): what
    a withdrawal may leave in it until the next dump (outdated())."""
    return (
        name == ARCHIVE_NAME
        or is_changes_name(name)
        or POPOLO_FILE.fullmatch(name) is not None
    )


def rebuild_pending() -> bool:
    """Whether a rebuild of the download waits in the queue or is under way."""
    return ProcrastinateJob.objects.filter(
        task_name=REBUILD_TASK, status__in=("todo", "doing")
    ).exists()


def latest_withdrawal() -> datetime.datetime | None:
    """When a paragraph was last withdrawn, or deleted, which withdraws it
    (through the index tombstone_withdrawn_at_desc)."""
    return (
        Tombstone.objects.order_by("-withdrawn_at")
        .values_list("withdrawn_at", flat=True)
        .first()
    )


def outdated(manifest: dict[str, Any] | None) -> bool:
    """Whether the archive a manifest describes may hold a paragraph withdrawn
    since its dump began (or no manifest tells when that was)."""
    withdrawn = latest_withdrawal()
    if withdrawn is None:
        return False
    if manifest is None:
        return True
    return DateTime.fromisoformat(manifest["created"]) <= withdrawn
