from playwright.sync_api import Page

from tests.factories import plain_static_files


@plain_static_files
def test_a_browser_opens_the_admin_login_page(live_server, page: Page) -> None:
    response = page.goto(f"{live_server.url}/admin/login/")

    assert response is not None and response.ok
    title = page.title()
    assert "Django" in title or "Logga in" in title
