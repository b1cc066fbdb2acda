"""Where a reader finds the answers: how far down the decision, the dissent,
the vote tally and the first search result sit, and how many Tab presses
reach the first result, in Debian's Chromium at 1280x900 and 375x800.

    .venv/bin/python bench/reader.py [--database-url URL] [--screenshots DIR]

Fills `<name>_reader` on the server of --database-url (default $DATABASE_URL),
made afresh, with the sample archive as `make run` loads it, serves it from a
thread (Django's live server, no page cache, no rate limits) and measures in
the browser. A position is the element's top, in CSS pixels from the top of
the document; "screens" divides it by the window's height, so below 1 means
the first line shows without scrolling. With --screenshots, every page kind
of tests/test_browser.py at both widths is saved there (docs/screenshots/ is
the README's). Ends with one JSON object:
{"desktop": {...}, "phone": {...}, "tabs_to_first_result": N}.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.databases import start_django_on_fresh  # noqa: E402

WIDTHS = {"desktop": (1280, 900), "phone": (375, 800)}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The budget: a vote with a tally and reservations by four parties; and a
# board's vote where every member's vote is named.
VOTE_PAGES = {
    "budget": "/sjobacka-kommun/kommunfullmaktige/2024-11-25/paragraf-112/",
    "dispens": "/sjobacka-kommun/miljo-och-byggnadsnamnden/2024-06-11/paragraf-80/",
}
SEARCH_PAGE = "/sok/?q=budget"
# What each answer is, as the pages mark it (data-answer), and as the
# pages before the outcome strip showed it: the first place it appeared.
ANSWERS = {
    "decision": ["[data-answer=decision]", ".decision > div"],
    "dissent": ["[data-answer=dissent]", ".reservations"],
    "tally": ["[data-answer=tally]", "text=/\\d+ ja-röster/"],
}
FIRST_RESULT = ".paragraf-list .paragraf-item a"


def top(page: Any, selectors: list[str]) -> float | None:
    for selector in selectors:
        found = page.locator(selector)
        if found.count():
            return found.first.evaluate(
                "e => e.getBoundingClientRect().top + window.scrollY"
            )
    return None


def tabs_to(page: Any, selector: str, limit: int = 200) -> int:
    """Tab presses from the top of a fresh page until the focus is on the
    first element selector matches."""
    target = page.locator(selector).first
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if target.evaluate("e => e === document.activeElement"):
            return presses
    raise SystemExit(f"{selector} not reached in {limit} Tab presses")


def measure(browser: Any, base: str, width: int, height: int) -> dict[str, Any]:
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale="sv-SE",
        java_script_enabled=False,
    )
    page = context.new_page()
    figures: dict[str, Any] = {"viewport": [width, height]}
    for name, path in VOTE_PAGES.items():
        response = page.goto(base + path)
        if response is None or response.status != 200:
            raise SystemExit(f"{path}: {response and response.status}")
        for answer, selectors in ANSWERS.items():
            y = top(page, selectors)
            if y is None:
                raise SystemExit(f"{path}: no {answer} ({selectors})")
            figures[f"{name}_{answer}_px"] = round(y)
            figures[f"{name}_{answer}_screens"] = round(y / height, 2)
    response = page.goto(base + SEARCH_PAGE)
    if response is None or response.status != 200:
        raise SystemExit(f"{SEARCH_PAGE}: {response and response.status}")
    y = top(page, [FIRST_RESULT])
    if y is None:
        raise SystemExit(f"{SEARCH_PAGE}: no result")
    figures["first_result_px"] = round(y)
    figures["first_result_screens"] = round(y / height, 2)
    figures["tabs_to_first_result"] = tabs_to(page, FIRST_RESULT)
    context.close()
    return figures


def screenshots(browser: Any, base: str, directory: Path) -> int:
    from tests.test_browser import PAGE_KINDS

    directory.mkdir(parents=True, exist_ok=True)
    taken = 0
    for label, (width, height) in WIDTHS.items():
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale="sv-SE"
        )
        page = context.new_page()
        for kind, path in PAGE_KINDS.items():
            response = page.goto(base + path)
            if response is None or response.status != 200:
                raise SystemExit(f"{path}: {response and response.status}")
            # JPEG, the first screen only: what a reader sees on arrival, at
            # a size the repository can carry (about 60 kB a page).
            page.screenshot(
                path=directory / f"{kind}-{label}.jpg", type="jpeg", quality=70
            )
            taken += 1
        context.close()
    return taken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--screenshots", type=Path)
    args = parser.parse_args()
    if not args.database_url:
        parser.error("give --database-url or set DATABASE_URL (scripts/with-db.sh)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    os.environ["PAGE_CACHE"] = "off"
    os.environ["RATELIMIT_SEARCH"] = os.environ["RATELIMIT_API"] = "0"
    start_django_on_fresh(args.database_url, "reader")
    from django.conf import settings
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.management import call_command
    from django.test.testcases import LiveServerThread
    from playwright.sync_api import sync_playwright

    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    # Static files from the source tree, as tests/conftest.py serves them.
    settings.STATIC_ROOT = None
    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="oppna-beslut-reader-")
    call_command("migrate", verbosity=0)
    call_command("ingest", *map(str, sorted((ROOT / "samples").glob("*.txt"))))
    stockholm = sorted((ROOT / "samples" / "stockholm").glob("*.txt"))
    call_command("ingest", "--kommun", "Stockholms stad", *map(str, stockholm))
    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    base = f"http://127.0.0.1:{server.port}"
    result: dict[str, Any] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        for label, (width, height) in WIDTHS.items():
            result[label] = measure(browser, base, width, height)
        if args.screenshots:
            result["screenshots"] = screenshots(browser, base, args.screenshots)
        browser.close()
    server.terminate()
    result["tabs_to_first_result"] = result["desktop"]["tabs_to_first_result"]
    for label in WIDTHS:
        print(label, " ".join(f"{k}={v}" for k, v in result[label].items()))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
