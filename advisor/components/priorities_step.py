"""The questionnaire's optional step after the questions: how much each priority matters to the
person (values clarification), one radio group of three levels per priority."""

from __future__ import annotations

import reflex as rx

from advisor import styles
from advisor.questions import PriorityItem
from advisor.runtime import CONTENT
from advisor.state import AnswersState, QuestionnaireVars
from advisor.view import PRIORITIES_STEP

STEP = CONTENT.priorities
# The same ids as a question's, so the questionnaire's focus and tests find the step alike.
FIELDSET_ID = f"question-{PRIORITIES_STEP}"
LEGEND_ID = f"{FIELDSET_ID}-legend"
HELP_ID = f"{FIELDSET_ID}-help"


def _voiced(state: type[QuestionnaireVars], text: object) -> rx.Var | str:
    """A text of two voices (advisor.questions.Wording) as the audience reads it."""
    return rx.cond(state.is_supervisor, text.supervisor, text.self)  # type: ignore[attr-defined]


def _priority(state: type[QuestionnaireVars], item: PriorityItem) -> rx.Component:
    label_id = f"priority-{item.id}-label"
    help_id = f"priority-{item.id}-help"
    levels = [
        rx.box(
            rx.radio_group.item(
                rx.text(level.label, weight="medium"),
                value=level.value,
                id=f"priority-{item.id}-{level.value}",
            ),
            style=styles.LEVEL_STYLE,
        )
        for level in STEP.levels
    ]
    return rx.box(
        rx.text(_voiced(state, item.label), id=label_id, weight="bold", as_="p"),
        rx.text(item.help, id=help_id, size="2", color=styles.TEXT_MUTED, as_="p"),
        rx.radio_group.root(
            rx.flex(
                *levels,
                direction=rx.breakpoints(initial="column", sm="row"),
                gap=styles.SPACE_S,
                wrap="wrap",
            ),
            value=state.priority_choices[item.id],
            on_change=lambda value: state.set_priority(item.id, value),
            name=f"priority-{item.id}",
            size="3",
            aria_labelledby=label_id,
            aria_describedby=help_id,
            margin_top=styles.SPACE_S,
        ),
        id=f"priority-{item.id}",
        style=styles.PRIORITY_STYLE,
    )


def priorities_step(
    nav: rx.Component, state: type[QuestionnaireVars] = AnswersState
) -> rx.Component:
    """The step: its prompt as the legend, its help, a radio group per priority, a way to clear
    the ratings, and the questionnaire's Back / Next (`nav`). Optional: Next goes on without
    any rating."""
    return rx.box(
        rx.el.fieldset(
            rx.el.legend(
                _voiced(state, STEP.prompt),
                " (optional)",
                id=LEGEND_ID,
                # Next and Back move the focus to a step's legend, so it is announced.
                tab_index=-1,
                style=styles.LEGEND_STYLE,
            ),
            rx.text(STEP.help, id=HELP_ID, color=styles.TEXT_MUTED, as_="p"),
            rx.text(
                "Press Next to go on without rating any.",
                color=styles.TEXT_MUTED,
                as_="p",
                margin_bottom=styles.SPACE_M,
            ),
            rx.flex(
                *[_priority(state, item) for item in STEP.items],
                direction="column",
                gap=styles.SPACE_M,
            ),
            id=FIELDSET_ID,
            aria_describedby=HELP_ID,
            style=styles.FIELDSET_STYLE,
        ),
        rx.button(
            rx.cond(state.is_supervisor, "Clear these ratings", "Clear my ratings"),
            on_click=state.clear_priorities,
            variant="outline",
            size="2",
            type="button",
            margin_top=styles.SPACE_M,
            class_name="no-print",
        ),
        nav,
    )
