"""How big each public page kind is, in bytes as served and gzipped.

    .venv/bin/python bench/pages.py [--database-url URL]

Ingests samples/ into `<name>_pages` on the server of --database-url (default:
$DATABASE_URL), made afresh, then fetches one page of each kind through Django's
test client, as tests/test_browser.py's PAGE_KINDS names them, with the page's
stylesheet and script. Prints a line per kind and ends with one JSON object:
{kind: {"html": bytes, "html_gzip": bytes}, ..., "css": ..., "js": ...}.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.databases import start_django_on_fresh  # noqa: E402


def sizes(content: bytes) -> dict[str, int]:
    return {"html": len(content), "html_gzip": len(gzip.compress(content, 6))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    args = parser.parse_args()
    if not args.database_url:
        parser.error("give --database-url or set DATABASE_URL (scripts/with-db.sh)")
    start_django_on_fresh(args.database_url, "pages")
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from tests.test_browser import PAGE_KINDS

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    call_command("migrate", verbosity=0)
    call_command("ingest", *map(str, sorted((ROOT / "samples").glob("*.txt"))))
    client = Client()
    figures: dict[str, dict[str, int]] = {}
    for kind, path in PAGE_KINDS.items():
        response = client.get(path)
        assert response.status_code == 200, (kind, response.status_code)
        figures[kind] = sizes(response.content)
    for name, path in [("css", "static/css/site.css"), ("js", "static/js/copy.js")]:
        figures[name] = sizes((ROOT / path).read_bytes())
    print(f"{'page':14} {'bytes':>8} {'gzip':>8}")
    for kind, figure in figures.items():
        print(f"{kind:14} {figure['html']:8} {figure['html_gzip']:8}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
