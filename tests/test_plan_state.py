"""A plan's draft without a browser: its own storage, one plan and seat at a time, the voice the
seat gives, and the browser's values checked as AnswersState's are."""

import uuid

import pytest

from advisor.answers import MAX_TEXT_CHARS
from advisor.pages.plan import PlanAnswersState
from advisor.state import STORED_REFUSED, AnswersState

PLAN = uuid.UUID("12345678-1234-5678-1234-567812345678")
OTHER = uuid.UUID("87654321-4321-8765-4321-876543218765")
SENT = (
    "audience=self&healthcare_background=yes&role=trainee&career_stage=early"
    "&motivations=improve_teaching&research_aim=none"
)


@pytest.fixture
def draft():
    return PlanAnswersState()


def storage_names(state_class) -> dict[str, str]:
    fields = state_class.get_fields()
    return {
        name: fields[name].default.name
        for name in ("stored", "position")
        if hasattr(fields[name].default, "name")
    }


def test_the_draft_is_kept_apart_from_the_persons_own_answers() -> None:
    own, plan = storage_names(AnswersState), storage_names(PlanAnswersState)
    assert set(own) == set(plan) == {"stored", "position"}
    assert not set(own.values()) & set(plan.values())


def test_a_new_plan_starts_an_empty_draft_in_the_seats_voice(draft) -> None:
    draft._begin(f"{PLAN}:supervisor", "supervisor", "")
    assert draft.is_supervisor and draft.current_question == "healthcare_background"
    draft.set_answer("healthcare_background", "yes")
    draft.next_step()
    assert draft.current_question == "role"
    # The same plan and seat again (a reload): the draft is kept where it was.
    draft._begin(f"{PLAN}:supervisor", "supervisor", "")
    assert draft.current_question == "role" and draft.choices["healthcare_background"] == "yes"
    # The other seat, or another plan, starts afresh.
    draft._begin(f"{PLAN}:colleague", "self", "")
    assert not draft.is_supervisor and draft.choices["healthcare_background"] == ""
    assert draft.current_question == "healthcare_background"
    draft._begin(f"{OTHER}:colleague", "self", "")
    assert draft.draft_for == f"{OTHER}:colleague"


def test_a_draft_of_answers_already_sent_opens_at_the_review(draft) -> None:
    draft._begin(f"{PLAN}:colleague", "self", SENT)
    assert draft.current_question == "review" and draft.complete


def test_the_seat_decides_the_voice_whatever_the_browser_kept(draft) -> None:
    draft._begin(f"{PLAN}:colleague", "self", "")
    draft.stored = SENT.replace("audience=self", "audience=supervisor")
    draft._begin(f"{PLAN}:colleague", "self", "")
    assert draft.audience == "self"


def test_the_readiness_check_is_answered_in_the_draft(draft) -> None:
    draft._begin(f"{PLAN}:colleague", "self", SENT)
    draft.set_readiness("sure", "no")
    draft.set_readiness("support", "yes")
    assert draft.sure_choices["sure"] == "no" and draft.sure_score == 1


def test_change_from_the_review_stays_on_the_plan_page(draft) -> None:
    draft._begin(f"{PLAN}:colleague", "self", SENT)
    events = draft.go_to_step(1)
    assert draft.current_question == "role" and draft.editing
    # No redirect to /assess: the plan page holds the questions.
    assert "/assess" not in repr(events)


def test_answers_state_change_still_goes_to_assess() -> None:
    state = AnswersState()
    assert "/assess" in repr(state.go_to_step(0))


@pytest.mark.parametrize("value", [None, 12, "x" * 100])
def test_a_draft_for_that_cannot_be_a_plan_and_seat_is_not_kept(draft, value) -> None:
    draft.draft_for = value
    assert draft.draft_for == ""


def test_browser_values_are_checked_as_for_the_own_answers(draft) -> None:
    draft.stored = "x" * (MAX_TEXT_CHARS + 1)
    assert draft.stored == "" and draft.link_problem == STORED_REFUSED
    draft.position = "-1"
    assert draft.position == "0"


def test_forget_clears_the_draft(draft) -> None:
    draft._begin(f"{PLAN}:colleague", "self", SENT)
    draft._forget()
    assert draft.stored == "" and draft.draft_for == "" and draft.position == "0"
