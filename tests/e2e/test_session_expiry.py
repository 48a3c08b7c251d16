"""An open page keeps its session however long the person pauses; a closed page's session is
forgotten soon after (ADVISOR_SESSION_IDLE_SECONDS, shortened here to 10 s)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.utils.browser import wait_for_hydration
from tests.utils.servers import TEST_SERVER_DIR, running_server

pytestmark = [pytest.mark.e2e, pytest.mark.server]

IDLE_SECONDS = 10


def test_a_long_pause_on_an_open_page_loses_nothing(new_context, tmp_path: Path) -> None:
    env = {"ADVISOR_SESSION_IDLE_SECONDS": str(IDLE_SECONDS)}
    # The same build folder as tests/test_reliability_events.py, which runs the same settings.
    with running_server(tmp_path / "make-run.log", TEST_SERVER_DIR / "events", env) as server:
        page = new_context().new_page()
        page.goto(f"{server.url}/assess?for=self")
        wait_for_hydration(page)
        page.get_by_role("radio", name="Yes", exact=True).click()
        page.get_by_role("button", name="Next", exact=True).click()
        page.get_by_role("radio", name="Trainee who teaches", exact=True).click()
        expect(page.locator("#progress")).to_have_text("Question 2 of 6")

        # Well past the idle time: without the page's keep-alive the server would have
        # forgotten the session, and the next press would meet empty answers.
        time.sleep(IDLE_SECONDS * 2.5)
        page.get_by_role("button", name="Next", exact=True).click()
        expect(page.locator("#progress")).to_have_text("Question 3 of 6")
        page.get_by_role("button", name="Back", exact=True).click()
        expect(page.get_by_role("radio", name="Trainee who teaches", exact=True)).to_be_checked()
        stored = page.evaluate("localStorage.getItem('advisor_answers')")
        assert "healthcare_background=yes" in stored and "role=trainee" in stored
