"""The advisor embedded in another site's page with the snippet of docs/embedding.md: the frame
follows its content's height, the host page hears the result, and a saved result records the
host."""

from __future__ import annotations

import html
import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import Frame, Page, expect
from sqlmodel import Session
from test_flow import (
    PATHS,
    answer_all,
    answer_by_mouse,
    check_result,
    expect_step,
    question,
    see_the_result,
    start_again,
)

from advisor import db, styles
from advisor.embed_options import ACCENT_COLORS
from tests.utils.browser import (
    ROOT,
    WIDTHS,
    describe_violations,
    horizontal_overflow,
    wait_for_hydration,
)

pytestmark = [pytest.mark.e2e, pytest.mark.server]

# The frame's height may differ from its content's by rounding (a content height of 748.5 px
# becomes a 749 px frame).
HEIGHT_TOLERANCE_PX = 2


# --- the host page: another origin, another site ---------------------------------------------

HOST_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Which level should you apply for? | Example University</title>
</head>
<body style="margin: 0; font-family: sans-serif">
<header style="padding: 1rem; background: #123; color: #fff">Example University admissions</header>
<main style="padding: 1rem">
<h1>Which level should you apply for?</h1>
<p>Our programme has three exit points. Six questions suggest one.</p>
{snippet}
<p id="after-advisor">Questions? Write to admissions.</p>
</main>
<script>
  // What the host page hears, for the test to read: the result events, on document (they
  // bubble from the container), and every height the embed script gave the frame.
  window.advisorResults = [];
  window.frameHeights = [];
  document.addEventListener("programme-advisor:result", function (event) {{
    window.advisorResults.push(event.detail);
  }});
  new MutationObserver(function () {{
    var frame = document.querySelector("[data-programme-advisor] iframe");
    var height = frame ? frame.getBoundingClientRect().height : 0;
    if (height && height !== window.frameHeights[window.frameHeights.length - 1]) {{
      window.frameHeights.push(height);
    }}
  }}).observe(document.body, {{ subtree: true, childList: true, attributes: true }});
</script>
</body>
</html>
"""


def snippet(app_url: str, **data: str) -> str:
    """What docs/embedding.md tells an admissions team to paste: a container and one script tag."""
    attributes = "".join(f' data-{name}="{html.escape(value)}"' for name, value in data.items())
    return (
        f"<div data-programme-advisor{attributes}></div>\n"
        f'<script src="{app_url}/embed.js" async></script>'
    )


class HostServer(ThreadingHTTPServer):
    app_url: str


class HostPage(BaseHTTPRequestHandler):
    """GET /?audience=...&accent=... : the host page, its snippet carrying those attributes."""

    server: HostServer

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/bare":
            # A page framing /embed itself, delegating nothing (no allow="clipboard-write").
            origin = f"http://localhost:{self.server.server_address[1]}"
            content = (
                f'<iframe src="{self.server.app_url}/embed/?origin={origin}" '
                'title="Programme advisor" style="width: 100%; height: 2400px"></iframe>'
            )
        else:
            content = snippet(self.server.app_url, **query)
        body = HOST_PAGE.format(snippet=content).encode()
        self.send_response(200)
        self.send_header("content-type", "text/html; charset=utf-8")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def host_url(app_server) -> Iterator[str]:
    """The host page's origin: `localhost` while the app is at 127.0.0.1, so another site (not
    only another origin), as a university's page embedding the advisor would be."""
    server = HostServer(("127.0.0.1", 0), HostPage)
    server.app_url = app_server.url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def open_host(page: Page, url: str) -> Frame:
    """Load the host page; return the advisor's frame once its app has hydrated."""
    response = page.goto(url)
    assert response is not None and response.ok
    iframe = page.locator("main iframe")
    expect(iframe).to_have_count(1)
    frame = iframe.element_handle().content_frame()
    assert frame is not None
    # The hydration probe is an init script of the context: it runs in frames too.
    wait_for_hydration(frame)  # type: ignore[arg-type] - a Frame waits as a Page does
    return frame


def frame_height(page: Page) -> float:
    return page.locator("[data-programme-advisor] iframe").evaluate(
        "frame => frame.getBoundingClientRect().height"
    )


def content_height(frame: Frame) -> dict[str, float]:
    return frame.evaluate(
        """() => ({
          scroll: document.documentElement.scrollHeight,
          client: document.documentElement.clientHeight,
        })"""
    )


def settled_heights(page: Page, frame: Frame, timeout_s: float = 10.0) -> tuple[float, dict]:
    """Wait until the frame is as tall as its content (charts and fonts settle after a render);
    return the frame's height and the content's."""
    deadline = time.monotonic() + timeout_s
    while True:
        outer, inner = frame_height(page), content_height(frame)
        if abs(outer - inner["scroll"]) <= HEIGHT_TOLERANCE_PX or time.monotonic() > deadline:
            return outer, inner
        page.wait_for_timeout(100)


def assert_fits(page: Page, frame: Frame, what: str) -> float:
    """The frame is exactly as tall as its content, so nothing inside it scrolls."""
    outer, inner = settled_heights(page, frame)
    assert abs(outer - inner["scroll"]) <= HEIGHT_TOLERANCE_PX, (
        f"{what}: the frame is {outer}px tall, its content {inner['scroll']}px"
    )
    assert inner["scroll"] <= inner["client"] + 1, (
        f"{what}: the frame would scroll: content {inner['scroll']}px in {inner['client']}px"
    )
    return outer


def saved_origin(assessment_id: str) -> str:
    """The origin stored with a saved assessment, read from the test server's own database.

    The same rule as start_server in tests/utils/servers.py: ADVISOR_DATABASE_URL when the
    environment sets one, otherwise the session server's SQLite file.
    """
    database = ROOT / ".test-server" / "session" / "advisor.db"
    url = os.environ.get("ADVISOR_DATABASE_URL") or f"sqlite:///{database}"
    with Session(db.make_engine(url)) as session:
        record = db.get_result(session=session, result_id=uuid.UUID(assessment_id))
        assert record is not None, f"saved assessment {assessment_id} not found in {url}"
        return record.origin


# --- the tests --------------------------------------------------------------------------------


def test_embedded_advisor_follows_its_content_and_tells_the_host(
    new_context, host_url, app_server
) -> None:
    page = new_context().new_page()
    frame = open_host(page, f"{host_url}/")
    path = PATHS["certificate"]

    expect_step(frame, "healthcare_background")  # type: ignore[arg-type]
    first_question = assert_fits(page, frame, "the first question")
    assert frame.url.startswith(f"{app_server.url}/embed")

    answer_all(frame, path)  # type: ignore[arg-type] - by mouse, inside the frame
    review = assert_fits(page, frame, "the review")
    assert page.evaluate("window.advisorResults") == [], "a result event before any result"

    see_the_result(frame).click()  # type: ignore[arg-type]

    # The result replaces the questions inside the frame: no navigation away from /embed.
    headline = frame.locator("h1#headline")
    expect(headline).to_contain_text("Postgraduate Certificate")
    assert re.match(re.escape(f"{app_server.url}/embed/?"), frame.url), frame.url
    check_result(frame, path)  # type: ignore[arg-type]
    result = assert_fits(page, frame, "the result")
    assert result > 2 * max(first_question, review), (first_question, review, result)

    # The host page heard exactly one result event, naming the suggested exit point.
    page.wait_for_function("window.advisorResults.length > 0")
    page.wait_for_timeout(500)  # a second event would arrive by now
    events = page.evaluate("window.advisorResults")
    confidence = re.search(r"(strong|moderate|tentative)", headline.inner_text()).group(1)
    # The default programme (no data-programme), and its own name for the suggested award.
    assert events == [
        {
            "eligible": True,
            "recommended": "certificate",
            "confidence": confidence,
            "programme": "dundee",
            "award": "Postgraduate Certificate",
        }
    ], events

    # The result takes the focus, so a screen reader announces it.
    expect(headline).to_be_focused()

    # Links to the advisor's other pages open in a new tab, never inside the frame.
    finding = frame.locator('#reasons a[href^="/evidence#finding-"]').first
    with page.context.expect_page() as opened:
        finding.click()
    expect(opened.value).to_have_url(re.compile(r"/evidence/?#finding-"))
    opened.value.close()
    assert frame.url.startswith(f"{app_server.url}/embed")

    # Saving records where the advisor was used: the host page's origin.
    frame.get_by_role("button", name="Save and get a link", exact=True).click()
    saved = frame.locator("#saved")
    expect(saved).to_be_visible()
    link = saved.get_by_role("link", name="Open the saved result").get_attribute("href") or ""
    assert re.fullmatch(r"/r/[0-9a-f-]{36}", link), link
    assert saved_origin(link.removeprefix("/r/")) == host_url
    with_saved_link = assert_fits(page, frame, "the result with its saved link")
    assert with_saved_link > result

    # "Start again" asks first, then returns to the first question inside the frame, which
    # shrinks to it.
    start_again(frame)  # type: ignore[arg-type]
    expect_step(frame, "healthcare_background")  # type: ignore[arg-type]
    expect(frame.locator("#question-healthcare_background-legend")).to_be_focused()
    assert frame.url.startswith(f"{app_server.url}/embed")
    again = assert_fits(page, frame, "the first question after starting again")
    assert abs(again - first_question) <= HEIGHT_TOLERANCE_PX, (first_question, again)

    # The frame's height followed the content both ways: the host page recorded every
    # height the embed script gave it, and each stage's height is among them, the last one
    # the first question's again.
    heights = page.evaluate("window.frameHeights")
    assert len(set(heights)) >= 3, heights
    for height in (first_question, review, result, with_saved_link):
        assert any(abs(h - height) <= HEIGHT_TOLERANCE_PX for h in heights), (height, heights)
    assert max(heights) == pytest.approx(with_saved_link, abs=HEIGHT_TOLERANCE_PX), heights
    assert heights[-1] == pytest.approx(first_question, abs=HEIGHT_TOLERANCE_PX), heights
    assert page.evaluate("window.advisorResults.length") == 1


def test_the_snippet_chooses_the_audience_and_the_accent(new_context, host_url) -> None:
    page = new_context().new_page()
    frame = open_host(page, f"{host_url}/?audience=supervisor&accent=plum")

    legend = question(frame, "healthcare_background").locator("legend")  # type: ignore[arg-type]
    expect(legend).to_contain_text("your colleague")
    expect(frame.locator("h1")).to_have_count(1)
    expect(frame.locator("h1")).to_have_text(re.compile(r"Medical Education"))
    expect(frame.locator("#embed-root")).to_have_attribute("data-accent-color", "plum")

    # Radix's own components (the Next button) and the advisor's tokens (the footer links'
    # colour; the default accent's scale, which they name) both take the host's accent.
    colours = frame.evaluate(
        """() => {
          const probe = (value) => {
            const el = document.createElement("span");
            el.style.color = value;
            document.getElementById("embed-root").appendChild(el);
            const colour = getComputedStyle(el).color;
            el.remove();
            return colour;
          };
          const next = [...document.querySelectorAll("button")]
            .find(b => b.textContent.trim() === "Next");
          const link = [...document.querySelectorAll("footer a")][0];
          return {
            next: getComputedStyle(next).backgroundColor,
            link: getComputedStyle(link).color,
            plum9: probe("var(--plum-9)"),
            plum11: probe("var(--plum-11)"),
            indigo9: probe("var(--indigo-9)"),
          };
        }"""
    )
    assert colours["next"] == colours["plum9"], colours
    assert colours["link"] == colours["plum11"], colours
    assert colours["indigo9"] == colours["plum9"], colours

    iframe = page.locator("[data-programme-advisor] iframe")
    expect(iframe).to_have_attribute("title", re.compile(r"Programme advisor"))
    query = parse_qs(urlsplit(iframe.get_attribute("src") or "").query)
    assert query == {"audience": ["supervisor"], "accent": ["plum"], "origin": [host_url]}


def test_embed_may_be_framed_by_any_site_by_default(app_server) -> None:
    response = httpx.get(f"{app_server.url}/embed/", timeout=10)
    assert response.status_code == 200
    assert response.headers["content-security-policy"].endswith("; frame-ancestors *")
    script = httpx.get(f"{app_server.url}/embed.js", timeout=10)
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]


def test_changing_an_answer_stays_inside_the_embed(page, open_page) -> None:
    open_page(page, "/embed/?for=colleague")
    expect(question(page, "healthcare_background").locator("legend")).to_contain_text(
        "your colleague"
    )
    answer_all(page, PATHS["not-eligible"])

    # With no healthcare background the questionnaire is one question long.
    first = question(page, "healthcare_background")
    page.locator("#review").get_by_role("button", name="Change Healthcare background").click()
    expect(first).to_be_visible()
    answer_by_mouse(page, "healthcare_background", "No")
    see_the_result(page).click()
    expect(page.locator("#headline")).to_contain_text("cannot recommend")
    page.get_by_role("button", name="Change my answer", exact=True).click()

    expect(first).to_be_visible()
    expect(first.get_by_role("radio", name="No", exact=True)).to_be_checked()
    assert urlsplit(page.url).path.rstrip("/") == "/embed", page.url


def test_change_on_the_embedded_result_stays_inside_the_frame(page, open_page) -> None:
    open_page(page, "/embed/")
    answer_all(page, PATHS["diploma"])
    see_the_result(page).click()
    expect(page.locator("#headline")).to_contain_text("Postgraduate Diploma")

    page.locator("#answers").get_by_role("button", name="Change Career stage").click()

    expect_step(page, "career_stage")
    expect(page.locator("#question-career_stage-legend")).to_be_focused()
    answer_by_mouse(page, "career_stage", "Middle")
    expect(page.locator("#review")).to_be_visible()
    see_the_result(page).click()
    page.locator("#answers").get_by_role("button", name="Change answers", exact=True).click()
    expect(page.locator("#review")).to_be_visible()
    expect(page.locator("#review-heading")).to_be_focused()
    assert urlsplit(page.url).path.rstrip("/") == "/embed", page.url


def test_start_again_in_the_host_page_asks_where_it_was_pressed(new_context, host_url) -> None:
    page = new_context().new_page()
    frame = open_host(page, f"{host_url}/")
    result_in_frame(frame)
    start = frame.get_by_role("button", name="Start again", exact=True)
    start.scroll_into_view_if_needed()

    start.click()

    # The frame is as tall as its content, so the dialog is placed in it by Radix; the focus
    # it gives "Cancel" brings it into the host page's view.
    cancel = frame.get_by_role("alertdialog").get_by_role("button", name="Cancel")
    expect(cancel).to_be_focused()
    page.wait_for_timeout(300)
    top = page.locator("main iframe").evaluate("f => f.getBoundingClientRect().top")
    inside = cancel.evaluate("el => el.getBoundingClientRect().top")
    viewport = page.viewport_size["height"]
    assert 0 <= top + inside <= viewport, (top, inside, viewport)
    page.keyboard.press("Escape")
    expect(frame.locator("#headline")).to_contain_text("Masters")


def _embed_question(page: Page, open_page) -> None:
    open_page(page, "/embed/?accent=indigo")
    expect_step(page, "healthcare_background")


def _embed_result(page: Page, open_page) -> None:
    open_page(page, "/embed/")
    answer_all(page, PATHS["diploma"])
    see_the_result(page).click()
    expect(page.locator("#headline")).to_contain_text("Postgraduate Diploma")


EMBED_STATES: dict[str, Callable[[Page, object], None]] = {
    "embed-question": _embed_question,
    "embed-result": _embed_result,
}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", EMBED_STATES)
def test_embed_is_accessible_and_fits_the_width(
    name, width, new_context, open_page, axe_audit, screenshot
) -> None:
    page = new_context(*WIDTHS[width]).new_page()
    EMBED_STATES[name](page, open_page)
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("main")).to_have_count(1)
    screenshot(page, name)

    problems = [describe_violations(axe_audit(page)), horizontal_overflow(page)]

    assert not any(problems), "\n".join(p for p in problems if p)


@pytest.mark.parametrize("accent", [a for a in ACCENT_COLORS if a != styles.ACCENT])
def test_every_offered_accent_keeps_the_contrast(accent, page, open_page, axe_audit) -> None:
    open_page(page, f"/embed/?accent={accent}")
    expect(page.locator("#embed-root")).to_have_attribute("data-accent-color", accent)
    expect_step(page, "healthcare_background")
    problems = [describe_violations(axe_audit(page))]
    answer_all(page, PATHS["diploma"])
    problems.append(describe_violations(axe_audit(page)))  # the review
    see_the_result(page).click()
    expect(page.locator("#headline")).to_contain_text("Postgraduate Diploma")
    problems.append(describe_violations(axe_audit(page)))

    assert not any(problems), "\n".join(p for p in problems if p)


@pytest.mark.parametrize("width", WIDTHS)
def test_host_page_screenshots(width, new_context, host_url, screenshot) -> None:
    page = new_context(*WIDTHS[width]).new_page()
    frame = open_host(page, f"{host_url}/?accent=plum")
    answer_all(frame, PATHS["masters"])  # type: ignore[arg-type]
    see_the_result(frame).click()  # type: ignore[arg-type]
    expect(frame.locator("#headline")).to_contain_text("Masters")
    assert_fits(page, frame, "the result")
    assert horizontal_overflow(page) == ""
    # Chromium paints a frame from another site only where it meets the viewport, so a
    # full-page screenshot would show the frame's lower part blank: make the viewport as tall
    # as the page (the width, which the frame's height depends on, stays).
    tall = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": WIDTHS[width][0], "height": tall})
    page.wait_for_timeout(300)
    screenshot(page, "embed-host")


# --- "Copy link" inside the frame -------------------------------------------------------------


def result_in_frame(frame: Frame) -> None:
    answer_all(frame, PATHS["masters"])  # type: ignore[arg-type]
    see_the_result(frame).click()  # type: ignore[arg-type]
    expect(frame.locator("h1#headline")).to_contain_text("Masters")


def test_copy_link_in_the_snippets_frame_copies_the_link(new_context, host_url) -> None:
    # The snippet's iframe delegates clipboard-write (allow="clipboard-write").
    page = new_context(permissions=["clipboard-read", "clipboard-write"]).new_page()
    frame = open_host(page, f"{host_url}/")
    assert page.locator("main iframe").get_attribute("allow") == "clipboard-write"
    result_in_frame(frame)

    frame.get_by_role("button", name="Copy link", exact=True).click()

    expect(frame.locator("#copy-link-status")).to_have_text(
        "Link copied: it reopens these answers."
    )
    expect(frame.locator("#copy-link-field")).to_be_hidden()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert re.match(r"http://127\.0\.0\.1:\d+/result\?audience=self&", copied), copied


def test_copy_link_in_a_frame_that_may_not_copy_says_so_and_selects_the_link(
    new_context, host_url
) -> None:
    # A page framing /embed without delegating clipboard-write: the browser refuses to copy.
    page = new_context(permissions=["clipboard-read", "clipboard-write"]).new_page()
    page.goto(f"{host_url}/")  # the host's origin, to read its clipboard at the end
    page.evaluate("navigator.clipboard.writeText('nothing copied yet')")
    frame = open_host(page, f"{host_url}/bare")
    result_in_frame(frame)

    frame.get_by_role("button", name="Copy link", exact=True).click()

    status = frame.locator("#copy-link-status")
    expect(status).to_contain_text("did not let the advisor copy the link")
    assert "copied" not in status.inner_text().lower()
    field = frame.get_by_role("textbox", name="The link to these answers")
    expect(field).to_be_visible()
    expect(field).to_be_focused()
    link = field.input_value()
    assert re.match(r"http://127\.0\.0\.1:\d+/result\?audience=self&", link), link
    selected = frame.evaluate(
        "() => { const f = document.activeElement;"
        " return f.value.substring(f.selectionStart, f.selectionEnd); }"
    )
    assert selected == link
    assert page.evaluate("navigator.clipboard.readText()") == "nothing copied yet"
