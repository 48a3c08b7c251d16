"""The result page: the person's own answers, explained by the shared result view."""

from __future__ import annotations

import reflex as rx

from advisor import styles
from advisor.components.layout import answers_notice, page
from advisor.components.live_actions import live_actions, live_ineligible_actions
from advisor.components.result_view import result_view
from advisor.page_spec import PageSpec
from advisor.state import AnswersState

ROUTE = "/result"
TITLE = "Your result | Programme advisor"
DESCRIPTION = (
    "The suggested exit point (Certificate, Diploma or Masters), why, what would change it, and "
    "what graduates at each level reported."
)


def result() -> rx.Component:
    """The page at /result."""
    return page(
        answers_notice(AnswersState.link_problem),
        answers_notice(AnswersState.programme_notice),
        rx.cond(
            rx.State.is_hydrated,
            result_view(
                AnswersState,
                live_actions(),
                live_ineligible_actions(),
                change=AnswersState.go_to_step,
            ),
            rx.box(min_height=styles.RESULT_MIN_HEIGHT, aria_busy="true"),
        ),
        wide=True,
    )


PAGE = PageSpec(
    component=result,
    route=ROUTE,
    title=TITLE,
    description=DESCRIPTION,
    on_load=AnswersState.open_result,
)
