"""The open-data page's examples run as written (issue 20): each command on
the page, copied from the page as a reader would copy it, runs in bash
against a live server of the archive and says what the page promises.

The page names the archive's own address (SITE_URL), so the live server's
is set as SITE_URL before the page is read; nothing else is changed."""

import html
import re
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from decisions.problems import KINDS
from decisions.services import ingest as services
from decisions.services.dump import write_archive
from tests.factories import SJOBACKA

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLE = re.compile(
    r'<pre class="example" data-example="([^"]+)"><code>(.*?)</code></pre>', re.S
)

# What each example prints, in part (or whole, a pattern): its promise.
EXPECTED: dict[str, str | re.Pattern[str]] = {
    "index": '"lists"',
    "error": "#fel-ogiltig-parameter",
    "attendance": '"results"',
    "popolo": re.compile(r"[1-9][0-9]*"),
    "cors": "access-control-allow-origin: *",
    "changes": '"tombstones"',
    "mirror": " paragrafer",
    "daily": re.compile(r"[1-9][0-9]*"),
    "csv": '"adress";"kommun";"nämnd"',
    "feed": "<feed",
    "schema": "one published paragraph",
}


def test_every_example_on_the_open_data_page_runs_as_written(
    live_server, settings, tmp_path: Path
) -> None:
    settings.SITE_URL = live_server.url
    settings.OPEN_DATA_DIR = tmp_path
    for path in SJOBACKA:
        services.protocol_ingest(source_name=path.name, data=path.read_bytes())
    write_archive(tmp_path, live_server.url)
    page = Client().get("/oppna-data/").content.decode()
    examples = [(name, html.unescape(code)) for name, code in EXAMPLE.findall(page)]
    assert sorted(name for name, _ in examples) == sorted(EXPECTED)
    for name, command in examples:
        assert live_server.url in command, name
        done = subprocess.run(
            ["bash", "-c", command], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, (name, command, done.stderr)
        expected = EXPECTED[name]
        if isinstance(expected, re.Pattern):
            assert expected.fullmatch(done.stdout.strip()), (name, done.stdout[:500])
        else:
            assert expected in done.stdout, (name, command, done.stdout[:500])
    # Every kind of problem the API answers has its section, which its
    # `type` links to.
    for kind in KINDS:
        assert (
            f'<div id="{kind.anchor}"><dt><code>{kind.status}</code> {kind.title}<'
            in page
        )
    mirror = dict(examples)["mirror"]
    printed = subprocess.run(
        ["bash", "-c", mirror], capture_output=True, text=True, timeout=60
    ).stdout
    # The mirror holds every published paragraph changed since the date.
    from decisions.models import Paragraf

    assert printed.strip() == f"{Paragraf.objects.published().count()} paragrafer"
