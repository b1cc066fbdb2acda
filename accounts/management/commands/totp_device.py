"""Enrol a staff user for two-factor login: a confirmed TOTP device, and the
otpauth:// address (a QR code on a terminal) for their authenticator app.

    manage.py totp_device anna
    manage.py totp_device anna --replace     # a lost or new phone

The address holds the secret: show it to that user only. A superuser sees
and deletes devices in the admin (Otp_Totp → TOTP devices).
"""

import io
from base64 import b32encode
from typing import Any

import segno
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Give a staff user a TOTP device for two-factor login."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="Autentiseringsapp")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="delete the user's TOTP devices first (a lost phone)",
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"ingen användare {username!r}")
        if not user.is_staff:
            raise CommandError(f"{username} är inte personal (is_staff)")
        devices = TOTPDevice.objects.filter(user=user)
        if devices.exists() and not options["replace"]:
            raise CommandError(
                f"{username} har redan en TOTP-enhet; --replace ersätter den"
            )
        devices.delete()
        device = TOTPDevice.objects.create(
            user=user, name=options["name"], confirmed=True
        )
        self.stdout.write(
            f"{username}: enheten {device.name!r} är skapad. Lägg in den i en "
            "autentiseringsapp: skanna QR-koden eller öppna adressen\n"
            f"{device.config_url}\n"
            f"eller skriv in nyckeln {b32encode(device.bin_key).decode()} "
            "(tidsbaserad, 6 siffror, 30 s)."
        )
        if self.stdout.isatty():
            drawn = io.StringIO()
            segno.make(device.config_url).terminal(out=drawn, compact=True)
            self.stdout.write(drawn.getvalue(), ending="")
