"""The questionnaire and the result in a real browser: by mouse and by keyboard, as a person uses
them, plus accessibility audits and screenshots of every page."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Locator, Page, expect

from advisor.rule_table import BASIS_LABELS
from tests.utils.browser import (
    BACKGROUND_OF,
    ROOT,
    WIDTHS,
    contrast,
    describe_violations,
    horizontal_overflow,
    srgb,
    wait_for_hydration,
)

pytestmark = [pytest.mark.e2e, pytest.mark.server]

QUESTION_IDS = [
    "healthcare_background",
    "role",
    "career_stage",
    "motivations",
    "research_aim",
    "workplace",
]
SHORT_LABELS = [
    "Healthcare background",
    "Teaching role",
    "Career stage",
    "Reasons for studying",
    "Research plans",
    "Workplace",
]
QUALIFICATIONS = {
    "certificate": "Postgraduate Certificate",
    "diploma": "Postgraduate Diploma",
    "masters": "Masters",
}
CONFIDENCE = re.compile(r"\b(strong|moderate|tentative)\b", re.IGNORECASE)
# Read straight from the content, not through the app: the page must show them verbatim.
# Several quotations share a speaker, so each code maps to all of its texts.
QUOTES_BY_SPEAKER: dict[str, set[str]] = {}
for _quote in yaml.safe_load((ROOT / "content" / "quotations.yaml").read_text())["quotations"]:
    QUOTES_BY_SPEAKER.setdefault(_quote["speaker"], set()).add(_quote["text"])
FINDING_IDS = {
    f["id"] for f in yaml.safe_load((ROOT / "content" / "findings.yaml").read_text())["findings"]
}

# An answer: the option label for a radio question, a list of labels for the checkboxes,
# None to press Next without answering (only the optional last question allows it).
Answer = str | list[str] | None


@dataclass(frozen=True)
class AnswerPath:
    name: str
    answers: list[tuple[str, Answer]]
    expected: str | None  # exit point, None when the advisor cannot recommend one


PATHS = {
    "certificate": AnswerPath(
        "certificate",
        [
            ("healthcare_background", "Yes"),
            ("role", "Trainee who teaches"),
            ("career_stage", "Early"),
            ("motivations", ["To teach better"]),
            ("research_aim", "None for now"),
            ("workplace", None),
        ],
        "certificate",
    ),
    "diploma": AnswerPath(
        "diploma",
        [
            ("healthcare_background", "Yes"),
            ("role", "A large teaching role"),
            ("career_stage", "Middle"),
            ("motivations", ["Better career prospects"]),
            ("research_aim", "Use published evidence"),
            ("workplace", "In the UK"),
        ],
        "diploma",
    ),
    "masters": AnswerPath(
        "masters",
        [
            ("healthcare_background", "Yes"),
            ("role", "Aiming for education research or faculty development"),
            ("career_stage", "Early"),
            ("motivations", ["A career as a specialist medical educator"]),
            ("research_aim", "Do and publish research"),
            ("workplace", None),
        ],
        "masters",
    ),
    "not-eligible": AnswerPath("not-eligible", [("healthcare_background", "No")], None),
}


# --- driving the pages ----------------------------------------------------------------------


def question(page: Page, qid: str) -> Locator:
    return page.locator(f"fieldset#question-{qid}")


def see_the_result(page: Page) -> Locator:
    # A button in the contract; a link styled as a button navigates just as well.
    name = "See the result"
    return page.get_by_role("button", name=name, exact=True).or_(
        page.get_by_role("link", name=name, exact=True)
    )


def is_focused(locator: Locator) -> bool:
    return locator.evaluate_all("els => els.includes(document.activeElement)")


def tab_to(page: Page, locator: Locator, limit: int = 80) -> None:
    """Press Tab until one of the elements `locator` matches has the focus."""
    expect(locator.first).to_be_attached()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if is_focused(locator):
            return
    active = page.evaluate("document.activeElement.outerHTML.slice(0, 200)")
    raise AssertionError(f"{limit} Tabs never reached {locator}; focus is on {active}")


def arrow_to(page: Page, radios: Locator, wanted: Locator) -> None:
    """Press ArrowDown until `wanted`, one of `radios`, has the focus."""
    focused = "els => els.indexOf(document.activeElement)"
    goal = radios.evaluate_all("(els, el) => els.indexOf(el)", wanted.element_handle())
    for _ in range(4 * radios.count()):
        now = radios.evaluate_all(focused)
        if now == goal:
            return
        if now == -1:
            # A re-render took the focus out of the group (seen once, in the full suite): come
            # back to it with Tab, as a keyboard user would.
            tab_to(page, radios)
            continue
        page.keyboard.press("ArrowDown")
        # Each arrow also checks its radio (a round trip to the backend): let the focus settle
        # before the next key, or a key pressed during the re-render can be lost.
        for _ in range(100):
            if radios.evaluate_all(focused) != now:
                break
            page.wait_for_timeout(20)
    raise AssertionError(f"the arrow keys never reached {wanted}")


def expect_step(page: Page, qid: str) -> None:
    expect(question(page, qid)).to_be_visible()
    number = QUESTION_IDS.index(qid) + 1
    expect(page.locator("#progress")).to_contain_text(f"Question {number} of 6")


def answer_by_mouse(page: Page, qid: str, answer: Answer) -> None:
    fieldset = question(page, qid)
    if isinstance(answer, list):
        for label in answer:
            box = fieldset.get_by_role("checkbox", name=label, exact=True)
            box.click()
            expect(box).to_be_checked()
    elif answer is not None:
        radio = fieldset.get_by_role("radio", name=answer, exact=True)
        radio.click()
        expect(radio).to_be_checked()
    page.get_by_role("button", name="Next", exact=True).click()


def answer_by_keyboard(page: Page, qid: str, answer: Answer) -> None:
    fieldset = question(page, qid)
    if isinstance(answer, list):
        for label in answer:
            box = fieldset.get_by_role("checkbox", name=label, exact=True)
            tab_to(page, box)
            page.keyboard.press("Space")
            expect(box).to_be_checked()
    elif answer is not None:
        # A radio group is one Tab stop; the arrow keys move between its options.
        radios = fieldset.get_by_role("radio")
        wanted = fieldset.get_by_role("radio", name=answer, exact=True)
        tab_to(page, radios)
        arrow_to(page, radios, wanted)
        page.keyboard.press("Space")
        expect(wanted).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Next", exact=True))
    page.keyboard.press("Enter")


def start(page: Page, open_page, audience: str = "self", keyboard: bool = False) -> None:
    """From the landing page to the first question, through one of its two ways in."""
    open_page(page, "/")
    label = "Start for myself" if audience == "self" else "Start for a colleague I supervise"
    link = page.get_by_role("link", name=label, exact=True)
    if keyboard:
        tab_to(page, link)
        page.keyboard.press("Enter")
    else:
        link.click()
    expect_step(page, "healthcare_background")


def skip_priorities(page: Page, keyboard: bool = False) -> None:
    """Past the optional step after the questions (what matters), rating nothing."""
    expect(question(page, "priorities")).to_be_visible()
    next_button = page.get_by_role("button", name="Next", exact=True)
    if keyboard:
        tab_to(page, next_button)
        page.keyboard.press("Enter")
    else:
        next_button.click()


def answer_all(page: Page, path: AnswerPath, keyboard: bool = False) -> None:
    """Answer the path's questions, from the first one to the review (past the priorities
    step, which an eligible person meets after the questions)."""
    answer = answer_by_keyboard if keyboard else answer_by_mouse
    for qid, value in path.answers:
        expect_step(page, qid)
        answer(page, qid, value)
    if path.expected is not None:
        skip_priorities(page, keyboard)
    expect(page.locator("#review")).to_be_visible()


def open_result(page: Page, keyboard: bool = False) -> None:
    if keyboard:
        tab_to(page, see_the_result(page))
        page.keyboard.press("Enter")
    else:
        see_the_result(page).click()
    expect(page).to_have_url(re.compile(r"/result"))
    expect(page.locator("#headline")).to_be_visible()


def start_again(page: Page | Locator, confirm: bool = True) -> None:
    """Press "Start again" and answer its dialog: clear the answers, or cancel."""
    page.get_by_role("button", name="Start again", exact=True).click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible()
    name = "Clear the answers" if confirm else "Cancel"
    dialog.get_by_role("button", name=name, exact=True).click()
    expect(dialog).to_have_count(0)


def reach_result(page: Page, open_page, path: AnswerPath, audience: str = "self") -> None:
    start(page, open_page, audience)
    answer_all(page, path)
    open_result(page)


# --- what a result must show ----------------------------------------------------------------


def check_result(page: Page, path: AnswerPath) -> None:
    headline = page.locator("h1#headline")
    if path.expected is None:
        expect(headline).to_contain_text("cannot recommend a level")
        expect(page.locator("#outcome-certificate")).to_have_count(0)
        return
    expect(headline).to_contain_text(QUALIFICATIONS[path.expected])
    text = headline.inner_text()
    for key, name in QUALIFICATIONS.items():
        assert key == path.expected or name not in text, text
    assert CONFIDENCE.search(text), f"no confidence word in {text!r}"

    reasons = page.locator("#reasons")
    expect(reasons).to_be_visible()
    # The findings the reasons rest on are listed once, under the reasons; each reason points
    # to its own by number.
    listed = page.locator('#reason-evidence a[href^="/evidence#finding-"]').evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert listed, "the reasons list no finding of the evidence page"
    assert len(listed) == len(set(listed)), f"a finding is listed more than once: {listed}"
    unknown = {h.removeprefix("/evidence#finding-") for h in listed} - FINDING_IDS
    assert not unknown, f"the reasons list findings that do not exist: {unknown}"
    items = page.locator("#reason-list > li")
    assert items.count() >= 1, "no reason given"
    for i in range(items.count()):
        refs = (
            items.nth(i)
            .locator("a.evidence-ref")
            .evaluate_all("links => links.map(a => [a.innerText, a.getAttribute('href')])")
        )
        assert refs, f"reason {i + 1} points to no evidence"
        for number, href in refs:
            # The number is the finding's in the list; both link to it on the evidence page.
            assert href.startswith("/evidence#finding-"), href
            listed_as = page.locator(f"#reason-evidence #evidence-{number} a")
            expect(listed_as).to_have_attribute("href", href)
        basis = re.search(r"Basis: (.+)", items.nth(i).inner_text())
        assert basis and basis.group(1).strip() in BASIS_LABELS.values(), f"reason {i + 1}"
        assert re.search(r"\+[\d.]+ points? for the ", items.nth(i).inner_text()), (
            f"reason {i + 1} does not say how many points it adds"
        )

    for exit_point in QUALIFICATIONS:
        expect(page.locator(f"#outcome-{exit_point}")).to_be_visible()
    expect(page.locator("#changes")).to_be_visible()
    expect(page.locator("#score-chart")).to_be_visible()
    expect(page.locator("#caveats")).not_to_be_empty()

    quotes = page.locator("figure.quote")
    assert quotes.count() >= 1, "no quotation on the result"
    for i in range(quotes.count()):
        figure = quotes.nth(i)
        said = figure.locator("blockquote").inner_text().strip()
        caption = figure.locator("figcaption").inner_text()
        speakers = [code for code in QUOTES_BY_SPEAKER if code in caption]
        assert speakers, f"no speaker code of content/quotations.yaml in {caption!r}"
        assert said in QUOTES_BY_SPEAKER[speakers[0]], (
            f"the quotation of {speakers[0]} is not verbatim: {said!r}"
        )

    for name in ("Print or save as PDF", "Download JSON", "Copy link", "Start again"):
        expect(page.get_by_role("button", name=name, exact=True)).to_be_visible()
    answers = page.locator("#answers")
    for qid, answer in path.answers:
        short = SHORT_LABELS[QUESTION_IDS.index(qid)]
        expect(answers.locator("dt", has_text=short)).to_have_count(1)
        for label in [answer] if isinstance(answer, str) else answer or []:
            expect(answers).to_contain_text(label)


# --- the four paths, by mouse and by keyboard ------------------------------------------------


@pytest.mark.parametrize("path", PATHS.values(), ids=PATHS.keys())
def test_each_path_by_mouse(page, open_page, path) -> None:
    start(page, open_page)
    answer_all(page, path)
    open_result(page)

    check_result(page, path)


@pytest.mark.parametrize("path", PATHS.values(), ids=PATHS.keys())
def test_each_path_by_keyboard(page, open_page, path) -> None:
    start(page, open_page, keyboard=True)
    answer_all(page, path, keyboard=True)
    open_result(page, keyboard=True)

    check_result(page, path)


# --- the questionnaire's behaviour -----------------------------------------------------------


def test_next_without_an_answer_shows_an_alert_and_stays(page, open_page) -> None:
    start(page, open_page)

    page.get_by_role("button", name="Next", exact=True).click()

    error = page.locator("#question-healthcare_background-error")
    expect(error).not_to_be_empty()
    assert error.get_attribute("role") == "alert"
    expect_step(page, "healthcare_background")


def test_no_healthcare_background_skips_to_the_review(page, open_page) -> None:
    start(page, open_page)

    answer_by_mouse(page, "healthcare_background", "No")

    review = page.locator("#review")
    expect(review).to_be_visible()
    expect(review.get_by_role("button", name="Change Healthcare background")).to_be_visible()
    expect(review.get_by_role("button", name="Change Teaching role")).to_have_count(0)


def test_review_offers_to_change_every_answer(page, open_page) -> None:
    start(page, open_page)
    answer_all(page, PATHS["diploma"])

    review = page.locator("#review")
    for short in SHORT_LABELS:
        expect(review.get_by_role("button", name=f"Change {short}", exact=True)).to_be_visible()
    for label in ("A large teaching role", "Middle", "Better career prospects", "In the UK"):
        expect(review).to_contain_text(label)


def test_progress_counts_the_questions(page, open_page) -> None:
    start(page, open_page)
    expect(page.locator("#progress")).to_have_text(re.compile(r"Question 1 of 6"))

    answer_by_mouse(page, "healthcare_background", "Yes")

    expect(page.locator("#progress")).to_have_text(re.compile(r"Question 2 of 6"))


def test_reload_continues_at_the_same_step_with_the_same_answers(page, open_page) -> None:
    start(page, open_page)
    answer_by_mouse(page, "healthcare_background", "Yes")
    expect_step(page, "role")
    answer_by_mouse(page, "role", "Trainee who teaches")
    expect_step(page, "career_stage")

    page.reload()
    wait_for_hydration(page)

    expect_step(page, "career_stage")
    page.get_by_role("button", name="Back", exact=True).click()
    expect_step(page, "role")
    expect(question(page, "role").get_by_role("radio", name="Trainee who teaches")).to_be_checked()
    page.get_by_role("button", name="Next", exact=True).click()
    for qid, value in PATHS["certificate"].answers[2:]:
        expect_step(page, qid)
        answer_by_mouse(page, qid, value)
    skip_priorities(page)
    open_result(page)
    check_result(page, PATHS["certificate"])


def test_start_again_clears_the_answers(page, open_page) -> None:
    start(page, open_page)
    answer_by_mouse(page, "healthcare_background", "Yes")
    expect_step(page, "role")
    answer_by_mouse(page, "role", "Some teaching")
    expect_step(page, "career_stage")

    start_again(page)

    expect_step(page, "healthcare_background")
    expect(
        question(page, "healthcare_background").get_by_role("radio", checked=True)
    ).to_have_count(0)
    answer_by_mouse(page, "healthcare_background", "Yes")
    expect_step(page, "role")
    expect(question(page, "role").get_by_role("radio", checked=True)).to_have_count(0)


def test_changing_an_answer_from_the_review_changes_the_result(page, open_page) -> None:
    reach_result(page, open_page, PATHS["diploma"])
    check_result(page, PATHS["diploma"])

    page.go_back()
    review = page.locator("#review")
    expect(review).to_be_visible()
    review.get_by_role("button", name="Change Research plans", exact=True).click()
    expect_step(page, "research_aim")
    # The engine: with published research as the aim, the Diploma answers point to the Masters.
    answer_by_mouse(page, "research_aim", "Do and publish research")
    expect(review).to_be_visible()  # Next after a change returns to the review
    expect(review).to_contain_text("Do and publish research")
    open_result(page)

    expect(page.locator("#headline")).to_contain_text("Masters")
    expect(page.locator("#headline")).not_to_contain_text("Diploma")


def test_a_reason_links_to_its_finding_on_the_evidence_page(page, open_page) -> None:
    reach_result(page, open_page, PATHS["certificate"])
    link = page.locator("#reason-list a.evidence-ref").first
    anchor = link.get_attribute("href").removeprefix("/evidence")
    # Its number is that of the finding in the folded list under the reasons.
    listed = page.locator(f"#reason-evidence #evidence-{link.inner_text()}")
    expect(listed).to_be_hidden()
    page.locator("#reason-evidence summary").click()
    expect(listed).to_be_visible()
    expect(listed.locator("a")).to_have_attribute("href", f"/evidence{anchor}")

    link.click()

    expect(page).to_have_url(re.compile(r"/evidence/?" + re.escape(anchor) + "$"))
    expect(page.locator(anchor)).to_be_in_viewport()


# --- the result's actions --------------------------------------------------------------------


def test_copy_link_reopens_the_same_result_in_a_new_browser(new_context, open_page) -> None:
    permissions = ["clipboard-read", "clipboard-write"]
    page = new_context(permissions=permissions).new_page()
    reach_result(page, open_page, PATHS["masters"])
    headline = page.locator("#headline").inner_text()

    page.get_by_role("button", name="Copy link", exact=True).click()
    expect(page.locator("#copy-link-status")).to_have_text("Link copied: it reopens these answers.")
    link = page.evaluate("navigator.clipboard.readText()")

    assert re.match(r"https?://[^/]+/result\?", link), link
    other = new_context().new_page()  # nothing stored: only the link carries the answers
    other.goto(link)
    wait_for_hydration(other)
    expect(other.locator("#headline")).to_have_text(headline)
    check_result(other, PATHS["masters"])


def test_copy_link_refused_by_the_browser_says_so_and_selects_the_link(
    new_context, open_page
) -> None:
    context = new_context()
    # What a browser does when it will not copy (a denied permission, a page not delegated the
    # clipboard): the promise rejects.
    context.add_init_script(
        "navigator.clipboard.writeText = () =>"
        " Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError'));"
    )
    page = context.new_page()
    reach_result(page, open_page, PATHS["masters"])

    page.get_by_role("button", name="Copy link", exact=True).click()

    status = page.get_by_role("status").filter(has_text="did not let the advisor copy the link")
    expect(status).to_be_visible()
    field = page.get_by_role("textbox", name="The link to these answers")
    expect(field).to_be_focused()
    link = field.input_value()
    assert re.match(r"https?://[^/]+/result\?", link), link
    selected = page.evaluate(
        "() => { const f = document.activeElement;"
        " return f.value.substring(f.selectionStart, f.selectionEnd); }"
    )
    assert selected == link
    assert "copied" not in page.locator("#copy-link-status").inner_text().lower()


def test_download_json_holds_the_recommendation(page, open_page, tmp_path: Path) -> None:
    reach_result(page, open_page, PATHS["diploma"])

    with page.expect_download() as download:
        page.get_by_role("button", name="Download JSON", exact=True).click()
    saved = tmp_path / "result.json"
    download.value.save_as(saved)

    data = json.loads(saved.read_text())
    assert "diploma" in json.dumps(data), data


# --- whose questions: the person or a colleague ----------------------------------------------


def test_supervisor_mode_asks_about_the_colleague(page, open_page) -> None:
    start(page, open_page, audience="colleague")
    expect(question(page, "healthcare_background").locator("legend")).to_contain_text(
        "your colleague"
    )
    answer_all(page, PATHS["diploma"])
    open_result(page)

    expect(page.locator("#headline")).to_contain_text("your colleague")
    expect(
        page.get_by_role("heading", name="Discussion points for a supervision or appraisal meeting")
    ).to_be_visible()


def test_self_mode_speaks_to_the_person(page, open_page) -> None:
    start(page, open_page, audience="self")
    legend = question(page, "healthcare_background").locator("legend")
    expect(legend).to_contain_text(re.compile(r"\byou\b|\byour\b", re.IGNORECASE))
    expect(legend).not_to_contain_text("colleague")
    answer_all(page, PATHS["diploma"])
    open_result(page)

    expect(page.locator("#headline")).not_to_contain_text("colleague")
    expect(page.get_by_role("heading", name="Discussion points", exact=False)).to_have_count(0)


# --- the result, ordered for a person deciding (issue 11) -----------------------------------

# Share links for a result of each confidence.
LINKS = {
    "strong": "healthcare_background=yes&role=education_researcher&career_stage=early"
    "&motivations=specialist_career&research_aim=conduct_research",
    "moderate": "healthcare_background=yes&role=trainee&career_stage=early"
    "&motivations=improve_teaching&research_aim=none",
    "tentative": "healthcare_background=yes&role=major_teaching&career_stage=mid"
    "&motivations=career_prospects&research_aim=apply_evidence&workplace=uk",
}
# In the order a person deciding reads them.
RESULT_ORDER = [
    "#headline",
    "#reasons",
    "#answers",
    "#next-steps",
    "#keep-or-share",
    "#changes",
    "#options",
    "#voices",
    "#caveats",
    "#programme",
]


def top_of(page: Page, selector: str) -> float:
    return page.locator(selector).evaluate("el => el.getBoundingClientRect().top + window.scrollY")


def active_id(page: Page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_result_comes_in_the_order_a_person_decides_in(width, new_context, open_page) -> None:
    page = new_context(*WIDTHS[width]).new_page()
    open_page(page, f"/result?{LINKS['tentative']}")
    expect(page.locator("#headline")).to_be_visible()

    tops = [top_of(page, selector) for selector in RESULT_ORDER]

    assert tops == sorted(tops), dict(zip(RESULT_ORDER, tops, strict=True))
    # The programme's details come last; the actions sit with the next steps, well before the
    # options in detail.
    assert top_of(page, "#programme") > top_of(page, "#caveats")
    assert top_of(page, "#keep-or-share") < top_of(page, "#options")


def test_the_points_show_why_the_diploma_wins_a_tie(page, open_page) -> None:
    # One reason for the Diploma, one for the Masters: a tie, which goes to the smaller
    # commitment.
    reach_result(page, open_page, PATHS["diploma"])
    reasons = page.locator("#reason-list > li")
    expect(reasons.filter(has_text="+1 point for the Diploma")).to_have_count(1)
    expect(reasons.filter(has_text="+1 point for the Masters")).to_have_count(1)
    totals = page.locator("#totals")
    expect(totals).to_contain_text("Diploma 1 point")
    expect(totals).to_contain_text("Masters 1 point")
    expect(page.locator("#tie-note")).to_contain_text("smaller commitment")


def test_what_would_change_it_is_grouped_by_question(page, open_page) -> None:
    open_page(page, f"/result?{LINKS['tentative']}")
    groups = page.locator("#changes .change-group")
    expect(groups.first).to_be_visible()
    headings = groups.locator("h3").all_inner_texts()
    assert headings, "no group of changes"
    assert len(headings) == len(set(headings)), f"a question heads two groups: {headings}"
    for i, short in enumerate(headings):
        assert short in SHORT_LABELS, short
        items = groups.nth(i).locator("li").all_inner_texts()
        assert items, f"no change under {short}"
        # Each change under a question is a change of that question's answer.
        for text in items:
            assert short in text or short.lower() in text.lower(), (short, text)


def test_change_on_the_result_returns_to_that_question(page, open_page) -> None:
    reach_result(page, open_page, PATHS["diploma"])

    page.locator("#answers").get_by_role("button", name="Change Research plans").click()

    expect_step(page, "research_aim")
    expect(page.locator("#question-research_aim-legend")).to_be_focused()
    # The engine: with published research as the aim, the Diploma answers point to the Masters.
    answer_by_mouse(page, "research_aim", "Do and publish research")
    review = page.locator("#review")
    expect(review).to_be_visible()
    expect(page.locator("#review-heading")).to_be_focused()
    expect(review).to_contain_text("Do and publish research")
    open_result(page)
    expect(page.locator("#headline")).to_contain_text("Masters")


def test_change_answers_on_the_result_opens_the_review(page, open_page) -> None:
    reach_result(page, open_page, PATHS["certificate"])

    page.locator("#answers").get_by_role("button", name="Change answers", exact=True).click()

    expect(page.locator("#review")).to_be_visible()
    expect(page.locator("#review-heading")).to_be_focused()
    expect(page.locator("#review")).to_contain_text("Trainee who teaches")


def stored_answers(page: Page) -> str:
    return page.evaluate("localStorage.getItem('advisor_answers') || ''")


def test_start_again_asks_first_and_cancel_keeps_the_answers(page, open_page) -> None:
    reach_result(page, open_page, PATHS["diploma"])
    kept = stored_answers(page)
    assert "role=major_teaching" in kept, kept
    start = page.get_by_role("button", name="Start again", exact=True)

    start.click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("clears every answer")
    # The safe choice has the focus, and comes first.
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    buttons = dialog.get_by_role("button").all_inner_texts()
    assert buttons.index("Cancel") < buttons.index("Clear the answers"), buttons

    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(start).to_be_focused()
    start_again(page, confirm=False)
    expect(page.locator("#headline")).to_contain_text("Postgraduate Diploma")
    assert stored_answers(page) == kept

    start_again(page)

    expect_step(page, "healthcare_background")
    expect(page.locator("#question-healthcare_background-legend")).to_be_focused()
    assert "role=" not in stored_answers(page)
    expect(
        question(page, "healthcare_background").get_by_role("radio", checked=True)
    ).to_have_count(0)


def test_start_again_on_the_questions_asks_first(page, open_page) -> None:
    start(page, open_page)
    answer_by_mouse(page, "healthcare_background", "Yes")
    expect_step(page, "role")

    start_again(page, confirm=False)

    expect_step(page, "role")
    page.get_by_role("button", name="Back", exact=True).click()
    expect(question(page, "healthcare_background").get_by_role("radio", name="Yes")).to_be_checked()


def test_focus_follows_next_back_and_see_the_result(page, open_page) -> None:
    start(page, open_page, keyboard=True)
    path = PATHS["certificate"]
    for index, (qid, value) in enumerate(path.answers):
        answer_by_keyboard(page, qid, value)
        # The new step's heading has the focus, so a screen reader announces it: the next
        # question's legend, or, after the last, the priorities step's.
        following = path.answers[index + 1][0] if index + 1 < len(path.answers) else "priorities"
        expect(page.locator(f"#question-{following}-legend")).to_be_focused()
        if index == 1:
            tab_to(page, page.get_by_role("button", name="Back", exact=True))
            page.keyboard.press("Enter")
            expect(page.locator("#question-role-legend")).to_be_focused()
            tab_to(page, page.get_by_role("button", name="Next", exact=True))
            page.keyboard.press("Enter")
            expect(page.locator("#question-career_stage-legend")).to_be_focused()
    skip_priorities(page, keyboard=True)
    expect(page.locator("#review-heading")).to_be_focused()

    open_result(page, keyboard=True)

    expect(page.locator("h1#headline")).to_be_focused()


def test_the_score_chart_takes_no_tab_stop_and_its_numbers_are_readable(page, open_page) -> None:
    open_page(page, f"/result?{LINKS['strong']}")
    chart = page.locator("#score-chart")
    expect(chart.locator("svg").first).to_be_visible()
    assert chart.locator("[tabindex]:not([tabindex='-1'])").count() == 0
    # Tab through the whole page: the focus never lands inside the chart.
    seen = set()
    for _ in range(150):
        page.keyboard.press("Tab")
        inside = page.evaluate("!!document.activeElement.closest('#score-chart')")
        assert not inside, "a Tab stop inside the score chart"
        seen.add(active_id(page) or page.evaluate("document.activeElement.outerHTML.slice(0,60)"))
    assert len(seen) > 10, "Tab never moved through the page"
    # Its numbers and names are readable: 4.5:1 or more against the page.
    texts = chart.locator("svg text")
    assert texts.count() >= 6, "the chart draws no names and numbers"
    background = srgb(page, chart.evaluate(BACKGROUND_OF))
    for i in range(texts.count()):
        fill = texts.nth(i).evaluate("el => getComputedStyle(el).fill")
        ratio = contrast(srgb(page, fill), background)
        assert ratio >= 4.5, f"{texts.nth(i).inner_text()!r} is drawn at {ratio:.2f}:1"


def test_the_focus_ring_stands_out_from_the_page(page, open_page) -> None:
    open_page(page, f"/result?{LINKS['moderate']}")
    targets = [
        page.get_by_role("button", name="Print or save as PDF", exact=True),
        page.locator("#answers").get_by_role("button", name="Change Teaching role"),
        page.get_by_role("link", name="How it decides").first,
    ]
    for target in targets:
        tab_to(page, target)
        ring = target.evaluate(
            "el => { const s = getComputedStyle(el);"
            " return {style: s.outlineStyle, width: parseFloat(s.outlineWidth),"
            " colour: s.outlineColor}; }"
        )
        assert ring["style"] != "none" and ring["width"] >= 2, ring
        behind = target.evaluate(f"el => ({BACKGROUND_OF})(el.parentElement)")
        ratio = contrast(srgb(page, ring["colour"]), srgb(page, behind))
        assert ratio >= 3, f"the focus ring of {target} is {ratio:.2f}:1 against the page"


def test_confidence_badges_differ_by_more_than_their_word(new_context, open_page) -> None:
    looks = {}
    for level, link in LINKS.items():
        page = new_context().new_page()
        open_page(page, f"/result?{link}")
        badge = page.locator(f".confidence-{level}")
        expect(badge).to_be_visible()
        expect(badge).to_contain_text(f"{level.capitalize()} fit")
        dots = badge.locator(".confidence-dot")
        filled = badge.locator(".confidence-dot.filled")
        assert (dots.count(), filled.count()) == (3, {"strong": 3, "moderate": 2}.get(level, 1))
        style = badge.evaluate(
            "el => { const s = getComputedStyle(el);"
            " return {background: s.backgroundColor, colour: s.color, shadow: s.boxShadow}; }"
        )
        behind = srgb(page, badge.evaluate(f"el => ({BACKGROUND_OF})(el.parentElement)"))
        surface = srgb(page, style["background"], "rgb" + str(behind))
        # The dots are drawn in the badge's text colour: 3:1 or more against the badge.
        dot = srgb(page, filled.first.evaluate("el => getComputedStyle(el).backgroundColor"))
        assert contrast(dot, surface) >= 3, (level, dot, surface)
        looks[level] = (surface, style["colour"])
    assert len({surface for surface, _ in looks.values()}) == 3, looks


SAID_TO_THE_PERSON = [
    "what will happen to you",
    "talk the result through with a supervisor",
    "talk it through with a supervisor",
    "a conversation with a supervisor",
    "If you are unsure",
    "before applying",
]


def says(text: str, phrase: str) -> bool:
    # Whole words: "what will happen to your colleague" is not "what will happen to you".
    return re.search(rf"\b{re.escape(phrase)}\b", text, re.IGNORECASE) is not None


def test_the_supervisors_result_speaks_about_the_colleague(page, new_context, open_page) -> None:
    reach_result(page, open_page, PATHS["diploma"], audience="colleague")
    text = page.locator("main").inner_text()
    for phrase in SAID_TO_THE_PERSON:
        assert not says(text, phrase), phrase
    expect(page.locator("#next-steps").locator("xpath=..")).to_contain_text("with your colleague")
    expect(page.locator("#answers")).to_contain_text("Your answers about your colleague")

    # The same result for oneself does say them (all but the readiness check's help, shown
    # after a "no"): the check above is not vacuous.
    own = new_context().new_page()
    reach_result(own, open_page, PATHS["diploma"])
    mine = own.locator("main").inner_text()
    expected = [p for p in SAID_TO_THE_PERSON if p != "talk it through with a supervisor"]
    assert [p for p in SAID_TO_THE_PERSON if says(mine, p)] == expected


def test_the_printed_result_carries_its_answers_and_the_date(page, open_page) -> None:
    open_page(page, f"/result?{LINKS['moderate']}")
    expect(page.locator("#headline")).to_be_visible()

    page.emulate_media(media="print")

    expect(page.locator("#answers")).to_be_visible()
    expect(page.locator("#answers")).to_contain_text("Trainee who teaches")
    today = page.evaluate(
        "new Date().toLocaleDateString('en-GB', {day: 'numeric', month: 'long', year: 'numeric'})"
    )
    expect(page.locator("#printed-on")).to_be_visible()
    expect(page.locator("#printed-on")).to_have_text(f"Printed on {today}")
    # The Change buttons stay on screen.
    assert page.locator("#answers button").count() > 0
    assert page.locator("#answers button:visible").count() == 0


# --- every page: accessibility and screenshots ------------------------------------------------


def _assess_step(page: Page, open_page) -> None:
    start(page, open_page)
    answer_by_mouse(page, "healthcare_background", "Yes")
    expect_step(page, "role")
    question(page, "role").get_by_role("radio", name="Some teaching").click()


def _assess_review(page: Page, open_page) -> None:
    start(page, open_page)
    answer_all(page, PATHS["diploma"])


def _start_again_dialog(page: Page, open_page) -> None:
    reach_result(page, open_page, PATHS["certificate"])
    page.get_by_role("button", name="Start again", exact=True).click()
    expect(page.get_by_role("alertdialog")).to_be_visible()


def _full_load(path: str) -> Callable[[Page, object], None]:
    def reach(page: Page, open_page) -> None:
        open_page(page, path)
        expect(page.locator("h1").first).to_be_visible()

    return reach


PAGES: dict[str, Callable[[Page, object], None]] = {
    "assess-question": _assess_step,
    "assess-review": _assess_review,
    "result-eligible": lambda page, open_page: reach_result(page, open_page, PATHS["diploma"]),
    "result-not-eligible": lambda page, open_page: reach_result(
        page, open_page, PATHS["not-eligible"]
    ),
    "result-supervisor": lambda page, open_page: reach_result(
        page, open_page, PATHS["masters"], audience="colleague"
    ),
    "result-start-again": lambda page, open_page: _start_again_dialog(page, open_page),
    "evidence": _full_load("/evidence"),
    "method": _full_load("/method"),
}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_every_page_is_accessible_and_fits_the_width(
    name, width, new_context, open_page, axe_audit, screenshot
) -> None:
    page = new_context(*WIDTHS[width]).new_page()
    PAGES[name](page, open_page)
    screenshot(page, name)

    problems = [describe_violations(axe_audit(page)), horizontal_overflow(page)]

    assert not any(problems), "\n".join(p for p in problems if p)
