"""The public pages in real Chromium: what a citizen does, with and without JS."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.management import call_command
from playwright.sync_api import Browser, ConsoleMessage, Page

from tests.factories import SAMPLES, SJOBACKA, make_municipality, make_namnd

SOCIAL_MINUTES = SAMPLES / "2024-05-21_socialnamnden.txt"

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


def blocked_by_csp(page: Page) -> list[str]:
    """The page's console errors from here on that say the Content Security
    Policy blocked something (an inline script or style, a foreign host): a
    list that fills as the page runs. Scripts the test itself runs in the page
    (axe) have no address, and are not the page's."""
    blocked: list[str] = []

    def seen(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text and message.location["url"]:
            blocked.append(f"{page.url}: {message.text}")

    page.on("console", seen)
    return blocked


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


def test_the_citation_copies_with_one_click(
    live_server, archive, browser: Browser, settings
):
    # A citation gives the archive's own address (SITE_URL), whatever host
    # the page was read at (tests/test_hosts.py).
    settings.SITE_URL = "https://arkiv.example"
    # A page kept by an earlier test was rendered with the tests' SITE_URL.
    caches["pages"].clear()
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
    assert copied.endswith("https://arkiv.example" + url)


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
    "paragraph-vote": (
        "/sjobacka-kommun/miljo-och-byggnadsnamnden/2024-06-11/paragraf-80/"
    ),
    "search": "/sok/?q=budget",
    "case": "/sjobacka-kommun/arende/KS 2024/112/",
    "referral": "/sjobacka-kommun/remiss/program-for-oppna-data-och-digital-insyn/",
    "party": "/sjobacka-kommun/parti/SD/",
    "person": "/sjobacka-kommun/person/jonas-frisk-mp/",
    "parties": "/sjobacka-kommun/parti/",
    "people": "/sjobacka-kommun/person/",
    "cases": "/sjobacka-kommun/arende/",
    "referrals": "/sjobacka-kommun/remiss/",
    "paragraph-secret": "/sjobacka-kommun/socialnamnden/2024-05-21/paragraf-62/",
    "open-data": "/oppna-data/",
    "glossary": "/ordlista/",
}
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artefacts" / "screenshots"


# Each page kind in Swedish (no prefix) and in English.
LANGUAGE_PREFIXES = {"sv": "", "en": "/en"}


@pytest.mark.parametrize("language", LANGUAGE_PREFIXES)
def test_every_page_kind_meets_wcag_aa(
    live_server, archive, page: Page, language, subtests
) -> None:
    """Every page kind, one after another on one archive (ingested once: a
    test per kind spent most of its time ingesting)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    blocked = blocked_by_csp(page)
    for kind, path in PAGE_KINDS.items():
        with subtests.test(kind=kind):
            page.set_viewport_size({"width": 1280, "height": 800})
            response = page.goto(live_server.url + LANGUAGE_PREFIXES[language] + path)
            assert response is not None and response.status == 200
            csp = response.headers["content-security-policy"]
            assert "script-src 'self'" in csp
            assert page.locator("html").get_attribute("lang") == language
            assert wcag_violations(page) == []
            assert blocked == []
            name = f"{kind}-{language}"
            page.screenshot(path=SCREENSHOTS / f"{name}-desktop.png", full_page=True)
            # At 320 px (WCAG 1.4.10, reflow) nothing may need a sideways scroll.
            page.set_viewport_size({"width": 320, "height": 800})
            page.screenshot(path=SCREENSHOTS / f"{name}-phone.png", full_page=True)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth"
                " - document.documentElement.clientWidth"
            )
            assert overflow <= 0


def test_a_clerk_uploads_checks_corrects_and_publishes(
    live_server, transactional_db, page: Page
) -> None:
    """The clerk's whole way, in the admin: log in, upload the minutes, see
    the preview beside the text, correct a title (Enter saves), correct it
    again and publish without saving: the typed correction is published."""
    town = make_municipality("Sjöbacka kommun")
    make_namnd("Socialnämnden", municipality=town)
    call_command(
        "create_clerk", "anna", namnd="Sjöbacka kommun/Socialnämnden", stdout=None
    )
    clerk = get_user_model().objects.get(username="anna")
    clerk.set_password("protokoll-2024")
    clerk.save()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    blocked = blocked_by_csp(page)

    page.goto(live_server.url + "/admin/decisions/upload/add/")
    page.get_by_label("Användarnamn").fill("anna")
    page.get_by_label("Lösenord").fill("protokoll-2024")
    page.get_by_role("button", name="Logga in").click()
    page.get_by_label("Nämnd").select_option(label="Socialnämnden (Sjöbacka kommun)")
    page.get_by_label("Sammanträdesdatum").fill("2024-05-21")
    page.get_by_label("Protokollfil").set_input_files(str(SOCIAL_MINUTES))
    page.screenshot(path=SCREENSHOTS / "clerk-1-upload.png", full_page=True)
    page.get_by_role("button", name="Ladda upp och granska").click()

    page.wait_for_url("**/change/")
    paragraf = page.locator("#p-58")
    assert (
        "Johan Sandell (L), Maria Lind (L)"
        in paragraf.get_by_label("Reservanter").input_value()
    )
    assert "Förvaltningen vill samtidigt framhålla" in paragraf.inner_text()
    assert wcag_violations(page) == []
    page.screenshot(path=SCREENSHOTS / "clerk-2-preview.png")
    paragraf.get_by_label("Rubrik").fill("Program för öppna data – remissvar")
    paragraf.get_by_label("Rubrik").press("Enter")
    page.get_by_text("Rättelserna är sparade").wait_for()
    assert page.locator("#p-58-h").inner_text().endswith("– remissvar")
    page.locator("#p-58").get_by_label("Rubrik").fill(
        "Program för öppna data – svar på remiss"
    )
    page.screenshot(path=SCREENSHOTS / "clerk-3-corrected.png")

    page.get_by_role("button", name="Publicera hela protokollet").click()
    page.wait_for_url("**/sjobacka-kommun/socialnamnden/2024-05-21/")
    assert page.get_by_role(
        "link", name="§ 58 Program för öppna data – svar på remiss"
    ).is_visible()
    page.screenshot(path=SCREENSHOTS / "clerk-4-published.png", full_page=True)
    assert blocked == []


def test_the_api_docs_run_under_the_content_security_policy(
    live_server, transactional_db, page: Page
) -> None:
    blocked = blocked_by_csp(page)
    page.goto(live_server.url + "/api/v1/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Öppna beslut API" in page.locator(".swagger-ui .info .title").inner_text()
    assert blocked == []


@pytest.fixture
def corrections(archive) -> dict[str, tuple[str, int]]:
    """§ 113 corrected once, § 112 withdrawn: the pages only they have, with
    the status each answers."""

    from decisions.models import Paragraf, VersionCause
    from decisions.services import versions
    from decisions.services.withdrawal import paragraf_withdraw

    meeting = "/sjobacka-kommun/kommunfullmaktige/2024-11-25/"
    rows = Paragraf.objects.filter(meeting__slug="2024-11-25")
    corrected = rows.get(number="113")
    before = versions.before([corrected.pk])
    Paragraf.objects.filter(pk=corrected.pk).update(
        title=corrected.title + " (rättad)", decision="Fullmäktige beslutar så."
    )
    versions.keep_versions(before, cause=VersionCause.CLERK)
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


def test_a_feed_opened_in_a_browser_is_a_page(
    live_server, archive, page: Page, settings
) -> None:
    # The feed's links lead back to this server.
    settings.SITE_URL = live_server.url
    blocked = blocked_by_csp(page)
    response = page.goto(live_server.url + "/sjobacka-kommun/feed/")
    assert response is not None and response.status == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert page.locator("html").get_attribute("lang") == "sv"
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Öppna beslut: Sjöbacka kommun"
    assert page.get_by_role("heading", name="Det här är ett flöde").is_visible()
    assert (
        page.locator("code").inner_text() == live_server.url + "/sjobacka-kommun/feed/"
    )
    # The site's own look, under its Content-Security-Policy.
    accent = page.locator(".site-header").evaluate(
        "element => getComputedStyle(element).borderTopColor"
    )
    assert accent == "rgb(15, 92, 77)"
    # The page is the site's own, so its policy holds and axe finds nothing.
    assert blocked == []
    assert wcag_violations(page) == []
    entries = page.locator("ol.paragraf-list > li")
    assert entries.count() > 1
    entries.first.get_by_role("link").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("§")
