from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = "Beslut"

    def ready(self) -> None:
        from .caching import follow_changes

        follow_changes()
