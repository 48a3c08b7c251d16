"""The result view: the recommendation explained, every option side by side, graduates' own
words; the same for the person's own answers (/result, /embed) and a saved result (/r/<id>)."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.event import EventHandler

from advisor import styles
from advisor.components import decision_parts
from advisor.components.evidence_parts import horizontal_bars, quote_card
from advisor.components.layout import paragraph, section
from advisor.components.link import finding_href
from advisor.evidence import Outcome, OutcomeItem, strength_label
from advisor.runtime import CONTENT
from advisor.state import ResultVars
from advisor.view import CONFIDENCE_WORDS

CITATION = CONTENT.study.citation
# The content's own list (the rules' caveats, then the study's limitations), which every
# recommendation of the API carries too.
CAVEATS = [caveat.text for caveat in CONTENT.caveats]
# The caveats have one voice, the person deciding's; a supervisor reads them about the
# colleague, and is the supervisor the caveats would send them to.
SUPERVISOR_WORDING = [
    ("what will happen to you", "what will happen to your colleague"),
    ("a conversation with a supervisor or", "a conversation with your colleague or"),
]


def supervisor_voice(text: str) -> str:
    """A sentence written to the person deciding, as a supervisor reads it."""
    for said, instead in SUPERVISOR_WORDING:
        text = text.replace(said, instead)
    return text


# How many of three dots a confidence level fills, and how its badge looks: the levels differ
# in colour, fill and dots as well as in their word.
CONFIDENCE_DOTS = {"strong": 3, "moderate": 2, "tentative": 1}
CONFIDENCE_BADGES = {
    "strong": {"color_scheme": "grass", "variant": "solid"},
    "moderate": {"color_scheme": "amber", "variant": "soft"},
    "tentative": {"color_scheme": "gray", "variant": "outline"},
}
# Findings the supervisor's discussion points rest on. Made here, at import, so that
# advisor.advisor checks these ids against the content before the app serves anyone.
CONTEXT_EVIDENCE = finding_href("context-reduces-impact")
PROGRESSION_EVIDENCE = finding_href("extrinsic-to-interest-progression")


def _evidence_item(finding: rx.Var) -> rx.Component:
    number = finding["number"].to_string()
    return rx.el.li(
        rx.text(number + ". ", as_="span", weight="bold"),
        rx.link(
            finding["label"].to(str),
            href=finding_href(finding["id"]),
            color=styles.ACCENT_TEXT,
        ),
        rx.text(" (", finding["section"].to(str), ")", as_="span", color=styles.TEXT_MUTED),
        id="evidence-" + number,
        style=styles.FINDING_ITEM_STYLE,
    )


def _evidence_ref(finding: rx.Var, index: rx.Var) -> rx.Component:
    """A reason's pointer to one of its findings: the finding's number in the list under the
    reasons, linking to the finding on the evidence page."""
    number = finding["number"].to_string()
    return rx.fragment(
        rx.cond(index > 0, ", ", ""),
        rx.link(
            number,
            href=finding_href(finding["id"]),
            aria_label="Evidence " + number + ": " + finding["label"].to(str),
            color=styles.ACCENT_TEXT,
            class_name="evidence-ref",
        ),
    )


def _reason(reason: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.text(reason["text"].to(str), as_="p"),
        rx.cond(
            reason["points"].to(str) != "",
            rx.badge(
                reason["points"].to(str),
                color_scheme=rx.cond(reason["supports_result"].to(bool), styles.ACCENT, "gray"),
                high_contrast=True,
                variant="soft",
                size="2",
                margin_y=styles.SPACE_XS,
                class_name="reason-points",
            ),
        ),
        rx.text(
            "Basis: ",
            reason["basis"].to(str),
            as_="p",
            size="2",
            color=styles.TEXT_MUTED,
            class_name="reason-basis",
        ),
        rx.text(
            "Evidence: ",
            rx.foreach(reason["findings"].to(list[dict[str, Any]]), _evidence_ref),
            as_="p",
            size="2",
            color=styles.TEXT_MUTED,
            class_name="no-print reason-refs",
        ),
        style=styles.REASON_STYLE,
        # The printed summary keeps the reasons for the suggestion; the others stay on screen.
        class_name=rx.cond(reason["supports_result"].to(bool), "", "no-print"),
    )


def _quote(quote: rx.Var) -> rx.Component:
    return quote_card(
        quote["text"].to(str),
        quote["speaker"].to(str),
        quote["level"].to(str) + " graduate · " + quote["shown_for"].to(str),
        caution=quote["stance"].to(str) == "cautions",
    )


def _said_of_all(item: OutcomeItem) -> bool:
    """Whether an outcome item rests only on findings said of graduates in general."""
    findings = CONTENT.findings_by_id
    return all(findings[f].all_graduates for f in item.findings)


def _item_label(item: OutcomeItem) -> str:
    """What kind of evidence an outcome item is; one resting only on findings said of all
    graduates is shown as such under every exit point, never as that exit point's own."""
    return strength_label(item.strength, _said_of_all(item))


def _outcome(state: type[ResultVars], outcome: Outcome) -> rx.Component:
    exit_point = outcome.exit_point
    chosen = state.recommended == exit_point
    return rx.el.article(
        rx.heading(outcome.name, as_="h3", size="5"),
        rx.cond(chosen, rx.badge("Suggested for these answers", variant="solid", size="2")),
        rx.text(outcome.involves, as_="p", margin_top=styles.SPACE_S),
        rx.text(outcome.participants, as_="p", size="2", color=styles.TEXT_MUTED),
        rx.heading("What graduates reported", as_="h4", size="3", margin_top=styles.SPACE_M),
        rx.el.ul(
            *[
                rx.el.li(
                    rx.text(item.text, as_="p"),
                    rx.text(
                        _item_label(item),
                        as_="p",
                        size="1",
                        color=styles.TEXT_MUTED,
                    ),
                    margin_bottom=styles.SPACE_S,
                    # On paper only each exit point's own: the same items in three columns
                    # would push the summary past two pages (the notes below say that many
                    # findings are said of graduates in general).
                    class_name="no-print" if _said_of_all(item) else "",
                )
                for item in outcome.items
            ],
            padding_left=styles.SPACE_M,
        ),
        rx.text(outcome.evidence_note, as_="p", size="2", style=styles.NOTE_STYLE),
        id=f"outcome-{exit_point}",
        aria_label=outcome.name,
        style=rx.cond(chosen, styles.CHOSEN_COLUMN_STYLE, styles.COLUMN_STYLE),
    )


def _total(row: rx.Var) -> rx.Component:
    score = row["score"].to(float)
    return rx.el.li(
        row["name"].to(str) + " " + score.to_string(),
        rx.cond(score == 1, " point", " points"),
    )


def _chart(state: type[ResultVars]) -> rx.Component:
    """The totals: bars for the eye (hidden from screen readers, no tab stop, left off the
    paper), and the same numbers as a list, which screen readers and the printed page read."""
    return rx.fragment(
        rx.box(
            horizontal_bars(
                state.ranking,
                label_key="name",
                value_key="score",
                shown_key="score",
                domain_max="dataMax",
                height=3 * 34 + 16,
                tick_width=96,
                # A bar of 0 points keeps a sliver, so its number is drawn beside it.
                min_point_size=2,
            ),
            aria_hidden="true",
            id="score-chart",
            width="100%",
            max_width="28rem",
            min_width="0",
            class_name="no-print",
        ),
        rx.el.ul(
            rx.foreach(state.ranking, _total),
            aria_label="Points for each option",
            id="totals",
            # The bars' numbers for screen readers; shown on paper (assets/advisor.css).
            class_name="sr-only totals",
        ),
    )


def _supervisor_points() -> rx.Component:
    return section(
        "discussion",
        "Discussion points for a supervision or appraisal meeting",
        rx.el.ul(
            rx.el.li(
                "Which of the reasons above matter most to your colleague, and is anything "
                "missing from them?"
            ),
            rx.el.li(
                "What time and support can the workplace offer? Graduates said personal and "
                "workplace circumstances sometimes limited what they could do with the "
                "qualification (",
                rx.link(
                    "evidence",
                    href=CONTEXT_EVIDENCE,
                    color=styles.ACCENT_TEXT,
                ),
                ").",
            ),
            rx.el.li(
                "Would starting with the Certificate and deciding later suit your colleague? "
                "In the study, many who first enrolled for outside reasons went on from the "
                "Certificate to the Diploma and the Masters (",
                rx.link(
                    "evidence",
                    href=PROGRESSION_EVIDENCE,
                    color=styles.ACCENT_TEXT,
                ),
                ").",
            ),
            list_style_type="disc",
            padding_left=styles.SPACE_L,
        ),
        rx.text(
            "Your colleague may see it differently. You can each answer apart, then compare: ",
            rx.link(
                "Plan together with my colleague",
                href="/plan",
                color=styles.ACCENT_TEXT,
                id="plan-together",
            ),
            ".",
            as_="p",
            margin_top=styles.SPACE_M,
        ),
        style=styles.CALLOUT_STYLE,
    )


def _caveats(state: type[ResultVars]) -> rx.Component:
    said = " ".join(CAVEATS)
    return section(
        "caveats-heading",
        "How far to trust this",
        rx.text(rx.cond(state.is_supervisor, supervisor_voice(said), said), as_="p", id="caveats"),
        # On paper the site's footer is dropped; the source stays, in one line, and the date
        # (assets/print-date.js fills it in the browser).
        rx.text(
            f"Source: {CITATION.text}. {CONTENT.study.citation.licence}.",
            as_="p",
            class_name="print-only",
        ),
        rx.el.p(
            id="printed-on",
            class_name="print-only",
            custom_attrs={"data-print-date": "Printed on "},
        ),
    )


NEXT_STEPS = {
    "self": [
        "Talk the result through with a supervisor, mentor or appraiser.",
        "Look at a programme's modules, study modes and time commitment before applying.",
        "If you are unsure, the Certificate is the smallest commitment and can lead on to the "
        "Diploma and the Masters.",
    ],
    "supervisor": [
        "Talk the result through with your colleague: which reasons ring true to them, and "
        "what the workplace can offer.",
        "Look together at a programme's modules, study modes and time commitment before your "
        "colleague applies.",
        "If your colleague is unsure, the Certificate is the smallest commitment and can lead "
        "on to the Diploma and the Masters.",
    ],
}


def _next_steps(state: type[ResultVars]) -> rx.Component:
    def steps(audience: str) -> rx.Component:
        return rx.el.ul(
            *[rx.el.li(step) for step in NEXT_STEPS[audience]],
            list_style_type="disc",
            padding_left=styles.SPACE_L,
        )

    return section(
        "next-steps",
        "What to do next",
        rx.cond(state.is_supervisor, steps("supervisor"), steps("self")),
    )


def _programme(state: type[ResultVars]) -> rx.Component:
    """The chosen programme (content/programmes/<slug>.yaml) after the reasons: what it states
    for the suggested award, what it does not state summed up once, and its apply link."""

    def row(detail: rx.Var) -> rx.Component:
        return rx.el.div(
            rx.el.dt(detail["label"], style=styles.DETAIL_TERM_STYLE),
            rx.el.dd(detail["value"], style=styles.DETAIL_VALUE_STYLE),
            style=styles.DETAIL_ROW_STYLE,
        )

    return rx.box(
        rx.heading(state.programme_name, as_="h2", size="4", id="programme-heading"),
        rx.text(state.programme_institution, as_="p", color=styles.TEXT_MUTED, size="2"),
        rx.el.dl(rx.foreach(state.programme_details, row), margin_y=styles.SPACE_S),
        rx.cond(
            state.programme_ask_about != "",
            rx.text(state.programme_ask_about, as_="p", id="programme-ask"),
        ),
        rx.cond(
            state.programme_apply_url != "",
            rx.text(
                rx.link(
                    state.programme_apply_text,
                    href=state.programme_apply_url,
                    is_external=True,
                    color=styles.ACCENT_TEXT,
                    id="programme-apply",
                ),
                as_="p",
                margin_top=styles.SPACE_S,
            ),
        ),
        rx.text(
            state.programme_source,
            as_="p",
            size="1",
            color=styles.TEXT_MUTED,
            margin_top=styles.SPACE_S,
        ),
        id="programme",
        aria_labelledby="programme-heading",
        role="region",
        style=styles.CARD_STYLE,
        margin_top=styles.SPACE_XL,
    )


def confidence_badge(level: str) -> rx.Component:
    """A confidence level as a badge: its word, and one to three filled dots."""
    filled = CONFIDENCE_DOTS[level]
    dots = [
        rx.el.span(
            style=styles.CONFIDENCE_DOT_FILLED_STYLE if i < filled else styles.CONFIDENCE_DOT_STYLE,
            class_name="confidence-dot" + (" filled" if i < filled else ""),
        )
        for i in range(3)
    ]
    return rx.badge(
        rx.el.span(*dots, aria_hidden="true", style=styles.CONFIDENCE_DOTS_STYLE),
        CONFIDENCE_WORDS[level],
        high_contrast=True,
        size="3",
        class_name=f"confidence confidence-{level}",
        **CONFIDENCE_BADGES[level],
    )


def _summary(state: type[ResultVars]) -> rx.Component:
    """The suggestion and its confidence."""
    return rx.fragment(
        # Focused when the result opens (AnswersState.open_result), so it is announced.
        rx.heading(
            state.headline,
            as_="h1",
            size="7",
            id="headline",
            tab_index=-1,
            _focus_visible={"outline": "none"},
        ),
        rx.flex(
            rx.match(
                state.confidence,
                *[(level, confidence_badge(level)) for level in CONFIDENCE_DOTS],
                rx.fragment(),
            ),
            rx.text(
                "Evidence behind it: ", state.evidence_label, size="2", color=styles.TEXT_MUTED
            ),
            gap=styles.SPACE_S,
            align="center",
            wrap="wrap",
            margin_top=styles.SPACE_S,
        ),
        rx.text(
            state.confidence_label + " means " + state.confidence_meaning + ".",
            as_="p",
            color=styles.TEXT_MUTED,
            margin_top=styles.SPACE_S,
        ),
    )


def _reasons(state: type[ResultVars]) -> rx.Component:
    """The reasons with the points each adds, the totals, and their evidence, each finding
    listed once however many reasons cite it."""
    tied = (state.ranking.length() > 1) & (
        state.ranking[0]["score"].to(float) == state.ranking[1]["score"].to(float)
    )
    return section(
        "why",
        "Why",
        paragraph(
            "Each reason adds points to one option, and the option with the most points is "
            "suggested. ",
            rx.link("How it decides", href="/method", color=styles.ACCENT_TEXT),
            ".",
            class_name="no-print",
        ),
        rx.el.ul(
            rx.foreach(state.reasons, _reason), style=styles.PLAIN_LIST_STYLE, id="reason-list"
        ),
        rx.cond(
            state.reasons.length() == 0,
            paragraph(
                "None of the advisor's rules applies to these answers: the study gives no "
                "way to tell the levels apart for them, so they tie, and the smaller "
                "commitment comes first. ",
                rx.cond(
                    state.is_supervisor,
                    "Talk it through with your colleague and the programme.",
                    "Talk it through with the programme or a mentor.",
                ),
            ),
        ),
        rx.cond(
            state.other_reasons > 0,
            rx.text(
                state.other_reasons.to_string()
                + " more reason(s) favoured other options; see the result online.",
                as_="p",
                class_name="print-only",
            ),
        ),
        rx.heading(
            "Points for each option",
            as_="h3",
            size="3",
            margin_top=styles.SPACE_M,
            class_name="points-heading",
        ),
        _chart(state),
        rx.cond(
            tied,
            paragraph(
                "The top options have the same points; a tie goes to the smaller commitment.",
                id="tie-note",
            ),
        ),
        rx.cond(
            state.reason_findings.length() > 0,
            # Folded: a phone shows the answers and the next steps sooner.
            rx.el.details(
                rx.el.summary(
                    "The evidence these reasons rest on (",
                    state.reason_findings.length().to_string(),
                    rx.cond(state.reason_findings.length() == 1, " finding)", " findings)"),
                    style=styles.SUMMARY_STYLE,
                ),
                rx.el.ul(
                    rx.foreach(state.reason_findings, _evidence_item),
                    style=styles.FINDING_LIST_STYLE,
                ),
                id="reason-evidence",
                margin_top=styles.SPACE_M,
                class_name="no-print",
            ),
        ),
        id="reasons",
    )


def _answers(state: type[ResultVars], change: EventHandler | None) -> rx.Component:
    """The answers the result rests on; on a person's own result, a way to change each."""

    def row(item: rx.Var) -> rx.Component:
        short = item["short"].to(str)
        return rx.box(
            rx.el.dt(short, style=styles.ANSWER_TERM_STYLE),
            rx.el.dd(
                rx.flex(
                    rx.text(item["answer"].to(str)),
                    rx.button(
                        "Change",
                        on_click=change(item["step"].to(int)),
                        variant="ghost",
                        size="2",
                        aria_label="Change " + short,
                        type="button",
                        class_name="no-print",
                    )
                    if change is not None
                    else rx.fragment(),
                    justify="between",
                    align="center",
                    gap=styles.SPACE_M,
                ),
                margin_left="0",
            ),
            style=styles.ANSWER_ROW_STYLE,
        )

    heading = (
        rx.cond(state.is_supervisor, "Your answers about your colleague", "Your answers")
        if change is not None
        else "The answers it rests on"
    )
    return section(
        "your-answers",
        heading,
        rx.el.dl(rx.foreach(state.review, row), max_width=styles.CONTENT_WIDTH),
        rx.button(
            "Change answers",
            on_click=change(state.review.length()),
            variant="soft",
            type="button",
            margin_top=styles.SPACE_M,
            class_name="no-print",
        )
        if change is not None
        else rx.fragment(),
        id="answers",
    )


def _changes(state: type[ResultVars]) -> rx.Component:
    """Every change of one answer that would change the suggestion, under its question."""

    def group(item: rx.Var) -> rx.Component:
        return rx.box(
            rx.heading(item["short"].to(str), as_="h3", size="3", margin_top=styles.SPACE_S),
            rx.el.ul(
                rx.foreach(item["changes"].to(list[str]), lambda text: rx.el.li(text)),
                list_style_type="disc",
                padding_left=styles.SPACE_L,
            ),
            class_name="change-group",
        )

    return section(
        "change-heading",
        "What would change it",
        rx.cond(
            state.change_groups.length() > 0,
            rx.box(rx.foreach(state.change_groups, group)),
            paragraph("No single change of one answer would change this suggestion."),
        ),
        decision_parts.priority_changes(state),
        id="changes",
    )


def _step_up(state: type[ResultVars]) -> rx.Component:
    return rx.cond(
        state.step_up != "",
        rx.box(
            rx.heading("Deciding later", as_="h2", size="4"),
            rx.text(state.step_up, as_="p"),
            rx.text(
                "Certificate → Diploma → Masters",
                as_="p",
                weight="bold",
                margin_top=styles.SPACE_S,
            ),
            style=styles.CALLOUT_STYLE,
            margin_top=styles.SPACE_XL,
            id="step-up",
        ),
    )


def _side_by_side(state: type[ResultVars]) -> rx.Component:
    return section(
        "outcomes",
        "The three options side by side",
        paragraph(
            "What graduates of the programme studied reported at each exit point, with how "
            "strong the evidence is."
        ),
        rx.grid(
            *[_outcome(state, o) for o in CONTENT.outcomes],
            columns=rx.breakpoints(initial="1", md="3"),
            gap=styles.SPACE_M,
        ),
    )


def _voices(state: type[ResultVars]) -> rx.Component:
    return section(
        "voices",
        "In graduates' own words",
        rx.cond(
            state.recommended == "diploma",
            paragraph(
                "The study quotes no Diploma graduate, so the voices below are of Certificate "
                "and Masters graduates."
            ),
        ),
        rx.foreach(state.quotes, _quote),
    )


def _eligible(
    state: type[ResultVars], actions: rx.Component, change: EventHandler | None
) -> rx.Component:
    """In the order a person deciding needs it: the suggestion, why, the answers it rests on,
    what to do next (and keep or share), what would change it, then the options in detail,
    priorities, readiness, graduates' words, the caveats and the programme's details."""
    return rx.box(
        _summary(state),
        _reasons(state),
        _answers(state, change),
        rx.cond(state.is_supervisor, _supervisor_points()),
        _next_steps(state),
        actions,
        _changes(state),
        _step_up(state),
        decision_parts.options_section(state),
        _side_by_side(state),
        decision_parts.priorities_section(state, change),
        decision_parts.readiness_section(state),
        decision_parts.questions_section(state),
        _voices(state),
        _caveats(state),
        _programme(state),
    )


def _ineligible(state: type[ResultVars], actions: rx.Component) -> rx.Component:
    return rx.box(
        rx.heading("The advisor cannot recommend a level", as_="h1", size="7", id="headline"),
        rx.text(state.explanation, as_="p", margin_top=styles.SPACE_M),
        actions,
    )


def _incomplete() -> rx.Component:
    return rx.box(
        rx.heading("No result yet", as_="h1", size="7", id="headline"),
        paragraph(
            "The questionnaire is not finished. ",
            rx.link("Continue with the questions", href="/assess", color=styles.ACCENT_TEXT),
            ".",
            margin_top=styles.SPACE_M,
        ),
    )


def result_view(
    state: type[ResultVars],
    actions: rx.Component,
    ineligible_actions: rx.Component,
    change: EventHandler | None = None,
) -> rx.Component:
    """A result, for any state holding answers: the person's own, or a saved one. `change(step)`
    changes one answer (a step past the last question: the review); a saved result has none."""
    return rx.cond(
        state.complete,
        rx.cond(
            state.eligible,
            _eligible(state, actions, change),
            _ineligible(state, ineligible_actions),
        ),
        _incomplete(),
    )
