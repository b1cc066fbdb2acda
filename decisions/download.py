"""The archive download as readers get it: the files `dump_archive` writes
(decisions.services.dump), and whether the one on disk may still be offered.
"""

from __future__ import annotations

import datetime
from datetime import datetime as DateTime
from typing import Any

from .models import Tombstone

ARCHIVE_NAME = "oppna-beslut.jsonl.gz"
MANIFEST_NAME = "manifest.json"


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
