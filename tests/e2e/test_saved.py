"""Saving a result: a read-only link that opens in a fresh browser, and a delete link."""

from __future__ import annotations

import datetime as dt
import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.utils.browser import WIDTHS, describe_violations, horizontal_overflow

pytestmark = [pytest.mark.e2e, pytest.mark.server]

DIPLOMA = (
    "audience=supervisor&healthcare_background=yes&role=major_teaching&career_stage=mid"
    "&motivations=career_prospects&research_aim=apply_evidence&workplace=uk"
)


def test_save_reopen_elsewhere_delete_and_gone(page, new_context, open_page, app_server) -> None:
    open_page(page, f"/result?{DIPLOMA}")
    expect(page.locator("#headline")).to_contain_text("Postgraduate Diploma")
    page.get_by_role("button", name="Save and get a link", exact=True).click()
    saved = page.locator("#saved")
    expect(saved).to_be_visible()
    link = saved.get_by_role("link", name="Open the saved result").get_attribute("href")
    delete = saved.get_by_role("link", name="Delete link").get_attribute("href")
    assert link and re.fullmatch(r"/r/[0-9a-f-]{36}", link), link
    assert delete and delete.startswith(f"{link}/delete?token=")
    # The button is spent: saving again needs a changed answer.
    expect(page.get_by_role("button", name="Save and get a link", exact=True)).to_be_disabled()

    # The API sees the same record, with the answers and the result saved.
    record = httpx.get(f"{app_server.url}/api/v1/assessments/{link.removeprefix('/r/')}").json()
    assert record["recommended"] == "diploma"
    assert record["answers"]["role"] == "major_teaching"

    # A fresh browser (no localStorage) opens the saved result read-only.
    other = new_context().new_page()
    open_page(other, link)
    expect(other.locator("#saved-banner")).to_contain_text("read-only")
    expect(other.locator("#headline")).to_contain_text("Postgraduate Diploma")
    expect(other.locator("#headline")).to_contain_text("your colleague")
    expect(other.locator("#outcome-diploma")).to_be_visible()
    expect(other.get_by_role("button", name="Save and get a link")).to_have_count(0)
    # It shows the answers it rests on (read-only: no way to change them) and its date.
    answers = other.locator("#answers")
    expect(answers).to_contain_text("The answers it rests on")
    for label in ("A large teaching role", "Middle", "Better career prospects", "In the UK"):
        expect(answers).to_contain_text(label)
    expect(answers.get_by_role("button")).to_have_count(0)
    today = dt.datetime.now(dt.UTC)
    expect(other.locator("#saved-banner")).to_contain_text(f"{today:%d %B %Y}")

    # The delete page says what goes and what stays, and offers a way back.
    open_page(other, delete)
    expect(other.locator("#delete-removes")).to_contain_text(link)
    expect(other.locator("#delete-keeps")).to_contain_text("browser")
    keep = other.get_by_role("link", name="Keep it", exact=True)
    assert keep.get_attribute("href") == link
    keep.click()
    expect(other).to_have_url(re.compile(re.escape(link) + "/?$"))
    expect(other.locator("#headline")).to_contain_text("Postgraduate Diploma")

    # A wrong token deletes nothing.
    open_page(other, f"{link}/delete?token=wrong")
    other.get_by_role("button", name="Delete the saved result").click()
    expect(other.locator("#delete-outcome")).to_contain_text("not valid")
    assert httpx.get(f"{app_server.url}/api/v1/assessments/{link[3:]}").status_code == 200

    open_page(other, delete)
    other.get_by_role("button", name="Delete the saved result").click()
    expect(other.locator("#delete-outcome")).to_contain_text("deleted")
    expect(other.get_by_role("link", name="Keep it")).to_have_count(0)

    open_page(other, link)
    expect(other.locator("h1")).to_contain_text("No saved result")
    assert httpx.get(f"{app_server.url}/api/v1/assessments/{link[3:]}").status_code == 404


def test_the_delete_link_can_be_copied(new_context, open_page) -> None:
    page = new_context(permissions=["clipboard-read", "clipboard-write"]).new_page()
    open_page(page, f"/result?{DIPLOMA}")
    page.get_by_role("button", name="Save and get a link", exact=True).click()
    saved = page.locator("#saved")
    delete = saved.get_by_role("link", name="Delete link").get_attribute("href") or ""
    assert "/delete?token=" in delete, delete

    saved.get_by_role("button", name="Copy the delete link", exact=True).click()

    expect(page.locator("#copy-delete-link-status")).to_contain_text("Delete link copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert re.fullmatch(r"https?://[^/]+" + re.escape(delete), copied), copied


@pytest.mark.parametrize("width", WIDTHS)
def test_saved_pages_are_accessible(
    width, new_context, open_page, axe_audit, screenshot, app_server
) -> None:
    page = new_context(*WIDTHS[width]).new_page()
    body = dict(httpx.QueryParams(DIPLOMA))
    body["healthcare_background"] = True
    body["motivations"] = [body["motivations"]]
    saved = httpx.post(f"{app_server.url}/api/v1/assessments", json=body).json()
    open_page(page, saved["share_path"])
    expect(page.locator("#saved-banner")).to_be_visible()
    expect(page.locator("#answers")).to_be_visible()
    screenshot(page, "saved")
    problems = [describe_violations(axe_audit(page)), horizontal_overflow(page)]
    open_page(page, saved["delete_path"])
    expect(page.get_by_role("button", name="Delete the saved result")).to_be_visible()
    screenshot(page, "delete")
    problems += [describe_violations(axe_audit(page)), horizontal_overflow(page)]

    assert not any(problems), "\n".join(p for p in problems if p)
