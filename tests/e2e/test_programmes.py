"""Two programmes on one advisor, in a browser: a host page embeds both (each frame allowed by
its programme's own frame_sites), one is completed and the host hears which programme and
award; the result names the programme's own awards and its apply link; an unknown programme
says so. The server runs on a copy of content/ with a second programme file."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import threading
import time
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import httpx
import pytest
from playwright.sync_api import Frame, Page, expect
from test_embed import HOST_PAGE, HostPage, HostServer, snippet
from test_flow import (
    PATHS,
    answer_all,
    answer_by_mouse,
    expect_step,
    see_the_result,
    skip_priorities,
)

from advisor import db, usage
from tests.utils.browser import ROOT, WIDTHS, describe_violations, wait_for_hydration
from tests.utils.programmes import NORTHFIELD
from tests.utils.servers import TEST_PROGRAMME_TOKEN, TEST_SERVER_DIR, Server, running_server

pytestmark = [pytest.mark.e2e, pytest.mark.server]

APPLY_PGCERT = "https://apply.northfield.example/pgcert"
# Northfield's own insights token (its file names the variable; the server gets the value).
NORTHFIELD_TOKEN = "test-northfield-insights-token-for-the-browser-tests"
# Longer than a flush of the counts (1 s) and the thread's first wait, with room to spare.
LANDS_WITHIN_S = 10.0


class TwoProgrammesPage(HostPage):
    """GET /two: the host page with two snippets, the shipped programme's and Northfield's."""

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        app = self.server.app_url
        content = (
            '<section id="dundee-advisor"><h2>Dundee</h2>'
            + snippet(app, programme="dundee", title="Advisor for the Dundee programme")
            + '</section><section id="northfield-advisor"><h2>Northfield</h2>'
            + snippet(app, programme="northfield", title="Advisor for the Northfield programme")
            + "</section>"
        )
        body = HOST_PAGE.format(snippet=content).encode()
        self.send_response(200)
        self.send_header("content-type", "text/html; charset=utf-8")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def host() -> Iterator[HostServer]:
    server = HostServer(("127.0.0.1", 0), TwoProgrammesPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def host_url(server: ThreadingHTTPServer) -> str:
    # `localhost` while the app is at 127.0.0.1: another site, as a university's page is.
    return f"http://localhost:{server.server_address[1]}"


@pytest.fixture(scope="module")
def server(host: HostServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The advisor on a copy of content/ holding a second programme. The deployment lets no
    site frame it (ADVISOR_FRAME_ANCESTORS): each programme's frame_sites let the host in."""
    folder = tmp_path_factory.mktemp("content") / "content"
    shutil.copytree(ROOT / "content", folder)
    origin = host_url(host)
    northfield = {**NORTHFIELD, "frame_sites": [origin]}
    (folder / "programmes" / "northfield.yaml").write_text(json.dumps(northfield, indent=2))
    dundee = folder / "programmes" / "dundee.yaml"
    text = dundee.read_text(encoding="utf-8")
    assert "frame_sites: []" in text
    dundee.write_text(text.replace("frame_sites: []", f'frame_sites: ["{origin}"]'))
    env = {
        "ADVISOR_CONTENT_DIR": str(folder),
        "ADVISOR_FRAME_ANCESTORS": "https://elsewhere.example",
        NORTHFIELD["insights_token_env"]: NORTHFIELD_TOKEN,
    }
    log = tmp_path_factory.mktemp("server") / "make-run.log"
    with running_server(log, TEST_SERVER_DIR / "programmes", env) as running:
        host.app_url = running.url
        yield running


def frame_of(page: Page, title: str) -> Frame:
    iframe = page.get_by_title(title)
    expect(iframe).to_have_count(1)
    frame = iframe.element_handle().content_frame()
    assert frame is not None
    wait_for_hydration(frame)  # type: ignore[arg-type] - a Frame waits as a Page does
    # The frame's on-open events have all run once its keep-alive loop (the last of them) has
    # started: until then a click can come before the page has wired up its questions.
    frame.wait_for_function("window.__advisorKeepAlive === true")
    return frame


# The frames' heights on the host page, as embed.js sets them from each frame's messages.
FRAME_BOXES = "[...document.querySelectorAll('iframe')].map(f => f.getBoundingClientRect().height)"


def wait_for_layout(page: Page, quiet_ms: int = 300, timeout_s: float = 10.0) -> None:
    """Until every frame has kept its height for `quiet_ms`: embed.js resizes a frame once
    its page has rendered, which moves the frames below it, and a click aimed before that
    lands where the element no longer is."""
    deadline = time.monotonic() + timeout_s
    heights = page.evaluate(FRAME_BOXES)
    while time.monotonic() < deadline:
        page.wait_for_timeout(quiet_ms)
        now = page.evaluate(FRAME_BOXES)
        if now == heights:
            return
        heights = now
    raise AssertionError(f"the frames kept changing height: {heights}")


def answer_all_in_frame(page: Page, frame: Frame, path) -> None:
    """answer_all, letting the host page's frames settle before each click: the other frame
    shares the stored answers (one person's), so its height can change as this one is
    answered."""
    first_qid, first_value = path.answers[0]
    wait_for_layout(page)
    expect_step(frame, first_qid)  # type: ignore[arg-type]
    # The first click in a frame just opened can be lost (no event reaches the server; seen
    # only in the full suite): as a person would, click again until the answer shows.
    radio = frame.locator(f"fieldset#question-{first_qid}").get_by_role(
        "radio", name=first_value, exact=True
    )
    for _ in range(3):
        radio.click()
        try:
            expect(radio).to_be_checked(timeout=2000)
            break
        except AssertionError:
            wait_for_layout(page)
    expect(radio).to_be_checked()
    frame.get_by_role("button", name="Next", exact=True).click()
    for qid, value in path.answers[1:]:
        wait_for_layout(page)
        expect_step(frame, qid)  # type: ignore[arg-type]
        answer_by_mouse(frame, qid, value)  # type: ignore[arg-type]
    wait_for_layout(page)
    skip_priorities(frame)  # type: ignore[arg-type]
    expect(frame.locator("#review")).to_be_visible()
    wait_for_layout(page)


def test_two_programmes_on_one_host_page(new_context, host, server) -> None:
    page = new_context().new_page()
    response = page.goto(f"{host_url(host)}/two")
    assert response is not None and response.ok
    dundee = frame_of(page, "Advisor for the Dundee programme")
    northfield = frame_of(page, "Advisor for the Northfield programme")
    wait_for_layout(page)
    expect(dundee.locator("h1")).to_have_text(
        "Postgraduate Certificate, Diploma and Masters in Medical Education"
    )
    expect(northfield.locator("h1")).to_have_text("Clinical Education programme")
    # Northfield's accent (plum) is its frame's, as the snippet asks for none.
    expect(northfield.locator("#embed-root")).to_have_attribute("data-accent-color", "plum")

    answer_all_in_frame(page, northfield, PATHS["certificate"])
    see_the_result(northfield).click()  # type: ignore[arg-type]
    expect(northfield.locator("h1#headline")).to_contain_text("Postgraduate Certificate")

    page.wait_for_function("window.advisorResults.length > 0")
    page.wait_for_timeout(500)  # a second event would arrive by now
    [event] = page.evaluate("window.advisorResults")
    assert (event["programme"], event["award"], event["recommended"]) == (
        "northfield",
        "PGCert",
        "certificate",
    ), event

    block = northfield.locator("#programme")
    expect(block.get_by_role("heading", level=2)).to_have_text("Clinical Education programme")
    expect(block).to_contain_text("PGCert")
    expect(block).to_contain_text("60 credits")
    expect(block).not_to_contain_text("Not stated")
    apply = block.get_by_role("link", name="Apply for the PGCert at Northfield School of Medicine")
    expect(apply).to_have_attribute("href", APPLY_PGCERT)
    # The programme block comes after the reasons.
    tops = [
        northfield.locator(s).evaluate("el => el.getBoundingClientRect().top")
        for s in ("#reasons", "#programme")
    ]
    assert tops[0] < tops[1], tops

    # The other frame is untouched: still its own programme's first question.
    expect(dundee.locator("h1")).to_contain_text("Medical Education")
    expect(dundee.locator("#programme")).to_have_count(0)


def test_each_programme_may_be_framed_by_its_own_sites_only(host, server) -> None:
    def ancestors(query: str) -> str:
        csp = httpx.get(f"{server.url}/embed/{query}").headers["content-security-policy"]
        return next(d for d in csp.split("; ") if d.startswith("frame-ancestors"))

    origin = host_url(host)
    assert ancestors("?programme=northfield") == (
        f"frame-ancestors https://elsewhere.example {origin}"
    )
    assert ancestors("?programme=nope") == "frame-ancestors https://elsewhere.example"


def _result_of_northfield(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/assess?programme=northfield")
    wait_for_hydration(page)
    answer_all(page, PATHS["masters"])
    see_the_result(page).click()
    expect(page.locator("#headline")).to_contain_text("Masters")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_result_names_the_programmes_award_and_apply_link(
    width, new_context, server, axe_audit, screenshot
) -> None:
    page = new_context(*WIDTHS[width]).new_page()
    _result_of_northfield(page, server)
    block = page.locator("#programme")
    expect(block).to_contain_text("MSc")
    expect(block).to_contain_text("180 credits")
    expect(block).not_to_contain_text("Not stated")
    expect(
        block.get_by_role("link", name="Apply for the MSc at Northfield School of Medicine")
    ).to_have_attribute("href", "https://apply.northfield.example/msc")
    block.scroll_into_view_if_needed()
    shot = screenshot(page, "programme-result")
    block.screenshot(path=str(shot.with_name(f"programme-block-{width}.png")))
    problems = describe_violations(axe_audit(page))
    assert not problems, problems

    # Saved, the result keeps its programme.
    page.get_by_role("button", name="Save and get a link", exact=True).click()
    link = page.locator("#saved").get_by_role("link", name="Open the saved result")
    page.goto(server.url + (link.get_attribute("href") or ""))
    wait_for_hydration(page)
    expect(page.locator("#saved-programme")).to_have_text("Clinical Education programme")
    expect(page.locator("#programme")).to_contain_text("MSc")


@pytest.mark.parametrize("width", WIDTHS)
def test_an_unknown_programme_says_so(width, new_context, server, axe_audit, screenshot) -> None:
    page = new_context(*WIDTHS[width]).new_page()
    page.goto(f"{server.url}/embed/?programme=nope")
    wait_for_hydration(page)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text('No programme called "nope" here')
    expect(page.locator("fieldset")).to_have_count(0)
    screenshot(page, "embed-unknown-programme")
    problems = describe_violations(axe_audit(page))

    # The advisor's own pages show the default instead, and say so.
    page.goto(f"{server.url}/assess?programme=nope")
    wait_for_hydration(page)
    expect(page.get_by_role("status").filter(has_text="No programme called")).to_contain_text(
        "showing the default, Postgraduate Certificate, Diploma and Masters in Medical Education"
    )
    problems += describe_violations(axe_audit(page))
    assert not problems, problems


def test_the_programmes_route_lists_both(server) -> None:
    listed = httpx.get(f"{server.url}/api/v1/programmes").json()
    assert [(p["slug"], p["default"]) for p in listed] == [("dundee", True), ("northfield", False)]


# ---------------------------------------------------------------------------------------------
# The counts of a run on the host page go to the programme that was completed, and its insights
# show them; the other programme's insights do not.

Cell = tuple[str, str, str, str]  # programme, site, event, detail


def _cells(server: Server) -> dict[Cell, int]:
    def read(session) -> dict[Cell, int]:
        return {
            (c.key.programme, c.key.origin, c.key.event, c.key.detail): c.n
            for c in db.usage_cells(session=session)
        }

    return db.in_session(read, db.make_engine(server.database_url))


def _add(server: Server, counts: dict[Cell, int], at: dt.date) -> None:
    """Add counts to the server's database directly, as earlier visitors would have."""
    keys = {
        usage.UsageKey(week=usage.week_of(at), programme=p, origin=o, event=e, detail=d): n
        for (p, o, e, d), n in counts.items()
        if n > 0
    }
    db.in_session(
        lambda session: db.add_counts(session=session, counts=keys),
        db.make_engine(server.database_url),
    )


def _insights(server: Server, programme: str, token: str) -> httpx.Response:
    return httpx.get(
        f"{server.url}/api/v1/insights",
        params={"programme": programme},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )


def _site(views: dict, origin: str) -> dict | None:
    return next((s for s in views["sites"] if s["site"] == origin), None)


def test_a_run_counts_in_its_own_programmes_insights_only(new_context, host, server) -> None:
    origin, today = host_url(host), dt.datetime.now(dt.UTC).date()
    started = {slug: (slug, origin, "started", "") for slug in ("dundee", "northfield")}
    # Four starts already counted for each programme on this site (topped up to four, whatever
    # earlier tests added): one more start makes a cell of 5, which the insights publish.
    before = _cells(server)
    _add(server, {cell: 4 - before.get(cell, 0) for cell in started.values()}, today)
    assert all(_cells(server)[cell] == 4 for cell in started.values())

    page = new_context().new_page()
    page.goto(f"{origin}/two")
    frame_of(page, "Advisor for the Dundee programme")
    northfield = frame_of(page, "Advisor for the Northfield programme")
    wait_for_layout(page)
    answer_all_in_frame(page, northfield, PATHS["certificate"])
    see_the_result(northfield).click()  # type: ignore[arg-type]
    expect(northfield.locator("h1#headline")).to_contain_text("Postgraduate Certificate")

    deadline = time.monotonic() + LANDS_WITHIN_S
    results = {}
    while time.monotonic() < deadline:
        after = _cells(server)
        results = {
            cell: n
            for cell, n in after.items()
            if cell[:3] == ("northfield", origin, "result") and n > before.get(cell, 0)
        }
        if after[started["northfield"]] == 5 and results:
            break
        time.sleep(0.25)
    assert after[started["northfield"]] == 5, after
    assert results, "no result counted for Northfield on the host's site"
    assert "recommended=certificate" in next(iter(results))[3]
    # Nothing of the run went to the other programme: its start is still four, and it has no
    # result on this site beyond what it had.
    assert after[started["dundee"]] == 4
    assert not [
        cell
        for cell, n in after.items()
        if cell[:3] == ("dundee", origin, "result") and n > before.get(cell, 0)
    ]

    # Four earlier visitors with the same result make its cell publishable too.
    _add(server, {cell: 4 for cell in results}, today)
    mine = _insights(server, "northfield", NORTHFIELD_TOKEN)
    assert mine.status_code == 200, mine.text
    site = _site(mine.json()["usage"], origin)
    assert site is not None, mine.json()["usage"]["sites"]
    assert site["started"]["n"] == 5
    assert site["results"]["n"] >= 5

    theirs = _insights(server, "dundee", TEST_PROGRAMME_TOKEN)
    assert theirs.status_code == 200, theirs.text
    site = _site(theirs.json()["usage"], origin)
    # Dundee's four starts on the site stay under 5: not shown, not worked out.
    assert site is None or (site["started"]["suppressed"] and site["results"]["suppressed"])

    # One programme's token opens nothing of the other's.
    assert _insights(server, "dundee", NORTHFIELD_TOKEN).status_code == 403
