"""The public pages in real Chromium: what a citizen does, with and without JS."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import Browser, Page

from tests.factories import SJOBACKA

# WCAG 2.1 A and AA rules, as Swedish law requires of public-sector sites.
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa"]}}


@pytest.fixture
def archive(transactional_db) -> None:
    call_command("ingest", *map(str, SJOBACKA), stdout=None, stderr=None)


@pytest.fixture
def no_js_page(browser: Browser):
    context = browser.new_context(java_script_enabled=False, locale="sv-SE")
    yield context.new_page()
    context.close()


def wcag_violations(page: Page) -> list[str]:
    # axe runs as a script, so it needs a page with JavaScript on.
    results = Axe().run(page, options=WCAG_AA)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])})"
        for v in results.response["violations"]
    ]


def test_a_citizen_searches_and_reads_a_decision_without_javascript(
    live_server, archive, no_js_page: Page
) -> None:
    page = no_js_page
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "sv"
    page.get_by_label("Sök i protokollen").fill("öppna data")
    page.get_by_label("Sök i protokollen").press("Enter")
    page.wait_for_url("**/sok/?q=*")
    assert "träffar" in page.locator("main").inner_text()
    page.get_by_role("link", name="Program för öppna data").first.click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("§")
    assert page.locator(".decision").is_visible()
    assert page.get_by_role("heading", name="Citera").is_visible()
    # Without JavaScript the citation is text to select, with no dead button.
    assert "§" in page.locator("#citation").inner_text()
    assert not page.get_by_role("button", name="Kopiera citatet").is_visible()


def test_the_citation_copies_with_one_click(live_server, archive, browser: Browser):
    context = browser.new_context(locale="sv-SE")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    url = "/sjobacka-kommun/kommunfullmaktige/2024-11-25/paragraf-113/"
    page.goto(live_server.url + url)
    page.get_by_role("button", name="Kopiera citatet").click()
    page.get_by_role("status").filter(has_text="kopierat").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    context.close()
    assert copied.startswith(
        "Kommunfullmäktige, Sjöbacka kommun, sammanträde 2024-11-25, § 113"
    )
    assert copied.endswith(live_server.url + url)


def test_the_skip_link_leads_to_the_main_content(
    live_server, archive, page: Page
) -> None:
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till huvudinnehållet")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main-content"


# Every page kind, by the name its screenshots get.
PAGE_KINDS = {
    "start": "/",
    "municipality": "/sjobacka-kommun/",
    "board": "/sjobacka-kommun/kommunfullmaktige/",
    "meeting": "/sjobacka-kommun/kommunfullmaktige/2024-11-25/",
    "paragraph": "/sjobacka-kommun/kommunfullmaktige/2024-11-25/paragraf-113/",
    "search": "/sok/?q=budget",
    "case": "/sjobacka-kommun/arende/KS 2024/112/",
    "referral": "/sjobacka-kommun/remiss/program-for-oppna-data-och-digital-insyn/",
    "party": "/sjobacka-kommun/parti/SD/",
    "person": "/sjobacka-kommun/person/jonas-frisk-mp/",
    "open-data": "/oppna-data/",
}
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artefacts" / "screenshots"


# Each page kind in Swedish (no prefix) and in English.
LANGUAGE_PREFIXES = {"sv": "", "en": "/en"}


@pytest.mark.parametrize("language", LANGUAGE_PREFIXES)
@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_every_page_kind_meets_wcag_aa(
    live_server, archive, page: Page, kind, language
) -> None:
    url = live_server.url + LANGUAGE_PREFIXES[language] + PAGE_KINDS[kind]
    response = page.goto(url)
    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == language
    assert wcag_violations(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = f"{kind}-{language}"
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=SCREENSHOTS / f"{name}-desktop.png", full_page=True)
    # At 320 px (WCAG 1.4.10, reflow) nothing may need a sideways scroll.
    page.set_viewport_size({"width": 320, "height": 800})
    page.screenshot(path=SCREENSHOTS / f"{name}-phone.png", full_page=True)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


@pytest.fixture
def corrections(archive) -> dict[str, tuple[str, int]]:
    """§ 113 corrected once, § 112 withdrawn: the pages only they have, with
    the status each answers."""
    from django.contrib.auth import get_user_model

    from decisions import versions
    from decisions.models import Paragraf
    from decisions.withdrawal import paragraf_withdraw

    meeting = "/sjobacka-kommun/kommunfullmaktige/2024-11-25/"
    rows = Paragraf.objects.filter(meeting__slug="2024-11-25")
    corrected = rows.get(number="113")
    before = versions.before([corrected.pk])
    Paragraf.objects.filter(pk=corrected.pk).update(
        title=corrected.title + " (rättad)", decision="Fullmäktige beslutar så."
    )
    versions.keep_versions(before)
    paragraf_withdraw(
        paragrafer=rows.filter(number="112"),
        reason="Publicerad av misstag.",
        user=get_user_model().objects.create_superuser("root", "", "x"),
    )
    return {
        "version": (meeting + "paragraf-113/version-1/", 200),
        "withdrawn": (meeting + "paragraf-112/", 410),
    }


@pytest.mark.parametrize("language", LANGUAGE_PREFIXES)
@pytest.mark.parametrize("kind", ["version", "withdrawn"])
def test_versions_and_tombstones_meet_wcag_aa(
    live_server, corrections, page: Page, kind, language
) -> None:
    path, status = corrections[kind]
    response = page.goto(live_server.url + LANGUAGE_PREFIXES[language] + path)
    assert response is not None and response.status == status
    assert wcag_violations(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 320, "height": 800})
    page.screenshot(path=SCREENSHOTS / f"{kind}-{language}-phone.png", full_page=True)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
