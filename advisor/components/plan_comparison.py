"""The comparison of a plan made together: both suggestions, the differences that matter, every
answer side by side, both priorities and readiness checks, and a joint summary to print.

Stateless: it takes a state with ComparisonVars (advisor.plan_vars). Every table puts the
colleague's column first and marks the viewer's own "(you)"; agreement is a word in its own
column, never colour alone.
"""

from __future__ import annotations

import reflex as rx

from advisor import styles
from advisor.components.layout import paragraph, section
from advisor.components.link import finding_href
from advisor.components.result_view import CONFIDENCE_DOTS, confidence_badge
from advisor.plan_vars import ComparisonVars
from advisor.plan_view import AGREE_HEADING

# The thing asked, the colleague's answer, the supervisor's, and whether they agree (room for
# "Changes the suggestion" on two lines).
COLUMN_WIDTHS = ("24%", "28%", "28%", "20%")
# Rows of the printed boxes for the agreed next steps.
NEXT_STEP_BOXES = 4
TABLE_STYLE = {
    "border_collapse": "collapse",
    "width": "100%",
    # The columns' widths are set (COLUMN_WIDTHS), not left to the longest answer: cells may
    # break long words, which would let an automatic layout squeeze a column to a letter.
    "table_layout": "fixed",
    "font_size": rx.breakpoints(initial="0.8125rem", sm="0.9375rem"),
    "line_height": "1.4",
}
CELL_STYLE = {
    **styles.TABLE_CELL_STYLE,
    "padding": rx.breakpoints(initial=styles.SPACE_XS, sm=styles.SPACE_S),
    # Long words may break inside a cell, so the table fits a phone's width.
    "overflow_wrap": "anywhere",
}
HEAD_STYLE = {**CELL_STYLE, "font_weight": "600", "border_bottom": f"2px solid {styles.BORDER}"}
ROW_HEAD_STYLE = {**CELL_STYLE, "font_weight": "600"}
DIFFERS_ROW_STYLE = {"background_color": rx.color("amber", 3)}
POINT_STYLE = {**styles.CARD_STYLE, "padding": styles.SPACE_M, "margin_bottom": styles.SPACE_M}
KEY_POINT_STYLE = {**POINT_STYLE, "border_left": f"4px solid {rx.color('amber', 9)}"}
SUGGESTION_STYLE = {**styles.COLUMN_STYLE, "padding": styles.SPACE_M}
BOX_STYLE = {
    "border": f"1px solid {styles.TEXT_MUTED}",
    "height": "1.6cm",
    "padding": styles.SPACE_XS,
}


# --- shared pieces -------------------------------------------------------------------------


def _finding(finding: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.link(
            finding.label.to(str), href=finding_href(finding.id.to(str)), color=styles.ACCENT_TEXT
        ),
        rx.text(" — ", finding.section.to(str), as_="span", color=styles.TEXT_MUTED),
        style=styles.FINDING_ITEM_STYLE,
    )


def _finding_list(findings: rx.Var) -> rx.Component:
    return rx.el.ul(rx.foreach(findings, _finding), style=styles.FINDING_LIST_STYLE)


def _ask(ask: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.text(ask.who.to(str) + ": ", as_="span", weight="bold"),
        ask.text.to(str),
        margin_bottom=styles.SPACE_XS,
    )


def _ref(finding: rx.Var, index: rx.Var) -> rx.Component:
    """A point's pointer to one of its findings: the finding's number in the list under the
    points, linking to the finding on the evidence page (as the result's reasons do)."""
    number = finding.number.to_string()
    return rx.fragment(
        rx.cond(index > 0, ", ", ""),
        rx.link(
            number,
            href=finding_href(finding.id.to(str)),
            aria_label="Evidence " + number + ": " + finding.label.to(str),
            color=styles.ACCENT_TEXT,
            class_name="evidence-ref",
        ),
    )


def _numbered_finding(finding: rx.Var) -> rx.Component:
    number = finding.number.to_string()
    return rx.el.li(
        rx.text(number + ". ", as_="span", weight="bold"),
        rx.link(
            finding.label.to(str), href=finding_href(finding.id.to(str)), color=styles.ACCENT_TEXT
        ),
        rx.text(" — ", finding.section.to(str), as_="span", color=styles.TEXT_MUTED),
        id="compare-evidence-" + number,
        style=styles.FINDING_ITEM_STYLE,
    )


def _point(point: rx.Var, key: bool) -> rx.Component:
    """One disagreement: what each said and its effect, the findings it touches, and the
    questions to ask. On the differences that matter the findings are numbered, listed once
    under them (and printed); on the others they fold away, as the result's evidence does."""
    findings = point.findings
    if key:
        evidence = rx.cond(
            point.refs.length() > 0,
            rx.text(
                "What the study found: ",
                rx.foreach(point.refs, _ref),
                as_="p",
                size="2",
                color=styles.TEXT_MUTED,
                margin_top=styles.SPACE_XS,
                class_name="point-refs",
            ),
        )
    else:
        evidence = rx.cond(
            findings.length() > 0,
            rx.el.details(
                rx.el.summary(
                    "What the study found (",
                    findings.length().to_string(),
                    rx.cond(findings.length() == 1, " finding)", " findings)"),
                    style=styles.EVIDENCE_SUMMARY_STYLE,
                ),
                _finding_list(findings),
                class_name="no-print evidence",
                margin_top=styles.SPACE_XS,
            ),
        )
    return rx.el.article(
        rx.heading(point.label.to(str), as_="h3", size="3"),
        rx.text(point.text.to(str), as_="p", margin_top=styles.SPACE_XS),
        evidence,
        rx.cond(
            point.asks.length() > 0,
            rx.box(
                rx.heading("Questions to ask", as_="h4", size="2", style=styles.H4_STYLE),
                rx.el.ul(
                    rx.foreach(point.asks, _ask),
                    list_style_type="disc",
                    padding_left=styles.SPACE_L,
                ),
            ),
        ),
        id=point.anchor.to(str),
        class_name="discussion-point" + (" key-point" if key else ""),
        style=KEY_POINT_STYLE if key else POINT_STYLE,
    )


def _agree_cell(row: rx.Var) -> rx.Component:
    # The word carries the meaning; the mark and the row's tint only repeat it.
    return rx.el.td(
        rx.el.span(rx.cond(row.agree, "✓ ", "✗ "), aria_hidden="true"),
        rx.text(row.agree_text.to(str), as_="span", weight=rx.cond(row.agree, "regular", "bold")),
        rx.cond(
            row.note.to(str) != "",
            rx.text(row.note.to(str), as_="span", display="block", size="1", weight="bold"),
        ),
        role="cell",
        class_name="agree-cell",
        style=CELL_STYLE,
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.el.tr(
        rx.el.th(row.label.to(str), scope="row", role="rowheader", style=ROW_HEAD_STYLE),
        rx.el.td(row.colleague.to(str), role="cell", style=CELL_STYLE),
        rx.el.td(row.supervisor.to(str), role="cell", style=CELL_STYLE),
        _agree_cell(row),
        id=row.row_id.to(str),
        role="row",
        custom_attrs={"data-agree": rx.cond(row.agree, "true", "false")},
        style=rx.cond(row.agree, {}, DIFFERS_ROW_STYLE),
    )


def _column_head(column: rx.Var) -> rx.Component:
    return rx.el.th(
        column.heading.to(str),
        scope="col",
        role="columnheader",
        class_name=rx.cond(column.you, "seat-column you", "seat-column"),
        style=HEAD_STYLE,
    )


def _table(
    state: type[ComparisonVars],
    rows: rx.Var,
    caption: str,
    first: str,
    table_id: str,
    foot: rx.Component | None = None,
) -> rx.Component:
    """A side-by-side table: the thing asked, the colleague's answer, the supervisor's, and
    whether they agree. It fits the page's width (no sideways scrolling on a phone)."""
    return rx.el.table(
        rx.el.caption(caption, style=styles.CAPTION_STYLE),
        rx.el.colgroup(*[rx.el.col(width=width) for width in COLUMN_WIDTHS]),
        rx.el.thead(
            rx.el.tr(
                rx.el.th(
                    first, scope="col", role="columnheader", class_name="first", style=HEAD_STYLE
                ),
                rx.foreach(state.compare_columns, _column_head),
                rx.el.th(
                    AGREE_HEADING,
                    scope="col",
                    role="columnheader",
                    class_name="agree-head",
                    style=HEAD_STYLE,
                ),
                role="row",
            ),
            role="rowgroup",
        ),
        rx.el.tbody(rx.foreach(rows, _row), role="rowgroup"),
        foot if foot is not None else rx.fragment(),
        id=table_id,
        # The roles keep it a table for screen readers where a phone's width stacks its cells
        # (assets/advisor.css), which drops a table's own semantics in some browsers.
        role="table",
        class_name="compare-table",
        style=TABLE_STYLE,
    )


# --- the sections, in the order a person needs them -----------------------------------------


def _suggestion(item: rx.Var) -> rx.Component:
    return rx.el.article(
        rx.heading(item.heading.to(str), as_="h3", size="3"),
        rx.text(
            item.name.to(str),
            as_="p",
            size="6",
            weight="bold",
            margin_y=styles.SPACE_XS,
            class_name="suggestion-name",
        ),
        rx.match(
            item.confidence.to(str),
            *[(level, confidence_badge(level)) for level in CONFIDENCE_DOTS],
            rx.fragment(),
        ),
        rx.cond(
            item.confidence_label.to(str) != "",
            rx.text(
                item.confidence_label.to(str) + " means " + item.confidence_meaning.to(str) + ".",
                as_="p",
                size="2",
                color=styles.TEXT_MUTED,
                margin_top=styles.SPACE_XS,
            ),
        ),
        rx.cond(
            item.note.to(str) != "",
            rx.text(item.note.to(str), as_="p", size="2", margin_top=styles.SPACE_XS),
        ),
        id="suggestion-" + item.seat.to(str),
        class_name="suggestion",
        style=SUGGESTION_STYLE,
    )


def _suggestions(state: type[ComparisonVars]) -> rx.Component:
    return section(
        "both-suggestions",
        "Both suggestions",
        paragraph(
            rx.text(
                rx.cond(state.agree_on_suggestion, "Same suggestion. ", "Different suggestions. "),
                as_="span",
                weight="bold",
            ),
            state.suggestion_summary,
            id="suggestion-summary",
        ),
        rx.grid(
            rx.foreach(state.suggestions, _suggestion),
            columns=rx.breakpoints(initial="1", sm="2"),
            gap=styles.SPACE_M,
            class_name="suggestion-grid",
        ),
        id="suggestions",
    )


def _key_differences(state: type[ComparisonVars]) -> rx.Component:
    return section(
        "key-differences-heading",
        "Where you differ and it matters",
        paragraph(state.key_summary, id="key-summary"),
        rx.foreach(state.key_points, lambda point: _point(point, key=True)),
        rx.cond(
            state.key_findings.length() > 0,
            rx.box(
                rx.heading(
                    "What the study found on these differences",
                    as_="h3",
                    size="3",
                    style=styles.H4_STYLE,
                ),
                rx.el.ul(
                    rx.foreach(state.key_findings, _numbered_finding),
                    style=styles.FINDING_LIST_STYLE,
                ),
                id="key-findings",
            ),
        ),
        id="key-differences",
    )


def _all_answers(state: type[ComparisonVars]) -> rx.Component:
    return section(
        "all-answers-heading",
        "Every answer side by side",
        paragraph(state.table_summary, id="table-summary"),
        _table(
            state,
            state.compare_rows,
            "Each question, with the colleague's answer and the supervisor's answer about the "
            "colleague",
            "Question",
            "compare-table",
        ),
        id="all-answers",
    )


def _other_differences(state: type[ComparisonVars]) -> rx.Component:
    return rx.cond(
        state.other_points.length() > 0,
        section(
            "other-differences-heading",
            "Other differences",
            paragraph(
                "These do not change either suggestion on their own. Check that you both mean "
                "the same thing."
            ),
            rx.foreach(state.other_points, lambda point: _point(point, key=False)),
            id="other-differences",
        ),
    )


def _leaning(item: rx.Var) -> rx.Component:
    return rx.el.div(
        rx.el.dt(item.heading.to(str) + ": ", style=styles.LEAN_TERM_STYLE),
        rx.el.dd(item.text.to(str), style=styles.LEAN_VALUE_STYLE),
        id="leaning-" + item.seat.to(str),
        margin_bottom=styles.SPACE_XS,
    )


def _priorities(state: type[ComparisonVars]) -> rx.Component:
    return section(
        "both-priorities-heading",
        "What matters, as each of you rated it",
        paragraph(
            "The colleague rated what matters to them; the supervisor rated what they think "
            "matters to the colleague."
        ),
        _table(
            state,
            state.priority_rows,
            "How much each thing matters, in each rating",
            "What matters",
            "priority-table",
        ),
        rx.heading("Where the priorities lean", as_="h3", size="3", style=styles.H4_STYLE),
        rx.el.dl(rx.foreach(state.leanings, _leaning), margin_y=styles.SPACE_S),
        id="both-priorities",
    )


def _readiness(state: type[ComparisonVars]) -> rx.Component:
    foot = rx.el.tfoot(
        rx.el.tr(
            rx.el.th("Yes answers", scope="row", role="rowheader", style=ROW_HEAD_STYLE),
            rx.foreach(
                state.readiness_scores,
                lambda score: rx.el.td(
                    score, role="cell", style={**CELL_STYLE, "font_weight": "600"}
                ),
            ),
            rx.el.td(role="cell", class_name="agree-cell", style=CELL_STYLE),
            role="row",
        ),
        id="readiness-scores",
        role="rowgroup",
    )
    return section(
        "both-readiness-heading",
        "Ready to decide?",
        rx.box(
            rx.text(state.readiness_caution, as_="p"),
            id="readiness-caution",
            role="note",
            style=styles.CALLOUT_STYLE,
            margin_bottom=styles.SPACE_M,
        ),
        _table(
            state,
            state.readiness_rows,
            "The four readiness questions, as the colleague was asked them",
            "Question",
            "readiness-table",
            foot,
        ),
        paragraph(
            "A score of 4 means ready to decide; 3 or fewer means it may help to look further "
            "first.",
            size="2",
            color=styles.TEXT_MUTED,
            margin_top=styles.SPACE_S,
        ),
        id="both-readiness",
    )


def _next_step_boxes() -> rx.Component:
    """On paper only: boxes to write what the two agreed, who does it, and by when."""
    blank = BOX_STYLE
    return rx.box(
        rx.heading("Agreed next steps", as_="h2", size="5"),
        rx.el.table(
            rx.el.thead(
                rx.el.tr(
                    rx.el.th("What you agreed to do", scope="col", width="60%", style=HEAD_STYLE),
                    rx.el.th("Who", scope="col", width="20%", style=HEAD_STYLE),
                    rx.el.th("By when", scope="col", width="20%", style=HEAD_STYLE),
                )
            ),
            rx.el.tbody(
                *[
                    rx.el.tr(rx.el.td(style=blank), rx.el.td(style=blank), rx.el.td(style=blank))
                    for _ in range(NEXT_STEP_BOXES)
                ]
            ),
            style=TABLE_STYLE,
        ),
        rx.text(
            "Date of the meeting: ____________    Colleague: ____________    "
            "Supervisor: ____________",
            as_="p",
            white_space="pre-wrap",
            margin_top=styles.SPACE_M,
        ),
        id="agreed-next-steps",
        class_name="print-only",
    )


def comparison_view(state: type[ComparisonVars]) -> rx.Component:
    """Both seats' answers compared, for the seat in `state.seat`; nothing until both are
    done."""
    return rx.cond(
        state.compared,
        rx.box(
            rx.text(
                "Joint summary for the appraisal record",
                as_="p",
                weight="bold",
                class_name="print-only",
            ),
            rx.el.p(
                id="printed-on",
                class_name="print-only",
                custom_attrs={"data-print-date": "Printed on "},
            ),
            _suggestions(state),
            _key_differences(state),
            _all_answers(state),
            _other_differences(state),
            _priorities(state),
            _readiness(state),
            _next_step_boxes(),
            rx.button(
                "Print the joint summary",
                on_click=rx.call_script("window.print()"),
                variant="soft",
                type="button",
                margin_top=styles.SPACE_XL,
                class_name="no-print",
                id="print-comparison",
            ),
            id="comparison",
        ),
    )
