"""The questionnaire and rule-table models, and the pure engine: profile in, recommendation out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError, to_json

from advisor.evidence import (
    EXIT_POINT_NAMES,
    EXIT_POINTS,
    STRENGTHS,
    ExitPoint,
    Frozen,
    Outcome,
    Slug,
    Strength,
    Text,
)

if TYPE_CHECKING:
    from advisor.content import Content

# ---------------------------------------------------------------------------------------------
# The profile: a person's answers. Its fields are the API's request body and the questionnaire's
# question ids; the content loader checks that questions.yaml offers exactly these values.

Audience = Literal["self", "supervisor"]
Role = Literal[
    "trainee", "minor_teaching", "major_teaching", "education_lead", "education_researcher"
]
CareerStage = Literal["early", "mid", "late"]
Motivation = Literal[
    "improve_teaching",
    "education_interest",
    "career_prospects",
    "professional_review",
    "institutional_requirement",
    "funding_requirement",
    "specialist_career",
    "leadership",
    "colleague_recommendation",
]
ResearchAim = Literal["none", "apply_evidence", "conduct_research", "doctorate"]
Workplace = Literal["uk", "international"]
Confidence = Literal["strong", "moderate", "tentative"]
CONFIDENCES: tuple[Confidence, ...] = ("strong", "moderate", "tentative")

# Answers every eligible profile must give (the eligibility answer itself is always required).
REQUIRED_WHEN_ELIGIBLE = ("role", "career_stage", "research_aim")


class Profile(BaseModel):
    """One person's answers. Multiple choice only: nothing here can identify anyone."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    audience: Audience = Field(
        default="self",
        description="Who is answering: the person themselves, or a supervisor about a colleague.",
    )
    healthcare_background: StrictBool = Field(
        description="An educational or professional background in healthcare (entry requirement)."
    )
    role: Role | None = Field(
        default=None,
        description="Role in education (required when healthcare_background is true).",
    )
    career_stage: CareerStage | None = Field(
        default=None,
        description="early: in training or under 30; mid: 30-45; late: over 45 "
        "(required when healthcare_background is true).",
    )
    motivations: tuple[Motivation, ...] = Field(
        default=(),
        max_length=len(get_args(Motivation)),
        description="Reasons for studying; any number, each at most once.",
    )
    research_aim: ResearchAim | None = Field(
        default=None,
        description="The part research should play (required when healthcare_background is true).",
    )
    workplace: Workplace | None = Field(default=None, description="Optional: uk or international.")

    @field_validator("motivations", mode="before")
    @classmethod
    def _not_longer_than_the_options(cls, value: Any) -> Any:
        # Before the items are checked: pydantic checks every item of a list before its
        # length, so 12,900 unknown reasons would cost 12,900 errors (about a second of CPU).
        limit = len(get_args(Motivation))
        if isinstance(value, (list, tuple)) and len(value) > limit:
            raise PydanticCustomError(
                "too_long",
                "Tuple should have at most {max_length} items after validation, "
                "not {actual_length}",
                {"field_type": "Tuple", "max_length": limit, "actual_length": len(value)},
            )
        return value

    @field_validator("motivations")
    @classmethod
    def _no_repeats(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        repeated = sorted({m for m in value if value.count(m) > 1})
        if repeated:
            raise ValueError(f"each motivation may appear once; repeated: {', '.join(repeated)}")
        return value

    @model_validator(mode="after")
    def _eligible_profiles_answer_everything(self) -> Profile:
        if self.healthcare_background:
            missing = [name for name in REQUIRED_WHEN_ELIGIBLE if getattr(self, name) is None]
            if missing:
                raise ValidationError.from_exception_data(
                    "Profile",
                    [
                        InitErrorDetails(
                            type="missing", loc=(name,), input=self.model_dump(exclude={name})
                        )
                        for name in missing
                    ],
                )
        return self


PROFILE_ANSWER_VALUES: dict[str, tuple[Any, ...]] = {
    "healthcare_background": (True, False),
    "role": get_args(Role),
    "career_stage": get_args(CareerStage),
    "motivations": get_args(Motivation),
    "research_aim": get_args(ResearchAim),
    "workplace": get_args(Workplace),
}
OPTIONAL_ANSWERS = frozenset({"workplace", "motivations"})

# ---------------------------------------------------------------------------------------------
# Content models: questions.yaml and rules.yaml.

QuestionKind = Literal["boolean", "single", "multiple"]
QUESTION_KINDS: dict[str, QuestionKind] = {
    "healthcare_background": "boolean",
    "role": "single",
    "career_stage": "single",
    "motivations": "multiple",
    "research_aim": "single",
    "workplace": "single",
}


class Wording(Frozen):
    """One text in two voices: to the person, and to a supervisor about a colleague."""

    self: Text
    supervisor: Text

    def for_audience(self, audience: str) -> str:
        return self.supervisor if audience == "supervisor" else self.self


class Option(Frozen):
    value: StrictBool | str
    label: Text
    help: Text


class Question(Frozen):
    id: Annotated[str, Field(pattern=r"^[a-z_]+$")]
    kind: QuestionKind
    short: Text = Field(description="A two- or three-word label for reviews and explanations.")
    prompt: Wording
    help: Text
    required: bool = True
    options: list[Option] = Field(min_length=2)

    def option(self, value: Any) -> Option | None:
        for option in self.options:
            if option.value == value and type(option.value) is type(value):
                return option
        return None


class WeightEffect(Frozen):
    kind: Literal["weight"]
    favours: ExitPoint
    weight: float = Field(gt=0, le=10)


class IneligibleEffect(Frozen):
    kind: Literal["ineligible"]


Conditions = dict[Annotated[str, Field(pattern=r"^[a-z_]+$")], list[StrictBool | str]]


class Rule(Frozen):
    id: Slug
    when: Conditions = Field(min_length=1)
    unless: Conditions = Field(default_factory=dict)
    effect: Annotated[WeightEffect | IneligibleEffect, Field(discriminator="kind")]
    findings: list[Slug] = Field(min_length=1)
    rationale: Text
    reason: Wording


class ConfidenceRule(Frozen):
    strong_margin: float = Field(gt=0)
    moderate_margin: float = Field(gt=0)
    strength_caps: dict[Strength, Confidence]

    @model_validator(mode="after")
    def _ordered(self) -> ConfidenceRule:
        if self.moderate_margin > self.strong_margin:
            raise ValueError("moderate_margin must not exceed strong_margin")
        missing = [s for s in STRENGTHS if s not in self.strength_caps]
        if missing:
            raise ValueError(f"strength_caps needs a cap for: {', '.join(missing)}")
        return self


class Scoring(Frozen):
    order: list[ExitPoint]
    confidence: ConfidenceRule

    @field_validator("order")
    @classmethod
    def _all_three(cls, value: list[str]) -> list[str]:
        if sorted(value) != sorted(EXIT_POINTS):
            raise ValueError("order must list certificate, diploma and masters once each")
        return value


class StepUp(Frozen):
    route: list[ExitPoint]
    findings: list[Slug] = Field(min_length=1)
    text: Wording


class Ineligible(Frozen):
    findings: list[Slug] = Field(min_length=1)
    text: Wording


class Caveat(Frozen):
    id: Slug
    text: Text


class QuestionsFile(Frozen):
    questions: list[Question] = Field(min_length=1)


class RulesFile(Frozen):
    scoring: Scoring
    step_up: StepUp
    ineligible: Ineligible
    caveats: list[Caveat] = Field(default_factory=list)
    rules: list[Rule] = Field(min_length=1)


# ---------------------------------------------------------------------------------------------
# The engine's output.


class Ranked(Frozen):
    exit_point: ExitPoint
    name: str
    score: float


class Reason(Frozen):
    rule_id: str
    favours: ExitPoint | None = Field(description="null for the eligibility rule")
    weight: float
    text: str = Field(description="Why it applies, in the audience's voice")
    rationale: str = Field(description="What in the study the rule rests on")
    findings: list[str]


class Change(Frozen):
    question_id: str
    change: Literal["set", "add", "remove"]
    answer: bool | str
    recommended: ExitPoint | None
    text: str


class QuoteOut(Frozen):
    id: str
    speaker: str
    exit_point: ExitPoint
    stance: Literal["supports", "cautions"]
    shown_for: Literal["recommended", "alternative", "caution"]
    text: str
    findings: list[str]


class StepUpOut(Frozen):
    route: list[ExitPoint]
    text: str
    findings: list[str]


class Recommendation(Frozen):
    """The engine's answer. Built without re-validation from parts compiled once per content
    (outcomes, caveats, quotations, reasons are shared between results): treat it as read-only."""

    eligible: bool
    audience: Audience
    recommended: ExitPoint | None
    confidence: Confidence | None
    evidence_strength: Strength | None = Field(
        description="The strongest kind of evidence behind the recommended exit point"
    )
    ranking: list[Ranked]
    reasons: list[Reason]
    what_would_change: list[Change]
    quotes: list[QuoteOut]
    outcomes: list[Outcome]
    step_up: StepUpOut | None
    explanation: str | None = Field(description="Set when no exit point can be recommended")
    caveats: list[Caveat]
    evidence_version: str


# ---------------------------------------------------------------------------------------------
# The compiled rule table. Built once per loaded content; every lookup the engine makes per call
# is a tuple index or a set membership test.


# A condition: (question id, the answers that satisfy it, whether the question is multiple
# choice). Plain tuples, unpacked in the loops below, keep the hot path free of method calls.
_Check = tuple[str, frozenset[Any], bool]

_M = TypeVar("_M", bound=BaseModel)
# A shared part of results: the model, and its JSON exactly as pydantic writes it, encoded once.
_Part = tuple[_M, bytes]


def _part(model: _M) -> _Part[_M]:
    return model, model.__pydantic_serializer__.to_json(model)


@dataclass(frozen=True, slots=True)
class _CompiledRule:
    id: str
    when: tuple[_Check, ...]
    unless: tuple[_Check, ...]
    ineligible: bool
    favours: int  # index into EXIT_POINTS, -1 for eligibility rules
    weight: float
    best_strength: int  # index into STRENGTHS of its strongest finding about `favours`
    reasons: dict[str, _Part[Reason]]  # by audience
    findings: frozenset[str]

    def fires(self, answers: dict[str, Any]) -> bool:
        for field, allowed, multiple in self.when:
            value = answers[field]
            if allowed.isdisjoint(value) if multiple else value not in allowed:
                return False
        for field, allowed, multiple in self.unless:
            value = answers[field]
            if not allowed.isdisjoint(value) if multiple else value in allowed:
                return False
        return True


@dataclass(frozen=True, slots=True)
class _Quote:
    out: dict[str, _Part[QuoteOut]]  # by shown_for
    level: int
    stance: str
    findings: frozenset[str]


@dataclass(frozen=True, slots=True)
class _SharedJson:
    """The JSON of what every result shares, encoded once by pydantic (see `recommend_json`)."""

    values: dict[Any, bytes]  # every enumerated value a result names (audience, exit point...)
    explanation: dict[str, bytes]  # for an ineligible profile, by audience
    outcomes: bytes  # `],"outcomes":[...],"step_up":`: from the end of the quotes on
    caveats: bytes  # `,"caveats":[...],"evidence_version":"..."}`: the end of the object


@dataclass(frozen=True, slots=True)
class Engine:
    """The rule table compiled for fast evaluation; built by `compile_engine`."""

    rules: tuple[_CompiledRule, ...]
    questions: tuple[Question, ...]
    by_order: tuple[int, ...]  # exit point indexes in tie-break order
    # For each question, for each answer value: the rules whose conditions name that value.
    touching: dict[str, dict[Any, tuple[int, ...]]]
    # Interned immutable parts of results: explanations of changes, keyed by (question, change,
    # answer, target), and ranking entries, keyed by (exit point index, score).
    change_cache: dict[tuple[Any, ...], _Part[Change]]
    ranked_cache: dict[tuple[int, float], _Part[Ranked]]
    strong_margin: float
    moderate_margin: float
    caps: tuple[int, ...]  # by strength index: index into CONFIDENCES
    quotes: tuple[_Quote, ...]
    outcomes: list[Outcome]
    step_up: dict[str, _Part[StepUpOut]]
    step_up_route: tuple[int, ...]
    ineligible_text: dict[str, str]
    caveats: list[Caveat]
    evidence_version: str
    # The JSON of the parts every result shares, for `recommend_json`.
    json: _SharedJson


def _checks(conditions: dict[str, list[Any]]) -> tuple[_Check, ...]:
    return tuple(
        (field, frozenset(values), QUESTION_KINDS.get(field) == "multiple")
        for field, values in conditions.items()
    )


def compile_engine(
    *,
    questions: list[Question],
    rules_file: RulesFile,
    findings: dict[str, Any],
    quotations: list[Any],
    outcomes: list[Outcome],
    caveats: list[Caveat],
    evidence_version: str,
) -> Engine:
    """Turn validated content into the engine's lookup tables (content must be cross-checked)."""
    compiled: list[_CompiledRule] = []
    touching: dict[str, dict[Any, list[int]]] = {q.id: {} for q in questions}
    for index, rule in enumerate(rules_file.rules):
        effect = rule.effect
        favours = EXIT_POINTS.index(effect.favours) if effect.kind == "weight" else -1
        about = [
            STRENGTHS.index(findings[f].strength)
            for f in rule.findings
            if favours < 0 or EXIT_POINTS[favours] in findings[f].exit_points
        ]
        reasons = {
            audience: _part(
                Reason(
                    rule_id=rule.id,
                    favours=None if favours < 0 else EXIT_POINTS[favours],
                    weight=effect.weight if effect.kind == "weight" else 0.0,
                    text=rule.reason.for_audience(audience),
                    rationale=rule.rationale,
                    findings=list(rule.findings),
                )
            )
            for audience in get_args(Audience)
        }
        compiled.append(
            _CompiledRule(
                id=rule.id,
                when=_checks(rule.when),
                unless=_checks(rule.unless),
                ineligible=effect.kind == "ineligible",
                favours=favours,
                weight=effect.weight if effect.kind == "weight" else 0.0,
                best_strength=min(about, default=len(STRENGTHS) - 1),
                reasons=reasons,
                findings=frozenset(rule.findings),
            )
        )
        for conditions in (rule.when, rule.unless):
            for field, values in conditions.items():
                for value in values:
                    bucket = touching.setdefault(field, {}).setdefault(value, [])
                    if index not in bucket:
                        bucket.append(index)

    scoring = rules_file.scoring
    quotes = tuple(
        _Quote(
            out={
                shown_for: _part(
                    QuoteOut(
                        id=q.id,
                        speaker=q.speaker,
                        exit_point=q.level,
                        stance=q.stance,
                        shown_for=shown_for,
                        text=q.text,
                        findings=list(q.findings),
                    )
                )
                for shown_for in ("recommended", "alternative", "caution")
            },
            level=EXIT_POINTS.index(q.level),
            stance=q.stance,
            findings=frozenset(q.findings),
        )
        for q in quotations
    )
    by_exit = {o.exit_point: o for o in outcomes}
    ordered_outcomes = [by_exit[e] for e in EXIT_POINTS if e in by_exit]
    ineligible_text = {a: rules_file.ineligible.text.for_audience(a) for a in get_args(Audience)}
    return Engine(
        rules=tuple(compiled),
        questions=tuple(questions),
        by_order=tuple(EXIT_POINTS.index(e) for e in scoring.order),
        touching={
            field: {value: tuple(ix) for value, ix in by_value.items()}
            for field, by_value in touching.items()
        },
        change_cache={},
        ranked_cache={},
        strong_margin=scoring.confidence.strong_margin,
        moderate_margin=scoring.confidence.moderate_margin,
        caps=tuple(CONFIDENCES.index(scoring.confidence.strength_caps[s]) for s in STRENGTHS),
        quotes=quotes,
        outcomes=ordered_outcomes,
        step_up={
            audience: _part(
                StepUpOut(
                    route=list(rules_file.step_up.route),
                    text=rules_file.step_up.text.for_audience(audience),
                    findings=list(rules_file.step_up.findings),
                )
            )
            for audience in get_args(Audience)
        },
        step_up_route=tuple(EXIT_POINTS.index(e) for e in rules_file.step_up.route),
        ineligible_text=ineligible_text,
        caveats=caveats,
        evidence_version=evidence_version,
        json=_SharedJson(
            values={
                value: to_json(value)
                for value in (*get_args(Audience), *EXIT_POINTS, *CONFIDENCES, *STRENGTHS)
            },
            explanation={a: to_json(text) for a, text in ineligible_text.items()},
            outcomes=b'],"outcomes":' + _json_list(ordered_outcomes) + b',"step_up":',
            caveats=b',"caveats":'
            + _json_list(caveats)
            + b',"evidence_version":'
            + to_json(evidence_version)
            + b"}",
        ),
    )


def _json_list(models: list[Any]) -> bytes:
    return b"[" + b",".join(m.__pydantic_serializer__.to_json(m) for m in models) + b"]"


# ---------------------------------------------------------------------------------------------
# The engine.


def _answers(profile: Profile) -> dict[str, Any]:
    return {
        "healthcare_background": profile.healthcare_background,
        "role": profile.role,
        "career_stage": profile.career_stage,
        "motivations": frozenset(profile.motivations),
        "research_aim": profile.research_aim,
        "workplace": profile.workplace,
    }


def _top(engine: Engine, scores: list[float]) -> int:
    """The best exit point; ties go to the one earlier in the scoring order."""
    best = engine.by_order[0]
    for i in engine.by_order[1:]:
        if scores[i] > scores[best]:
            best = i
    return best


def _score(engine: Engine, answers: dict[str, Any]) -> tuple[bool, list[float], list[int]]:
    """Eligibility, the three scores and the indexes of the rules that fired."""
    scores = [0.0, 0.0, 0.0]
    fired: list[int] = []
    eligible = True
    for index, rule in enumerate(engine.rules):
        if rule.fires(answers):
            fired.append(index)
            if rule.ineligible:
                eligible = False
            else:
                scores[rule.favours] += rule.weight
    return eligible, scores, fired


def _change(question: Question, change: str, option: Option, target: int | None) -> Change:
    exit_point = None if target is None else EXIT_POINTS[target]
    if exit_point is None:
        result = "the advisor could not recommend a level"
    else:
        result = f"the advisor would suggest the {EXIT_POINT_NAMES[exit_point]}"
    if change == "add":
        text = f"If “{option.label}” were among the reasons for studying, {result}."
    elif change == "remove":
        text = f"If “{option.label}” were not among the reasons for studying, {result}."
    else:
        text = f"If the answer to “{question.short}” were “{option.label}”, {result}."
    return Change(
        question_id=question.id,
        change=change,
        answer=option.value,
        recommended=exit_point,
        text=text,
    )


def _what_would_change(
    engine: Engine, answers: dict[str, Any], scores: list[float], fired: list[int], top: int | None
) -> list[_Part[Change]]:
    """For each question, the first other answer (in option order) that changes the result."""
    changes: list[_Part[Change]] = []
    rules = engine.rules
    fired_now = [False] * len(rules)
    for ix in fired:
        fired_now[ix] = True
    for question in engine.questions:
        field = question.id
        current = answers[field]
        multiple = question.kind == "multiple"
        touching = engine.touching[field]
        for option in question.options:
            value = option.value
            if multiple:
                change = "remove" if value in current else "add"
                new = current - {value} if change == "remove" else current | {value}
                candidates = touching.get(value, ())
            else:
                if value is current or (value == current and type(value) is type(current)):
                    continue
                change = "set"
                new = value
                candidates = touching.get(value, ()) + touching.get(current, ())
            answers[field] = new
            if top is None:
                # Not eligible now: only a complete profile can be scored afresh.
                if any(answers[f] is None for f in REQUIRED_WHEN_ELIGIBLE):
                    answers[field] = current
                    continue
                eligible, new_scores, _ = _score(engine, answers)
            else:
                # Only rules whose conditions name the old or new answer can flip.
                new_scores = None
                eligible = True
                for ix in candidates:
                    rule = rules[ix]
                    now = rule.fires(answers)
                    if now is fired_now[ix]:
                        continue
                    if rule.ineligible:
                        eligible = eligible and not now
                        continue
                    if new_scores is None:
                        new_scores = list(scores)
                    if now:
                        new_scores[rule.favours] += rule.weight
                    else:
                        new_scores[rule.favours] -= rule.weight
                if new_scores is None:  # no score moved: neither can the recommendation
                    answers[field] = current
                    continue
            answers[field] = current
            # Advice for a profile the programme would not admit is no advice: skip it.
            if not eligible:
                continue
            target = _top(engine, new_scores)
            if target == top:
                continue
            key = (field, change, value, target)
            found = engine.change_cache.get(key)
            if found is None:
                found = engine.change_cache.setdefault(
                    key, _part(_change(question, change, option, target))
                )
            changes.append(found)
            break
    return changes


def _quotes(engine: Engine, ranking: list[int], fired_findings: set[str]) -> list[_Part[QuoteOut]]:
    """Up to two quotations for the recommendation, one per alternative, and every caution."""

    def best(level: int, limit: int) -> list[_Quote]:
        candidates = [q for q in engine.quotes if q.level == level and q.stance == "supports"]
        # Most relevant first (sorted is stable, so content order breaks ties).
        candidates.sort(key=lambda q: -len(q.findings & fired_findings))
        return candidates[:limit]

    chosen = [q.out["recommended"] for q in best(ranking[0], 2)]
    for level in ranking[1:]:
        chosen.extend(q.out["alternative"] for q in best(level, 1))
    chosen.extend(q.out["caution"] for q in engine.quotes if q.stance == "cautions")
    return chosen


def _ranked(engine: Engine, index: int, score: float) -> _Part[Ranked]:
    found = engine.ranked_cache.get((index, score))
    if found is None:
        exit_point = EXIT_POINTS[index]
        found = _part(Ranked(exit_point=exit_point, name=EXIT_POINT_NAMES[exit_point], score=score))
        engine.ranked_cache[(index, score)] = found
    return found


@dataclass(slots=True)
class _Decision:
    """What the engine decided for one profile, as indexes and shared parts: `recommend` makes
    it a Recommendation, `recommend_json` writes it as that Recommendation's JSON."""

    eligible: bool
    audience: str
    top: int | None
    confidence: int | None
    evidence: int | None
    ranking: list[_Part[Ranked]]
    reasons: list[_Part[Reason]]
    changes: list[_Part[Change]]
    quotes: list[_Part[QuoteOut]]
    step_up: _Part[StepUpOut] | None


def _decide(profile: Profile, engine: Engine) -> _Decision:
    audience = profile.audience
    answers = _answers(profile)
    eligible, scores, fired = _score(engine, answers)
    rules = engine.rules

    if not eligible:
        return _Decision(
            eligible=False,
            audience=audience,
            top=None,
            confidence=None,
            evidence=None,
            ranking=[],
            reasons=[rules[ix].reasons[audience] for ix in fired if rules[ix].ineligible],
            changes=_what_would_change(engine, answers, scores, fired, None),
            quotes=[],
            step_up=None,
        )

    ranking = sorted(engine.by_order, key=scores.__getitem__, reverse=True)
    top = ranking[0]
    margin = scores[top] - scores[ranking[1]]
    by_margin = (
        0 if margin >= engine.strong_margin else 1 if margin >= engine.moderate_margin else 2
    )
    strengths = [rules[ix].best_strength for ix in fired if rules[ix].favours == top]
    evidence = min(strengths) if strengths else len(STRENGTHS) - 1

    fired_findings: set[str] = set()
    for ix in fired:
        fired_findings |= rules[ix].findings
    # Reasons for the recommendation first, then the rest, each group in rule-table order.
    reasons = [rules[ix].reasons[audience] for ix in fired if rules[ix].favours == top]
    reasons += [rules[ix].reasons[audience] for ix in fired if rules[ix].favours != top]
    route = engine.step_up_route
    return _Decision(
        eligible=True,
        audience=audience,
        top=top,
        confidence=max(by_margin, engine.caps[evidence]),
        evidence=evidence,
        ranking=[_ranked(engine, i, scores[i]) for i in ranking],
        reasons=reasons,
        changes=_what_would_change(engine, answers, scores, fired, top),
        quotes=_quotes(engine, ranking, fired_findings),
        step_up=(
            engine.step_up[audience] if top in route and route.index(top) < len(route) - 1 else None
        ),
    )


def recommend(profile: Profile, content: Content) -> Recommendation:
    """The advisor's recommendation for one profile: pure, deterministic, explained."""
    engine = content.engine
    d = _decide(profile, engine)
    top = d.top
    return Recommendation.model_construct(
        eligible=d.eligible,
        audience=d.audience,
        recommended=None if top is None else EXIT_POINTS[top],
        confidence=None if d.confidence is None else CONFIDENCES[d.confidence],
        evidence_strength=None if d.evidence is None else STRENGTHS[d.evidence],
        ranking=[part[0] for part in d.ranking],
        reasons=[part[0] for part in d.reasons],
        what_would_change=[part[0] for part in d.changes],
        quotes=[part[0] for part in d.quotes],
        outcomes=engine.outcomes,
        step_up=None if d.step_up is None else d.step_up[0],
        explanation=engine.ineligible_text[d.audience] if top is None else None,
        caveats=engine.caveats,
        evidence_version=engine.evidence_version,
    )


# The order `recommend_json` writes a Recommendation's fields in: pydantic's order.
_JSON_FIELDS = (
    "eligible",
    "audience",
    "recommended",
    "confidence",
    "evidence_strength",
    "ranking",
    "reasons",
    "what_would_change",
    "quotes",
    "outcomes",
    "step_up",
    "explanation",
    "caveats",
    "evidence_version",
)
if tuple(Recommendation.model_fields) != _JSON_FIELDS:  # pragma: no cover - a programming error
    raise RuntimeError("Recommendation's fields changed: update recommend_json to match")


def recommend_json(profile: Profile, content: Content) -> bytes:
    """`recommend(profile, content).model_dump_json()`, byte for byte, in a fraction of the time:
    every part of a result is shared between results, so each is encoded once (by pydantic, when
    the engine is compiled or the part first appears) and a result is those bytes joined."""
    engine = content.engine
    shared = engine.json
    values = shared.values
    d = _decide(profile, engine)
    top = d.top
    if top is None:
        head = (
            b'{"eligible":false,"audience":%s,"recommended":null,"confidence":null,'
            % (values[d.audience])
        )
        head += b'"evidence_strength":null,"ranking":['
    else:
        head = b'{"eligible":true,"audience":%s,"recommended":%s,"confidence":%s,' % (
            values[d.audience],
            values[EXIT_POINTS[top]],
            values[CONFIDENCES[d.confidence]],  # type: ignore[index]
        )
        head += b'"evidence_strength":%s,"ranking":[' % values[STRENGTHS[d.evidence]]  # type: ignore[index]
    return b"".join(
        (
            head,
            b",".join([part[1] for part in d.ranking]),
            b'],"reasons":[',
            b",".join([part[1] for part in d.reasons]),
            b'],"what_would_change":[',
            b",".join([part[1] for part in d.changes]),
            b'],"quotes":[',
            b",".join([part[1] for part in d.quotes]),
            shared.outcomes,
            b"null" if d.step_up is None else d.step_up[1],
            b',"explanation":',
            shared.explanation[d.audience] if top is None else b"null",
            shared.caveats,
        )
    )
