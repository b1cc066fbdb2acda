"""Shared test setup: the browser that drives live-server tests.

The database needs nothing here: `make test` points DATABASE_URL at a server
(the project's private one unless given) and pytest-django creates
test_oppna_beslut on it.
"""

import os
import tempfile
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

# Playwright's sync API runs an event loop in the test thread, which makes
# Django refuse ORM calls from the tests as "async unsafe"; they are not.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Debian's chromium (scripts/chromium.sh installs it); Playwright never
# downloads a browser of its own here.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_configure(config: pytest.Config) -> None:
    """Serve static files from the source tree, as DEBUG does, and keep
    uploads out of the checkout.

    The settings pick whitenoise's manifest storage whenever DEBUG is off, as in
    tests, and its manifest exists only after collectstatic, which tests do not
    run. STATIC_ROOT goes too, or whitenoise warns on every request that the
    directory collectstatic would fill is missing.
    """
    from django.conf import settings

    # Every absolute address is SITE_URL's (decisions.site): here the test
    # client's own host, so addresses written are addresses the tests can ask.
    settings.SITE_URL = "http://testserver"
    # Uploaded protocol files and kept pages go to directories of the run's own.
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="oppna-beslut-media-")
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            **settings.CACHES["pages"],
            "LOCATION": tempfile.mkdtemp(prefix="oppna-beslut-pages-"),
        },
    }
    settings.STATIC_ROOT = None
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture(autouse=True)
def swedish_again_after_each_test() -> Iterator[None]:
    """A request under /en/ leaves English active in the test's thread (the
    middleware sets it per request; a server sets it for every request, a
    test's own code does not): each test starts Swedish."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def no_pages_kept_between_tests() -> Iterator[None]:
    """Each test's rolled-back database may bring back a change time an
    earlier test's kept pages are filed under (decisions.caching)."""
    from django.core.cache import caches

    caches["pages"].clear()
    yield


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    # A context per test, so cookies and storage never leak between tests.
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    yield page
    context.close()
