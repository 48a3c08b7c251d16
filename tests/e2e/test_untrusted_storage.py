"""What the browser keeps is untrusted: a stored value no advisor ever wrote is dropped, the
person is told, and the page works and stays accessible."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from advisor.state import STORED_REFUSED
from tests.utils.browser import WIDTHS, describe_violations, horizontal_overflow, wait_for_hydration

pytestmark = [pytest.mark.e2e, pytest.mark.server]

# As a page of another tab, an extension or a tampering person might leave it: 20 KB.
JUNK = "audience=self&motivations=" + "x," * 10_000


@pytest.mark.parametrize("width", WIDTHS)
def test_a_stored_value_far_too_long_is_dropped_with_a_notice(
    width, new_context, app_server, axe_audit, screenshot
) -> None:
    context = new_context(*WIDTHS[width])
    # Before the page's own scripts: what it finds in storage when it loads.
    context.add_init_script(
        f"if (!sessionStorage.getItem('seeded')) {{"
        f"  localStorage.setItem('advisor_answers', {JUNK!r});"
        f"  sessionStorage.setItem('seeded', '1'); }}"
    )
    page = context.new_page()
    page.goto(f"{app_server.url}/assess")
    wait_for_hydration(page)

    expect(page.get_by_text(STORED_REFUSED)).to_be_visible()
    expect(page.locator("#progress")).to_have_text("Question 1 of 6")
    screenshot(page, "assess-storage-refused")
    problems = [describe_violations(axe_audit(page)), horizontal_overflow(page)]
    assert not any(problems), "\n".join(p for p in problems if p)

    page.get_by_role("radio", name="Yes", exact=True).click()
    # Out of date once the person answers.
    expect(page.get_by_text(STORED_REFUSED)).to_have_count(0)
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.locator("#progress")).to_have_text("Question 2 of 6")
    # The junk is gone from the browser, replaced by the real answers.
    stored = page.evaluate("localStorage.getItem('advisor_answers')")
    assert stored.startswith("audience=self") and len(stored) < 200
