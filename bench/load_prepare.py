"""Get the generated archive ready for bench/load.sh, and pick what it asks for.

    .venv/bin/python bench/load_prepare.py --out DIR [--paragraphs 1000000]

Uses `<database>_search_<N>`, the archive bench/search.py fills (run that
first; it takes ≈20 minutes at a million paragraphs), applies migrations newer
than its fill, and marks the archive changed (ArchiveState: a COPY fill writes
none, and without it no response has validators). Then writes into DIR:

- urls.txt: one request a line, "kind path etag": paragraph, meeting, board
  and municipality pages, searches (bench/search.py's queries), feeds and
  API calls, in the mix a reading public makes, with the ETag each answered;
- in STATIC_ROOT (load.sh points it into DIR): collectstatic's output and
  payload.html, a static file as large as the average paragraph page
  (whitenoise serving it is the ceiling);
- env: the DATABASE_URL gunicorn is to serve.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.databases import add_archive_arguments, use_archive  # noqa: E402

# How often each kind of request comes, per 100.
MIX = {
    "paragraph": 45,
    "meeting": 10,
    "board": 8,
    "municipality": 5,
    "start": 5,
    "search": 15,
    "feed": 5,
    "api": 7,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    add_archive_arguments(parser)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    url, name = use_archive(parser, args)

    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from bench.search import QUERIES, resolve
    from decisions.models import ArchiveState, Meeting, Namnd, Paragraf

    count = Paragraf.objects.count()
    if count < args.paragraphs:
        sys.exit(f"{name} holds {count} paragraphs: run bench/search.py first")
    call_command("migrate", verbosity=0)
    ArchiveState.touch()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    # First: pages name their static files through collectstatic's manifest.
    static = Path(settings.STATIC_ROOT)
    call_command("collectstatic", "--noinput", verbosity=0)

    rng = random.Random(args.seed)
    top = Paragraf.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert top is not None  # counted above
    picked = Paragraf.objects.filter(
        pk__in=[rng.randint(1, top) for _ in range(400)], confidential=False
    ).select_related("meeting__namnd__municipality")[:200]
    paragrafer = [p.get_absolute_url() for p in picked]
    meetings = [
        m.get_absolute_url()
        for m in Meeting.objects.filter(
            pk__in=[p.meeting_id for p in picked]
        ).select_related("namnd__municipality")[:60]
    ]
    namnder = [
        b.get_absolute_url() for b in Namnd.objects.select_related("municipality")[:40]
    ]
    municipalities = sorted({"/".join(u.split("/")[:2]) + "/" for u in namnder})
    searches = ["/sok/?" + urlencode(resolve(params)) for _, params in QUERIES]
    feeds = [u + "feed/" for u in namnder[:10]] + [
        "/sok/feed/?" + urlencode(resolve(params)) for _, params in QUERIES[:10]
    ]
    api = ["/api/v1/paragrafer/?antal=20", "/api/v1/kommuner/"] + [
        "/api/v1/paragrafer" + u for u in paragrafer[:40]
    ]
    pools = {
        "paragraph": paragrafer,
        "meeting": meetings,
        "board": namnder,
        "municipality": municipalities,
        "start": ["/"],
        "search": searches,
        "feed": feeds,
        "api": api,
    }

    client = Client()
    lines, sizes = [], []
    for kind, share in MIX.items():
        for _ in range(share * 20):
            path = rng.choice(pools[kind])
            response = client.get(path)
            # A typed diarienummer redirects to its case.
            if response.status_code not in (200, 302):
                sys.exit(f"{path} answered {response.status_code}")
            body = b"".join(response) if response.streaming else response.content
            if kind == "paragraph":
                sizes.append(len(body))
            etag = response.get("ETag", "-")
            lines.append(f"{kind} {path.replace(' ', '%20')} {etag}")
    rng.shuffle(lines)
    (out / "urls.txt").write_text("\n".join(lines) + "\n")

    size = sum(sizes) // len(sizes)
    (static / "payload.html").write_bytes(b"<!-- payload -->".ljust(size, b" "))
    (out / "env").write_text(f"DATABASE_URL={url}\n")
    print(
        f"{name}: {count} paragraphs; {len(lines)} requests to draw from; "
        f"paragraph pages {size} bytes on average (the static payload's size)"
    )


if __name__ == "__main__":
    main()
