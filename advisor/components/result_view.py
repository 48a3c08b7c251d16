"""The result view: the recommendation explained, every option side by side, graduates' own
words; the same for the person's own answers (/result, /embed) and a saved result (/r/<id>)."""

from __future__ import annotations

import reflex as rx

from advisor import styles
from advisor.components import decision_parts
from advisor.components.evidence_parts import quote_card
from advisor.components.layout import paragraph, section
from advisor.components.link import finding_href
from advisor.evidence import Outcome, OutcomeItem, strength_label
from advisor.runtime import CONTENT
from advisor.state import ResultVars

CITATION = CONTENT.study.citation
# The content's own list (the rules' caveats, then the study's limitations), which every
# recommendation of the API carries too.
CAVEATS = [caveat.text for caveat in CONTENT.caveats]
# Findings the supervisor's discussion points rest on. Made here, at import, so that
# advisor.advisor checks these ids against the content before the app serves anyone.
CONTEXT_EVIDENCE = finding_href("context-reduces-impact")
PROGRESSION_EVIDENCE = finding_href("extrinsic-to-interest-progression")


def _evidence_item(finding: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.link(
            finding["label"].to(str),
            href=finding_href(finding["id"]),
            color=styles.ACCENT_TEXT,
        ),
        rx.text(" (", finding["section"].to(str), ")", as_="span", color=styles.TEXT_MUTED),
        style=styles.FINDING_ITEM_STYLE,
    )


def _reason(reason: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.text(reason["text"].to(str), as_="p"),
        rx.cond(
            reason["favours"].to(str) != "",
            rx.badge(
                "Favours the " + reason["favours"].to(str),
                color_scheme=rx.cond(reason["supports_result"].to(bool), styles.ACCENT, "gray"),
                variant="soft",
                margin_y=styles.SPACE_XS,
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
            "Evidence",
            as_="p",
            size="1",
            weight="bold",
            color=styles.TEXT_MUTED,
            class_name="no-print",
        ),
        rx.el.ul(
            rx.foreach(reason["findings"].to(list[dict[str, str]]), _evidence_item),
            style=styles.FINDING_LIST_STYLE,
            aria_label="Evidence for this reason",
            class_name="no-print",
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


def _chart(state: type[ResultVars]) -> rx.Component:
    return rx.box(
        rx.recharts.bar_chart(
            rx.recharts.bar(data_key="score", fill=rx.color(styles.ACCENT, 9), name="Score"),
            rx.recharts.x_axis(data_key="name"),
            rx.recharts.y_axis(allow_decimals=False),
            data=state.ranking,
            width="100%",
            height=220,
        ),
        rx.el.ul(
            rx.foreach(
                state.ranking,
                lambda r: rx.el.li(r["name"].to(str) + ": " + r["score"].to_string() + " points"),
            ),
            class_name="sr-only",
        ),
        id="score-chart",
        role="figure",
        aria_label="Scores of the three exit points",
        max_width="32rem",
    )


def _supervisor_points() -> rx.Component:
    return section(
        "discussion",
        "Discussion points for a supervision or appraisal meeting",
        rx.el.ul(
            rx.el.li(
                "Which of the reasons below matter most to your colleague, and is anything "
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
            padding_left=styles.SPACE_L,
        ),
        style=styles.CALLOUT_STYLE,
    )


def _caveats() -> rx.Component:
    return section(
        "caveats-heading",
        "How far to trust this",
        rx.text(" ".join(CAVEATS), as_="p", id="caveats"),
        # On paper the site's footer is dropped; the source stays, in one line.
        rx.text(
            f"Source: {CITATION.text}. {CONTENT.study.citation.licence}.",
            as_="p",
            class_name="print-only",
        ),
    )


def _next_steps() -> rx.Component:
    return section(
        "next-steps",
        "What to do next",
        rx.el.ul(
            rx.el.li("Talk the result through with a supervisor, mentor or appraiser."),
            rx.el.li(
                "Look at a programme's modules, study modes and time commitment before applying."
            ),
            rx.el.li(
                "If you are unsure, the Certificate is the smallest commitment and can lead on "
                "to the Diploma and the Masters."
            ),
            padding_left=styles.SPACE_L,
        ),
    )


def _programme(state: type[ResultVars]) -> rx.Component:
    """The programme's details (content/programme.yaml) beside the recommendation."""
    details = CONTENT.programme
    not_stated = "Not stated"

    def row(label: str, value: rx.Component | str) -> rx.Component:
        return rx.el.div(
            rx.el.dt(label, style=styles.DETAIL_TERM_STYLE),
            rx.el.dd(value, style=styles.DETAIL_VALUE_STYLE),
            style=styles.DETAIL_ROW_STYLE,
        )

    def per_exit(attribute: str, suffix: str = "") -> rx.Component:
        values = {
            e: (f"{getattr(d, attribute)}{suffix}" if getattr(d, attribute) else not_stated)
            for e, d in details.exit_points.items()
        }
        return rx.match(state.recommended, *values.items(), not_stated)

    return rx.box(
        rx.heading(details.name, as_="h2", size="4"),
        rx.text(details.provider, as_="p", color=styles.TEXT_MUTED, size="2"),
        rx.el.dl(
            row("Credits at this level", per_exit("credits", " credits")),
            row("Typical duration at this level", per_exit("typical_duration")),
            row("Whole programme", details.duration or not_stated),
            row("Ways to study", ", ".join(details.study_modes) or not_stated),
            row("Fees", details.fees_note or not_stated),
            row(
                "How to apply",
                rx.link(details.apply_url, href=details.apply_url, is_external=True)
                if details.apply_url
                else not_stated,
            ),
            row("Contact", details.contact or not_stated),
            margin_y=styles.SPACE_S,
        ),
        rx.text(details.source, as_="p", size="1", color=styles.TEXT_MUTED),
        id="programme",
        style=styles.CARD_STYLE,
        margin_top=styles.SPACE_L,
    )


def _eligible(state: type[ResultVars], actions: rx.Component) -> rx.Component:
    return rx.box(
        rx.heading(state.headline, as_="h1", size="7", id="headline"),
        rx.flex(
            rx.badge(state.confidence_label, size="3", variant="soft"),
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
        _programme(state),
        rx.cond(state.is_supervisor, _supervisor_points()),
        section(
            "why",
            "Why",
            rx.el.ul(rx.foreach(state.reasons, _reason), style=styles.PLAIN_LIST_STYLE),
            rx.cond(
                state.reasons.length() == 0,
                paragraph(
                    "None of the advisor's rules applies to these answers: the study gives no "
                    "way to tell the levels apart for them, so they tie, and the smaller "
                    "commitment comes first. Talk it through with the programme or a mentor."
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
            id="reasons",
        ),
        section(
            "change-heading",
            "What would change it",
            rx.cond(
                state.changes.length() > 0,
                rx.el.ul(
                    rx.foreach(state.changes, lambda c: rx.el.li(c["text"].to(str))),
                    padding_left=styles.SPACE_L,
                ),
                paragraph("No single change of one answer would change this suggestion."),
            ),
            decision_parts.priority_changes(state),
            id="changes",
        ),
        rx.cond(
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
        ),
        section(
            "scores",
            "How the three options scored",
            paragraph(
                "Each reason adds points to one option; the highest total is suggested. Ties go "
                "to the smaller commitment. ",
                rx.link("How it decides", href="/method", color=styles.ACCENT_TEXT),
                ".",
            ),
            _chart(state),
            class_name="no-print",
        ),
        decision_parts.options_section(state),
        section(
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
        ),
        decision_parts.priorities_section(state),
        decision_parts.readiness_section(state),
        decision_parts.questions_section(state),
        section(
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
        ),
        _caveats(),
        _next_steps(),
        actions,
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
    state: type[ResultVars], actions: rx.Component, ineligible_actions: rx.Component
) -> rx.Component:
    """A result, for any state holding answers: the person's own, or a saved one."""
    return rx.cond(
        state.complete,
        rx.cond(state.eligible, _eligible(state, actions), _ineligible(state, ineligible_actions)),
        _incomplete(),
    )
