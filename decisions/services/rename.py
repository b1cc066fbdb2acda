"""A board or a municipality takes a new name from a given day.

The name it replaces is kept with the days it held it (NamndName,
MunicipalityName), so that minutes of those days are still shown and cited
under it and ingest still finds the board by it; its old slug keeps
answering with a 301 (NamndAlias for a board, the MunicipalityName for a
municipality). The meetings from that day on show the new name
(Meeting.namnd_name, municipality_name). Nothing else writes names: the
admin's change forms call these.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from ..models import (
    ArchiveState,
    EarlierName,
    Meeting,
    Municipality,
    MunicipalityName,
    Namnd,
    NamndAlias,
    NamndName,
)

_DAY = datetime.timedelta(days=1)


def name_since(earlier: Any) -> datetime.date | None:
    """The first day of the current name, given the earlier names' queryset
    (None: held from before the archive knows)."""
    last = earlier.order_by("-valid_until").values_list("valid_until", flat=True)
    ended = last.first()
    return ended + _DAY if ended else None


def check_since(earlier: Any, since: datetime.date) -> None:
    """Refuse a new name that would start before the current one did (the
    current name must have held at least a day)."""
    start = name_since(earlier)
    if start is not None and since <= start:
        raise ValidationError(
            {
                "since": f"Det nuvarande namnet gäller från {start.isoformat()}; "
                "det nya kan gälla tidigast dagen efter."
            }
        )


def namnd_rename(
    *,
    namnd: Namnd,
    new_name: str,
    since: datetime.date,
    user: Any,
    slug: str | None = None,
) -> Namnd:
    """Give the board new_name (and slug, by default slugify(new_name)) from
    the day since; keep the name it had until the day before."""
    slug = slug or slugify(new_name)
    with transaction.atomic():
        locked = Namnd.objects.select_for_update().get(pk=namnd.pk)
        taken = Namnd.objects.filter(municipality_id=locked.municipality_id).exclude(
            pk=locked.pk
        )
        if taken.filter(Q(name=new_name) | Q(slug=slug)).exists():
            raise ValidationError(
                {"name": f"En annan nämnd i kommunen heter redan {new_name}."}
            )
        old_name, old_slug = locked.name, locked.slug
        if new_name != old_name:
            check_since(locked.earlier_names.all(), since)
            _keep_earlier(
                NamndName(namnd=locked), locked.earlier_names.all(), locked, since
            )
        locked.name, locked.slug = new_name, slug
        locked.save(update_fields=["name", "slug"])
        if old_slug != slug:
            # Old addresses follow the board (views.follows_old_names); one
            # that is the board's own again is no longer an alias.
            NamndAlias.objects.update_or_create(
                municipality_id=locked.municipality_id,
                slug=old_slug,
                defaults={"namnd": locked},
            )
            NamndAlias.objects.filter(
                municipality_id=locked.municipality_id, slug=slug, namnd=locked
            ).delete()
        if new_name != old_name:
            _meetings_from(since).filter(namnd=locked).update(namnd_name=new_name)
        _log(user, locked, old_name, new_name, since)
        ArchiveState.touch()
    namnd.name, namnd.slug = locked.name, locked.slug
    return locked


def municipality_rename(
    *,
    municipality: Municipality,
    new_name: str,
    since: datetime.date,
    user: Any,
    slug: str | None = None,
) -> Municipality:
    """Give the municipality new_name (and slug) from the day since; keep the
    name it had until the day before, and its slug as an old address."""
    slug = slug or slugify(new_name)
    with transaction.atomic():
        town = Municipality.objects.select_for_update().get(pk=municipality.pk)
        others = Municipality.objects.exclude(pk=town.pk)
        if others.filter(Q(name=new_name) | Q(slug=slug)).exists():
            raise ValidationError({"name": f"En annan kommun heter redan {new_name}."})
        old_name = town.name
        if (new_name, slug) == (old_name, town.slug):
            return town
        check_since(town.earlier_names.all(), since)
        _keep_earlier(
            MunicipalityName(municipality=town), town.earlier_names.all(), town, since
        )
        town.name, town.slug = new_name, slug
        town.save(update_fields=["name", "slug"])
        _meetings_from(since).filter(namnd__municipality=town).update(
            municipality_name=new_name
        )
        _log(user, town, old_name, new_name, since)
        ArchiveState.touch()
    municipality.name, municipality.slug = town.name, town.slug
    return town


def _keep_earlier(
    row: EarlierName, earlier: Any, owner: Namnd | Municipality, since: datetime.date
) -> None:
    row.name, row.slug = owner.name, owner.slug
    row.valid_from = name_since(earlier)
    row.valid_until = since - _DAY
    row.save()


def _meetings_from(since: datetime.date) -> Any:
    """The meetings a name taking over on since is shown on: from that day,
    and the undated ones, which show the current name."""
    return Meeting.objects.filter(Q(date__gte=since) | Q(date=None))


def _log(
    user: Any, obj: Namnd | Municipality, old: str, new: str, since: datetime.date
) -> None:
    if user is None or old == new:
        return
    LogEntry.objects.log_actions(
        user.pk,
        [obj],
        CHANGE,
        change_message=f"Nytt namn från {since.isoformat()}: {old} → {new}",
        single_object=True,
    )
