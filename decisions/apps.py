from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = "Beslut"

    def ready(self) -> None:
        from . import lookups  # noqa: F401 (registers pk__any)
        from .caching import follow_changes

        follow_changes()
