"""The comparison of a plan made together, in a real browser: each seat's link shows both
answers side by side with the agreement compare() finds, the differences that change a
suggestion first, the viewer's own column marked, accessible at phone and laptop widths, and a
joint summary that prints on three A4 pages at most."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from advisor.evidence import EXIT_POINT_NAMES
from advisor.plan_view import point_text
from advisor.plans import Comparison, compare
from advisor.profile import Profile
from tests.e2e.test_print import pdf_pages
from tests.utils.browser import WIDTHS, describe_violations, horizontal_overflow

pytestmark = [pytest.mark.e2e, pytest.mark.server]

EVERY_REASON = [
    "improve_teaching",
    "education_interest",
    "career_prospects",
    "professional_review",
    "institutional_requirement",
    "funding_requirement",
    "specialist_career",
    "leadership",
    "colleague_recommendation",
]
ALL_YES = {"sure": True, "understand": True, "values": True, "support": True}
ALL_NO = {"sure": False, "understand": False, "values": False, "support": False}
# The longest comparison found: every question differs, five of the differences change a
# suggestion (each with its findings and questions to ask), every priority is rated apart and
# both readiness checks are answered, one all yes, one all no.
LONGEST = {
    "supervisor": {
        "healthcare_background": True,
        "role": "major_teaching",
        "career_stage": "late",
        "research_aim": "conduct_research",
        "workplace": "uk",
        "motivations": ["professional_review", "leadership", "colleague_recommendation"],
        "priorities": {
            "research": "high",
            "teaching": "low",
            "career": "high",
            "short_commitment": "low",
            "decide_later": "medium",
            "belonging": "high",
        },
        "sure": ALL_YES,
    },
    "colleague": {
        "healthcare_background": True,
        "role": "trainee",
        "career_stage": "early",
        "research_aim": "none",
        "workplace": "international",
        "motivations": [
            "improve_teaching",
            "education_interest",
            "career_prospects",
            "institutional_requirement",
            "funding_requirement",
            "specialist_career",
        ],
        "priorities": {
            "research": "low",
            "teaching": "high",
            "career": "low",
            "short_commitment": "high",
            "decide_later": "low",
            "belonging": "medium",
        },
        "sure": ALL_NO,
    },
}
# Every question differs, the healthcare background too: the colleague's own answers get no
# suggestion, and every other difference is listed after that one.
NOT_ELIGIBLE = {
    "supervisor": {**LONGEST["supervisor"], "motivations": EVERY_REASON},
    "colleague": {**LONGEST["colleague"], "healthcare_background": False},
}
# The same answers from both: agreement everywhere, nothing to discuss.
SAME = {
    "supervisor": {
        "healthcare_background": True,
        "role": "education_lead",
        "career_stage": "mid",
        "research_aim": "conduct_research",
        "motivations": ["career_prospects"],
        "priorities": {"research": "high"},
        "sure": {"sure": True},
    },
}
SAME["colleague"] = SAME["supervisor"]
PLANS = {"longest": LONGEST, "not-eligible": NOT_ELIGIBLE, "same": SAME}
SEATS = ("colleague", "supervisor")
MAX_PAGES = 3


def make_plan(url: str, answers: dict[str, dict[str, Any]]) -> dict[str, str]:
    """A plan both seats have answered, through the API: each seat's page path."""
    created = httpx.post(f"{url}/api/v1/plans", timeout=30).json()
    for seat in SEATS:
        sent = httpx.put(
            f"{url}/api/v1/plans/{created['id']}/answers",
            json=answers[seat],
            headers={"X-Plan-Token": created["tokens"][seat]},
            timeout=30,
        )
        assert sent.status_code == 200, sent.text
    assert sent.json()["status"] == "complete"
    return {seat: f"/plan/{created['id']}?key={created['tokens'][seat]}" for seat in SEATS}


def expected(answers: dict[str, dict[str, Any]], content) -> Comparison:
    return compare(Profile(**answers["supervisor"]), Profile(**answers["colleague"]), content)


def open_comparison(page: Page, open_page, path: str) -> None:
    open_page(page, path)
    expect(page.locator("#plan-comparison #comparison")).to_be_visible()


@pytest.mark.parametrize("seat", SEATS)
@pytest.mark.parametrize("name", ["longest", "not-eligible"])
def test_each_seat_sees_both_answers_and_what_matters_first(
    seat, name, page, open_page, app_server, content
) -> None:
    answers = PLANS[name]
    comparison = expected(answers, content)
    open_comparison(page, open_page, make_plan(app_server.url, answers)[seat])

    # Every question, with both answers in their columns (the colleague's first) and the
    # agreement compare() finds, said in words.
    for pair in comparison.questions:
        row = page.locator(f"#compare-{pair.question_id}")
        expect(row).to_have_attribute("data-agree", str(pair.agree).lower())
        cells = row.locator("td")
        expect(cells.nth(0)).to_have_text(pair.colleague_text)
        expect(cells.nth(1)).to_have_text(pair.supervisor_text)
        expect(cells.nth(2)).to_contain_text("Yes" if pair.agree else "No")
        if pair.changes_suggestion:
            expect(cells.nth(2)).to_contain_text("Changes the suggestion")

    # The viewer's own column says "(you)", in every table, and only there.
    other = "supervisor" if seat == "colleague" else "colleague"
    for table in ("#compare-table", "#priority-table", "#readiness-table"):
        heads = page.locator(f"{table} thead th")
        expect(heads).to_have_text(
            [
                re.compile(r".+"),
                "Colleague (you)" if seat == "colleague" else "Colleague",
                "Supervisor (you)" if seat == "supervisor" else "Supervisor",
                "Agree?",
            ]
        )
    expect(page.locator(f"#suggestion-{seat} h3")).to_contain_text("(you)")
    expect(page.locator(f"#suggestion-{other} h3")).not_to_contain_text("(you)")

    # Both suggestions first, then the differences that change a suggestion, each grounded in
    # its findings, then the table.
    order = page.evaluate(
        """() => [...document.querySelectorAll("#comparison section")].map(s => s.id)"""
    )
    assert order[:3] == ["suggestions", "key-differences", "all-answers"], order
    key = page.locator("#key-differences article.discussion-point")
    expect(key).to_have_count(len(comparison.changes_suggestion))
    ids = [key.nth(i).get_attribute("id") for i in range(key.count())]
    assert ids == [f"point-{q}" for q in comparison.changes_suggestion]
    labels = {pair.question_id: pair.label for pair in comparison.questions}
    for point in comparison.discussion_points:
        shown = page.locator(f"#point-{point.question_id}")
        expect(shown.locator("h3")).to_have_text(labels[point.question_id])
        expect(shown).to_contain_text(point_text(point.text, labels[point.question_id]))
        for ask in point.asks:
            expect(shown).to_contain_text(ask.text)
        if point.changes_suggestion:
            for finding in point.findings:
                link = shown.locator(f"a[href='/evidence#finding-{finding}']")
                expect(link).to_be_visible()
    # Their findings, numbered, each listed once however many differences rest on it.
    cited = [f for p in comparison.discussion_points if p.changes_suggestion for f in p.findings]
    expect(page.locator("#key-findings li")).to_have_count(len(set(cited)))
    others = page.locator("#other-differences article.discussion-point")
    expect(others).to_have_count(len(comparison.discussion_points) - key.count())

    for each in SEATS:
        name_shown = page.locator(f"#suggestion-{each} .suggestion-name")
        exit_point = getattr(comparison.recommended, each)
        expect(name_shown).to_have_text(
            EXIT_POINT_NAMES[exit_point] if exit_point else "No suggestion"
        )

    # Priorities and readiness side by side, the caution with them, the colleague's first.
    for pair in comparison.priorities:
        expect(page.locator(f"#priority-{pair.item}")).to_have_attribute(
            "data-agree", str(pair.agree).lower()
        )
    for pair in comparison.readiness:
        cells = page.locator(f"#readiness-{pair.item} td")
        expect(cells.nth(0)).to_have_text("Yes" if pair.colleague else "No")
        expect(cells.nth(1)).to_have_text("Yes" if pair.supervisor else "No")
    expect(page.locator("#readiness-caution")).to_have_text(comparison.readiness_caution)
    score = comparison.readiness_score.colleague
    expect(page.locator("#readiness-scores td").first).to_have_text(
        "Not answered" if score is None else f"{score} of 4 yes"
    )
    expect(page.get_by_role("button", name="Print the joint summary")).to_be_visible()


def test_the_same_answers_agree_everywhere(page, open_page, app_server) -> None:
    open_comparison(page, open_page, make_plan(app_server.url, SAME)["colleague"])
    rows = page.locator("#compare-table tbody tr")
    expect(rows).to_have_count(6)
    expect(page.locator("#compare-table tbody tr[data-agree='false']")).to_have_count(0)
    expect(page.locator("#suggestion-summary")).to_contain_text("Same suggestion")
    expect(page.locator("#key-summary")).to_have_text("You gave the same answer to every question.")
    expect(page.locator(".discussion-point")).to_have_count(0)
    expect(page.locator("#other-differences")).to_have_count(0)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("seat", SEATS)
def test_the_comparison_is_accessible_and_fits_the_width(
    width, seat, new_context, open_page, app_server, axe_audit, screenshot
) -> None:
    page = new_context(*WIDTHS[width]).new_page()
    open_comparison(page, open_page, make_plan(app_server.url, LONGEST)[seat])
    # The folded evidence opened too, so axe checks it.
    for details in page.locator("#comparison details").all():
        details.locator("summary").click()
    screenshot(page, f"plan-comparison-{seat}")
    problems = [describe_violations(axe_audit(page)), horizontal_overflow(page)]
    assert not any(problems), "\n".join(p for p in problems if p)


@pytest.mark.parametrize("name", PLANS)
def test_the_joint_summary_prints_on_three_pages_at_most(name, page, open_page, app_server):
    open_comparison(page, open_page, make_plan(app_server.url, PLANS[name])["supervisor"])
    page.emulate_media(media="print")
    expect(page.locator("header")).to_be_hidden()
    assert page.locator("main button:visible").count() == 0
    expect(page.locator("#printed-on")).to_have_text(re.compile(r"^Printed on \d+ \w+ \d{4}$"))
    for part in ("#suggestions", "#compare-table", "#both-priorities", "#both-readiness"):
        expect(page.locator(part)).to_be_visible()
    expect(page.locator("#agreed-next-steps")).to_be_visible()
    expect(page.locator("#agreed-next-steps tbody tr")).to_have_count(4)
    if name != "same":
        expect(page.locator("#key-differences .discussion-point").first).to_be_visible()
        expect(page.locator("#key-differences a[href^='/evidence#']").first).to_be_visible()
    pages = pdf_pages(page.pdf(format="A4"))
    assert 1 <= pages <= MAX_PAGES, f"the joint summary takes {pages} pages"
