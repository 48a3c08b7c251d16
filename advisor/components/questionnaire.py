"""The questionnaire: one question per step and a review of every answer, for /assess and
/embed (AnswersState) and for a plan's draft (advisor.pages.plan): each function takes the
state whose answers it shows."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventHandler, EventType

from advisor import styles
from advisor.components.priorities_step import priorities_step
from advisor.components.start_again import start_again_button
from advisor.questions import Question
from advisor.runtime import CONTENT
from advisor.state import AnswersState, QuestionnaireVars
from advisor.view import PRIORITIES_STEP

Questionnaire = type[QuestionnaireVars]


def _option_value(value: bool | str) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _error(state: Questionnaire, question: Question) -> rx.Component:
    # Always in the page (empty when there is nothing to say) so screen readers announce it.
    return rx.text(
        state.error,
        id=f"question-{question.id}-error",
        role="alert",
        tab_index=-1,
        color=styles.ERROR_TEXT,
        weight="medium",
        min_height="1.6em",
        margin_top=styles.SPACE_S,
    )


def _option(control: rx.Component, item_id: str, help_text: str) -> rx.Component:
    """One option: its radio or checkbox (labelled), and its help line beneath."""
    return rx.box(
        control,
        rx.text(
            help_text,
            id=f"{item_id}-help",
            size="2",
            color=styles.TEXT_MUTED,
            padding_left=styles.OPTION_INDENT,
        ),
        style=styles.OPTION_STYLE,
    )


def _single(state: Questionnaire, question: Question) -> rx.Component:
    items = []
    for option in question.options:
        value = _option_value(option.value)
        item_id = f"{question.id}-{value}"
        radio = rx.radio_group.item(
            rx.text(option.label, weight="medium"),
            value=value,
            id=item_id,
            aria_describedby=f"{item_id}-help",
        )
        items.append(_option(radio, item_id, option.help))
    return rx.radio_group.root(
        rx.flex(*items, direction="column", gap=styles.SPACE_S),
        value=state.choices[question.id],
        on_change=lambda value: state.set_answer(question.id, value),
        name=question.id,
        size="3",
        aria_labelledby=f"question-{question.id}-legend",
        required=question.required,
    )


def _multiple(state: Questionnaire, question: Question) -> rx.Component:
    items = []
    for option in question.options:
        item_id = f"{question.id}-{option.value}"
        checkbox = rx.checkbox(
            option.label,
            checked=state.checked[question.id].contains(option.value),
            # Bound argument: the checkbox's own checked value is not needed.
            on_change=state.toggle_choice(question.id, option.value),
            id=item_id,
            size="3",
            aria_describedby=f"{item_id}-help",
        )
        items.append(_option(checkbox, item_id, option.help))
    return rx.flex(*items, direction="column", gap=styles.SPACE_S, role="group")


def _nav(
    state: Questionnaire, back_disabled: rx.Var | bool, next_label: str = "Next"
) -> rx.Component:
    return rx.flex(
        rx.button(
            "Back",
            on_click=state.previous_step,
            variant="soft",
            size="3",
            disabled=back_disabled,
            type="button",
        ),
        rx.button(next_label, on_click=state.next_step, size="3", type="button"),
        justify="between",
        margin_top=styles.SPACE_L,
        class_name="no-print",
    )


def _question_step(state: Questionnaire, question: Question, first: bool) -> rx.Component:
    legend_id = f"question-{question.id}-legend"
    optional = "" if question.required else " (optional)"
    return rx.box(
        rx.el.fieldset(
            rx.el.legend(
                rx.cond(state.is_supervisor, question.prompt.supervisor, question.prompt.self),
                optional,
                id=legend_id,
                # Next and Back move the focus here (state.step_heading), so a screen
                # reader announces the new question.
                tab_index=-1,
                _focus_visible={"outline": "none"},
                style=styles.LEGEND_STYLE,
            ),
            rx.text(
                question.help,
                id=f"question-{question.id}-help",
                color=styles.TEXT_MUTED,
                margin_bottom=styles.SPACE_M,
                as_="p",
            ),
            _multiple(state, question) if question.kind == "multiple" else _single(state, question),
            _error(state, question),
            id=f"question-{question.id}",
            aria_describedby=f"question-{question.id}-help",
            style=styles.FIELDSET_STYLE,
        ),
        _nav(state, first),
    )


def _review(
    state: Questionnaire, see_result: rx.Component, change: EventHandler, extra: rx.Component
) -> rx.Component:
    return rx.box(
        rx.heading(
            "Check your answers",
            as_="h2",
            size="6",
            id="review-heading",
            tab_index=-1,
            _focus_visible={"outline": "none"},
            margin_bottom=styles.SPACE_M,
        ),
        rx.el.dl(
            rx.foreach(
                state.review,
                lambda item: rx.box(
                    rx.el.dt(item["short"].to(str), style=styles.REVIEW_TERM_STYLE),
                    rx.el.dd(
                        rx.flex(
                            rx.text(item["answer"].to(str)),
                            rx.button(
                                "Change",
                                on_click=change(item["step"].to(int)),
                                variant="ghost",
                                size="2",
                                aria_label="Change " + item["short"].to(str),
                                type="button",
                            ),
                            justify="between",
                            align="center",
                            gap=styles.SPACE_M,
                        ),
                        margin_left="0",
                    ),
                    style=styles.REVIEW_ROW_STYLE,
                ),
            ),
        ),
        extra,
        rx.flex(
            rx.button(
                "Back", on_click=state.previous_step, variant="soft", size="3", type="button"
            ),
            see_result,
            justify="between",
            margin_top=styles.SPACE_L,
        ),
        id="review",
    )


def _progress(state: Questionnaire) -> rx.Component:
    return rx.box(
        rx.text(
            rx.match(
                state.current_question,
                ("review", "Review your answers"),
                (PRIORITIES_STEP, "Last step (optional): what matters"),
                "Question "
                + (state.step + 1).to_string()
                + " of "
                + state.question_count.to_string(),
            ),
            id="progress",
            weight="medium",
            color=styles.TEXT_MUTED,
            aria_live="polite",
        ),
        rx.progress(
            value=rx.cond(state.total > 0, (state.step * 100 / state.total).to(int), 0),
            max=100,
            size="2",
            aria_label="Progress through the questions",
            margin_top=styles.SPACE_XS,
        ),
        margin_bottom=styles.SPACE_L,
    )


def _placeholder() -> rx.Component:
    # Same footprint as a question step while the saved answers load: no layout shift.
    return rx.box(min_height=styles.STEP_MIN_HEIGHT, aria_busy="true")


def kept_note(start_again: EventType) -> rx.Component:
    """Where the answers live, and a way to forget them."""
    return rx.text(
        "Your answers are kept in this browser, so you can leave and come back. ",
        start_again_button(start_again, variant="ghost", size="2"),
        color=styles.TEXT_MUTED,
        size="2",
        as_="p",
        margin_bottom=styles.SPACE_L,
    )


def questionnaire(
    *,
    see_result: rx.Component,
    change: EventHandler | None = None,
    state: Questionnaire = AnswersState,
    review_extra: rx.Component | None = None,
) -> rx.Component:
    """The questionnaire's body (progress, one step at a time, the review) over `state`'s
    answers: `see_result` is the review's way on, `change(step)` its "Change" buttons' event
    (default: `state.go_to_step`), `review_extra` what the review shows below the answers."""
    change = change or state.go_to_step
    steps = [
        (q.id, _question_step(state, q, first=i == 0)) for i, q in enumerate(CONTENT.questions)
    ]
    steps.append((PRIORITIES_STEP, priorities_step(_nav(state, False), state)))
    return rx.cond(
        rx.State.is_hydrated,
        rx.box(
            _progress(state),
            rx.match(
                state.current_question,
                *steps,
                _review(state, see_result, change, review_extra or rx.fragment()),
            ),
            min_height=styles.STEP_MIN_HEIGHT,
        ),
        _placeholder(),
    )
