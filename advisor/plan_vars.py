"""The comparison's computed vars: a state mixin for the plan page, derived from one JSON text.

A module of its own, neither the page's nor the component's: components stay stateless (they
take the state class, as the result's parts take ResultVars), and the plan page, which grows
its answering flow separately, only mixes this in. It is not in advisor.state, which holds only
what two or more pages share.
"""

from __future__ import annotations

import reflex as rx

from advisor.plan_view import (
    Column,
    Leaning,
    NumberedFinding,
    Point,
    Row,
    Suggestion,
    cached_views,
)
from advisor.runtime import CONTENT

# Few plans are open at once; the cache serves the many vars of one state update.
_view_of = cached_views(CONTENT, size=64)


class ComparisonVars(rx.State, mixin=True):
    """The comparison one seat sees, from `comparison_json` (advisor.plans.Comparison's JSON,
    "" until both seats are done) and `seat`. Every var is empty while the JSON is ""."""

    comparison_json: str = ""
    seat: str = ""  # "supervisor" or "colleague"

    @rx.var
    def compared(self) -> bool:
        return _view_of(self.comparison_json, self.seat).ready

    @rx.var
    def compare_columns(self) -> list[Column]:
        return _view_of(self.comparison_json, self.seat).columns

    @rx.var
    def suggestions(self) -> list[Suggestion]:
        return _view_of(self.comparison_json, self.seat).suggestions

    @rx.var
    def agree_on_suggestion(self) -> bool:
        return _view_of(self.comparison_json, self.seat).agree_on_suggestion

    @rx.var
    def suggestion_summary(self) -> str:
        return _view_of(self.comparison_json, self.seat).suggestion_summary

    @rx.var
    def key_points(self) -> list[Point]:
        return _view_of(self.comparison_json, self.seat).key_points

    @rx.var
    def key_findings(self) -> list[NumberedFinding]:
        return _view_of(self.comparison_json, self.seat).key_findings

    @rx.var
    def key_summary(self) -> str:
        return _view_of(self.comparison_json, self.seat).key_summary

    @rx.var
    def other_points(self) -> list[Point]:
        return _view_of(self.comparison_json, self.seat).other_points

    @rx.var
    def compare_rows(self) -> list[Row]:
        return _view_of(self.comparison_json, self.seat).rows

    @rx.var
    def table_summary(self) -> str:
        return _view_of(self.comparison_json, self.seat).table_summary

    @rx.var
    def priority_rows(self) -> list[Row]:
        return _view_of(self.comparison_json, self.seat).priority_rows

    @rx.var
    def leanings(self) -> list[Leaning]:
        return _view_of(self.comparison_json, self.seat).leanings

    @rx.var
    def readiness_rows(self) -> list[Row]:
        return _view_of(self.comparison_json, self.seat).readiness_rows

    @rx.var
    def readiness_scores(self) -> list[str]:
        return _view_of(self.comparison_json, self.seat).readiness_scores

    @rx.var
    def readiness_caution(self) -> str:
        return _view_of(self.comparison_json, self.seat).readiness_caution
