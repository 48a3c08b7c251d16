"""Answers survive a restart of the backend: the browser keeps them and sends them again."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.utils.browser import hydrations, wait_for_hydration
from tests.utils.servers import TEST_SERVER_DIR, free_port, start_server

pytestmark = [pytest.mark.e2e, pytest.mark.server]


def test_answers_survive_a_backend_restart(new_context, tmp_path: Path) -> None:
    port = free_port()
    workdir = TEST_SERVER_DIR / "restart"
    server = start_server(port, tmp_path / "first.log", workdir)
    restarted = None
    try:
        server.wait_until_ready()
        page = new_context().new_page()
        page.goto(f"{server.url}/assess?for=self")
        wait_for_hydration(page)
        page.get_by_role("radio", name="Yes", exact=True).click()
        page.get_by_role("button", name="Next", exact=True).click()
        page.get_by_role("radio", name="Trainee who teaches", exact=True).click()
        page.get_by_role("button", name="Next", exact=True).click()
        expect(page.locator("#progress")).to_have_text("Question 3 of 6")

        # Stop the backend for good, then start a new one on the same port: nothing of the
        # session survives on the server side.
        server.interrupt()
        assert not server.group_is_alive()
        before = hydrations(page)
        restarted = start_server(port, tmp_path / "second.log", workdir, fresh_database=False)
        restarted.wait_until_ready()

        # The open page reconnects by itself and hydrates the new backend from the browser.
        wait_for_hydration(page, after=before)
        expect(page.locator("#progress")).to_have_text("Question 3 of 6")
        page.get_by_role("button", name="Back", exact=True).click()
        expect(page.get_by_role("radio", name="Trainee who teaches", exact=True)).to_be_checked()

        # And a reload continues at the same place.
        page.reload()
        wait_for_hydration(page)
        expect(page.locator("#progress")).to_have_text("Question 2 of 6")
        expect(page.get_by_role("radio", name="Trainee who teaches", exact=True)).to_be_checked()
    finally:
        for running in (server, restarted):
            if running is not None and running.group_is_alive():
                running.kill()


def _plan_call(base: str, method: str, path: str = "", token: str = "", body: object = None):
    request = urllib.request.Request(
        f"{base}/api/v1/plans{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **({"X-Plan-Token": token} if token else {})},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


ANSWERS = {
    "healthcare_background": True,
    "role": "minor_teaching",
    "career_stage": "early",
    "research_aim": "none",
}


def test_a_plan_survives_a_restart_and_its_open_pages_carry_on(new_context, tmp_path: Path) -> None:
    port = free_port()
    workdir = TEST_SERVER_DIR / "restart"
    server = start_server(port, tmp_path / "first.log", workdir)
    restarted = None
    try:
        server.wait_until_ready()
        plan = _plan_call(server.url, "POST")
        supervisor = new_context().new_page()
        supervisor.goto(plan["links"]["supervisor"])
        wait_for_hydration(supervisor)
        other = supervisor.locator("#other-seat")
        expect(other).to_contain_text("has not sent their answers yet")
        # The supervisor's answers are stored before the restart.
        _plan_call(
            server.url, "PUT", f"/{plan['id']}/answers", plan["tokens"]["supervisor"], ANSWERS
        )

        # A mark on the open page: gone if anything reloaded it.
        supervisor.evaluate("window.__openAllAlong = true")
        server.interrupt()
        assert not server.group_is_alive()
        restarted = start_server(port, tmp_path / "second.log", workdir, fresh_database=False)
        restarted.wait_until_ready()

        # Nothing saved was lost: the colleague's link, opened after the restart, sees the
        # supervisor done; and the supervisor's page, open all along, shows the comparison by
        # itself once the colleague finishes.
        colleague = new_context().new_page()
        colleague.goto(plan["links"]["colleague"])
        wait_for_hydration(colleague)
        expect(colleague.locator("#other-seat")).to_have_text(
            "The supervisor has sent their answers."
        )
        _plan_call(
            restarted.url, "PUT", f"/{plan['id']}/answers", plan["tokens"]["colleague"], ANSWERS
        )
        expect(supervisor.locator("#plan-comparison")).to_be_visible(timeout=30_000)
        expect(colleague.locator("#plan-comparison")).to_be_visible(timeout=30_000)
        assert supervisor.evaluate("window.__openAllAlong === true"), "the page was reloaded"
    finally:
        for running in (server, restarted):
            if running is not None and running.group_is_alive():
                running.kill()
