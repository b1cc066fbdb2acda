from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    """Staff logins: lockout after failed attempts and a second factor."""

    default = True
    name = "accounts"
    verbose_name = "Konton"

    def ready(self) -> None:
        from . import checks  # noqa: F401 (registers the deploy check)


class AdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our site as admin.site, so every
    @admin.register, of ours and of the libraries, lands on the one site that
    may ask for a second factor."""

    default = False
    default_site = "accounts.sites.AdminSite"
