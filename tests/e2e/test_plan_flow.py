"""Planning together in real browsers: two people, each in a browser context of their own, make a
plan, answer apart, see each other finish without reloading, compare, and delete it."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from advisor.runtime import CONTENT
from advisor.settings import settings
from advisor.state import BUSY
from tests.e2e.test_flow import (
    PATHS,
    AnswerPath,
    answer_by_keyboard,
    answer_by_mouse,
    arrow_to,
    expect_step,
    is_focused,
    question,
    tab_to,
)
from tests.utils.browser import WIDTHS, describe_violations, horizontal_overflow
from tests.utils.db_faults import sqlite_locked
from tests.utils.servers import TEST_SERVER_DIR

pytestmark = [pytest.mark.e2e, pytest.mark.server]

LEVELS = {level.value: level.label for level in CONTENT.priorities.levels}
READINESS = [item.id for item in CONTENT.readiness.items]
# What each person rates and answers: the two differ, so the comparison has something to show.
COLLEAGUE = (
    PATHS["diploma"],
    {"teaching": "high", "research": "low"},
    dict.fromkeys(READINESS, "Yes"),
)
SUPERVISOR = (PATHS["masters"], {"research": "high"}, {"sure": "No", "support": "Yes"})
# The other seat's news must reach an open page within a second; the test allows slack for a
# shared machine, but far less than a reload would need to be noticed by a person.
LIVE_LIMIT_S = 3.0
NOT_THERE = "window.__advisorNoReload"
# The app_server's database (servers.start_server: <workdir>/advisor.db).
DATABASE = TEST_SERVER_DIR / "session" / "advisor.db"
BUSY_WITHIN_S = settings.database_busy_timeout + 3.0


def make_plan(page: Page, open_page) -> dict[str, str]:
    """Make a plan at /plan; each seat's link (a path)."""
    open_page(page, "/plan")
    page.get_by_role("button", name="Create the two links", exact=True).click()
    expect(page.locator("#plan-links")).to_be_visible()
    links = {}
    for seat in ("supervisor", "colleague"):
        href = page.locator(f"#{seat}-link").get_by_role("link").get_attribute("href")
        assert href and href.startswith("/plan/") and "?key=" in href, href
        links[seat] = href
    return links


def rate(page: Page, priorities: dict[str, str], keyboard: bool) -> None:
    expect(question(page, "priorities")).to_be_visible()
    for item, level in priorities.items():
        group = page.locator(f"#priority-{item}")
        wanted = group.get_by_role("radio", name=LEVELS[level], exact=True)
        if keyboard:
            radios = group.get_by_role("radio")
            tab_to(page, radios)
            arrow_to(page, radios, wanted)
            page.keyboard.press("Space")
        else:
            wanted.click()
        expect(wanted).to_be_checked()
    next_button = page.get_by_role("button", name="Next", exact=True)
    if keyboard:
        tab_to(page, next_button)
        page.keyboard.press("Enter")
    else:
        next_button.click()


def check_readiness(page: Page, readiness: dict[str, str], keyboard: bool) -> None:
    """The readiness check, on the review before sending."""
    for item, answer in readiness.items():
        group = page.locator(f"#readiness-{item}")
        wanted = group.get_by_role("radio", name=answer, exact=True)
        if keyboard:
            radios = group.get_by_role("radio")
            tab_to(page, radios)
            arrow_to(page, radios, wanted)
            page.keyboard.press("Space")
        else:
            wanted.click()
        expect(wanted).to_be_checked()


def answer_plan(
    page: Page,
    plan: tuple[AnswerPath, dict[str, str], dict[str, str]],
    keyboard: bool = False,
) -> None:
    """Every question, the priorities and the readiness check, up to "Send my answers"."""
    path, priorities, readiness = plan
    answer = answer_by_keyboard if keyboard else answer_by_mouse
    for qid, value in path.answers:
        expect_step(page, qid)
        answer(page, qid, value)
    rate(page, priorities, keyboard)
    expect(page.locator("#review")).to_be_visible()
    check_readiness(page, readiness, keyboard)


def send(page: Page, keyboard: bool = False) -> None:
    button = page.get_by_role("button", name="Send my answers", exact=True)
    if keyboard:
        tab_to(page, button)
        page.keyboard.press("Enter")
    else:
        button.click()


def other_seat(page: Page):
    return page.locator("#other-seat")


def mark(page: Page) -> None:
    """A mark that a reload (or a navigation) would wipe."""
    page.evaluate(f"{NOT_THERE} = true")


def still_marked(page: Page) -> bool:
    return page.evaluate(f"{NOT_THERE} === true")


def delete_plan(page: Page) -> None:
    page.get_by_role("button", name="Delete this plan", exact=True).click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Delete the plan", exact=True).click()
    expect(dialog).to_have_count(0)


def test_two_people_answer_apart_then_compare_and_delete(
    new_context: Callable[..., BrowserContext], open_page, app_server
) -> None:
    supervisor = new_context().new_page()
    colleague = new_context().new_page()
    links = make_plan(supervisor, open_page)
    # Shown once: the page opened again has no links, only the button.
    open_page(supervisor, "/plan")
    expect(supervisor.locator("#plan-links")).to_have_count(0)
    open_page(supervisor, links["supervisor"])
    open_page(colleague, links["colleague"])
    # The voice follows the seat: nobody is asked whom they answer about.
    expect(supervisor.locator("#plan-answering")).to_contain_text("Questions about your colleague")
    expect(colleague.locator("#plan-answering")).to_contain_text("Questions about you")
    expect(colleague.locator("#plan-seat")).to_contain_text("colleague")
    for person, other in ((supervisor, "colleague"), (colleague, "supervisor")):
        expect(other_seat(person)).to_have_text(f"The {other} has not sent their answers yet.")

    # The colleague answers first, and waits.
    answer_plan(colleague, COLLEAGUE)
    mark(supervisor)
    send(colleague)
    expect(colleague.locator("#plan-waiting")).to_be_visible()
    expect(colleague.locator("#plan-sent-heading")).to_be_focused()
    expect(other_seat(colleague)).to_have_text("The supervisor has not sent their answers yet.")
    # The supervisor, half-way through, sees that the colleague has finished, without a reload
    # and without a trace of the colleague's answers.
    expect(other_seat(supervisor)).to_have_text("The colleague has sent their answers.")
    assert still_marked(supervisor)
    expect(supervisor.locator("#plan-comparison")).to_have_count(0)
    api = httpx.get(
        f"{app_server.url}/api/v1/plans/{links['supervisor'].split('/')[2].split('?')[0]}",
        headers={"X-Plan-Token": links["supervisor"].split("key=")[1]},
    ).json()
    assert api["answers"] is None and api["comparison"] is None
    assert api["seats"]["colleague"]["done"] is True

    answer_plan(supervisor, SUPERVISOR)
    # The supervisor's review shows their own answers, none of the colleague's.
    review = supervisor.locator("#review")
    expect(review).to_contain_text("Aiming for education research or faculty development")
    for theirs in ("A large teaching role", "Better career prospects", "Use published evidence"):
        expect(review).not_to_contain_text(theirs)
    # The colleague rated teaching; the supervisor did not.
    expect(review).to_contain_text("Developing as a researcher: very important")
    expect(review).not_to_contain_text("Teaching better")
    expect(supervisor.locator("#readiness-sure").get_by_role("radio", name="No")).to_be_checked()
    mark(colleague)
    sent_at = time.monotonic()
    send(supervisor)
    expect(colleague.locator("#plan-comparison")).to_be_visible(timeout=10_000)
    elapsed = time.monotonic() - sent_at
    assert still_marked(colleague), "the colleague's page was reloaded, not updated"
    assert elapsed < LIVE_LIMIT_S, f"the comparison took {elapsed:.2f} s to appear"
    print(f"comparison on the other page {elapsed:.2f} s after the send")
    expect(supervisor.locator("#plan-comparison")).to_be_visible()
    for person in (supervisor, colleague):
        expect(other_seat(person)).to_contain_text("You have both sent your answers")
        expect(person.locator("#plan-answering")).to_have_count(0)

    # A reload (the link opened again) shows the comparison still: it comes from the database.
    open_page(colleague, links["colleague"])
    expect(colleague.locator("#plan-comparison")).to_be_visible()

    # Deleting asks first; Cancel keeps the plan.
    supervisor.get_by_role("button", name="Delete this plan", exact=True).click()
    dialog = supervisor.get_by_role("alertdialog")
    expect(dialog.get_by_role("button", name="Cancel", exact=True)).to_be_focused()
    supervisor.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(supervisor.locator("#plan-comparison")).to_be_visible()
    mark(colleague)
    delete_plan(supervisor)
    expect(supervisor.locator("#plan-deleted")).to_be_visible()
    expect(supervisor.locator("#plan-deleted")).to_be_focused()
    # The other person's open page says so by itself, and shows nothing of the plan.
    expect(colleague.locator("#plan-gone")).to_be_visible(timeout=10_000)
    assert still_marked(colleague)
    expect(colleague.locator("#plan-comparison")).to_have_count(0)
    # The old link says the same, plainly.
    open_page(colleague, links["colleague"])
    expect(colleague.locator("#plan-gone")).to_be_visible()
    # Its draft is no longer kept in the browser.
    assert colleague.evaluate("localStorage.getItem('advisor_plan_answers')") in (None, "", '""')


def test_a_plan_leaves_the_persons_own_answers_alone(new_context, open_page) -> None:
    page = new_context().new_page()
    open_page(page, "/assess?for=self")
    answer_by_mouse(page, "healthcare_background", "No")
    expect(page.locator("#review")).to_be_visible()
    own = page.evaluate("localStorage.getItem('advisor_answers')")
    links = make_plan(page, open_page)
    open_page(page, links["supervisor"])
    expect(page.locator("#plan-answering")).to_contain_text("Questions about your colleague")
    # The draft starts empty, at the first question, in the supervisor's voice.
    expect_step(page, "healthcare_background")
    expect(
        question(page, "healthcare_background").get_by_role("radio", name="No")
    ).not_to_be_checked()
    answer_by_mouse(page, "healthcare_background", "Yes")
    expect_step(page, "role")
    # A reload keeps the draft where it was.
    open_page(page, links["supervisor"])
    expect_step(page, "role")
    assert page.evaluate("localStorage.getItem('advisor_answers')") == own
    # The other seat's link, opened in the same browser, starts a draft of its own.
    open_page(page, links["colleague"])
    expect(page.locator("#plan-answering")).to_contain_text("Questions about you")
    expect_step(page, "healthcare_background")
    open_page(page, "/assess")
    expect(page.locator("#review")).to_be_visible()
    delete_plan_by_link(page, open_page, links["colleague"])


def delete_plan_by_link(page: Page, open_page, link: str) -> None:
    open_page(page, link)
    delete_plan(page)
    expect(page.locator("#plan-deleted")).to_be_visible()


def test_a_wrong_link_says_so_and_shows_nothing_else(new_context, open_page) -> None:
    page = new_context().new_page()
    links = make_plan(page, open_page)
    plan_id = links["supervisor"].split("?")[0]
    for wrong in (
        f"{plan_id}?key=not-the-key",
        plan_id,
        "/plan/not-a-plan?key=abc",
        "/plan/00000000-0000-0000-0000-000000000000?key=" + links["colleague"].split("key=")[1],
    ):
        open_page(page, wrong)
        expect(page.locator("#plan-gone")).to_be_visible()
        expect(page.locator("#plan-gone")).to_contain_text("This plan link does not work")
        for hidden in ("#plan-seat", "#other-seat", "#plan-answering", "#plan-comparison"):
            expect(page.locator(hidden)).to_have_count(0)
        expect(page.get_by_role("button", name="Delete this plan")).to_have_count(0)
        expect(page.locator("fieldset")).to_have_count(0)
    delete_plan_by_link(page, open_page, links["supervisor"])


def test_a_busy_database_says_so_and_keeps_the_draft(new_context, open_page) -> None:
    page = new_context().new_page()
    links = make_plan(page, open_page)
    open_page(page, links["colleague"])
    answer_plan(page, COLLEAGUE)
    with sqlite_locked(DATABASE, hold_s=15.0):
        send(page)
        busy = page.get_by_role("alert").filter(has_text=BUSY)
        expect(busy).to_be_visible(timeout=int(BUSY_WITHIN_S * 1000))
        expect(page.locator("#review")).to_be_visible()
        expect(page.locator("#plan-waiting")).to_have_count(0)
    # The same click works once the lock is gone, with the answers as they were.
    send(page)
    expect(page.locator("#plan-waiting")).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text=BUSY)).to_have_count(0)
    page.get_by_role("button", name="Change my answers", exact=True).click()
    expect(page.locator("#review")).to_contain_text("A large teaching role")
    delete_plan(page)
    expect(page.locator("#plan-deleted")).to_be_visible()


def test_one_seat_by_keyboard_alone(new_context, open_page) -> None:
    page = new_context().new_page()
    open_page(page, "/")
    tab_to(page, page.get_by_role("link", name="Plan together with my colleague", exact=True))
    page.keyboard.press("Enter")
    create = page.get_by_role("button", name="Create the two links", exact=True)
    tab_to(page, create)
    page.keyboard.press("Enter")
    expect(page.locator("#plan-links-heading")).to_be_focused()
    mine = page.get_by_role("link", name="Open my link: the colleague's link", exact=True)
    tab_to(page, mine)
    page.keyboard.press("Enter")
    expect_step(page, "healthcare_background")
    answer_plan(page, COLLEAGUE, keyboard=True)
    send(page, keyboard=True)
    expect(page.locator("#plan-sent-heading")).to_be_focused()

    # Change my answers: the review again, then send again.
    tab_to(page, page.get_by_role("button", name="Change my answers", exact=True))
    page.keyboard.press("Enter")
    expect(page.locator("#review-heading")).to_be_focused()
    change = page.locator("#review").get_by_role("button", name="Change Workplace", exact=True)
    tab_to(page, change)
    page.keyboard.press("Enter")
    expect_step(page, "workplace")
    answer_by_keyboard(page, "workplace", "Outside the UK")
    expect(page.locator("#review")).to_be_visible()
    expect(page.locator("#review")).to_contain_text("Outside the UK")
    tab_to(page, page.get_by_role("button", name="Send my answers again", exact=True))
    page.keyboard.press("Enter")
    expect(page.locator("#plan-sent-heading")).to_be_focused()

    # Delete, by keyboard: the dialog opens on Cancel.
    tab_to(page, page.get_by_role("button", name="Delete this plan", exact=True))
    page.keyboard.press("Enter")
    dialog = page.get_by_role("alertdialog")
    expect(dialog.get_by_role("button", name="Cancel", exact=True)).to_be_focused()
    page.keyboard.press("Tab")
    assert is_focused(dialog.get_by_role("button", name="Delete the plan", exact=True))
    page.keyboard.press("Enter")
    expect(page.locator("#plan-deleted")).to_be_focused()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_plan_pages_are_accessible(width, new_context, open_page, axe_audit) -> None:
    page = new_context(*WIDTHS[width]).new_page()
    checked = []

    def audit(name: str) -> None:
        violations = axe_audit(page)
        assert not violations, f"{name} at {width} px:\n{describe_violations(violations)}"
        assert not horizontal_overflow(page), f"{name} at {width} px scrolls sideways"
        checked.append(name)

    open_page(page, "/plan")
    audit("the plan page")
    links = make_plan(page, open_page)
    audit("the two links")
    open_page(page, links["supervisor"])
    expect_step(page, "healthcare_background")
    audit("a question")
    answer_plan(page, SUPERVISOR)
    audit("the review with the readiness check")
    send(page)
    expect(page.locator("#plan-waiting")).to_be_visible()
    audit("the waiting page")
    delete_plan(page)
    expect(page.locator("#plan-deleted")).to_be_visible()
    audit("the deleted plan")
    open_page(page, links["colleague"])
    expect(page.locator("#plan-gone")).to_be_visible()
    audit("a link that no longer works")
    assert len(checked) == 7


def test_a_supervisors_result_offers_to_plan_together(page, open_page) -> None:
    answers = (
        "healthcare_background=yes&role=major_teaching&career_stage=mid"
        "&motivations=career_prospects&research_aim=apply_evidence&workplace=uk"
    )
    open_page(page, f"/result?audience=supervisor&{answers}")
    link = page.get_by_role("link", name="Plan together with my colleague", exact=True)
    expect(link).to_have_attribute("href", "/plan")
    # Someone answering for themselves is not offered it on their result.
    open_page(page, f"/result?audience=self&{answers}")
    expect(page.locator("#headline")).to_be_visible()
    expect(page.get_by_role("link", name="Plan together with my colleague")).to_have_count(0)
    open_page(page, "/")
    page.get_by_role("link", name="Plan together with my colleague", exact=True).click()
    expect(page.get_by_role("button", name="Create the two links", exact=True)).to_be_visible()
