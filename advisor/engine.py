"""The recommendation engine: the rule table compiled once, then profile in, recommendation out.

Pure and deterministic. `compile_rules` turns validated, cross-checked content into lookup
tables (`CompiledRules`, built once per loaded content); `recommend(profile, rules)` applies them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic_core import to_json

from advisor.decision_aid import (
    AskOut,
    CompiledAid,
    PrioritiesFit,
    SureOut,
    asks_for,
    priorities_fit,
    sure_of,
)
from advisor.evidence import EXIT_POINT_NAMES, EXIT_POINTS, STRENGTHS, Outcome
from advisor.profile import AUDIENCES, MULTIPLE_CHOICE, REQUIRED_WHEN_ELIGIBLE, Profile
from advisor.questions import Option, Question
from advisor.recommendation import (
    Change,
    QuoteOut,
    Ranked,
    Reason,
    Recommendation,
    StepUpOut,
)
from advisor.rule_table import BASES, CONFIDENCES, Caveat, Check, RulesFile, checks, hold

_M = TypeVar("_M", bound=BaseModel)
# A shared part of results: the model, and its JSON exactly as pydantic writes it, encoded once.
Part = tuple[_M, bytes]


def _part(model: _M) -> Part[_M]:
    return model, model.__pydantic_serializer__.to_json(model)


@dataclass(frozen=True, slots=True)
class _CompiledRule:
    id: str
    when: tuple[Check, ...]
    unless: tuple[Check, ...]
    ineligible: bool
    favours: int  # index into EXIT_POINTS, -1 for eligibility rules
    weight: float
    best_strength: int  # index into STRENGTHS of its strongest finding about `favours`
    basis: int  # index into BASES
    reasons: dict[str, Part[Reason]]  # by audience
    findings: frozenset[str]

    def fires(self, answers: dict[str, Any]) -> bool:
        return hold(self.when, self.unless, answers)


# A rule seen from one question: its index, its conditions on the other questions (`when`,
# `unless`), and the answers of this question its `when` needs and its `unless` refuses (None
# when it sets no such condition on it).
_Split = tuple[int, tuple[Check, ...], tuple[Check, ...], frozenset | None, frozenset | None]


def _split(index: int, rule: _CompiledRule, field: str) -> _Split:
    when_here = [allowed for f, allowed, _ in rule.when if f == field]
    unless_here = [allowed for f, allowed, _ in rule.unless if f == field]
    return (
        index,
        tuple(c for c in rule.when if c[0] != field),
        tuple(c for c in rule.unless if c[0] != field),
        when_here[0] if when_here else None,
        unless_here[0] if unless_here else None,
    )


@dataclass(frozen=True, slots=True)
class _Quote:
    out: dict[str, Part[QuoteOut]]  # by shown_for
    level: int
    stance: str
    findings: frozenset[str]


@dataclass(frozen=True, slots=True)
class SharedJson:
    """The JSON of what every result shares, encoded once by pydantic, for the API's writer
    (advisor.api.routes.advice)."""

    values: dict[Any, bytes]  # every enumerated value a result names (audience, exit point...)
    explanation: dict[str, bytes]  # for an ineligible profile, by audience
    outcomes: bytes  # `],"outcomes":[...],"step_up":`: from the end of the quotes on
    # `,"caveats":[...],"evidence_version":"...","options":[...],"priorities_fit":`
    caveats: bytes
    sure_not_begun: bytes  # the readiness check's JSON when no item is answered


@dataclass(frozen=True, slots=True)
class CompiledRules:
    """The rule table compiled for fast evaluation; built once per content by `compile_rules`."""

    entries: tuple[_CompiledRule, ...]
    questions: tuple[Question, ...]
    by_order: tuple[int, ...]  # exit point indexes in tie-break order
    # For each question, for each answer value: the rules whose conditions name that value.
    touching: dict[str, dict[Any, tuple[int, ...]]]
    # For each question: the rules with a condition on it, split (see _Split).
    by_field: dict[str, tuple[_Split, ...]]
    # Interned immutable parts of results: explanations of changes, keyed by (question, change,
    # answer, target), and ranking entries, keyed by (exit point index, score).
    change_cache: dict[tuple[Any, ...], Part[Change]]
    ranked_cache: dict[tuple[int, float], Part[Ranked]]
    strong_margin: float
    moderate_margin: float
    caps: tuple[int, ...]  # by strength index: index into CONFIDENCES
    quotes: tuple[_Quote, ...]
    outcomes: list[Outcome]
    step_up: dict[str, Part[StepUpOut]]
    step_up_route: tuple[int, ...]
    ineligible_text: dict[str, str]
    caveats: list[Caveat]
    evidence_version: str
    # The decision aid beside the rules: options, priorities, readiness, questions to ask.
    aid: CompiledAid
    # The JSON of the parts every result shares, for the API's JSON writer.
    json: SharedJson


def compile_rules(
    *,
    questions: list[Question],
    rules_file: RulesFile,
    findings: dict[str, Any],
    quotations: list[Any],
    outcomes: list[Outcome],
    caveats: list[Caveat],
    evidence_version: str,
    aid: CompiledAid,
) -> CompiledRules:
    """Turn validated content into the engine's lookup tables (content must be cross-checked)."""
    compiled: list[_CompiledRule] = []
    touching: dict[str, dict[Any, list[int]]] = {q.id: {} for q in questions}
    for index, rule in enumerate(rules_file.rules):
        effect = rule.effect
        favours = EXIT_POINTS.index(effect.favours) if effect.kind == "weight" else -1
        # Findings said of all graduates support no exit point over another: they never count
        # as the favoured exit point's evidence.
        about = [
            STRENGTHS.index(findings[f].strength)
            for f in rule.findings
            if favours < 0
            or (EXIT_POINTS[favours] in findings[f].exit_points and not findings[f].all_graduates)
        ]
        reasons = {
            audience: _part(
                Reason(
                    rule_id=rule.id,
                    favours=None if favours < 0 else EXIT_POINTS[favours],
                    weight=effect.weight if effect.kind == "weight" else 0.0,
                    basis=rule.basis,
                    text=rule.reason.for_audience(audience),
                    rationale=rule.rationale,
                    findings=list(rule.findings),
                )
            )
            for audience in AUDIENCES
        }
        compiled.append(
            _CompiledRule(
                id=rule.id,
                when=checks(rule.when),
                unless=checks(rule.unless),
                ineligible=effect.kind == "ineligible",
                favours=favours,
                weight=effect.weight if effect.kind == "weight" else 0.0,
                best_strength=min(about, default=STRENGTHS.index("indirect")),
                basis=BASES.index(rule.basis),
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
    ineligible_text = {a: rules_file.ineligible.text.for_audience(a) for a in AUDIENCES}
    return CompiledRules(
        entries=tuple(compiled),
        questions=tuple(questions),
        by_order=tuple(EXIT_POINTS.index(e) for e in scoring.order),
        touching={
            field: {value: tuple(ix) for value, ix in by_value.items()}
            for field, by_value in touching.items()
        },
        by_field={
            q.id: tuple(
                _split(ix, rule, q.id)
                for ix, rule in enumerate(compiled)
                if any(c[0] == q.id for c in (*rule.when, *rule.unless))
            )
            for q in questions
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
            for audience in AUDIENCES
        },
        step_up_route=tuple(EXIT_POINTS.index(e) for e in rules_file.step_up.route),
        ineligible_text=ineligible_text,
        caveats=caveats,
        evidence_version=evidence_version,
        aid=aid,
        json=SharedJson(
            values={
                value: to_json(value)
                for value in (*AUDIENCES, *EXIT_POINTS, *CONFIDENCES, *STRENGTHS)
            },
            explanation={a: to_json(text) for a, text in ineligible_text.items()},
            outcomes=b'],"outcomes":' + _json_list(ordered_outcomes) + b',"step_up":',
            caveats=b',"caveats":'
            + _json_list(caveats)
            + b',"evidence_version":'
            + to_json(evidence_version)
            + b',"options":'
            + _json_list(aid.options)
            + b',"priorities_fit":',
            sure_not_begun=_part(SureOut(score=None, ready=False, needs=[]))[1],
        ),
    )


def _json_list(models: list[Any]) -> bytes:
    return b"[" + b",".join(m.__pydantic_serializer__.to_json(m) for m in models) + b"]"


# ---------------------------------------------------------------------------------------------
# The rules.


def _answers(profile: Profile) -> dict[str, Any]:
    """The profile's answers by question id, multiple-choice ones as sets (the rules test them
    with isdisjoint)."""
    answers = dict(profile.__dict__)
    for field in MULTIPLE_CHOICE:
        answers[field] = frozenset(answers[field])
    return answers


def _top(rules: CompiledRules, scores: list[float]) -> int:
    """The best exit point; ties go to the one earlier in the scoring order."""
    best = rules.by_order[0]
    for i in rules.by_order[1:]:
        if scores[i] > scores[best]:
            best = i
    return best


def _score(rules: CompiledRules, answers: dict[str, Any]) -> tuple[bool, list[float], list[int]]:
    """Eligibility, the three scores and the indexes of the rules that fired."""
    scores = [0.0, 0.0, 0.0]
    fired: list[int] = []
    eligible = True
    for index, rule in enumerate(rules.entries):
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
    rules: CompiledRules,
    answers: dict[str, Any],
    scores: list[float],
    fired: list[int],
    top: int | None,
) -> list[Part[Change]]:
    """Every change of one answer (in question and option order) that changes the result."""
    changes: list[Part[Change]] = []
    entries = rules.entries
    fired_now = [False] * len(entries)
    for ix in fired:
        fired_now[ix] = True
    for question in rules.questions:
        field = question.id
        current = answers[field]
        multiple = question.kind == "multiple"
        if top is not None:
            # Only a rule whose conditions on the other questions hold can fire or stop firing
            # when this answer changes: those are found once per question, and for each other
            # answer only their condition on this question is tested.
            live = [
                (ix, need, refuse)
                for ix, when, unless, need, refuse in rules.by_field[field]
                if hold(when, unless, answers)
            ]
            if not live:
                continue
        for option in question.options:
            value = option.value
            if multiple:
                change = "remove" if value in current else "add"
                new = current - {value} if change == "remove" else current | {value}
            else:
                if value is current or (value == current and type(value) is type(current)):
                    continue
                change = "set"
                new = value
            if top is None:
                # Not eligible now: only a complete profile can be scored afresh.
                answers[field] = new
                if any(answers[f] is None for f in REQUIRED_WHEN_ELIGIBLE):
                    answers[field] = current
                    continue
                eligible, new_scores, _ = _score(rules, answers)
                answers[field] = current
            else:
                new_scores = None
                eligible = True
                for ix, need, refuse in live:
                    if multiple:
                        now = (need is None or not need.isdisjoint(new)) and (
                            refuse is None or refuse.isdisjoint(new)
                        )
                    else:
                        now = (need is None or new in need) and (
                            refuse is None or new not in refuse
                        )
                    if now is fired_now[ix]:
                        continue
                    rule = entries[ix]
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
                    continue
            # Advice for a profile the programme would not admit is no advice: skip it.
            if not eligible:
                continue
            target = _top(rules, new_scores)
            if target == top:
                continue
            key = (field, change, value, target)
            found = rules.change_cache.get(key)
            if found is None:
                found = rules.change_cache.setdefault(
                    key, _part(_change(question, change, option, target))
                )
            changes.append(found)
    return changes


def _quotes(
    rules: CompiledRules, ranking: list[int], fired_findings: set[str]
) -> list[Part[QuoteOut]]:
    """Up to two quotations for the recommendation, one per alternative, and every caution."""

    def best(level: int, limit: int) -> list[_Quote]:
        candidates = [q for q in rules.quotes if q.level == level and q.stance == "supports"]
        # Most relevant first (sorted is stable, so content order breaks ties).
        candidates.sort(key=lambda q: -len(q.findings & fired_findings))
        return candidates[:limit]

    chosen = [q.out["recommended"] for q in best(ranking[0], 2)]
    for level in ranking[1:]:
        chosen.extend(q.out["alternative"] for q in best(level, 1))
    chosen.extend(q.out["caution"] for q in rules.quotes if q.stance == "cautions")
    return chosen


def _ranked(rules: CompiledRules, index: int, score: float) -> Part[Ranked]:
    found = rules.ranked_cache.get((index, score))
    if found is None:
        exit_point = EXIT_POINTS[index]
        found = _part(Ranked(exit_point=exit_point, name=EXIT_POINT_NAMES[exit_point], score=score))
        rules.ranked_cache[(index, score)] = found
    return found


@dataclass(slots=True)
class Decision:
    """What the engine decided for one profile, as indexes and shared parts: `recommend` makes
    it a Recommendation, the API's JSON writer writes it as that Recommendation's JSON."""

    eligible: bool
    audience: str
    top: int | None
    confidence: int | None
    evidence: int | None
    ranking: list[Part[Ranked]]
    reasons: list[Part[Reason]]
    changes: list[Part[Change]]
    quotes: list[Part[QuoteOut]]
    step_up: Part[StepUpOut] | None
    fit: PrioritiesFit | None
    sure: SureOut | None  # None: the check is not begun
    asks: list[Part[AskOut]]


_REPORTED, _JUDGEMENT = BASES.index("reported"), BASES.index("judgement")


def _basis_cap(rules: CompiledRules, fired: list[int], top: int) -> int:
    """The most confidence (index into CONFIDENCES) the bases of the rules favouring `top`
    allow: strong only with a `reported` rule and a margin that holds without the advisor's
    own `judgement` rules; moderate with any other rule that is not judgement; else tentative."""
    entries = rules.entries
    favouring = [entries[ix].basis for ix in fired if entries[ix].favours == top]
    if _REPORTED in favouring:
        firm = [0.0, 0.0, 0.0]
        for ix in fired:
            rule = entries[ix]
            if rule.favours >= 0 and rule.basis != _JUDGEMENT:
                firm[rule.favours] += rule.weight
        margin = firm[top] - max(firm[i] for i in range(len(firm)) if i != top)
        return 0 if margin >= rules.strong_margin else 1
    return 1 if any(basis != _JUDGEMENT for basis in favouring) else 2


def decide(profile: Profile, rules: CompiledRules) -> Decision:
    """What the rules decide for one profile, before it is made a Recommendation."""
    audience = profile.audience
    answers = _answers(profile)
    eligible, scores, fired = _score(rules, answers)
    entries = rules.entries

    if not eligible:
        return Decision(
            eligible=False,
            audience=audience,
            top=None,
            confidence=None,
            evidence=None,
            ranking=[],
            reasons=[entries[ix].reasons[audience] for ix in fired if entries[ix].ineligible],
            changes=_what_would_change(rules, answers, scores, fired, None),
            quotes=[],
            step_up=None,
            fit=None,
            sure=_sure(profile),
            asks=[],
        )

    ranking = sorted(rules.by_order, key=scores.__getitem__, reverse=True)
    top = ranking[0]
    margin = scores[top] - scores[ranking[1]]
    by_margin = 0 if margin >= rules.strong_margin else 1 if margin >= rules.moderate_margin else 2
    strengths = [entries[ix].best_strength for ix in fired if entries[ix].favours == top]
    evidence = min(strengths) if strengths else len(STRENGTHS) - 1
    by_basis = _basis_cap(rules, fired, top)

    fired_findings: set[str] = set()
    for ix in fired:
        fired_findings |= entries[ix].findings
    # Reasons for the recommendation first, then the rest, each group in rule-table order.
    reasons = [entries[ix].reasons[audience] for ix in fired if entries[ix].favours == top]
    reasons += [entries[ix].reasons[audience] for ix in fired if entries[ix].favours != top]
    route = rules.step_up_route
    return Decision(
        eligible=True,
        audience=audience,
        top=top,
        confidence=max(by_margin, rules.caps[evidence], by_basis),
        evidence=evidence,
        ranking=[_ranked(rules, i, scores[i]) for i in ranking],
        reasons=reasons,
        changes=_what_would_change(rules, answers, scores, fired, top),
        quotes=_quotes(rules, ranking, fired_findings),
        step_up=(
            rules.step_up[audience] if top in route and route.index(top) < len(route) - 1 else None
        ),
        fit=None
        if profile.priorities is None
        else priorities_fit(rules.aid, profile, EXIT_POINTS[top]),
        sure=_sure(profile),
        asks=asks_for(rules.aid, answers, EXIT_POINTS[top], audience),
    )


_NOT_BEGUN = SureOut(score=None, ready=False, needs=[])


def _sure(profile: Profile) -> SureOut | None:
    return None if profile.sure is None else sure_of(profile)


def recommend(profile: Profile, rules: CompiledRules) -> Recommendation:
    """The advisor's recommendation for one profile: pure, deterministic, explained."""
    d = decide(profile, rules)
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
        outcomes=rules.outcomes,
        step_up=None if d.step_up is None else d.step_up[0],
        explanation=rules.ineligible_text[d.audience] if top is None else None,
        caveats=rules.caveats,
        evidence_version=rules.evidence_version,
        options=rules.aid.options,
        priorities_fit=d.fit,
        sure=_NOT_BEGUN if d.sure is None else d.sure,
        questions_to_ask=[part[0] for part in d.asks],
    )
