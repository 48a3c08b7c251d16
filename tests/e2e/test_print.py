"""Printing a result: a clean one- or two-page summary without navigation or buttons."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.server]

# Share links (the form "Copy link" produces) for results of every kind, including the longest
# one the questionnaire can produce: every reason for studying ticked.
RESULTS = {
    "certificate": "healthcare_background=yes&role=trainee&career_stage=early"
    "&motivations=improve_teaching&research_aim=none",
    "diploma-supervisor": "audience=supervisor&healthcare_background=yes&role=major_teaching"
    "&career_stage=mid&motivations=improve_teaching&research_aim=apply_evidence&workplace=uk",
    "masters-every-reason": "audience=supervisor&healthcare_background=yes&role=education_lead"
    "&career_stage=early&motivations=improve_teaching,education_interest,career_prospects,"
    "professional_review,institutional_requirement,funding_requirement,specialist_career,"
    "leadership,colleague_recommendation&research_aim=conduct_research&workplace=international",
    "not-eligible": "healthcare_background=no",
}


def pdf_pages(pdf: bytes) -> int:
    # Each page object of the PDF chromium writes is one "/Type /Page" (not "/Pages").
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


@pytest.mark.parametrize("query", RESULTS.values(), ids=RESULTS.keys())
def test_printed_result_is_a_short_clean_summary(page, open_page, query) -> None:
    open_page(page, f"/result?{query}")
    expect(page.locator("#headline")).to_be_visible()

    page.emulate_media(media="print")
    expect(page.locator("#headline")).to_be_visible()
    expect(page.locator("header")).to_be_hidden()
    expect(page.get_by_role("button", name="Start again", exact=True)).to_be_hidden()
    assert page.locator("main button:visible, main nav:visible").count() == 0
    if "healthcare_background=yes" in query:
        expect(page.locator("#reasons")).to_be_visible()
        expect(page.locator("#outcome-masters")).to_be_visible()
        expect(page.locator("figure.quote").first).to_be_visible()
        expect(page.locator("#caveats")).to_be_visible()

    pages = pdf_pages(page.pdf(format="A4"))
    assert 1 <= pages <= 2, f"the printed result takes {pages} pages"
