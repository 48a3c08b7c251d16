"""The real server while another process holds SQLite's write lock: everyone else is served at
once, "Save and get a link" says the database is busy within seconds, and the worker lives."""

from __future__ import annotations

import contextlib
import os
import threading
import time

import httpx
import psutil
import pytest
from playwright.sync_api import expect

from advisor.settings import settings
from advisor.state import BUSY
from tests.utils.browser import describe_violations
from tests.utils.db_faults import sqlite_locked
from tests.utils.servers import TEST_SERVER_DIR

pytestmark = [pytest.mark.e2e, pytest.mark.server]

DIPLOMA = (
    "audience=self&healthcare_background=yes&role=major_teaching&career_stage=mid"
    "&motivations=career_prospects&research_aim=apply_evidence&workplace=uk"
)
# The app_server's database (servers.start_server: <workdir>/advisor.db).
DATABASE = TEST_SERVER_DIR / "session" / "advisor.db"
BUSY_WITHIN_S = settings.database_busy_timeout + 3.0
# Far longer than the busy timeout: what a long purge or a forgotten sqlite3 shell would hold.
LOCK_HELD_S = 15.0


def serving_processes(server) -> set[tuple[int, float]]:
    """(pid, start time) of every process serving the app: a replaced worker shows as new."""
    found = set()
    for process in psutil.process_iter(["name", "create_time"]):
        with contextlib.suppress(psutil.Error, OSError):
            if os.getpgid(process.pid) == server.pgid and process.info["name"] != "make":
                found.add((process.pid, process.info["create_time"]))
    return found


def test_a_locked_database_gives_busy_and_stalls_no_one(
    page, open_page, app_server, axe_audit
) -> None:
    before = serving_processes(app_server)
    open_page(page, f"/result?{DIPLOMA}")
    expect(page.locator("#headline")).to_contain_text("Postgraduate Diploma")
    save = page.get_by_role("button", name="Save and get a link", exact=True)
    health: list[float] = []
    stop = threading.Event()

    def probe_health() -> None:
        with httpx.Client(timeout=5) as http:
            while not stop.is_set():
                began = time.monotonic()
                try:
                    ok = http.get(f"{app_server.url}/api/v1/health").status_code == 200
                except httpx.HTTPError:
                    ok = False
                health.append(time.monotonic() - began if ok else float("inf"))
                time.sleep(0.1)

    with sqlite_locked(DATABASE, hold_s=LOCK_HELD_S):
        prober = threading.Thread(target=probe_health)
        prober.start()
        try:
            began = time.monotonic()
            save.click()
            busy = page.get_by_role("alert").filter(has_text=BUSY)
            expect(busy).to_be_visible(timeout=int(BUSY_WITHIN_S * 1000))
            took = time.monotonic() - began
            violations = axe_audit(page)
            assert violations == [], describe_violations(violations)
            time.sleep(1.0)  # the lock is still held: the server must keep answering meanwhile
        finally:
            stop.set()
            prober.join(timeout=10)

    assert took < BUSY_WITHIN_S, f"'busy' took {took:.1f} s"
    assert health and max(health) < 1.0, f"/api/v1/health took up to {max(health):.1f} s"
    assert serving_processes(app_server) == before, "a worker was replaced"
    assert "WORKER TIMEOUT" not in app_server.log()
    # The lock is gone: the same button saves, and the message goes.
    save.click()
    expect(page.locator("#saved")).to_be_visible()
    expect(busy).to_have_count(0)
