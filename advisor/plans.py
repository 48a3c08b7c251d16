"""Planning together: a supervisor and a colleague answer apart, then compare (pure core).

Each of the two seats answers the same questionnaire: the colleague about themselves, the
supervisor about the colleague. `compare` sets the two answers side by side, says which
disagreements change a suggestion, and turns each disagreement into a discussion point grounded
in the rules' findings and the questions to ask. Storage is advisor.db's, the pages' and the
API's are thin shells over this.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from pydantic import Field, ValidationError

from advisor.content import Content
from advisor.decision_aid import AskOut
from advisor.engine import recommend
from advisor.evidence import EXIT_POINT_NAMES, ExitPoint, Frozen
from advisor.profile import ANSWERS, Audience, Profile
from advisor.questions import Question
from advisor.recommendation import Recommendation
from advisor.rule_table import hold

Seat = Literal["supervisor", "colleague"]
SEATS: tuple[Seat, ...] = ("supervisor", "colleague")
# Whose voice each seat answers in: the colleague about themselves, the supervisor about them.
SEAT_AUDIENCE: dict[Seat, Audience] = {"supervisor": "supervisor", "colleague": "self"}
SEAT_NAMES: dict[Seat, str] = {"supervisor": "Supervisor", "colleague": "Colleague"}

# Said beside the two readiness checks. Studies of shared decision making report that the
# person advising tends to think the other less unsure than that person says they are.
READINESS_CAUTION = (
    "Read the colleague's answers first. Studies of shared decision making have found that "
    "the person advising often thinks the other person is much more sure than that person "
    "says they are. Where the two differ, the colleague's own answer is the one to talk about."
)

AnswerValue = bool | str | list[str] | None


def plan_path(plan_id: object, token: str) -> str:
    """A seat's private link: the plan page, with the seat's token."""
    return f"/plan/{plan_id}?key={token}"


class SeatPair(Frozen):
    """One thing each seat said (or was given)."""

    supervisor: Any
    colleague: Any


class QuestionPair(Frozen):
    question_id: str
    label: str = Field(description="The question's short label")
    supervisor: AnswerValue
    colleague: AnswerValue
    supervisor_text: str = Field(description="The supervisor's answer as the question words it")
    colleague_text: str
    agree: bool
    changes_suggestion: bool = Field(
        description="True when taking the other's answer here changes a suggestion"
    )


class PriorityPair(Frozen):
    item: str
    label: str
    supervisor: str | None = Field(description="low, medium, high, or null when not rated")
    colleague: str | None
    agree: bool


class ReadinessPair(Frozen):
    item: str
    label: str = Field(description="The item as the colleague read it")
    supervisor: bool | None
    colleague: bool | None
    agree: bool


class DiscussionPoint(Frozen):
    question_id: str
    changes_suggestion: bool
    text: str
    findings: list[str] = Field(description="The findings of the rules this answer moves")
    asks: list[AskOut] = Field(description="Questions to ask that bear on this answer")


class Comparison(Frozen):
    """Both seats' answers side by side, once both have finished."""

    questions: list[QuestionPair]
    recommended: SeatPair = Field(description="Each seat's suggested exit point (null: none)")
    confidence: SeatPair = Field(description="How firm each suggestion is")
    agree_on_suggestion: bool
    changes_suggestion: list[str] = Field(
        description="The question ids whose disagreement changes a suggestion, in question order"
    )
    discussion_points: list[DiscussionPoint] = Field(
        description="One per disagreement: those that change a suggestion first"
    )
    priorities: list[PriorityPair]
    leaning: SeatPair = Field(description="Where each seat's priorities lean (null: no leaning)")
    readiness: list[ReadinessPair]
    readiness_score: SeatPair = Field(description="Yes answers of each readiness check")
    readiness_caution: str


def seat_profile(profile: Profile, seat: Seat) -> Profile:
    """The answers as that seat gives them: the audience follows from the seat, whatever the
    body said."""
    wanted = SEAT_AUDIENCE[seat]
    return (
        profile if profile.audience == wanted else profile.model_copy(update={"audience": wanted})
    )


def _value(profile: Profile, question_id: str) -> AnswerValue:
    value = getattr(profile, question_id)
    return sorted(value) if isinstance(value, tuple) else value


def _answer_text(question: Question, value: AnswerValue) -> str:
    if value is None or value == []:
        return "Not answered"
    values = value if isinstance(value, list) else [value]
    labels = []
    for each in values:
        option = question.option(each)
        labels.append(option.label if option is not None else str(each))
    return "; ".join(labels)


def _outcome(exit_point: str | None) -> str:
    """What a set of answers leads to, as the discussion text names it."""
    if exit_point in EXIT_POINT_NAMES:
        return f"the {EXIT_POINT_NAMES[exit_point]}"
    return "no suggestion (the entry requirement not met)"


def _suggested(result: Recommendation) -> ExitPoint | None:
    return result.recommended if result.eligible else None


def _swapped(profile: Profile, question_id: str, value: AnswerValue) -> Profile | None:
    """The profile with the other seat's answer to one question; None when that is no profile
    anyone could send (an eligible one without a required answer), so it suggests nothing."""
    given = tuple(value) if isinstance(value, list) else value
    try:
        return Profile.model_validate({**dict(profile), question_id: given})
    except ValidationError:
        return None


def _engine_answers(profile: Profile) -> dict[str, Any]:
    return {name: getattr(profile, name) for name in ANSWERS}


def compare(supervisor: Profile, colleague: Profile, content: Content) -> Comparison:
    """The comparison of the supervisor's answers about the colleague and the colleague's own."""
    rules = content.compiled_rules
    supervisor = seat_profile(supervisor, "supervisor")
    colleague = seat_profile(colleague, "colleague")
    results = {"supervisor": recommend(supervisor, rules), "colleague": recommend(colleague, rules)}
    profiles = {"supervisor": supervisor, "colleague": colleague}
    suggested = {seat: _suggested(results[seat]) for seat in SEATS}

    questions: list[QuestionPair] = []
    points: list[DiscussionPoint] = []
    for question in content.questions:
        qid = question.id
        said = {seat: _value(profiles[seat], qid) for seat in SEATS}
        agree = said["supervisor"] == said["colleague"]
        # A seat's suggestion with the other's answer here, where that changes it. Every
        # disagreement is tried, for both seats: an optional answer one seat left out, the
        # eligibility answer, and the answers of an eligible seat beside one that is not.
        moves: dict[Seat, ExitPoint | None] = {}
        if not agree:
            for seat, other in (("colleague", "supervisor"), ("supervisor", "colleague")):
                swapped = _swapped(profiles[seat], qid, said[other])
                if swapped is None:
                    continue
                moved = _suggested(recommend(swapped, rules))
                if moved != suggested[seat]:
                    moves[seat] = moved
        changes = bool(moves)
        texts = {seat: _answer_text(question, said[seat]) for seat in SEATS}
        questions.append(
            QuestionPair(
                question_id=qid,
                label=question.short,
                supervisor=said["supervisor"],
                colleague=said["colleague"],
                supervisor_text=texts["supervisor"],
                colleague_text=texts["colleague"],
                agree=agree,
                changes_suggestion=changes,
            )
        )
        if not agree:
            points.append(_point(question, texts, moves, suggested, profiles, content))
    points.sort(key=lambda point: not point.changes_suggestion)  # stable: question order kept

    priorities = _priority_pairs(supervisor, colleague, content)
    readiness = _readiness_pairs(supervisor, colleague, content)
    return Comparison(
        questions=questions,
        recommended=SeatPair(**suggested),
        confidence=SeatPair(
            supervisor=results["supervisor"].confidence, colleague=results["colleague"].confidence
        ),
        agree_on_suggestion=suggested["supervisor"] == suggested["colleague"],
        changes_suggestion=[pair.question_id for pair in questions if pair.changes_suggestion],
        discussion_points=points,
        priorities=priorities,
        leaning=SeatPair(
            supervisor=_leaning(results["supervisor"]), colleague=_leaning(results["colleague"])
        ),
        readiness=readiness,
        readiness_score=SeatPair(
            supervisor=results["supervisor"].sure.score, colleague=results["colleague"].sure.score
        ),
        readiness_caution=READINESS_CAUTION,
    )


def _leaning(result: Recommendation) -> str | None:
    fit = result.priorities_fit
    return fit.leaning if fit is not None else None


def _point(
    question: Question,
    texts: dict[Seat, str],
    moves: dict[Seat, ExitPoint | None],
    suggested: dict[Seat, ExitPoint | None],
    profiles: dict[Seat, Profile],
    content: Content,
) -> DiscussionPoint:
    said = (
        f"{question.short}: the supervisor answered “{texts['supervisor']}”, the colleague "
        f"“{texts['colleague']}”."
    )
    if "colleague" in moves:
        effect = (
            f" This changes the suggestion: with the supervisor's answer here, the colleague's "
            f"own answers would lead to {_outcome(moves['colleague'])}; now they lead to "
            f"{_outcome(suggested['colleague'])}. Talk through which answer describes the "
            "colleague now."
        )
    elif "supervisor" in moves:
        effect = (
            f" This changes the suggestion: with the colleague's answer here, the supervisor's "
            f"answers would lead to {_outcome(moves['supervisor'])}; now they lead to "
            f"{_outcome(suggested['supervisor'])}. Talk through which answer describes the "
            "colleague now."
        )
    else:
        effect = (
            " On its own this does not change either suggestion, but it is worth checking that "
            "you both mean the same thing."
        )
    return DiscussionPoint(
        question_id=question.id,
        changes_suggestion=bool(moves),
        text=said + effect,
        findings=_findings_moved(question.id, profiles, content),
        asks=_asks_on(question.id, profiles, suggested, content),
    )


def _findings_moved(question_id: str, profiles: dict[Seat, Profile], content: Content) -> list[str]:
    """The findings of the rules with a condition on this question that hold for one seat's
    answers and not the other's; if none differ, of those that hold for either."""
    rules = content.compiled_rules
    answers = {seat: _engine_answers(profiles[seat]) for seat in SEATS}
    touching = [rules.entries[split[0]] for split in rules.by_field.get(question_id, ())]
    differ, either = [], []
    for rule in touching:
        fired = {seat: rule.fires(answers[seat]) for seat in SEATS}
        if fired["supervisor"] != fired["colleague"]:
            differ.append(rule)
        if any(fired.values()):
            either.append(rule)
    found: list[str] = []
    for rule in differ or either:
        found.extend(f for f in sorted(rule.findings) if f not in found)
    return found


def _asks_on(
    question_id: str,
    profiles: dict[Seat, Profile],
    suggested: dict[Seat, ExitPoint | None],
    content: Content,
) -> list[AskOut]:
    """The questions to ask whose conditions name this question and that apply to either seat's
    answers, in the colleague's voice (the decision is theirs)."""
    aid = content.compiled_rules.aid
    chosen: list[AskOut] = []
    for ask in aid.asks:
        if question_id not in {c[0] for c in (*ask.when, *ask.unless)}:
            continue
        for seat in SEATS:
            if suggested[seat] is None:
                continue
            if ask.suggested and suggested[seat] not in ask.suggested:
                continue
            if hold(ask.when, ask.unless, _engine_answers(profiles[seat])):
                chosen.append(ask.out["self"][0])
                break
    return chosen


def _priority_pairs(
    supervisor: Profile, colleague: Profile, content: Content
) -> list[PriorityPair]:
    rated = {
        "supervisor": supervisor.priorities.given() if supervisor.priorities else {},
        "colleague": colleague.priorities.given() if colleague.priorities else {},
    }
    return [
        PriorityPair(
            item=item.id,
            label=item.label.self,
            supervisor=rated["supervisor"].get(item.id),
            colleague=rated["colleague"].get(item.id),
            agree=rated["supervisor"].get(item.id) == rated["colleague"].get(item.id),
        )
        for item in content.priorities.items
    ]


def _readiness_pairs(
    supervisor: Profile, colleague: Profile, content: Content
) -> list[ReadinessPair]:
    given = {
        "supervisor": supervisor.sure.given() if supervisor.sure else {},
        "colleague": colleague.sure.given() if colleague.sure else {},
    }
    return [
        ReadinessPair(
            item=item.id,
            label=item.prompt.self,
            supervisor=given["supervisor"].get(item.id),
            colleague=given["colleague"].get(item.id),
            agree=given["supervisor"].get(item.id) == given["colleague"].get(item.id),
        )
        for item in content.readiness.items
    ]


class SeatState(Frozen):
    done: bool


class PlanSeats(Frozen):
    supervisor: SeatState
    colleague: SeatState


class PlanStatus(Frozen):
    """What one seat may see of a plan: whether each seat is done, its own answers, and the
    comparison once both are done (never the other seat's answers before)."""

    id: uuid.UUID
    seat: Seat = Field(description="Whose token this is")
    status: Literal["waiting", "complete"]
    seats: PlanSeats
    expires_at: dt.datetime
    answers: Profile | None = Field(
        description="The answers this seat sent (never the other seat's); null until sent"
    )
    comparison: Comparison | None = Field(
        description="Both seats' answers side by side: null until both are done"
    )


def plan_status(
    *,
    plan_id: uuid.UUID,
    seat: Seat,
    expires_at: dt.datetime,
    answers: dict[Seat, Profile | None],
    content: Content,
) -> PlanStatus:
    """A plan as `seat` sees it, from both seats' answers (None: not sent yet)."""
    supervisor, colleague = answers["supervisor"], answers["colleague"]
    complete = supervisor is not None and colleague is not None
    return PlanStatus(
        id=plan_id,
        seat=seat,
        status="complete" if complete else "waiting",
        seats=PlanSeats(
            supervisor=SeatState(done=supervisor is not None),
            colleague=SeatState(done=colleague is not None),
        ),
        expires_at=expires_at,
        answers=answers[seat],
        comparison=compare(supervisor, colleague, content) if complete else None,
    )
