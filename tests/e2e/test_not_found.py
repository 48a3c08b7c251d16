"""An unknown address: the site's own page, with a heading and a way home, accessible."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.utils.browser import WIDTHS, describe_violations, horizontal_overflow, wait_for_hydration

pytestmark = [pytest.mark.e2e, pytest.mark.server]


@pytest.mark.parametrize("width", WIDTHS)
def test_an_unknown_address_gets_the_sites_page_and_a_way_home(
    width, new_context, app_server, axe_audit, screenshot
) -> None:
    page = new_context(*WIDTHS[width]).new_page()
    response = page.goto(f"{app_server.url}/no-such-page")
    assert response is not None and response.status == 404
    wait_for_hydration(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    assert page.title() == "Page not found | Programme advisor"
    screenshot(page, "not-found")
    problems = [describe_violations(axe_audit(page)), horizontal_overflow(page)]
    assert not any(problems), "\n".join(p for p in problems if p)

    page.get_by_role("link", name="Go to the start page").click()
    expect(page).to_have_url(f"{app_server.url}/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Page not found")
