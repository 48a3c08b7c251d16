"""The decision aid in a real browser: the priorities step by keyboard and by mouse, skipping
it, a leaning that differs from the suggestion, the readiness check's help and score, and the
accessibility of both at phone and laptop widths."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from advisor.answers import decode, to_profile
from advisor.decision_aid import OPTION_NAMES
from advisor.engine import recommend
from advisor.runtime import CONTENT
from tests.e2e.test_flow import (
    PATHS,
    answer_all,
    answer_by_mouse,
    arrow_to,
    expect_step,
    open_result,
    question,
    start,
    tab_to,
)
from tests.utils.browser import WIDTHS, describe_violations, horizontal_overflow

pytestmark = [pytest.mark.e2e, pytest.mark.server]

# The answers of PATHS["certificate"] as a link's text.
CERTIFICATE = (
    "healthcare_background=yes&role=trainee&career_stage=early&motivations=improve_teaching"
    "&research_aim=none"
)
# Research very important, a small commitment not important: priorities that lean away from
# the Certificate these answers get (checked against the engine below).
RATINGS = {"research": "high", "short_commitment": "low"}
LEVEL_LABELS = {level.value: level.label for level in CONTENT.priorities.levels}
PRIORITY_LABELS = {item.id: item.label for item in CONTENT.priorities.items}
READINESS = CONTENT.readiness.items
# Where a "no" sends the person, by the help the item names.
HELP_TARGETS = {
    "self": {"options": "#options", "priorities": "#priorities", "conversation": "#next-steps"},
    "supervisor": {
        "options": "#options",
        "priorities": "#priorities",
        "conversation": "#discussion",
    },
}


def engine_result(query: str):
    answers, dropped = decode(query)
    assert dropped == []
    profile = to_profile(answers)
    assert profile is not None
    return recommend(profile, CONTENT.compiled_rules)


def rated_query(ratings: dict[str, str]) -> str:
    return CERTIFICATE + "&priorities=" + ",".join(f"{k}:{v}" for k, v in ratings.items())


def priority_group(page: Page, item: str) -> Locator:
    return page.locator(f"#priority-{item}").get_by_role("radiogroup")


def level_radio(page: Page, item: str, level: str) -> Locator:
    return priority_group(page, item).get_by_role("radio", name=LEVEL_LABELS[level], exact=True)


def to_priorities_step(page: Page, open_page, audience: str = "self") -> None:
    """From the landing page through the six questions to the priorities step."""
    start(page, open_page, audience)
    for qid, value in PATHS["certificate"].answers:
        expect_step(page, qid)
        answer_by_mouse(page, qid, value)
    expect(question(page, "priorities")).to_be_visible()
    expect(page.locator("#progress")).to_contain_text("optional")


def readiness_group(page: Page, item: str) -> Locator:
    return page.locator(f"#readiness-{item}").get_by_role("radiogroup")


def answer_readiness(page: Page, item: str, value: str) -> None:
    radio = readiness_group(page, item).get_by_role("radio", name=value.capitalize(), exact=True)
    radio.click()
    expect(radio).to_be_checked()


# --- the priorities step -----------------------------------------------------------------------


def test_priorities_step_by_keyboard_and_a_leaning_that_differs(page, open_page) -> None:
    expected = engine_result(rated_query(RATINGS))
    fit = expected.priorities_fit
    assert fit is not None and fit.leaning and fit.leaning != expected.recommended, (
        "pick ratings whose leaning differs from the suggestion"
    )
    to_priorities_step(page, open_page)
    fieldset = question(page, "priorities")
    expect(fieldset.locator("legend")).to_contain_text(CONTENT.priorities.prompt.self)
    for item in CONTENT.priorities.items:
        group = priority_group(page, item.id)
        # Each group is named by its priority and described by its help.
        expect(group).to_have_accessible_name(item.label.self)
        expect(group).to_have_accessible_description(item.help)

    # No mouse from here: Tab to each group, the arrow keys to a level, Space to choose it.
    for item, level in RATINGS.items():
        radios = priority_group(page, item).get_by_role("radio")
        wanted = level_radio(page, item, level)
        tab_to(page, radios)
        arrow_to(page, radios, wanted)
        page.keyboard.press("Space")
        expect(wanted).to_be_checked()
    # The arrow keys moved within a group only: the other groups are still unrated.
    for item in PRIORITY_LABELS.keys() - RATINGS.keys():
        expect(priority_group(page, item).get_by_role("radio", checked=True)).to_have_count(0)
    tab_to(page, page.get_by_role("button", name="Next", exact=True))
    page.keyboard.press("Enter")

    review = page.locator("#review")
    expect(review).to_be_visible()
    for item, level in RATINGS.items():
        expect(review).to_contain_text(
            f"{PRIORITY_LABELS[item].self}: {LEVEL_LABELS[level].lower()}"
        )
    expect(review.get_by_role("button", name="Change What matters", exact=True)).to_be_visible()
    open_result(page, keyboard=True)

    table = page.locator("#fit-table")
    expect(table).to_be_visible()
    expect(table.locator("caption")).to_have_text(
        "What matters to you, and what each option offers"
    )
    heads = table.locator('thead th[scope="col"]')
    expect(heads).to_have_count(1 + 4)
    for option in ("certificate", "diploma", "masters", "not_now"):
        expect(table.locator("thead")).to_contain_text(OPTION_NAMES[option])
    rows = table.locator('tbody th[scope="row"]')
    expect(rows).to_have_count(len(RATINGS))
    for item, level in RATINGS.items():
        row = table.locator("tbody tr").filter(has_text=PRIORITY_LABELS[item].self)
        expect(row).to_contain_text(LEVEL_LABELS[level])
        expect(row.locator("td")).to_have_count(4)

    leaning = page.locator("#leaning")
    expect(leaning.get_by_role("heading", name="Your priorities lean elsewhere")).to_be_visible()
    expect(leaning).to_contain_text(
        f"Suggested by the answers: the {OPTION_NAMES[expected.recommended]}"
    )
    expect(leaning).to_contain_text(f"Where your priorities lean: the {OPTION_NAMES[fit.leaning]}")
    expect(leaning).to_contain_text(fit.text)
    # The suggestion stays the headline.
    expect(page.locator("#headline")).to_contain_text(OPTION_NAMES[expected.recommended])
    # What would change the leaning, here and under "What would change it".
    for change in fit.changes:
        expect(page.locator("#what-matters")).to_contain_text(change.text)
        expect(page.locator("#changes")).to_contain_text(change.text)


def test_priorities_step_by_mouse_clear_back_and_change(page, open_page) -> None:
    to_priorities_step(page, open_page, audience="colleague")
    expect(question(page, "priorities").locator("legend")).to_contain_text("your colleague")

    level_radio(page, "teaching", "medium").click()
    expect(level_radio(page, "teaching", "medium")).to_be_checked()
    level_radio(page, "career", "high").click()
    expect(level_radio(page, "career", "high")).to_be_checked()
    page.get_by_role("button", name="Clear these ratings", exact=True).click()
    expect(question(page, "priorities").get_by_role("radio", checked=True)).to_have_count(0)

    level_radio(page, "belonging", "high").click()
    expect(level_radio(page, "belonging", "high")).to_be_checked()
    # Back to the last question and on again: the rating is kept.
    page.get_by_role("button", name="Back", exact=True).click()
    expect_step(page, "workplace")
    page.get_by_role("button", name="Next", exact=True).click()
    expect(level_radio(page, "belonging", "high")).to_be_checked()
    page.get_by_role("button", name="Next", exact=True).click()

    review = page.locator("#review")
    label = PRIORITY_LABELS["belonging"].supervisor
    expect(review).to_contain_text(f"{label}: {LEVEL_LABELS['high'].lower()}")
    # "Change" on the review's row opens the step; Next returns to the review.
    review.get_by_role("button", name="Change What matters", exact=True).click()
    expect(question(page, "priorities")).to_be_visible()
    level_radio(page, "belonging", "low").click()
    page.get_by_role("button", name="Next", exact=True).click()
    expect(review).to_contain_text(f"{label}: {LEVEL_LABELS['low'].lower()}")
    open_result(page)
    expect(page.locator("#fit-table")).to_contain_text(label)
    expect(page.locator("#fit-table caption")).to_contain_text("your colleague")


def test_skipping_the_priorities_leaves_an_invitation_to_them(page, open_page) -> None:
    start(page, open_page)
    answer_all(page, PATHS["certificate"])  # Next on the priorities step, nothing rated
    review = page.locator("#review")
    expect(review).to_contain_text("Skipped")
    open_result(page)

    section = page.locator("#what-matters")
    expect(section).to_be_visible()
    expect(page.locator("#fit-table")).to_have_count(0)
    expect(page.locator("#leaning")).to_have_count(0)
    expect(section.locator("#priorities-invitation")).to_be_visible()
    section.get_by_role("button", name="Rate what matters to you", exact=True).click()
    expect(question(page, "priorities")).to_be_visible()
    level_radio(page, "research", "high").click()
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.locator("#review")).to_be_visible()
    open_result(page)
    expect(page.locator("#fit-table")).to_be_visible()


# --- the readiness check -----------------------------------------------------------------------


@pytest.mark.parametrize("audience", ["self", "supervisor"])
def test_each_no_opens_its_help_and_the_score_follows(page, open_page, audience) -> None:
    prefix = "audience=supervisor&" if audience == "supervisor" else ""
    open_page(page, f"/result?{prefix}{CERTIFICATE}")
    section = page.locator("#readiness-check")
    expect(section).to_contain_text("SURE")
    expect(section).to_contain_text("O'Connor")
    expect(page.locator("#readiness-score")).to_contain_text("Not answered yet")

    for item in READINESS:
        group = readiness_group(page, item.id)
        expect(group).to_have_accessible_name(getattr(item.prompt, audience))
        help_box = page.locator(f"#readiness-{item.id}-help")
        expect(help_box).to_have_count(0)
        answer_readiness(page, item.id, "no")
        expect(help_box).to_be_visible()
        expect(help_box).to_contain_text(getattr(item.help, audience))
        link = help_box.get_by_role("link")
        target = HELP_TARGETS[audience][item.help_with]
        expect(link).to_have_attribute("href", target)
        # The part of the page the link names is there, once.
        expect(page.locator(target)).to_have_count(1)
        expect(page.locator(target)).to_be_visible()
        # An in-page jump: the address keeps the answers, the result stays.
        link.click()
        expect(page.locator(target)).to_be_in_viewport()
        assert page.url.endswith(f"{CERTIFICATE}{target}"), page.url
        expect(help_box).to_be_visible()
        expect(page.locator("#readiness-score")).to_contain_text(
            f"0 of {len(READINESS)} answered yes"
        )

    for yes, item in enumerate(READINESS, start=1):
        answer_readiness(page, item.id, "yes")
        expect(page.locator(f"#readiness-{item.id}-help")).to_have_count(0)
        expect(page.locator("#readiness-score")).to_contain_text(
            f"{yes} of {len(READINESS)} answered yes"
        )
    expect(page.locator("#readiness-score")).to_contain_text("ready to decide")


def test_the_readiness_answers_travel_with_the_link_and_the_saved_result(
    page, new_context, open_page
) -> None:
    open_page(page, f"/result?{CERTIFICATE}")
    answers = {item.id: "yes" for item in READINESS}
    answers[READINESS[-1].id] = "no"
    for item, value in answers.items():
        answer_readiness(page, item, value)
    score = f"{len(READINESS) - 1} of {len(READINESS)} answered yes"
    expect(page.locator("#readiness-score")).to_contain_text(score)

    link = page.get_by_role("button", name="Copy link", exact=True).get_attribute("data-copy-link")
    assert link and link.startswith("/result?") and "sure=" in link, link
    other = new_context().new_page()  # nothing stored: only the link carries the answers
    open_page(other, link)
    for item, value in answers.items():
        radio = readiness_group(other, item).get_by_role("radio", name=value.capitalize())
        expect(radio).to_be_checked()
    expect(other.locator("#readiness-score")).to_contain_text(score)

    # A saved result shows the same answers, read-only.
    page.get_by_role("button", name="Save and get a link", exact=True).click()
    saved = page.locator("#saved").get_by_role("link", name="Open the saved result")
    href = saved.get_attribute("href")
    assert href
    open_page(other, href)
    section = other.locator("#readiness-check")
    expect(section).to_be_visible()
    expect(section.get_by_role("radio")).to_have_count(0)
    for item, value in answers.items():
        expect(other.locator(f"#readiness-{item}")).to_contain_text(value.capitalize())
    expect(other.locator("#readiness-score")).to_contain_text(score)
    expect(other.locator(f"#readiness-{READINESS[-1].id}-help")).to_be_visible()

    # Deleted again: the session's other tests (the insights' counts) find the database as it
    # was.
    delete = page.locator("#saved").get_by_role("link", name="Delete link").get_attribute("href")
    assert delete
    open_page(other, delete)
    other.get_by_role("button", name="Delete the saved result").click()
    expect(other.locator("#delete-outcome")).to_contain_text("deleted")


# --- the options and the questions to ask ------------------------------------------------------


def test_four_options_in_equal_detail_and_questions_with_their_evidence(page, open_page) -> None:
    expected = engine_result(CERTIFICATE)
    open_page(page, f"/result?{CERTIFICATE}")
    cards = page.locator("#four-options article")
    expect(cards).to_have_count(4)
    for index, entry in enumerate(CONTENT.decision.options):
        card = cards.nth(index)
        expect(card.get_by_role("heading", level=3)).to_have_text(entry.name)
        expect(card.get_by_role("heading", level=4)).to_have_count(2)
        expect(card.locator("li > p")).to_have_count(len(entry.gains) + len(entry.costs))
        cited = {f for item in (*entry.gains, *entry.costs) for f in item.findings}
        hrefs = card.locator('a[href^="/evidence#finding-"]').evaluate_all(
            "links => links.map(a => a.getAttribute('href').replace('/evidence#finding-', ''))"
        )
        assert set(hrefs) == cited, entry.option
        badge = card.get_by_text("Suggested for these answers")
        expect(badge).to_have_count(1 if entry.option == expected.recommended else 0)

    asks = page.locator("#questions li > p")
    expect(asks).to_have_count(len(expected.questions_to_ask))
    for ask in expected.questions_to_ask:
        expect(page.locator(f"#ask-{ask.ask}")).to_contain_text(ask.text)


# --- accessibility and screenshots ------------------------------------------------------------


def _step(page: Page, open_page, audience: str) -> None:
    to_priorities_step(page, open_page, "colleague" if audience == "supervisor" else "self")
    level_radio(page, "research", "high").click()
    expect(level_radio(page, "research", "high")).to_be_checked()


def _result(page: Page, open_page, audience: str) -> None:
    prefix = "audience=supervisor&" if audience == "supervisor" else ""
    open_page(page, f"/result?{prefix}{rated_query(RATINGS)}")
    expect(page.locator("#fit-table")).to_be_visible()
    answer_readiness(page, READINESS[0].id, "no")
    answer_readiness(page, READINESS[1].id, "yes")
    expect(page.locator(f"#readiness-{READINESS[0].id}-help")).to_be_visible()
    page.locator("#four-options details").first.locator("summary").click()


VIEWS = {"priorities-step": _step, "result-decision-aid": _result}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("audience", ["self", "supervisor"])
@pytest.mark.parametrize("name", VIEWS)
def test_the_decision_aid_is_accessible_and_fits_the_width(
    name, audience, width, new_context, open_page, axe_audit, screenshot
) -> None:
    page = new_context(*WIDTHS[width]).new_page()
    VIEWS[name](page, open_page, audience)
    screenshot(page, f"{name}-{audience}")

    problems = [describe_violations(axe_audit(page)), horizontal_overflow(page)]

    assert not any(problems), "\n".join(p for p in problems if p)
    if name == "result-decision-aid":
        # The table wider than a phone scrolls in its own region, which the keyboard reaches.
        region = page.get_by_role("region", name=re.compile("what each option offers"))
        expect(region).to_have_attribute("tabindex", "0")
