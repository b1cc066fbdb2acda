"""Failed logins in the admin (django-axes registers them itself)."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin

admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LockoutAdmin(AccessAttemptAdmin):
    """A lockout is lifted by deleting its attempt. Axes' own "clean up
    expired attempts" action is left out: in axes 8.3.1 it answers 500 from
    the admin (it reads a request attribute set only during a login), and
    expired attempts stop counting by themselves after the cool-off."""

    actions = []
