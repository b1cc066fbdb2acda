"""The benchmarks' own databases, beside the one DATABASE_URL names.

Each benchmark fills a database of its own on the same server (`<name>_bench`,
`<name>_quality`, `<name>_search_<N>`), so that none touches the development
data or another benchmark's.
"""

from __future__ import annotations

import os
from typing import Any


def server_params(url: str, dbname: str | None = None) -> dict[str, Any]:
    """psycopg.connect() arguments for url's server (and dbname, default url's)."""
    import dj_database_url

    config = dj_database_url.parse(url)
    params = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
        "dbname": dbname or config["NAME"],
    }
    return {k: v for k, v in params.items() if v is not None}


def database_name(url: str) -> str:
    import dj_database_url

    return dj_database_url.parse(url)["NAME"]


def sibling(url: str, suffix: str) -> tuple[str, str]:
    """The URL and name of `<url's database>_<suffix>` on url's server."""
    name = f"{database_name(url)}_{suffix}"
    head, _, query = url.partition("?")
    return head.rsplit("/", 1)[0] + f"/{name}" + (f"?{query}" if query else ""), name


def recreate(url: str) -> None:
    """Drop (closing its connections) and create the database of url, empty."""
    import psycopg

    name = database_name(url)
    with psycopg.connect(**server_params(url, "postgres"), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')


def start_django_on_fresh(url: str, suffix: str) -> str:
    """Recreate `<url's database>_<suffix>`, point Django at it, set Django up;
    return its URL. Migrating is the caller's: some fill it another way."""
    fresh, _ = sibling(url, suffix)
    recreate(fresh)
    os.environ["DATABASE_URL"] = fresh
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    return fresh


def add_archive_arguments(parser: Any) -> None:
    """--paragraphs and --database-url: which generated archive a benchmark
    uses (bench/search.py fills it, bench/dump.py reads it)."""
    parser.add_argument("--paragraphs", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))


def use_archive(parser: Any, args: Any) -> tuple[str, str]:
    """Point Django at `<database>_search_<N>` and set it up; its URL and name."""
    if not args.database_url:
        parser.error(
            "give --database-url or set DATABASE_URL (scripts/with-db.sh does)"
        )
    url, name = sibling(args.database_url, f"search_{args.paragraphs}")
    os.environ["DATABASE_URL"] = url
    # The view keeps one connection, as a busy server would.
    os.environ.setdefault("CONN_MAX_AGE", "3600")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    return url, name
