"""Printing a result (a clean summary of at most three pages: the decision worksheet of issue
11) and the result appearing without jumps."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from advisor.runtime import CONTENT

pytestmark = [pytest.mark.e2e, pytest.mark.server]

# Share links (the form "Copy link" produces) for results of every kind, including the longest
# one the questionnaire can produce: every reason for studying ticked.
RESULTS = {
    "certificate": "healthcare_background=yes&role=trainee&career_stage=early"
    "&motivations=improve_teaching&research_aim=none",
    "diploma-supervisor": "audience=supervisor&healthcare_background=yes&role=major_teaching"
    "&career_stage=mid&motivations=career_prospects&research_aim=apply_evidence&workplace=uk",
    "masters-every-reason": "audience=supervisor&healthcare_background=yes&role=education_lead"
    "&career_stage=early&motivations=improve_teaching,education_interest,career_prospects,"
    "professional_review,institutional_requirement,funding_requirement,specialist_career,"
    "leadership,colleague_recommendation&research_aim=conduct_research&workplace=international",
    # The longest worksheet: every reason, every priority rated, the readiness check answered.
    "masters-every-reason-rated": "audience=supervisor&healthcare_background=yes"
    "&role=education_lead&career_stage=early&motivations=improve_teaching,education_interest,"
    "career_prospects,professional_review,institutional_requirement,funding_requirement,"
    "specialist_career,leadership,colleague_recommendation&research_aim=conduct_research"
    "&workplace=international&priorities=research:high,teaching:medium,career:high,"
    "short_commitment:low,decide_later:medium,belonging:high"
    "&sure=sure:no,understand:no,values:yes,support:no",
    "not-eligible": "healthcare_background=no",
}
# What the printed worksheet keeps of an eligible result, and what it leaves on screen.
WORKSHEET = ["#reasons", "#four-options", "#what-matters", "#readiness-check", "#questions"]
# (The totals of the chart are printed as a line; its bars are not.)
SCREEN_ONLY = ["#outcome-masters", "figure.quote", "#score-chart > .no-print", "main details"]


# A4 pages a printed result may take (issue 11: the decision worksheet).
MAX_PAGES = 3


def pdf_pages(pdf: bytes) -> int:
    # Each page object of the PDF chromium writes is one "/Type /Page" (not "/Pages").
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


@pytest.mark.parametrize("query", RESULTS.values(), ids=RESULTS.keys())
def test_printed_result_is_a_worksheet_of_three_pages_at_most(page, open_page, query) -> None:
    open_page(page, f"/result?{query}")
    expect(page.locator("#headline")).to_be_visible()

    page.emulate_media(media="print")
    expect(page.locator("#headline")).to_be_visible()
    expect(page.locator("header")).to_be_hidden()
    expect(page.get_by_role("button", name="Start again", exact=True)).to_be_hidden()
    assert page.locator("main button:visible, main nav:visible").count() == 0
    if "healthcare_background=yes" in query:
        for part in WORKSHEET:
            expect(page.locator(part)).to_be_visible()
        for part in SCREEN_ONLY:
            expect(page.locator(part).first).to_be_hidden()
        expect(page.locator("#caveats")).to_be_visible()
        expect(page.locator("#next-steps")).to_be_visible()
        if "priorities=" in query:
            expect(page.locator("#fit-table")).to_be_visible()
            expect(page.locator("#leaning")).to_be_visible()
        # The readiness check: the answers given, or boxes to tick on paper.
        boxes = page.locator("#readiness-check").get_by_text("☐ Yes")
        expect(boxes).to_have_count(0 if "sure=" in query else len(CONTENT.readiness.items))
        for i in range(boxes.count()):
            expect(boxes.nth(i)).to_be_visible()

    if "healthcare_background=yes" in query:
        # What the result rests on: the answers, and the day it was printed.
        expect(page.locator("#answers")).to_be_visible()
        expect(page.locator("#printed-on")).to_have_text(re.compile(r"^Printed on \d+ \w+ \d{4}$"))

    pages = pdf_pages(page.pdf(format="A4"))
    assert 1 <= pages <= MAX_PAGES, f"the printed result takes {pages} pages"


LAYOUT_SHIFT_PROBE = """
window.__layoutShift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.__layoutShift += entry.value;
  }
}).observe({type: "layout-shift", buffered: true});
"""


@pytest.mark.parametrize("query", [RESULTS["certificate"], RESULTS["not-eligible"]])
def test_the_result_appears_without_layout_shift(new_context, open_page, query) -> None:
    # The page is served before the answers arrive; the space the result will take is kept, so
    # nothing on screen jumps when it appears (cumulative layout shift well under 0.1).
    page = new_context().new_page()
    page.add_init_script(LAYOUT_SHIFT_PROBE)
    open_page(page, f"/result?{query}")
    expect(page.locator("#headline")).to_be_visible()
    page.wait_for_timeout(500)
    assert page.evaluate("window.__layoutShift") < 0.1
