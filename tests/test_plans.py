"""Plans made together, the pure core (advisor.plans): the comparison checked against a brute
force written apart from it, agreement, discussion points, seats' voices, and what a seat may see
before both are done."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from advisor.content import Content
from advisor.engine import recommend
from advisor.plans import SEATS, compare, plan_status, seat_profile
from advisor.profile import ANSWERS, GROUPS, Profile
from advisor.runtime import CONTENT

QUESTIONS = [a for a in ANSWERS.values() if a.question]
EXAMPLES = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _answer(answer) -> st.SearchStrategy[Any]:
    if answer.kind == "multiple":
        return st.lists(st.sampled_from(answer.values), unique=True).map(tuple)
    values = st.sampled_from(answer.values)
    return values | st.none() if answer.need == "optional" else values


def _group(answer) -> st.SearchStrategy[Any]:
    items = st.fixed_dictionaries(
        {}, optional={item: st.sampled_from(answer.values) for item in answer.items}
    )
    return st.none() | items


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    """Any valid profile: eligible with every required answer, or not eligible with any answers
    (the API accepts both)."""
    eligible = draw(st.booleans())
    answers: dict[str, Any] = {"healthcare_background": eligible}
    for answer in QUESTIONS:
        if answer.id == "healthcare_background":
            continue
        value = _answer(answer)
        if not eligible and answer.need == "when_eligible":
            value = value | st.none()
        answers[answer.id] = draw(value)
    for name in GROUPS:
        answers[name] = draw(_group(ANSWERS[name]))
    answers["audience"] = draw(st.sampled_from(["self", "supervisor"]))
    return Profile.model_validate(answers)


@st.composite
def related_pairs(draw: st.DrawFn) -> tuple[Profile, Profile]:
    """Two profiles that differ in a few answers: what two people describing one colleague
    usually give (wholly independent pairs seldom have a single disagreement that matters)."""
    first = draw(profiles())
    other = draw(profiles())
    names = draw(st.sets(st.sampled_from([a.id for a in QUESTIONS]), max_size=3))
    mixed = first.model_dump()
    for name in names:
        mixed[name] = getattr(other, name)
    try:
        second = Profile.model_validate(mixed)
    except ValidationError:
        second = other
    return (first, second) if draw(st.booleans()) else (second, first)


pairs = related_pairs() | st.tuples(profiles(), profiles())


# ---------------------------------------------------------------------------------------------
# The brute force: written from the definitions, sharing nothing with advisor.plans


def suggestion(profile: Profile, content: Content) -> str | None:
    result = recommend(profile, content.compiled_rules)
    return result.recommended if result.eligible else None


def same_answer(a: Any, b: Any) -> bool:
    if isinstance(a, tuple) or isinstance(b, tuple):
        return set(a or ()) == set(b or ())
    return a == b


def with_answer(profile: Profile, name: str, value: Any) -> Profile | None:
    """The profile with one answer taken from the other person; None when the result is not a
    profile anyone could send (an eligible one missing a required answer)."""
    try:
        return Profile.model_validate({**profile.model_dump(), name: value})
    except ValidationError:
        return None


def brute_changes(supervisor: Profile, colleague: Profile, content: Content) -> list[str]:
    supervisor = Profile.model_validate({**supervisor.model_dump(), "audience": "supervisor"})
    colleague = Profile.model_validate({**colleague.model_dump(), "audience": "self"})
    changed = []
    for question in content.questions:
        mine, theirs = getattr(supervisor, question.id), getattr(colleague, question.id)
        if same_answer(mine, theirs):
            continue
        for profile, other in ((supervisor, theirs), (colleague, mine)):
            swapped = with_answer(profile, question.id, other)
            if swapped is not None and suggestion(swapped, content) != suggestion(profile, content):
                changed.append(question.id)
                break
    return changed


@given(pair=pairs)
@EXAMPLES
def test_changes_suggestion_is_exactly_the_swaps_that_change_a_suggestion(pair):
    supervisor, colleague = pair
    comparison = compare(supervisor, colleague, CONTENT)
    assert comparison.changes_suggestion == brute_changes(supervisor, colleague, CONTENT)
    flagged = [q.question_id for q in comparison.questions if q.changes_suggestion]
    assert flagged == comparison.changes_suggestion


@given(pair=pairs)
@EXAMPLES
def test_agreement_compares_multiple_choice_as_sets(pair):
    supervisor, colleague = pair
    comparison = compare(supervisor, colleague, CONTENT)
    assert [q.question_id for q in comparison.questions] == [q.id for q in CONTENT.questions]
    for pair_of_answers in comparison.questions:
        name = pair_of_answers.question_id
        expected = same_answer(getattr(supervisor, name), getattr(colleague, name))
        assert pair_of_answers.agree is expected, name


def test_the_order_of_a_multiple_choice_answer_is_no_disagreement():
    base = {
        "healthcare_background": True,
        "role": "major_teaching",
        "career_stage": "mid",
        "research_aim": "conduct_research",
    }
    supervisor = Profile(**base, motivations=("leadership", "improve_teaching"))
    colleague = Profile(**base, motivations=("improve_teaching", "leadership"))
    comparison = compare(supervisor, colleague, CONTENT)
    (motivations,) = [q for q in comparison.questions if q.question_id == "motivations"]
    assert motivations.agree and motivations.supervisor == motivations.colleague
    assert comparison.discussion_points == []
    # One more reason is a disagreement.
    other = Profile(**base, motivations=("improve_teaching",))
    (motivations,) = [
        q for q in compare(supervisor, other, CONTENT).questions if q.question_id == "motivations"
    ]
    assert not motivations.agree


@given(pair=pairs)
@EXAMPLES
def test_discussion_points_one_per_disagreement_changing_ones_first(pair):
    supervisor, colleague = pair
    comparison = compare(supervisor, colleague, CONTENT)
    disagreements = [q for q in comparison.questions if not q.agree]
    points = comparison.discussion_points
    assert sorted(p.question_id for p in points) == sorted(q.question_id for q in disagreements)
    changing = set(comparison.changes_suggestion)
    # Those that change a suggestion first, each group in question order.
    order = [q.id for q in CONTENT.questions]
    expected = [q for q in order if q in changing] + [
        q for q in order if q not in changing and q in {d.question_id for d in disagreements}
    ]
    assert [p.question_id for p in points] == expected
    known_findings = set(CONTENT.findings_by_id)
    asks = {entry.id: entry for entry in CONTENT.decision.questions_to_ask}
    for point in points:
        assert point.changes_suggestion is (point.question_id in changing)
        assert ("changes the suggestion" in point.text) is point.changes_suggestion
        assert set(point.findings) <= known_findings, point
        for ask in point.asks:
            entry = asks[ask.id]
            assert point.question_id in {*entry.when, *entry.unless}, (point.question_id, ask.id)
            assert set(ask.findings) <= known_findings


@given(pair=pairs)
@EXAMPLES
def test_recommended_is_each_seats_own_suggestion(pair):
    supervisor, colleague = pair
    comparison = compare(supervisor, colleague, CONTENT)
    assert comparison.recommended.supervisor == suggestion(supervisor, CONTENT)
    assert comparison.recommended.colleague == suggestion(colleague, CONTENT)
    assert comparison.agree_on_suggestion is (
        comparison.recommended.supervisor == comparison.recommended.colleague
    )


BASE = {
    "healthcare_background": True,
    "role": "major_teaching",
    "career_stage": "mid",
    "motivations": ("improve_teaching",),
    "research_aim": "apply_evidence",
}


def test_a_disagreement_that_changes_the_suggestion_is_said_and_first():
    colleague = Profile(**BASE)
    supervisor = Profile(**{**BASE, "research_aim": "doctorate", "workplace": "uk"})
    comparison = compare(supervisor, colleague, CONTENT)
    assert comparison.recommended.model_dump() == {
        "supervisor": "masters",
        "colleague": "certificate",
    }
    assert comparison.changes_suggestion == ["research_aim"]
    first, *rest = comparison.discussion_points
    assert first.question_id == "research_aim" and first.changes_suggestion
    assert "master" in first.text.lower() and first.findings
    assert [p.question_id for p in rest] == ["workplace"]
    assert not rest[0].changes_suggestion


def test_an_answer_beside_a_seat_that_is_not_eligible_can_change_the_suggestion():
    # The supervisor says the colleague has no healthcare background, and still answered the
    # rest: the colleague, taking the supervisor's research plans, would be suggested another
    # option. (The comparison once looked only at the eligibility answer here.)
    colleague = Profile(**BASE)
    supervisor = Profile(**{**BASE, "healthcare_background": False, "research_aim": "doctorate"})
    comparison = compare(supervisor, colleague, CONTENT)
    assert comparison.recommended.model_dump() == {"supervisor": None, "colleague": "certificate"}
    assert comparison.changes_suggestion == ["healthcare_background", "research_aim"]
    points = {p.question_id: p for p in comparison.discussion_points}
    assert "master" in points["research_aim"].text.lower()
    text = points["healthcare_background"].text
    assert "would lead to no suggestion (the entry requirement not met)" in text
    assert "the no" not in text and "(not eligible)" not in text


def test_the_audience_follows_the_seat_whatever_the_body_says():
    answers = {
        "healthcare_background": True,
        "role": "minor_teaching",
        "career_stage": "late",
        "research_aim": "none",
    }
    for audience in ("self", "supervisor"):
        profile = Profile(**answers, audience=audience)
        assert seat_profile(profile, "supervisor").audience == "supervisor"
        assert seat_profile(profile, "colleague").audience == "self"
        assert seat_profile(profile, "colleague").model_dump(exclude={"audience"}) == (
            profile.model_dump(exclude={"audience"})
        )
    # The audience is no answer: the same answers in either voice agree everywhere.
    comparison = compare(
        Profile(**answers, audience="self"), Profile(**answers, audience="supervisor"), CONTENT
    )
    assert all(q.agree for q in comparison.questions) and comparison.discussion_points == []
    assert comparison.changes_suggestion == []


# ---------------------------------------------------------------------------------------------
# What a seat sees before both are done

SECRET_SUPERVISOR = {
    "healthcare_background": True,
    "role": "education_researcher",
    "career_stage": "early",
    "motivations": ["funding_requirement", "specialist_career"],
    "research_aim": "doctorate",
    "workplace": "international",
    "priorities": {"belonging": "low"},
    "sure": {"support": False},
}
SECRET_COLLEAGUE = {
    "healthcare_background": True,
    "role": "trainee",
    "career_stage": "late",
    "motivations": ["professional_review", "colleague_recommendation"],
    "research_aim": "apply_evidence",
    "workplace": "uk",
    "priorities": {"short_commitment": "high"},
    "sure": {"understand": True},
}
# Values only the other seat gave: none of them may appear in what this seat is shown.
ONLY_IN = {
    "supervisor": [
        "education_researcher",
        "funding_requirement",
        "specialist_career",
        "doctorate",
        "international",
    ],
    "colleague": [
        "trainee",
        "professional_review",
        "colleague_recommendation",
        "apply_evidence",
    ],
}


def status(seat: str, answers: dict[str, Profile | None], content: Content):
    return plan_status(
        plan_id=uuid.uuid4(),
        seat=seat,
        expires_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
        answers=answers,
        content=content,
    )


@pytest.mark.parametrize("done", ["supervisor", "colleague"])
def test_a_seat_never_sees_the_others_answers_before_both_are_done(done):
    given = {
        "supervisor": seat_profile(Profile(**SECRET_SUPERVISOR), "supervisor"),
        "colleague": seat_profile(Profile(**SECRET_COLLEAGUE), "colleague"),
    }
    answers = {seat: (given[seat] if seat == done else None) for seat in SEATS}
    for seat in SEATS:
        shown = status(seat, answers, CONTENT)
        assert shown.status == "waiting" and shown.comparison is None
        assert shown.seats.model_dump() == {s: {"done": s == done} for s in SEATS}
        text = json.dumps(shown.model_dump(mode="json"))
        other = "colleague" if seat == "supervisor" else "supervisor"
        for value in ONLY_IN[other]:
            assert value not in text, (seat, value)
        if seat == done:
            assert shown.answers == given[seat]
        else:
            assert shown.answers is None


def test_once_both_are_done_each_seat_sees_the_comparison():
    answers = {
        "supervisor": seat_profile(Profile(**SECRET_SUPERVISOR), "supervisor"),
        "colleague": seat_profile(Profile(**SECRET_COLLEAGUE), "colleague"),
    }
    for seat in SEATS:
        shown = status(seat, answers, CONTENT)
        assert shown.status == "complete" and shown.seat == seat
        assert shown.answers == answers[seat]
        assert shown.comparison == compare(answers["supervisor"], answers["colleague"], CONTENT)
        text = json.dumps(shown.model_dump(mode="json"))
        for value in ONLY_IN["supervisor"] + ONLY_IN["colleague"]:
            assert value in text, value


def test_an_empty_plan_is_waiting_for_both():
    shown = status("colleague", {"supervisor": None, "colleague": None}, CONTENT)
    assert shown.status == "waiting" and shown.comparison is None and shown.answers is None
    assert not shown.seats.supervisor.done and not shown.seats.colleague.done
