"""Create a clerk (nämndsekreterare) for a board, or an editor for a whole
municipality: a staff user in the group that may edit minutes, assigned to
those minutes only (decisions.admin.ScopedToAssignments).

    manage.py create_clerk anna --namnd "Sjöbacka kommun/Kommunstyrelsen"
    manage.py create_clerk bertil --kommun "Sjöbacka kommun"

The user gets no password: they set one with `manage.py changepassword`, or
a superuser sets it in the admin, and a device for the login's one-time
codes (required in production) with `manage.py totp_device`. Running it
again adds an assignment.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from decisions.models import Assignment, Municipality, Namnd

GROUP = "Nämndsekreterare"
# What the group may do, per model: edit the minutes and what hangs on them;
# only look at boards, municipalities and aliases. Cases and members are
# shared by a municipality's boards: only an editor of the municipality uses
# these permissions on them, a clerk looks (decisions.admin.SharedBetweenNamnder).
EDITS = [
    "upload",
    "meeting",
    "paragraf",
    "reservation",
    "reservationmember",
    "proposal",
    "proposalmember",
    "vote",
    "votecast",
    "attendance",
    "arende",
    "member",
]
VIEWS = ["namnd", "municipality", "namndalias"]


def clerk_group() -> Group:
    """The clerks' group, with its permissions as EDITS and VIEWS say."""
    group, _ = Group.objects.get_or_create(name=GROUP)
    codenames = [
        f"{action}_{model}"
        for model in EDITS
        for action in ("view", "add", "change", "delete")
    ] + [f"view_{model}" for model in VIEWS]
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="decisions", codename__in=codenames
        )
    )
    return group


class Command(BaseCommand):
    help = "Create a clerk for a board, or an editor for a municipality."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--namnd", help='"Kommun/Nämnd", as the admin names them')
        scope.add_argument("--kommun", help="the municipality, for an editor")
        parser.add_argument("--email", default="")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        # An assignment is to a board or to a whole municipality, never both.
        namnd: Namnd | None = None
        municipality: Municipality | None = None
        if options["namnd"]:
            kommun, _, name = options["namnd"].partition("/")
            namnd = Namnd.objects.filter(
                municipality__name=kommun.strip(), name=name.strip()
            ).first()
            if namnd is None:
                raise CommandError(f"ingen nämnd {options['namnd']!r} (Kommun/Nämnd)")
        else:
            municipality = Municipality.objects.filter(name=options["kommun"]).first()
            if municipality is None:
                raise CommandError(f"ingen kommun {options['kommun']!r}")
        user, created = get_user_model().objects.get_or_create(
            username=options["username"],
            defaults={"email": options["email"], "is_staff": True},
        )
        if created:
            user.set_unusable_password()
            user.save()
        elif not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        user.groups.add(clerk_group())
        Assignment.objects.get_or_create(
            user=user, namnd=namnd, municipality=municipality
        )
        self.stdout.write(
            f"{user.username}: {'skapad' if created else 'fanns'}, får redigera "
            f"{namnd or municipality}"
            + (
                f"; sätt lösenord: manage.py changepassword {user.username}"
                if created
                else ""
            )
            + f"; engångskoder (krävs i produktion): manage.py totp_device "
            f"{user.username}"
        )
