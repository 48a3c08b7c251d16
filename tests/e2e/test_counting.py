"""Anonymous counts from a real browser: what a run adds to the usage_count table, nothing with
Global Privacy Control, a page that works on while the database is locked, and no table that
holds a row per person."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from test_flow import PATHS, answer_all, open_result, see_the_result

from advisor.counting import FLUSH_SECONDS
from advisor.runtime import CONTENT
from advisor.settings import settings
from tests.utils.browser import describe_violations, wait_for_hydration
from tests.utils.db_faults import sqlite_locked
from tests.utils.servers import TEST_SERVER_DIR, Server, running_server

pytestmark = [pytest.mark.e2e, pytest.mark.server]

WORKDIR = TEST_SERVER_DIR / "counting"
DATABASE = WORKDIR / "advisor.db"
HOST = "https://host.example.org"  # a site the deployment lets frame the advisor
PROGRAMME = CONTENT.default_programme
# Longer than a flush interval (1 s) and the thread's first wait, with room for a slow machine.
LANDS_WITHIN_S = 10.0
# What a browser with the Global Privacy Control setting on says to every page.
GPC_ON = "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true});"
Counts = dict[tuple[str, str, str, str], int]


@pytest.fixture(scope="module")
def counting_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app as `make run` serves it, with a site allowed to frame it, and its own database."""
    log_path = tmp_path_factory.mktemp("counting-server") / "make-run.log"
    with running_server(log_path, WORKDIR, extra_env={"ADVISOR_FRAME_ANCESTORS": HOST}) as server:
        yield server


@pytest.fixture
def visit(counting_server: Server) -> Callable[[Page, str], Page]:
    def go(page: Page, path: str) -> Page:
        response = page.goto(f"{counting_server.url}{path}")
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        wait_for_hydration(page)
        return page

    return go


def counts(path: Path = DATABASE) -> Counts:
    """Every cell of usage_count: (programme, origin, event, detail) -> n."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as connection:
        rows = connection.execute("SELECT programme, origin, event, detail, n FROM usage_count")
        return {(p, o, e, d): n for p, o, e, d, n in rows}


def added(before: Counts, after: Counts) -> Counts:
    return {cell: n - before.get(cell, 0) for cell, n in after.items() if n != before.get(cell, 0)}


def counts_after(before: Counts, wanted: Callable[[Counts], bool]) -> Counts:
    """What has been added since `before`, once `wanted` holds of it (or the wait is over)."""
    deadline = time.monotonic() + LANDS_WITHIN_S
    while True:
        now = added(before, counts())
        if wanted(now) or time.monotonic() > deadline:
            return now
        time.sleep(0.2)


def events_of(cells: Counts, origin: str) -> dict[tuple[str, str], int]:
    return {(e, d): n for (p, o, e, d), n in cells.items() if o == origin and p == PROGRAMME}


def complete_assess(page: Page, visit) -> None:
    visit(page, "/assess")
    answer_all(page, PATHS["diploma"])
    open_result(page)
    expect(page.locator("#headline")).to_contain_text("Postgraduate Diploma")


def test_a_run_on_assess_and_one_in_the_embed_are_counted_under_their_sites(
    new_context: Callable[..., BrowserContext], visit
) -> None:
    before = counts()
    page = new_context().new_page()
    complete_assess(page, visit)
    visit(page, "/plan")
    page.get_by_role("button", name="Create the two links").click()
    expect(page.locator("#plan-links")).to_be_visible()
    here = counts_after(before, lambda c: ("plan", "advisor") in {(k[2], k[1]) for k in c})
    mine = events_of(here, "advisor")
    assert mine[("plan", "")] == 1
    assert mine[("started", "")] == 1
    steps = [qid for qid, _ in PATHS["diploma"].answers] + ["priorities", "review"]
    assert all(mine[("reached", f"step={step}")] == 1 for step in steps), mine
    (result,) = [d for e, d in mine if e == "result"]
    assert result.startswith("recommended=diploma;confidence=") and "role=major_teaching" in result

    before = counts()
    page = visit(new_context().new_page(), f"/embed/?origin={HOST}")
    answer_all(page, PATHS["diploma"])
    see_the_result(page).click()
    expect(page.locator("#headline")).to_contain_text("Postgraduate Diploma")
    framed = counts_after(before, lambda c: ("result", HOST) in {(k[2], k[1]) for k in c})
    mine = events_of(framed, HOST)
    assert mine[("started", "")] == 1 and mine[("reached", "step=review")] == 1
    assert [e for e, _ in mine].count("result") == 1
    # A site the deployment does not list is counted as "other", whatever it claims.
    before = counts()
    page = visit(new_context().new_page(), "/embed/?origin=https://claims.example.net")
    expect(page.locator("#question-healthcare_background-legend")).to_be_visible()
    other = counts_after(before, lambda c: bool(c))
    assert {o for _, o, _, _ in other} == {"other"}, other


def test_a_browser_with_global_privacy_control_is_never_counted(
    new_context: Callable[..., BrowserContext], visit
) -> None:
    context = new_context()
    context.add_init_script(GPC_ON)
    page = context.new_page()
    before = counts()
    complete_assess(page, visit)
    visit(page, "/plan")
    page.get_by_role("button", name="Create the two links").click()
    expect(page.locator("#plan-links")).to_be_visible()
    time.sleep(4 * FLUSH_SECONDS)  # four flushes' time: nothing may land
    assert added(before, counts()) == {}


def test_the_pages_work_while_the_database_is_locked(
    new_context: Callable[..., BrowserContext], visit, axe_audit
) -> None:
    page = new_context().new_page()
    with sqlite_locked(DATABASE, hold_s=40):
        began = time.monotonic()
        complete_assess(page, visit)
        assert time.monotonic() - began < 20  # the page never waited for a count
        violations = axe_audit(page)
        assert violations == [], describe_violations(violations)
        # Held until every flush of this run's counts has waited its busy timeout and failed
        # (the last may have begun just before the run's last count: two timeouts and a beat).
        time.sleep(2 * settings.database_busy_timeout + 3 * FLUSH_SECONDS)
    # Counts made while the lock was held were dropped, not queued: the next run lands alone.
    before = counts()
    complete_assess(new_context().new_page(), visit)
    after = counts_after(before, lambda c: ("result", "advisor") in {(k[2], k[1]) for k in c})
    assert events_of(after, "advisor")[("started", "")] == 1


def test_the_database_holds_counts_of_many_never_a_row_per_person(
    new_context: Callable[..., BrowserContext], visit
) -> None:
    before = counts()
    for _ in range(2):
        complete_assess(new_context().new_page(), visit)
    after = counts_after(before, lambda c: events_of(c, "advisor").get(("started", ""), 0) >= 2)
    # Two people with the same answers add to the same cells: one row, counted twice.
    assert events_of(after, "advisor")[("started", "")] == 2
    with sqlite3.connect(f"file:{DATABASE}?mode=ro", uri=True) as connection:
        tables = {
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        assert tables == {"alembic_version", "assessment", "plan", "usage_count"}, tables
        columns = [row[1] for row in connection.execute("PRAGMA table_info(usage_count)")]
        assert columns == ["week", "programme", "origin", "event", "detail", "n"]
        weeks = {
            dt.date.fromisoformat(w)
            for (w,) in connection.execute("SELECT DISTINCT week FROM usage_count")
        }
        # Saved results and plans are rows, but only of what someone chose to keep; no run
        # here saved one, and the only rows added are counts.
        saved = connection.execute("SELECT COUNT(*) FROM assessment").fetchone()[0]
    assert all(week.weekday() == 0 for week in weeks)
    assert saved == 0
