"""The insights page in a real browser: signing in, the counts of assessments this module saved,
small cells as "fewer than 5", accessibility and screenshots at both widths.

The session's server must run with ADVISOR_ADMIN_TOKEN set to tests/utils/servers.py's
TEST_ADMIN_TOKEN. The page without a token is tested without a browser, in
tests/test_insights_page.py. The server's database is shared by the session's tests, so every
expected count is read from the API before and after this module saves its assessments, and the
origin dimension gets two fresh origins whose counts only this module can change.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from advisor import db, usage
from advisor.evidence import EXIT_POINT_NAMES
from advisor.pages import insights
from advisor.runtime import CONTENT
from tests.utils.browser import WIDTHS, describe_violations, horizontal_overflow
from tests.utils.servers import TEST_ADMIN_TOKEN, TEST_PROGRAMME_TOKEN

pytestmark = [pytest.mark.e2e, pytest.mark.server]

ANSWERS = {
    "healthcare_background": True,
    "role": "minor_teaching",
    "career_stage": "late",
    "motivations": ["career_prospects"],
    "research_aim": "none",
}
MANY, FEW = 6, 2
# Saved after the others so that every one of MANY and FEW is counted: the insights count whole
# steps of 5, and up to 4 of the newest results wait for the next.
PADDING = 4


@pytest.fixture(scope="session")
def admin_token(app_server) -> str:
    token = TEST_ADMIN_TOKEN
    response = httpx.get(f"{app_server.url}/api/v1/insights", headers=_bearer(token))
    if response.status_code != 200:
        pytest.fail(
            "The test server must run with ADVISOR_ADMIN_TOKEN=TEST_ADMIN_TOKEN (start_server in "
            f"tests/utils/servers.py); /api/v1/insights answered {response.status_code}: "
            f"{response.text}"
        )
    return token


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _cells(data: dict[str, Any], dimension: str) -> dict[str, dict[str, Any]]:
    # Nothing is listed before the first whole step of 5 is counted.
    found = [d for d in data["dimensions"] if d["id"] == dimension]
    return {cell["value"]: cell for cell in found[0]["cells"]} if found else {}


def _shown(cell: dict[str, Any] | None) -> str:
    assert cell is not None
    return "fewer than 5" if cell["suppressed"] else f"{cell['count']} to {cell['at_most']}"


def _total(data: dict[str, Any]) -> str:
    return "fewer than 5" if data["total_suppressed"] else str(data["total"])


@dataclass(frozen=True)
class Saved:
    many: str  # an origin with MANY assessments
    few: str  # an origin with FEW
    recommended: str
    before: dict[str, Any]
    after: dict[str, Any]


@pytest.fixture(scope="module")
def saved(app_server, admin_token: str) -> Saved:
    """MANY assessments from one fresh origin and FEW from another, saved through the API."""
    tag = secrets.token_hex(4)
    many, few, pad = (f"http://insights-test-{tag}-{side}.example" for side in "abc")
    with httpx.Client(base_url=app_server.url, timeout=10.0) as client:
        before = client.get("/api/v1/insights", headers=_bearer(admin_token)).json()["saved"]
        recommended = set()
        for origin, times in ((many, MANY), (few, FEW), (pad, PADDING)):
            for _ in range(times):
                response = client.post(
                    "/api/v1/assessments", json=ANSWERS, headers={"Origin": origin}
                )
                assert response.status_code == 201, response.text
                recommended.add(response.json()["result"]["recommended"])
        after = client.get("/api/v1/insights", headers=_bearer(admin_token)).json()["saved"]
    assert len(recommended) == 1
    return Saved(many, few, recommended.pop(), before, after)


def _sign_in(page: Page, token: str) -> None:
    page.get_by_label("Insights token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def _count(page: Page, dimension: str, label: str) -> str:
    row = page.locator(f"#table-{dimension} tbody tr").filter(
        has=page.get_by_role("rowheader", name=label, exact=True)
    )
    return row.locator("td").inner_text().strip()


def test_the_api_counted_what_this_module_saved(saved: Saved) -> None:
    """The baseline the page is checked against: what was saved, as ranges."""
    assert saved.many not in _cells(saved.before, "origin")
    assert _shown(_cells(saved.after, "origin").get(saved.many)) == "5 to 9"
    # An origin with fewer than 5 is never named: it is inside "other".
    assert saved.few not in _cells(saved.after, "origin")
    assert _cells(saved.after, "origin")["other"]["count"] is None
    before = saved.before["total"] or 0
    assert saved.after["total"] >= before + MANY + FEW and saved.after["total"] % 5 == 0


def test_title_and_no_indexing(page: Page, open_page) -> None:
    open_page(page, insights.ROUTE)

    assert page.title() == insights.TITLE
    assert "noindex" in (page.locator('meta[name="robots"]').get_attribute("content") or "")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)


def _requests_carrying(page: Page, secret: str) -> list[str]:
    """Every request the page makes whose URL carries `secret` (collected from now on)."""
    found: list[str] = []
    page.on("request", lambda request: found.append(request.url) if secret in request.url else 0)
    return found


def test_without_javascript_the_form_cannot_put_the_token_in_a_url(app_server, new_context) -> None:
    """What a browser does with the prerendered page before (or without) its scripts."""
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"{app_server.url}{insights.ROUTE}/")
    form = page.locator("form")
    field = page.get_by_label("Insights token")
    button = page.get_by_role("button", name="Sign in")

    # A native submit would go as a POST to the page, never as ?token=... in the URL ...
    assert (form.get_attribute("method") or "").lower() == "post"
    # ... and there is nothing to submit: the field and the button wait for the scripts.
    expect(field).to_be_disabled()
    expect(button).to_be_disabled()
    sent = _requests_carrying(page, "token=")
    page.keyboard.press("Tab")
    page.keyboard.type("a-guessed-token")
    page.keyboard.press("Enter")
    button.click(force=True)
    page.wait_for_timeout(300)
    assert sent == [] and "token" not in page.url


def test_once_hydrated_the_form_signs_in_over_the_websocket_only(
    page: Page, open_page, admin_token: str
) -> None:
    open_page(page, insights.ROUTE)
    sent = _requests_carrying(page, admin_token)
    field = page.get_by_label("Insights token")
    expect(field).to_be_enabled()

    field.fill(admin_token)
    field.press("Enter")

    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert sent == [] and admin_token not in page.url and "token" not in page.url


def test_a_wrong_token_shows_an_error_and_no_data(page: Page, open_page, saved: Saved) -> None:
    open_page(page, insights.ROUTE)
    field = page.get_by_label("Insights token")
    expect(field).to_have_attribute("type", "password")

    field.fill(f"not-{secrets.token_hex(8)}")
    field.press("Enter")  # the keyboard submits the form

    expect(page.get_by_role("alert")).to_contain_text("opens no insights")
    expect(field).to_be_focused()
    expect(field).to_have_value("")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("table")).to_have_count(0)
    expect(page.get_by_text(saved.many)).to_have_count(0)
    assert "insights" not in page.evaluate("JSON.stringify(window.localStorage)").lower()
    assert not page.context.cookies()


def test_the_right_token_shows_the_counts(
    page: Page, open_page, saved: Saved, admin_token: str
) -> None:
    open_page(page, insights.ROUTE)

    _sign_in(page, admin_token)

    expect(page.locator("#insights-total")).to_have_text(f"{_total(saved.after)} counted")
    assert _count(page, "origin", saved.many) == "5 to 9"
    expect(page.get_by_text(saved.few)).to_have_count(0)
    assert _count(page, "origin", "Other sites, each with fewer than 5") == "fewer than 5"
    exit_point = EXIT_POINT_NAMES[saved.recommended]
    (recommended,) = [d for d in saved.after["dimensions"] if d["id"] == "recommended"]
    if recommended["withheld"]:
        section = page.locator("section", has=page.locator("#by-recommended"))
        expect(section).to_contain_text("Not shown at the moment")
    else:
        cell = _cells(saved.after, "recommended")[saved.recommended]
        assert _count(page, "recommended", exit_point) == _shown(cell)
    expect(page.get_by_text("a new result is never counted alone")).to_be_visible()
    # The sign-in lives in the server's session state only: nothing in the browser's storage.
    assert admin_token not in page.evaluate(
        "JSON.stringify(window.localStorage) + JSON.stringify(window.sessionStorage)"
    )
    assert not page.context.cookies()


def test_download_gives_the_csv(page: Page, open_page, saved: Saved, admin_token: str) -> None:
    open_page(page, insights.ROUTE)
    _sign_in(page, admin_token)

    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()

    assert re.fullmatch(
        r"advisor-insights-all-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv",
        download.value.suggested_filename,
    )
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(), newline="")))
    where = "Saved results: Where it was used"
    assert [where, saved.many, "", "5", "5 to 9", "no"] in rows
    assert saved.few not in str(rows)
    assert [where, "Other sites, each with fewer than 5", "", "", "fewer than 5", "yes"] in rows


def test_sign_out_hides_the_data(page: Page, open_page, saved: Saved, admin_token: str) -> None:
    open_page(page, insights.ROUTE)
    _sign_in(page, admin_token)

    page.get_by_role("button", name="Sign out").click()

    expect(page.get_by_role("status").filter(has_text="signed out")).to_be_visible()
    expect(page.get_by_label("Insights token")).to_be_focused()
    expect(page.locator("table")).to_have_count(0)
    expect(page.get_by_text(saved.many)).to_have_count(0)


@pytest.mark.parametrize("width", WIDTHS)
def test_insights_are_accessible_and_fit_the_width(
    width, new_context, open_page, axe_audit, screenshot, saved: Saved, admin_token: str
) -> None:
    page = open_page(new_context(*WIDTHS[width]).new_page(), insights.ROUTE)
    screenshot(page, "insights-sign-in")
    problems = [describe_violations(axe_audit(page)), horizontal_overflow(page)]

    page.get_by_label("Insights token").fill("wrong")
    page.get_by_label("Insights token").press("Enter")
    expect(page.get_by_role("alert")).to_be_visible()
    problems.append(describe_violations(axe_audit(page)))

    _sign_in(page, admin_token)
    expect(page.locator("#table-origin")).to_contain_text(saved.many)
    screenshot(page, "insights")
    problems += [describe_violations(axe_audit(page)), horizontal_overflow(page)]

    assert not any(problems), "\n".join(p for p in problems if p)


# ---------------------------------------------------------------------------------------------
# The anonymous counts of one programme, seeded in a week long gone so that nothing else the
# session's tests count lands in the range shown.

SEEDED_WEEK = dt.date(2025, 3, 3)
SINCE, UNTIL = "2025-03-01", "2025-03-31"
SITE = "https://seeded-site.example"


@pytest.fixture(scope="module")
def seeded_counts(app_server) -> None:
    """Counts of the default programme (and one of another) in SEEDED_WEEK, once a session."""
    first, second = (q.id for q in CONTENT.questions[:2])
    result = {"confidence": "high", "role": "trainee", "audience": "self"}

    def at(event: str, origin: str = "advisor", programme: str = "dundee", **values):
        return usage.key(at=SEEDED_WEEK, programme=programme, origin=origin, event=event, **values)

    counts = {
        at("started"): 30,
        at("started", SITE): 10,
        at("reached", step=first): 36,
        at("reached", step=second): 24,
        at("result", recommended="certificate", **result): 12,
        at("result", SITE, recommended="masters", **result): 6,
        at("result", SITE, recommended="diploma", **result): 2,  # suppressed
        at("started", programme="elsewhere"): 50,
    }
    engine = db.engine_for(app_server.database_url)
    with Session(engine) as session:
        already = db.usage_cells(session=session, since=SEEDED_WEEK, until=SEEDED_WEEK)
        if not already:
            db.add_counts(session=session, counts=counts)


def _show_seeded_range(page: Page) -> None:
    page.get_by_label("First day", exact=True).fill(SINCE)
    page.get_by_label("Last day", exact=True).fill(UNTIL)
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#insights-scope")).to_contain_text(f"{SINCE} to {UNTIL}")


def _cells_of(page: Page, table: str, label: str) -> list[str]:
    row = page.locator(f"#{table} tbody tr").filter(
        has=page.get_by_role("rowheader", name=label, exact=True)
    )
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]


def test_a_programme_token_shows_its_funnel_weeks_sites_and_breakdown(
    page: Page, open_page, seeded_counts
) -> None:
    open_page(page, insights.ROUTE)
    _sign_in(page, TEST_PROGRAMME_TOKEN)
    programme = page.get_by_role("group", name="Programme")
    expect(programme.get_by_role("radio")).to_have_count(1)
    expect(programme.get_by_role("radio", name=CONTENT.programmes["dundee"].name)).to_be_checked()

    _show_seeded_range(page)

    expect(page.locator("#insights-scope")).to_contain_text(CONTENT.programmes["dundee"].name)
    assert _cells_of(page, "table-totals", "Questionnaires started") == ["at least 40"]
    assert _cells_of(page, "table-totals", "Results shown") == ["at least 18"]
    first, second = (q.short for q in CONTENT.questions[:2])
    assert _cells_of(page, "table-funnel", first) == ["at least 36", "4 (10%)"]
    assert _cells_of(page, "table-funnel", second) == ["at least 24", "12 (33.3%)"]
    assert _cells_of(page, "table-weeks", "3 March 2025") == ["at least 40", "at least 18"]
    assert _cells_of(page, "table-sites", SITE) == ["at least 10", "at least 6", "fewer than 5"]
    expect(page.locator("#weeks-chart svg").first).to_be_visible()

    rows = _cells_of(page, "table-breakdown", "Diploma")
    assert rows == ["fewer than 5", "fewer than 5"]  # the 2 on SITE is never shown
    assert _cells_of(page, "table-breakdown", "Masters") == ["fewer than 5", "at least 6"]
    page.get_by_label("Results shown, counted by").select_option("recommended-by-confidence")
    expect(page.locator("#breakdown-title")).to_have_text("Suggestion by confidence")
    expect(page.locator("#table-breakdown thead")).to_contain_text("High")
    assert _cells_of(page, "table-breakdown", "Certificate")[0] == "at least 12"

    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    assert download.value.suggested_filename == f"advisor-insights-dundee-{SINCE}-{UNTIL}.csv"
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(), newline="")))
    assert ["Totals", "Questionnaires started", "", "40", "", "no"] in rows
    assert ["Sites", SITE, "Results saved", "", "", "yes"] in rows


@pytest.mark.parametrize("width", WIDTHS)
def test_a_breakdown_with_no_site_counted_says_so(
    width, new_context, open_page, screenshot, seeded_counts
) -> None:
    page = open_page(new_context(*WIDTHS[width]).new_page(), insights.ROUTE)
    _sign_in(page, TEST_PROGRAMME_TOKEN)
    # The month before the seeded week: nothing counted, so no site has a column.
    page.get_by_label("First day", exact=True).fill("2025-02-01")
    page.get_by_label("Last day", exact=True).fill("2025-02-28")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#insights-scope")).to_contain_text("2025-02-01 to 2025-02-28")
    expect(page.locator("#breakdown-empty")).to_have_text(
        "No results have been counted 5 or more times yet for this breakdown."
    )
    expect(page.locator("#table-breakdown")).to_have_count(0)
    screenshot(page, "insights-breakdown-empty")
    # A breakdown whose columns are fixed (the roles) is a table again.
    page.get_by_label("Results shown, counted by").select_option("recommended-by-role")
    expect(page.locator("#table-breakdown")).to_be_visible()
    expect(page.locator("#breakdown-empty")).to_have_count(0)


def test_the_admin_token_sums_every_programme(page: Page, open_page, seeded_counts) -> None:
    open_page(page, insights.ROUTE)
    _sign_in(page, TEST_ADMIN_TOKEN)
    _show_seeded_range(page)
    expect(page.locator("#insights-scope")).to_contain_text("Every programme")
    assert _cells_of(page, "table-totals", "Questionnaires started") == ["at least 90"]

    programme = page.get_by_role("group", name="Programme")
    expect(programme.get_by_role("radio", name="Every programme (summed)")).to_be_checked()
    programme.get_by_role("radio", name=CONTENT.programmes["dundee"].name).check()
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#insights-scope")).to_contain_text(CONTENT.programmes["dundee"].name)
    assert _cells_of(page, "table-totals", "Questionnaires started") == ["at least 40"]


def test_a_bad_range_names_the_field(page: Page, open_page, seeded_counts) -> None:
    open_page(page, insights.ROUTE)
    _sign_in(page, TEST_PROGRAMME_TOKEN)
    page.get_by_label("First day", exact=True).fill("2025-03-31")
    page.get_by_label("Last day", exact=True).fill("2025-03-01")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("alert")).to_contain_text("First day: The first day must not be after")
    expect(page.get_by_label("First day", exact=True)).to_be_focused()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_counts_are_accessible_and_fit_the_width(
    width, new_context, open_page, axe_audit, screenshot, seeded_counts
) -> None:
    page = open_page(new_context(*WIDTHS[width]).new_page(), insights.ROUTE)
    _sign_in(page, TEST_PROGRAMME_TOKEN)
    _show_seeded_range(page)
    expect(page.locator("#table-sites")).to_contain_text(SITE)
    screenshot(page, "insights-counts")
    problems = [describe_violations(axe_audit(page)), horizontal_overflow(page)]
    # The keyboard reaches the breakdown's choice and the tables that scroll.
    page.get_by_label("Results shown, counted by").focus()
    page.keyboard.press("Tab")
    expect(page.locator("[role=region]:focus")).to_have_count(1)
    assert not any(problems), "\n".join(p for p in problems if p)
