"""Stateless pieces of the evidence pages: quote card, strength badge, fact list, sample chart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import reflex as rx

from advisor import styles
from advisor.components.link import finding_href
from advisor.evidence import EXIT_POINT_NAMES, Finding, SampleGroup, strength_label

# Pixels per bar of the sample charts, and room for the category names on their left: enough
# for "Distance learning" or "Medical education" at the tick size below.
_BAR_ROW_PX = 34
_CHART_PADDING_PX = 16
_TICK_WIDTH_PX = 148
_TICK_FONT_PX = 14


def exit_point_names(exit_points: Sequence[str]) -> str:
    """'Certificate, Diploma and Masters' from the exit points' ids."""
    names = [EXIT_POINT_NAMES[e] for e in exit_points]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def month_name(value: str) -> str:
    """'October 2013' from the content's '2013-10'."""
    return dt.datetime.strptime(value, "%Y-%m").strftime("%B %Y")


def quote_card(
    text: str | rx.Var,
    speaker: str | rx.Var,
    caption_extra: str | rx.Var | None = None,
    caution: bool | rx.Var = False,
) -> rx.Component:
    """A graduate's words, verbatim, with the speaker code as printed in the study.

    Takes plain strings or Vars (so it works inside rx.foreach). The text is shown exactly as
    given: no quotation marks are added, because some printed quotations carry their own.
    `caution` marks a cautionary voice with the caution colour (a bool, or a bool Var).
    """
    caption: list[Any] = ["— ", rx.text(speaker, as_="span", weight="bold")]
    if isinstance(caption_extra, rx.Var):
        caption.append(rx.cond(caption_extra, rx.fragment(", ", caption_extra)))
    elif caption_extra:
        caption.append(f", {caption_extra}")
    if isinstance(caution, rx.Var):
        style = rx.cond(caution, styles.CAUTION_QUOTE_STYLE, styles.QUOTE_STYLE)
    else:
        style = styles.CAUTION_QUOTE_STYLE if caution else styles.QUOTE_STYLE
    return rx.el.figure(
        rx.el.blockquote(rx.text(text, as_="p"), style=styles.QUOTE_TEXT_STYLE),
        rx.el.figcaption(*caption, font_size="0.9375rem", color=styles.TEXT_MUTED),
        class_name="quote",
        style=style,
    )


def strength_badge(strength: str, all_graduates: bool = False) -> rx.Component:
    """The kind of evidence behind a finding, in words (colour only repeats the words)."""
    return rx.badge(
        strength_label(strength, all_graduates),
        color_scheme=styles.STRENGTH_COLOR_SCHEMES[strength],
        high_contrast=True,
        variant="soft",
        size="2",
        white_space="normal",
        text_align="left",
        max_width="100%",
        class_name=f"strength strength-{strength}",
    )


def finding_link(finding: Finding) -> rx.Component:
    """A link to a finding on the evidence page, its statement as the link text."""
    return rx.link(finding.statement, href=finding_href(finding.id), color=styles.ACCENT_TEXT)


def bullet_list(*items: rx.Component, **props) -> rx.Component:
    """A bulleted list (the base styles remove list markers, so they are set here)."""
    return rx.el.ul(*items, **{"list_style_type": "disc", "padding_left": styles.SPACE_L, **props})


def fact_list(
    rows: Sequence[tuple[str, str | rx.Component]], term_width: str = "11rem", **props
) -> rx.Component:
    """A description list: terms on the left from small screens up, stacked below that."""
    items: list[rx.Component] = []
    for term, detail in rows:
        items.append(rx.el.dt(term, font_weight="600"))
        items.append(rx.el.dd(detail, margin="0", margin_bottom=styles.SPACE_S))
    return rx.el.dl(
        *items,
        display="grid",
        grid_template_columns=rx.breakpoints(initial="1fr", sm=f"{term_width} 1fr"),
        column_gap=styles.SPACE_M,
        margin_y=styles.SPACE_M,
        **props,
    )


def horizontal_bars(
    data: list[dict[str, Any]] | rx.Var,
    *,
    label_key: str,
    value_key: str,
    shown_key: str,
    domain_max: int | str,
    height: int | rx.Var,
    right_margin: int = 28,
    tick_width: int = _TICK_WIDTH_PX,
    min_point_size: int = 0,
) -> rx.Component:
    """Horizontal bars with their category labels on the left and their numbers on the right.

    Meant to sit inside an aria-hidden box beside a table that carries the same numbers: the
    chart takes no keyboard focus (Recharts 3 would make it focusable by default).
    """
    return rx.recharts.bar_chart(
        rx.recharts.x_axis(type_="number", domain=[0, domain_max], hide=True),
        rx.recharts.y_axis(
            data_key=label_key,
            type_="category",
            width=tick_width,
            interval=0,
            tick_line=False,
            axis_line=False,
            tick={"fill": styles.CHART_TICK, "fontSize": _TICK_FONT_PX},
        ),
        rx.recharts.bar(
            rx.recharts.label_list(data_key=shown_key, position="right", fill=styles.CHART_LABEL),
            data_key=value_key,
            fill=styles.CHART_BAR,
            is_animation_active=False,
            max_bar_size=22,
            min_point_size=min_point_size,
        ),
        data=data,
        layout="vertical",
        margin={"top": 4, "right": right_margin, "bottom": 4, "left": 0},
        width="100%",
        height=height,
        custom_attrs={"accessibilityLayer": False},
    )


def sample_chart(group: SampleGroup, total: int) -> rx.Component:
    """One characteristic of the sample as a bar chart, with a table for screen readers.

    The chart is hidden from assistive technology; the table beside it carries the same numbers.
    Every chart runs from 0 to the sample total, so bar lengths compare across charts.
    """
    data = [{"label": row.label, "count": row.count} for row in group.rows]
    caption_id = f"sample-{group.id}"
    chart = horizontal_bars(
        data,
        label_key="label",
        value_key="count",
        shown_key="count",
        domain_max=total,
        height=_BAR_ROW_PX * len(data) + _CHART_PADDING_PX,
    )
    table = rx.el.table(
        rx.el.caption(f"{group.label} of the {total} participants"),
        rx.el.thead(rx.el.tr(rx.el.th(group.label, scope="col"), rx.el.th("Number", scope="col"))),
        rx.el.tbody(
            *[rx.el.tr(rx.el.th(row.label, scope="row"), rx.el.td(row.count)) for row in group.rows]
        ),
        class_name="sr-only",  # assets/advisor.css
    )
    return rx.box(
        rx.heading(group.label, as_="h3", size="3", id=caption_id, margin_bottom=styles.SPACE_XS),
        rx.box(chart, aria_hidden="true", width="100%"),
        table,
        # Grid items default to min-width: auto, which stops a responsive chart from shrinking.
        min_width="0",
        position="relative",
        class_name="sample-chart",
    )


def contents_nav(contents: list[tuple[str, str]]) -> rx.Component:
    """ "On this page": links to a long page's sections, given as (anchor, label) pairs."""
    return rx.el.nav(
        rx.text("On this page", as_="p", weight="bold", size="2"),
        bullet_list(
            *[
                rx.el.li(rx.link(label, href=f"#{anchor}", color=styles.ACCENT_TEXT))
                for anchor, label in contents
            ],
            padding_left=styles.SPACE_L,
            margin_y=styles.SPACE_XS,
        ),
        aria_label="On this page",
        margin_top=styles.SPACE_L,
    )
