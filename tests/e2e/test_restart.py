"""Answers survive a restart of the backend: the browser keeps them and sends them again."""

from __future__ import annotations

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
