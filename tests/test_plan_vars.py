"""The plan page's comparison vars (advisor.plan_vars): empty until both are done, then the view."""

from __future__ import annotations

from advisor.content import Content
from advisor.pages.plan import PlanState
from advisor.plan_view import build
from advisor.plans import compare
from advisor.profile import Profile

SUPERVISOR = Profile(
    healthcare_background=True,
    role="education_lead",
    career_stage="early",
    research_aim="conduct_research",
    motivations=("career_prospects",),
)
COLLEAGUE = SUPERVISOR.model_copy(update={"research_aim": "none", "role": "minor_teaching"})


def test_the_vars_are_empty_until_both_are_done_then_follow_the_seat(content: Content) -> None:
    state = PlanState()
    assert not state.compared
    assert state.compare_rows == state.key_points == state.suggestions == []
    assert state.compare_columns == state.readiness_rows == state.leanings == []
    assert state.suggestion_summary == state.readiness_caution == ""

    comparison = compare(SUPERVISOR, COLLEAGUE, content)
    state.comparison_json = comparison.model_dump_json()
    state.seat = "supervisor"
    view = build(comparison, "supervisor", content)
    assert state.compared
    assert state.compare_rows == view.rows
    assert state.key_points == view.key_points and state.key_points
    assert [c.heading for c in state.compare_columns] == ["Colleague", "Supervisor (you)"]
    state.seat = "colleague"
    assert [c.heading for c in state.compare_columns] == ["Colleague (you)", "Supervisor"]
    assert state.readiness_caution == comparison.readiness_caution
