"""/about in a real browser (accessible at both widths, reached from the footers, naming an
embedding site only when it is well formed), and the reading level of the text people see on
the questionnaire and the result."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from advisor.about import GROUPS
from advisor.reading_level import GRADE_LIMIT, as_sentence, grade_of
from advisor.runtime import CONTENT
from tests.utils.browser import WIDTHS, describe_violations, horizontal_overflow

pytestmark = [pytest.mark.e2e, pytest.mark.server]

SITE = "https://medicine.example.ac.uk"


@pytest.mark.parametrize("width", WIDTHS)
def test_about_is_accessible_and_fits_the_width(
    width, new_context, open_page, axe_audit, screenshot
) -> None:
    # As an embedded copy links to it: the site named, so that its notice is audited too.
    page = open_page(new_context(*WIDTHS[width]).new_page(), f"/about?site={SITE}")
    expect(page.get_by_role("heading", level=1)).to_have_text("About this advisor")
    expect(page.locator("#embedding-site")).to_be_visible()
    screenshot(page, "about")

    problems = [describe_violations(axe_audit(page)), horizontal_overflow(page)]

    assert not any(problems), "\n".join(p for p in problems if p)


def test_about_shows_its_tables_grade_and_policy(page, open_page) -> None:
    open_page(page, "/about")

    for title, _ in GROUPS.values():
        table = page.get_by_role("table", name=re.compile(f"^{title}"))
        expect(table).to_be_visible()
        expect(table.get_by_role("columnheader")).to_have_count(2)
    expect(page.locator("#ipdas-field-test-users")).to_contain_text("Not yet")
    grade = float(page.locator("#reading-grade").inner_text())
    assert 0 < grade <= GRADE_LIMIT
    expect(page.locator("#reviewed")).to_have_text(f"{CONTENT.study.reviewed:%-d %B %Y}")
    expect(page.locator("#report-error")).to_contain_text("gives no address")
    expect(page.locator("#embedding-site")).to_have_count(0)


def test_every_page_footer_leads_here(page, open_page) -> None:
    open_page(page, "/method")

    page.locator("footer").get_by_role("link", name="About this advisor").click()

    expect(page).to_have_url(re.compile(r"/about/?$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("About this advisor")


def test_an_embedding_site_is_named_when_well_formed(page, open_page) -> None:
    open_page(page, f"/about?site={SITE}")
    expect(page.locator("#embedding-site")).to_contain_text(SITE)

    for bad in ("javascript:alert(1)", "%3Cb%3Ebold%3C/b%3E", "https://example.org/a/path"):
        open_page(page, f"/about?site={bad}")
        expect(page.get_by_role("heading", level=1)).to_have_text("About this advisor")
        expect(page.locator("#embedding-site")).to_have_count(0)


def test_the_embedded_advisor_names_its_site_and_links_here(page, open_page) -> None:
    open_page(page, f"/embed?origin={SITE}")

    footer = page.locator("footer")
    expect(footer.locator("#embedding-site")).to_have_text(SITE)
    link = footer.get_by_role("link", name="About this advisor")
    assert link.get_attribute("href") == f"/about?site={SITE}"
    assert link.get_attribute("target") == "_blank"


# --- the reading level of what people see -------------------------------------------------------

# The text of <main> as the browser shows it, without the graduates' quotations (their own
# words) and the chart's drawing (its numbers are read from the list beside it); the header and
# footer are outside <main>.
VISIBLE_TEXT = """
() => {
  const main = document.querySelector("main");
  const left = [...main.querySelectorAll("figure.quote, blockquote, q, svg")];
  const display = left.map(el => el.style.display);
  left.forEach(el => { el.style.display = "none"; });
  const text = main.innerText;
  left.forEach((el, i) => { el.style.display = display[i]; });
  return text;
}
"""


def _lines(page: Page) -> list[str]:
    return [line.strip() for line in page.evaluate(VISIBLE_TEXT).splitlines() if line.strip()]


def _walk_the_questions(page: Page, open_page, audience: str) -> list[str]:
    """Every step of the questionnaire as shown, answered with its first option, then the
    review and the result: the lines of text each showed."""
    open_page(page, "/")
    name = "Start for myself" if audience == "self" else "Start for a colleague I supervise"
    page.get_by_role("link", name=name, exact=True).click()
    seen: list[str] = []
    for question in CONTENT.questions:
        fieldset = page.locator(f"fieldset#question-{question.id}")
        expect(fieldset).to_be_visible()
        seen += _lines(page)
        choice = fieldset.get_by_role("checkbox" if question.kind == "multiple" else "radio")
        choice.first.click()
        page.get_by_role("button", name="Next", exact=True).click()
    # The steps after the questions (what matters, when the questionnaire asks it), left as
    # they are: their text is read, then Next or Skip.
    review = page.locator("#review")
    for _ in range(3):
        page.wait_for_timeout(300)
        if review.is_visible():
            break
        seen += _lines(page)
        page.get_by_role("button", name=re.compile(r"^(Next|Skip)")).first.click()
    expect(review).to_be_visible()
    seen += _lines(page)
    # A button or a link styled as one (tests/e2e/test_flow.py's see_the_result).
    see = "See the result"
    page.get_by_role("button", name=see, exact=True).or_(
        page.get_by_role("link", name=see, exact=True)
    ).click()
    expect(page.locator("#headline")).to_be_visible()
    return seen + _lines(page)


# Share links for results of other kinds: the most reasons, the Diploma, and no level at all.
RESULTS = [
    "audience=supervisor&healthcare_background=yes&role=education_lead&career_stage=early"
    "&motivations=improve_teaching,education_interest,career_prospects,professional_review,"
    "institutional_requirement,funding_requirement,specialist_career,leadership,"
    "colleague_recommendation&research_aim=conduct_research&workplace=international",
    "healthcare_background=yes&role=major_teaching&career_stage=mid"
    "&motivations=career_prospects&research_aim=apply_evidence&workplace=uk",
    "healthcare_background=no",
]


def _grade(lines: list[str]) -> tuple[float, str]:
    # Each distinct line once, ended as a sentence (a label or a button is not run into the
    # next line), as advisor/reading_level.py measures the content.
    sentences = list(dict.fromkeys(as_sentence(line) for line in lines))
    hardest = sorted(sentences, key=grade_of, reverse=True)[:10]
    return grade_of(" ".join(sentences)), "\n".join(f"{grade_of(s):5.1f} {s}" for s in hardest)


def test_what_people_read_on_the_questions_and_the_result_is_grade_10_or_below(
    new_context, open_page
) -> None:
    page = new_context().new_page()
    lines = _walk_the_questions(page, open_page, "self")
    lines += _walk_the_questions(new_context().new_page(), open_page, "supervisor")
    for query in RESULTS:
        result = new_context().new_page()
        open_page(result, f"/result?{query}")
        expect(result.locator("#headline")).to_be_visible()
        lines += _lines(result)

    # The quotations were left out, and what is measured is the page's own text.
    assert not any(q.text.strip()[:40] in " ".join(lines) for q in CONTENT.quotations)
    assert any("Question 1 of" in line for line in lines)

    grade, hardest = _grade(lines)
    assert grade <= GRADE_LIMIT, f"grade {grade:.1f} above {GRADE_LIMIT:g}; hardest:\n{hardest}"


HARD = [
    f"Notwithstanding considerable methodological heterogeneity, institutional stakeholder "
    f"number {i} conceptualises professional identity formation multidimensionally."
    for i in range(40)
]


def test_the_page_measure_counts_the_pages_text_and_leaves_quotations_out(page, open_page) -> None:
    open_page(page, f"/result?{RESULTS[1]}")
    expect(page.locator("#headline")).to_be_visible()
    plain, _ = _grade(_lines(page))

    # Hard sentences quoted are left out; the same sentences as the page's own text are not.
    page.evaluate(
        """hard => {
          const q = document.createElement("blockquote");
          q.innerText = hard.join(" ");
          document.querySelector("main").append(q);
        }""",
        HARD,
    )
    assert _grade(_lines(page))[0] == plain
    page.evaluate(
        """hard => {
          const p = document.createElement("p");
          p.innerText = hard.join(" ");
          document.querySelector("main").append(p);
        }""",
        HARD,
    )
    assert _grade(_lines(page))[0] > GRADE_LIMIT
