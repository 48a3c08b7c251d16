"""The decision aid's parts of a result: the four options' gains and costs, what matters to the
person and what each option offers it, the readiness check, and questions to ask.

Placeholders until the decision aid's view lands (issue 11): result_view places them."""

from __future__ import annotations

import reflex as rx

from advisor.state import ResultVars


def options_section(state: type[ResultVars]) -> rx.Component:
    """The four options (three exit points and "Not now"), each with its gains and costs."""
    return rx.fragment()


def priorities_section(state: type[ResultVars]) -> rx.Component:
    """What matters to the person, what each option offers it, and where it leans."""
    return rx.fragment()


def readiness_section(state: type[ResultVars]) -> rx.Component:
    """The four-item readiness check, and the help each "no" opens."""
    return rx.fragment()


def questions_section(state: type[ResultVars]) -> rx.Component:
    """Questions to ask the programme, the workplace or a supervisor."""
    return rx.fragment()
