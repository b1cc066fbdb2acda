"""makemessages with the project's choices built in, so that `make messages`
and the test that the English catalogue is current extract the same strings."""

from typing import Any

from django.core.management.commands import makemessages

# Folders with no strings of the pages: minutes as .txt (which makemessages
# would read as templates), benchmarks, tests, collected static files.
IGNORED = ["bench", "samples", "tests", "staticfiles", "test-artefacts", "docs"]


class Command(makemessages.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        options["ignore_patterns"] = [*options["ignore_patterns"], *IGNORED]
        # File names without line numbers: a moved line changes no catalogue.
        options["add_location"] = options["add_location"] or "file"
        # A string no longer in the code leaves the catalogue with it.
        options["no_obsolete"] = True
        super().handle(*args, **options)
