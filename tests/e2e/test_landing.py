"""The landing page in a real browser: phone and laptop widths, accessibility, keyboard order."""

import pytest

from advisor.pages import landing
from tests.utils.browser import WIDTHS, describe_violations, horizontal_overflow

pytestmark = [pytest.mark.e2e, pytest.mark.server]


@pytest.mark.parametrize("width", WIDTHS)
def test_landing_is_accessible_and_fits_the_width(
    width, new_context, open_page, axe_audit, screenshot
) -> None:
    page = open_page(new_context(*WIDTHS[width]).new_page(), "/")
    screenshot(page, "landing")

    problems = [describe_violations(axe_audit(page)), horizontal_overflow(page)]

    assert not any(problems), "\n".join(p for p in problems if p)


def test_landing_title_and_ways_in(page, open_page) -> None:
    open_page(page, "/")

    assert page.title() == landing.TITLE
    assert page.get_by_role("link", name="Start for myself").get_attribute("href") == (
        "/assess?for=self"
    )
    assert page.get_by_role("link", name="Start for a colleague I supervise").get_attribute(
        "href"
    ) == ("/assess?for=colleague")


def _focused(page) -> dict:
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          return {
            tag: el.tagName.toLowerCase(),
            text: el.innerText.trim(),
            href: el.getAttribute("href"),
            inHeader: !!el.closest("header"),
          };
        }"""
    )


def test_tab_reaches_the_skip_link_first_then_the_header_links(page, open_page) -> None:
    open_page(page, "/")
    header_links = page.locator("header a[href]").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert header_links, "the header has no links"

    page.keyboard.press("Tab")
    first = _focused(page)
    # Reflex writes the fragment link as "/#main".
    assert first["text"] == "Skip to main content" and first["href"].endswith("#main")
    assert page.get_by_role("link", name="Skip to main content").is_visible(), (
        "the skip link stays hidden when focused"
    )
    reached = []
    for _ in header_links:
        page.keyboard.press("Tab")
        focused = _focused(page)
        assert focused["inHeader"], f"Tab left the header after {reached}: {focused}"
        reached.append(focused["href"])
    assert reached == header_links


def test_skip_link_moves_focus_to_main(page, open_page) -> None:
    open_page(page, "/")

    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    assert page.evaluate("document.activeElement.id") == "main"
