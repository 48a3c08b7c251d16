"""The questions page: the questionnaire, with where the answers are kept."""

from __future__ import annotations

import reflex as rx

from advisor import styles
from advisor.components.layout import answers_notice, page
from advisor.components.questionnaire import kept_note, questionnaire
from advisor.page_spec import PageSpec
from advisor.state import AnswersState

ROUTE = "/assess"
TITLE = "Questions | Programme advisor"
DESCRIPTION = (
    "Six multiple-choice questions about your role, career stage, reasons for studying and "
    "research plans, to suggest a Certificate, Diploma or Masters in medical education."
)


def see_result_link() -> rx.Component:
    """The review's way on at /assess: the result page."""
    return rx.button(
        rx.link("See the result", href="/result", underline="none"),
        as_child=True,
        size="3",
    )


def assess() -> rx.Component:
    """The page at /assess."""
    return page(
        rx.box(id="step-top"),
        rx.heading(
            rx.cond(
                AnswersState.is_supervisor, "Questions about your colleague", "Questions about you"
            ),
            as_="h1",
            size="7",
            margin_bottom=styles.SPACE_S,
        ),
        kept_note(AnswersState.start_again),
        answers_notice(AnswersState.link_problem),
        answers_notice(AnswersState.programme_notice),
        questionnaire(see_result=see_result_link()),
    )


PAGE = PageSpec(
    component=assess,
    route=ROUTE,
    title=TITLE,
    description=DESCRIPTION,
    on_load=AnswersState.open_assess,
)
