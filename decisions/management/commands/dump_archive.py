"""Write the archive download: `manage.py dump_archive`. The task worker does
the same after every change (decisions.tasks.rebuild_archive); by hand, for a
first download or a new SITE_URL."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from decisions.services.dump import write_archive


class Command(BaseCommand):
    help = "Write the whole published archive as JSON Lines (gzip) and a manifest."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            default=settings.OPEN_DATA_DIR,
            help="folder for the files (default: OPEN_DATA_DIR, %(default)s)",
        )
        parser.add_argument(
            "--site-url",
            default=settings.SITE_URL,
            help="the archive's address, for the records' ids (default: SITE_URL)",
        )

    def handle(self, *args: Any, output: Path, site_url: str, **options: Any) -> None:
        def progress(n: int) -> None:
            if options["verbosity"] > 1:
                self.stderr.write(f"{n} paragraphs")

        manifest = write_archive(output, site_url.rstrip("/"), progress)
        self.stdout.write(
            f"{output / manifest.file}: {manifest.paragraphs} paragraphs, "
            f"{manifest.bytes} bytes, sha256 {manifest.sha256}"
        )
