"""The decision aid's parts of a result: the four options' gains and costs, what matters to the
person and what each option offers it, the readiness check, and questions to ask.

result_view places them. Each takes the result's state: the person's own answers
(AnswersState, where the readiness check and the priorities can be answered) or a saved
result (shown read-only)."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventHandler
from reflex_components_core.el.elements.inline import A as HtmlAnchor

from advisor import styles
from advisor.components.layout import paragraph, section
from advisor.components.link import finding_href
from advisor.decision_aid import OPTION_NAMES, OPTIONS, Cited, OptionEntry
from advisor.evidence import EXIT_POINTS
from advisor.questions import ReadinessItem, Wording
from advisor.runtime import CONTENT
from advisor.state import AnswersState, QuestionnaireVars, ResultVars

FINDINGS = CONTENT.findings_by_id
READINESS = CONTENT.readiness
READINESS_COUNT = len(READINESS.items)
PRIORITY_COUNT = len(CONTENT.priorities.items)
# The readiness check is modelled on the SURE test; its help in questions.yaml should say so,
# and where it does not, the section cites the test itself.
SURE_CITATION = (
    "The questions are modelled on the SURE test of the Ottawa Personal Decision Guide "
    "(O'Connor and Légaré), in the advisor's own words."
)
# Where a "no" to a readiness item sends the person: the help it names (questions.yaml's
# `help_with`), an element of the result page; the supervisor's conversation has its own.
HELP_TARGETS = {
    "options": ("#options", "See the four options"),
    "priorities": ("#priorities", "Rate what matters"),
}
CONVERSATION_TARGET = {
    "self": ("#next-steps", "What to do next"),
    "supervisor": ("#discussion", "Discussion points for your meeting"),
}
WHO_TO_ASK = {
    "programme": ("To ask the programme", "To ask the programme"),
    "workplace": ("To ask your workplace", "To ask the workplace"),
    "supervisor": ("To ask a supervisor or mentor", "To talk through together"),
}
JUDGEMENT_NOTE = "* The advisor's own judgement: the study does not report this directly."


def _live(state: type[ResultVars]) -> bool:
    """Whether the result is answers the person may still change (their own, or a plan's
    draft)."""
    return issubclass(state, QuestionnaireVars)


def _voiced(state: type[ResultVars], text: Wording | tuple[str, str]) -> rx.Var | str:
    self_text, supervisor_text = (text.self, text.supervisor) if isinstance(text, Wording) else text
    if self_text == supervisor_text:
        return self_text
    return rx.cond(state.is_supervisor, supervisor_text, self_text)


def _anchor(text: str | rx.Var, href: str | rx.Var, **props) -> rx.Component:
    # The HTML anchor itself: rx.el.a is React Router's Link, which would make "#options"
    # "/result/#options", a route change (dropping the link's answers, and on /embed the result).
    return HtmlAnchor.create(
        text, href=href, color=styles.ACCENT_TEXT, style=styles.IN_PAGE_LINK, **props
    )


# --- evidence behind an item: a disclosure, so four columns of findings stay readable -------


def _finding(label: str | rx.Var, href: str | rx.Var) -> rx.Component:
    return rx.el.li(
        rx.link(label, href=href, color=styles.ACCENT_TEXT), style=styles.FINDING_ITEM_STYLE
    )


def _static_evidence(findings: list[str]) -> rx.Component:
    count = len(findings)
    return rx.el.details(
        rx.el.summary(
            f"Evidence ({count} finding{'s' if count != 1 else ''})",
            style=styles.EVIDENCE_SUMMARY_STYLE,
        ),
        rx.el.ul(
            *[_finding(FINDINGS[f].statement, finding_href(f)) for f in findings],
            style=styles.FINDING_LIST_STYLE,
        ),
        class_name="no-print evidence",
    )


def _evidence(findings: rx.Var) -> rx.Component:
    """The same for findings known only at run time ({id, label} each)."""
    return rx.el.details(
        rx.el.summary(
            "Evidence (",
            findings.length().to_string(),
            rx.cond(findings.length() == 1, " finding)", " findings)"),
            style=styles.EVIDENCE_SUMMARY_STYLE,
        ),
        rx.el.ul(
            rx.foreach(
                findings,
                lambda f: _finding(f["label"].to(str), finding_href(f["id"].to(str))),
            ),
            style=styles.FINDING_LIST_STYLE,
        ),
        class_name="no-print evidence",
    )


# --- the four options --------------------------------------------------------------------------


def _cited_list(items: list[Cited]) -> rx.Component:
    return rx.el.ul(
        *[rx.el.li(rx.text(item.text, as_="p"), _static_evidence(item.findings)) for item in items],
        style=styles.OPTION_LIST_STYLE,
    )


def _option_card(state: type[ResultVars], entry: OptionEntry) -> rx.Component:
    # The rules suggest only an exit point: "Not now" is never marked.
    suggested = (state.recommended == entry.option) if entry.option in EXIT_POINTS else False
    return rx.el.article(
        rx.heading(entry.name, as_="h3", size="4"),
        rx.cond(
            suggested,
            rx.badge("Suggested for these answers", variant="solid", size="2"),
        ),
        rx.text(entry.summary, as_="p", margin_top=styles.SPACE_S),
        rx.heading("What graduates reported gaining", as_="h4", size="3", style=styles.H4_STYLE),
        _cited_list(entry.gains),
        rx.heading(
            _voiced(
                state,
                (
                    "What it asks of you, or where the study is silent",
                    "What it asks of your colleague, or where the study is silent",
                ),
            ),
            as_="h4",
            size="3",
            style=styles.H4_STYLE,
        ),
        _cited_list(entry.costs),
        id=f"option-{entry.option}",
        aria_label=entry.name,
        class_name="option-card",
        style=rx.cond(suggested, styles.SUGGESTED_OPTION_CARD_STYLE, styles.OPTION_CARD_STYLE),
    )


def options_section(state: type[ResultVars]) -> rx.Component:
    """The four options (three exit points and "Not now"), each with its gains and costs."""
    return section(
        "options",
        _voiced(state, ("Your four options", "Your colleague's four options")),
        paragraph(
            "“Not now” is always an option. Each option is shown with the same headings and "
            "about the same detail, so that none looks favoured by how it is shown."
        ),
        rx.grid(
            *[_option_card(state, entry) for entry in CONTENT.decision.options],
            columns=rx.breakpoints(initial="1", md="2"),
            gap=styles.SPACE_M,
            class_name="option-grid",
        ),
        id="four-options",
    )


# --- what matters: the table, the leaning, what would change it -------------------------------

_RECOMMENDED_NAME = {e: OPTION_NAMES[e] for e in EXIT_POINTS}


def _recommended_name(state: type[ResultVars]) -> rx.Var:
    return rx.match(state.recommended, *_RECOMMENDED_NAME.items(), "")


def _option_head(state: type[ResultVars], option: str) -> rx.Component:
    marks = [
        rx.cond(
            state.fit_leaning == OPTION_NAMES[option],
            rx.text(
                _voiced(state, ("Your leaning", "Your colleague's leaning")),
                as_="span",
                style=styles.COLUMN_MARK_STYLE,
            ),
        )
    ]
    if option in EXIT_POINTS:
        marks.insert(
            0,
            rx.cond(
                state.recommended == option,
                rx.text("Suggested", as_="span", style=styles.COLUMN_MARK_STYLE),
            ),
        )
    return rx.el.th(OPTION_NAMES[option], *marks, scope="col", style=styles.FIT_HEAD_STYLE)


def _offer(offer: rx.Var) -> rx.Component:
    return rx.el.td(
        rx.text(offer["level"].to(str), as_="span", weight="bold", display="block"),
        offer["text"].to(str),
        rx.cond(
            offer["judgement"].to(bool),
            rx.fragment(
                rx.el.span(" *", aria_hidden="true"),
                rx.el.span(" (the advisor's judgement)", class_name="sr-only"),
            ),
        ),
        style=styles.TABLE_CELL_STYLE,
    )


def _fit_row(row: rx.Var) -> rx.Component:
    return rx.el.tr(
        rx.el.th(
            rx.text(row["label"].to(str), as_="span", weight="bold", display="block"),
            rx.text(
                row["importance"].to(str),
                as_="span",
                color=styles.TEXT_MUTED,
                size="2",
                display="block",
            ),
            _evidence(row["findings"].to(list[dict[str, str]])),
            scope="row",
            style=styles.FIT_ROW_HEAD_STYLE,
        ),
        rx.foreach(row["offers"].to(list[dict]), _offer),
    )


def _fit_table(state: type[ResultVars]) -> rx.Component:
    caption = _voiced(
        state,
        (
            "What matters to you, and what each option offers",
            "What matters to your colleague, and what each option offers",
        ),
    )
    return rx.box(
        # The caption names the table for screen readers; its visible twin stays within the
        # width of a phone, where the table itself scrolls sideways.
        rx.text(caption, as_="p", aria_hidden="true", style=styles.CAPTION_STYLE),
        rx.text(
            "Scroll sideways to see all four options.",
            as_="p",
            size="2",
            color=styles.TEXT_MUTED,
            display=rx.breakpoints(initial="block", md="none"),
            class_name="no-print",
        ),
        rx.box(
            rx.el.table(
                rx.el.caption(caption, class_name="sr-only"),
                rx.el.thead(
                    rx.el.tr(
                        rx.el.th(
                            "What matters, and how much",
                            scope="col",
                            style=styles.FIT_CORNER_STYLE,
                        ),
                        *[_option_head(state, option) for option in OPTIONS],
                    )
                ),
                rx.el.tbody(rx.foreach(state.fit_rows, _fit_row)),
                id="fit-table",
                style=styles.FIT_TABLE_STYLE,
            ),
            # Wider than a phone: it scrolls inside its own region, which the keyboard reaches.
            role="region",
            aria_label=caption,
            tab_index=0,
            class_name="table-scroll",
            style=styles.TABLE_SCROLL_STYLE,
        ),
        rx.cond(
            state.fit_judged,
            rx.text(JUDGEMENT_NOTE, as_="p", size="2", color=styles.TEXT_MUTED),
        ),
        margin_y=styles.SPACE_M,
    )


def _leaning(state: type[ResultVars]) -> rx.Component:
    differs = rx.box(
        rx.heading(
            _voiced(
                state,
                ("Your priorities lean elsewhere", "Your colleague's priorities lean elsewhere"),
            ),
            as_="h3",
            size="4",
            id="lean-elsewhere",
        ),
        rx.el.dl(
            rx.el.div(
                rx.el.dt("Suggested by the answers: ", style=styles.LEAN_TERM_STYLE),
                rx.el.dd("the ", _recommended_name(state), style=styles.LEAN_VALUE_STYLE),
            ),
            rx.el.div(
                rx.el.dt(
                    _voiced(
                        state,
                        (
                            "Where your priorities lean: ",
                            "Where your colleague's priorities lean: ",
                        ),
                    ),
                    style=styles.LEAN_TERM_STYLE,
                ),
                rx.el.dd("the ", state.fit_leaning, style=styles.LEAN_VALUE_STYLE),
            ),
            margin_y=styles.SPACE_S,
        ),
        rx.text(state.fit_text, as_="p"),
        id="leaning",
        style=styles.DIFFERS_CALLOUT_STYLE,
    )
    same = rx.box(
        rx.heading(
            _voiced(
                state,
                (
                    "Your priorities point the same way",
                    "Your colleague's priorities point the same way",
                ),
            ),
            as_="h3",
            size="4",
        ),
        rx.text(state.fit_text, as_="p"),
        id="leaning",
        style=styles.CALLOUT_STYLE,
    )
    neither = rx.box(rx.text(state.fit_text, as_="p"), id="leaning", style=styles.CALLOUT_STYLE)
    return rx.match(state.fit_state, ("differs", differs), ("same", same), neither)


def priority_changes(
    state: type[ResultVars], title: str = "Your priorities", **props
) -> rx.Component:
    """Every change of one priority's rating that would change where the priorities lean
    (none without priorities): for this section and for "What would change it"."""
    return rx.cond(
        state.fit_changes.length() > 0,
        rx.box(
            rx.heading(title, as_="h3", size="3", margin_top=styles.SPACE_M),
            rx.el.ul(
                rx.foreach(state.fit_changes, lambda text: rx.el.li(text)),
                list_style_type="disc",
                padding_left=styles.SPACE_L,
            ),
            class_name="priority-changes",
            **props,
        ),
    )


def _rate_button(label: rx.Var | str, change: EventHandler) -> rx.Component:
    return rx.button(
        label,
        on_click=change(AnswersState.priorities_step),
        variant="soft",
        type="button",
        margin_top=styles.SPACE_S,
        class_name="no-print",
        id="rate-priorities",
    )


def priorities_section(state: type[ResultVars], change: EventHandler | None = None) -> rx.Component:
    """What matters to the person, what each option offers it, and where it leans.

    `change(step)` opens the questionnaire at a step (default AnswersState.go_to_step; /embed
    passes its own): on the person's own result, the way to the priorities step."""
    live = _live(state)
    change = change or AnswersState.go_to_step
    invitation = rx.box(
        paragraph(
            _voiced(
                state,
                (
                    f"You may rate how much {PRIORITY_COUNT} things matter to you, such as "
                    "research, teaching and keeping the commitment small. The advisor then shows "
                    "what each option offers them, and which option your priorities lean to. The "
                    "suggestion stays as it is.",
                    f"You may rate how much {PRIORITY_COUNT} things matter to your colleague, "
                    "such as research, teaching and keeping the commitment small. The advisor "
                    "then shows what each option offers them, and which option your colleague's "
                    "priorities lean to. The suggestion stays as it is.",
                ),
            )
            if live
            else "No priorities were rated with these answers.",
        ),
        _rate_button(
            _voiced(state, ("Rate what matters to you", "Rate what matters to your colleague")),
            change,
        )
        if live
        else rx.fragment(),
        id="priorities-invitation",
    )
    rated = rx.box(
        _fit_table(state),
        _leaning(state),
        priority_changes(state, "What would change the leaning"),
        _rate_button("Change the ratings", change) if live else rx.fragment(),
    )
    return section(
        "priorities",
        _voiced(state, ("What matters to you", "What matters to your colleague")),
        rx.cond(state.fit_state == "", invitation, rated),
        id="what-matters",
    )


# --- the readiness check -----------------------------------------------------------------------


def _help_link(state: type[ResultVars], item: ReadinessItem) -> rx.Component:
    if item.help_with == "conversation":
        (self_href, self_label), (sup_href, sup_label) = (
            CONVERSATION_TARGET["self"],
            CONVERSATION_TARGET["supervisor"],
        )
        return _anchor(
            rx.cond(state.is_supervisor, sup_label, self_label),
            rx.cond(state.is_supervisor, sup_href, self_href),
        )
    href, label = HELP_TARGETS[item.help_with]
    return _anchor(label, href)


def _item_help(state: type[ResultVars], item: ReadinessItem) -> rx.Component:
    """What a "no" opens: the item's help and a link to the part of the page it names."""
    return rx.box(
        rx.text(_voiced(state, item.help), " ", _help_link(state, item), ".", as_="p"),
        id=f"readiness-{item.id}-help",
        class_name="readiness-help",
        style=styles.READINESS_HELP_STYLE,
    )


def _paper_answer(state: type[ResultVars], item: ReadinessItem) -> rx.Component:
    """The answer as text (a saved result; the printed page); on paper, boxes to tick."""
    return rx.match(
        state.sure_choices[item.id],
        ("yes", rx.text("Yes", as_="p", weight="bold")),
        ("no", rx.text("No", as_="p", weight="bold")),
        rx.fragment(
            rx.text("Not answered", as_="p", color=styles.TEXT_MUTED, class_name="no-print"),
            rx.text("☐ Yes    ☐ No", as_="p", white_space="pre", class_name="print-only"),
        ),
    )


def _readiness_controls(state: type[ResultVars], item: ReadinessItem, prompt_id: str):
    return rx.radio_group.root(
        rx.flex(
            *[
                rx.radio_group.item(
                    rx.text(label, weight="medium"),
                    value=value,
                    id=f"readiness-{item.id}-{value}",
                )
                for value, label in (("yes", "Yes"), ("no", "No"))
            ],
            direction="row",
            gap=styles.SPACE_L,
        ),
        value=state.sure_choices[item.id],
        on_change=lambda value: state.set_readiness(item.id, value),  # type: ignore[attr-defined]
        name=f"readiness-{item.id}",
        size="3",
        aria_labelledby=prompt_id,
        margin_top=styles.SPACE_S,
        class_name="no-print",
    )


def _readiness_item(state: type[ResultVars], item: ReadinessItem) -> rx.Component:
    prompt_id = f"readiness-{item.id}-prompt"
    live = _live(state)
    return rx.el.li(
        rx.text(_voiced(state, item.prompt), id=prompt_id, weight="bold", as_="p"),
        _readiness_controls(state, item, prompt_id) if live else rx.fragment(),
        rx.box(_paper_answer(state, item), class_name="print-only" if live else ""),
        # Always in the page, so a screen reader announces the help a "no" opens.
        rx.box(
            rx.cond(state.sure_choices[item.id] == "no", _item_help(state, item)),
            aria_live="polite",
        ),
        id=f"readiness-{item.id}",
        style=styles.READINESS_ITEM_STYLE,
    )


def _score(state: type[ResultVars]) -> rx.Component:
    ready = _voiced(
        state,
        (
            "Every answer is yes: you seem ready to decide.",
            "Every answer is yes: your colleague seems ready to decide.",
        ),
    )
    not_yet = _voiced(
        state,
        (
            "With 3 or fewer, it may help to look at the help under each “no” before you "
            "decide. Many people are unsure at this point.",
            "With 3 or fewer, it may help to look at the help under each “no” together before "
            "your colleague decides. Many people are unsure at this point.",
        ),
    )
    return rx.box(
        rx.cond(
            state.sure_score >= 0,
            rx.text(
                rx.text(
                    state.sure_score.to_string() + f" of {READINESS_COUNT} answered yes.",
                    as_="span",
                    weight="bold",
                ),
                " ",
                rx.cond(state.sure_score == READINESS_COUNT, ready, not_yet),
                as_="p",
                id="readiness-score",
            ),
            rx.text(
                "Not answered yet. ",
                "A score of 4 means ready to decide; 3 or fewer means it may help to look "
                "further first.",
                as_="p",
                color=styles.TEXT_MUTED,
                id="readiness-score",
            ),
        ),
        role="status",
        margin_top=styles.SPACE_M,
    )


def readiness_section(state: type[ResultVars]) -> rx.Component:
    """The four-item readiness check, and the help each "no" opens."""
    cited = "SURE" in READINESS.help and "O'Connor" in READINESS.help
    return section(
        "readiness",
        _voiced(state, READINESS.prompt),
        paragraph(READINESS.help),
        rx.cond(
            state.is_supervisor,
            paragraph(
                "Answer as you see it, and ask your colleague the same questions: advisers often "
                "judge the other person surer than they feel."
            ),
        ),
        rx.fragment() if cited else paragraph(SURE_CITATION, size="2", color=styles.TEXT_MUTED),
        rx.el.ul(
            *[_readiness_item(state, item) for item in READINESS.items],
            style=styles.READINESS_LIST_STYLE,
        ),
        _score(state),
        id="readiness-check",
    )


def readiness_questions(state: type[QuestionnaireVars]) -> rx.Component:
    """The readiness check as questions to answer before sending a plan's answers (optional:
    each item may be left out). No help links: they point into a result page."""
    return rx.el.fieldset(
        rx.el.legend(_voiced(state, READINESS.prompt), " (optional)", style=styles.LEGEND_STYLE),
        rx.text(
            # Not READINESS.help: its "no" points to help on the result page, not shown here.
            "Four yes-or-no questions in the advisor's own words, modelled on the SURE test "
            "(O'Connor and Légaré). Answer any, all or none of them.",
            as_="p",
            color=styles.TEXT_MUTED,
            id="readiness-check-help",
        ),
        rx.cond(
            state.is_supervisor,
            paragraph(
                "Answer as you see it. Your colleague answers the same questions: you will see "
                "both answers side by side."
            ),
        ),
        rx.el.ul(
            *[
                rx.el.li(
                    rx.text(
                        _voiced(state, item.prompt),
                        id=f"readiness-{item.id}-prompt",
                        weight="bold",
                        as_="p",
                    ),
                    _readiness_controls(state, item, f"readiness-{item.id}-prompt"),
                    id=f"readiness-{item.id}",
                    style=styles.READINESS_ITEM_STYLE,
                )
                for item in READINESS.items
            ],
            style=styles.READINESS_LIST_STYLE,
        ),
        id="readiness-check",
        aria_describedby="readiness-check-help",
        style=styles.FIELDSET_STYLE,
        margin_top=styles.SPACE_L,
    )


# --- questions to ask -------------------------------------------------------------------------


def _ask(item: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.text(item["text"].to(str), as_="p"),
        _evidence(item["findings"].to(list[dict[str, str]])),
        margin_bottom=styles.SPACE_S,
    )


def _ask_group(state: type[ResultVars], group: rx.Var) -> rx.Component:
    who = group["ask"].to(str)
    title = rx.match(
        who,
        *[(key, _voiced(state, labels)) for key, labels in WHO_TO_ASK.items()],
        "",
    )
    return rx.box(
        rx.heading(title, as_="h3", size="3", margin_top=styles.SPACE_M),
        rx.el.ul(
            rx.foreach(group["items"].to(list[dict]), _ask),
            list_style_type="disc",
            padding_left=styles.SPACE_L,
        ),
        class_name="ask-group",
        id="ask-" + who,
    )


def questions_section(state: type[ResultVars]) -> rx.Component:
    """Questions to ask the programme, the workplace or a supervisor."""
    return section(
        "questions-to-ask",
        "Questions to ask",
        paragraph(
            "Questions worth asking before deciding, chosen for these answers and grouped by "
            "whom to ask."
        ),
        rx.foreach(state.ask_groups, lambda group: _ask_group(state, group)),
        id="questions",
    )
