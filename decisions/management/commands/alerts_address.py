"""An alert subscriber's data on request: what is kept of an address, as
JSON (the right of access), or its deletion with every subscription (the
right to erasure), and the deletion of subscriptions never confirmed.

    manage.py alerts_address export anna@example.se
    manage.py alerts_address delete anna@example.se
    manage.py alerts_address purge
"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from decisions.services import alerts


class Command(BaseCommand):
    help = "Export or delete an alert subscriber's data, or purge unconfirmed ones."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["export", "delete", "purge"])
        parser.add_argument("email", nargs="?")

    def handle(
        self, *args: Any, action: str, email: str | None, **options: Any
    ) -> None:
        if action == "purge":
            deleted = alerts.purge_unconfirmed()
            self.stdout.write(f"{deleted} obekräftade bevakningar raderade")
            return
        if not email:
            raise CommandError(f"{action} behöver en e-postadress")
        if action == "export":
            data = alerts.address_export(email)
            if data is None:
                raise CommandError(f"Ingen bevakning har adressen {email}")
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        elif not alerts.address_delete(email):
            raise CommandError(f"Ingen bevakning har adressen {email}")
        else:
            self.stdout.write(f"{email} och dess bevakningar är raderade")
