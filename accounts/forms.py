"""The admin's login form when two factors are required."""

from __future__ import annotations

from typing import Any

from django import forms
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm


class TwoFactorLoginForm(OTPAdminAuthenticationForm):
    """Username, password and the code from the user's authenticator app, in
    one step: django-otp wants the device chosen from a list it shows after
    the password, a second round that a user with one device (everyone
    enrolled by `manage.py totp_device`) does not need."""

    otp_token = forms.CharField(
        required=False,
        label="Engångskod",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )
    # Plain strings beside django_otp's lazy ones.
    otp_error_messages: dict[str, Any] = {
        **OTPAdminAuthenticationForm.otp_error_messages,
        "token_required": "Skriv engångskoden från din autentiseringsapp.",
        "invalid_token": "Fel engångskod. Skriv den kod appen visar just nu.",
        "n_failed_attempts": (
            "Engångskoden är spärrad en stund efter %(failure_count)d felaktiga "
            "försök. Vänta och försök igen."
        ),
        "verification_not_allowed": "Engångskoden kan inte kontrolleras just nu.",
        "device_required": "Välj vilken enhet koden kommer från.",
    }

    def clean_otp(self, user: Any) -> None:
        if user is not None and next(devices_for_user(user), None) is None:
            raise forms.ValidationError(
                "Kontot har ingen enhet för engångskoder. Be en administratör "
                f"köra manage.py totp_device {user.get_username()}.",
                code="no_device",
            )
        super().clean_otp(user)

    def _chosen_device(self, user: Any) -> Any:
        chosen = super()._chosen_device(user)
        if chosen is None:
            devices = list(devices_for_user(user, for_verify=True))
            if len(devices) == 1:
                return devices[0]
        return chosen
