"""The decision aid around the recommendation: every option's gains and costs, what matters to
the person and where it leans, the readiness check, and questions to ask.

Pure. The models of content/decision.yaml, what a result says of them (the same models, or the
small ones below), and `compile_aid`, which turns validated content into the lookups
`advise` applies to one profile. The engine (advisor.engine) calls `advise` beside the rules;
nothing here changes the rules' suggestion: priorities show where the person's values lean,
and the readiness check how ready they are, side by side with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from advisor.evidence import EXIT_POINT_NAMES, EXIT_POINTS, ExitPoint, Frozen, Slug, Text
from advisor.profile import (
    AUDIENCES,
    IMPORTANCES,
    PRIORITY_IDS,
    READINESS_IDS,
    Importance,
    PriorityId,
    Profile,
)
from advisor.questions import PriorityStep, ReadinessStep, Wording
from advisor.rule_table import Check, Conditions, checks, hold

OptionId = Literal["certificate", "diploma", "masters", "not_now"]
# The four options, in the order every table shows them: the exit points, then not enrolling.
OPTIONS: tuple[OptionId, ...] = (*EXIT_POINTS, "not_now")
OPTION_NAMES: dict[str, str] = {**EXIT_POINT_NAMES, "not_now": "Not now"}
OfferLevel = Literal["little", "some", "much"]
OFFER_LEVELS: tuple[OfferLevel, ...] = ("little", "some", "much")
OFFER_LABELS: dict[str, str] = {"little": "Little", "some": "Some", "much": "Much"}
WhoToAsk = Literal["programme", "workplace", "supervisor"]
# How many gains (and costs) each option lists, and how far its text may differ in length from
# the options' median: the same headings and comparable detail for every option, so the
# presentation alone favours none.
ITEMS_PER_HEADING = (2, 4)
LENGTH_TOLERANCE = 0.35


# ---------------------------------------------------------------------------------------------
# content/decision.yaml


class Cited(Frozen):
    """A sentence and the findings it rests on."""

    text: Text
    findings: list[Slug] = Field(min_length=1)


class OptionEntry(Frozen):
    """One option: what graduates reported gaining, and what it asks or where the study is
    silent."""

    option: OptionId
    name: Text
    summary: Text
    gains: list[Cited] = Field(min_length=ITEMS_PER_HEADING[0], max_length=ITEMS_PER_HEADING[1])
    costs: list[Cited] = Field(min_length=ITEMS_PER_HEADING[0], max_length=ITEMS_PER_HEADING[1])

    def length(self) -> int:
        return len(self.summary) + sum(len(i.text) for i in (*self.gains, *self.costs))


class Offer(Frozen):
    """What one option offers one priority, and how much, by the study (or, marked
    `judgement`, by the advisor's own reasoning)."""

    level: OfferLevel
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
    findings: list[Slug] = Field(min_length=1)
    judgement: bool = False


class PriorityLink(Frozen):
    priority: PriorityId
    offers: dict[OptionId, Offer]


class AskEntry(Frozen):
    """A question to ask someone, shown when its conditions hold (as a rule's do)."""

    id: Slug
    ask: WhoToAsk
    text: Wording
    when: Conditions = Field(default_factory=dict)
    unless: Conditions = Field(default_factory=dict)
    suggested: list[ExitPoint] = Field(
        default_factory=list, description="Shown only when the suggestion is one of these"
    )
    findings: list[Slug] = Field(min_length=1)


class DecisionFile(Frozen):
    options: list[OptionEntry] = Field(min_length=len(OPTIONS), max_length=len(OPTIONS))
    priorities: list[PriorityLink] = Field(min_length=1)
    questions_to_ask: list[AskEntry] = Field(min_length=1)


# ---------------------------------------------------------------------------------------------
# What a result says


class FitRow(Frozen):
    priority: PriorityId
    label: str
    importance: Importance
    importance_label: str
    offers: dict[OptionId, Offer]


class FitChange(Frozen):
    priority: PriorityId
    importance: Importance
    leaning: ExitPoint | None
    text: str


class PrioritiesFit(Frozen):
    leaning: ExitPoint | None = Field(
        description="The exit point the priorities lean to; null when none is rated above low"
    )
    agrees: bool | None = Field(description="Whether the leaning is the suggestion (null: none)")
    totals: dict[ExitPoint, int] = Field(
        description="Each exit point's sum over the priorities of importance (low 0, medium 1, "
        "high 2) times what it offers (little 0, some 1, much 2)"
    )
    rows: list[FitRow] = Field(description="The priorities rated, in the step's order")
    text: str
    changes: list[FitChange] = Field(
        description="Every change of one priority's importance that changes the leaning"
    )


class SureOut(Frozen):
    score: int | None = Field(
        ge=0, le=len(READINESS_IDS), description="How many items were answered yes; null: none"
    )
    ready: bool = Field(description="Every item answered yes (a score of 3 or less signals doubt)")
    needs: list[str] = Field(description="The items not answered yes, once the check is begun")


class AskOut(Frozen):
    id: str
    ask: WhoToAsk
    text: str
    findings: list[str]


# ---------------------------------------------------------------------------------------------
# Compiled once per content

_IMPORTANCE_POINTS = {"low": 0, "medium": 1, "high": 2}
_OFFER_POINTS = {"little": 0, "some": 1, "much": 2}


@dataclass(frozen=True, slots=True)
class _Ask:
    when: tuple[Check, ...]
    unless: tuple[Check, ...]
    suggested: frozenset[str]
    out: dict[str, tuple[AskOut, bytes]]  # by audience: the model and its JSON


@dataclass(frozen=True, slots=True)
class CompiledAid:
    """The decision aid's content as `advise` applies it; built once by `compile_aid`."""

    options: list[OptionEntry]
    links: dict[str, PriorityLink]
    labels: dict[str, dict[str, str]]  # by audience, by priority
    importance_labels: dict[str, str]
    asks: tuple[_Ask, ...]


def _with_json(model: AskOut) -> tuple[AskOut, bytes]:
    return model, model.__pydantic_serializer__.to_json(model)


def compile_aid(
    decision: DecisionFile, priorities: PriorityStep, readiness: ReadinessStep
) -> CompiledAid:
    """Validated, cross-checked content (advisor.content) as the lookups `advise` uses."""
    del readiness  # its wording is the pages' and the questions route's; its ids the profile's
    by_option = {o.option: o for o in decision.options}
    return CompiledAid(
        options=[by_option[o] for o in OPTIONS],
        links={link.priority: link for link in decision.priorities},
        labels={
            audience: {item.id: item.label.for_audience(audience) for item in priorities.items}
            for audience in AUDIENCES
        },
        importance_labels={level.value: level.label for level in priorities.levels},
        asks=tuple(
            _Ask(
                when=checks(entry.when),
                unless=checks(entry.unless),
                suggested=frozenset(entry.suggested),
                out={
                    audience: _with_json(
                        AskOut(
                            id=entry.id,
                            ask=entry.ask,
                            text=entry.text.for_audience(audience),
                            findings=list(entry.findings),
                        )
                    )
                    for audience in AUDIENCES
                },
            )
            for entry in decision.questions_to_ask
        ),
    )


# ---------------------------------------------------------------------------------------------
# Applied to one profile


def leaning_of(aid: CompiledAid, rated: dict[str, str]) -> tuple[ExitPoint | None, dict]:
    """The exit point the rated priorities lean to (ties to the smaller commitment; none when
    no priority scores), and each exit point's total."""
    totals = {e: 0 for e in EXIT_POINTS}
    for priority, importance in rated.items():
        weight = _IMPORTANCE_POINTS[importance]
        if weight:
            offers = aid.links[priority].offers
            for e in EXIT_POINTS:
                totals[e] += weight * _OFFER_POINTS[offers[e].level]
    best = max(EXIT_POINTS, key=lambda e: (totals[e], -EXIT_POINTS.index(e)))
    return (best if totals[best] > 0 else None), totals


def _fit_text(leaning: str | None, recommended: str | None, audience: str) -> str:
    whose = "your colleague" if audience == "supervisor" else "you"
    answers = "your colleague's" if audience == "supervisor" else "your"
    values = "your colleague values" if audience == "supervisor" else "you value"
    if leaning is None:
        return (
            "None of the priorities is rated above “not important”, so they do not lean "
            "to one option."
        )
    lean = f"the {OPTION_NAMES[leaning]}"
    if leaning == recommended:
        return f"What matters to {whose} points the same way as the suggestion: to {lean}."
    return (
        f"What matters to {whose} leans to {lean}, but {answers} answers point to the "
        f"{OPTION_NAMES[recommended or '']}. The suggestion rests on what graduates in a "
        f"similar position reported. The leaning rests on what {values}. Both are shown here: "
        "weigh them, and talk them through."
    )


def _fit_changes(
    aid: CompiledAid, rated: dict[str, str], leaning: str | None, audience: str
) -> list[FitChange]:
    whose = "your colleague's" if audience == "supervisor" else "your"
    changes = []
    for priority in PRIORITY_IDS:
        now = rated.get(priority)
        for importance in IMPORTANCES:
            if importance == now or (now is None and importance == "low"):
                continue
            trial = {**rated, priority: importance}
            new, _ = leaning_of(aid, trial)
            if new == leaning:
                continue
            to = f"lean to the {OPTION_NAMES[new]}" if new else "not lean to one option"
            changes.append(
                FitChange(
                    priority=priority,  # type: ignore[arg-type]
                    importance=importance,  # type: ignore[arg-type]
                    leaning=new,
                    text=f"If “{aid.labels[audience][priority]}” were rated "
                    f"“{aid.importance_labels[importance].lower()}”, {whose} priorities would "
                    f"{to}.",
                )
            )
    return changes


def priorities_fit(
    aid: CompiledAid, profile: Profile, recommended: str | None
) -> PrioritiesFit | None:
    """Where the person's priorities lean, beside the suggestion; None without priorities or
    without a suggestion."""
    if profile.priorities is None or recommended is None:
        return None
    rated = profile.priorities.given()
    if not rated:
        return None
    audience = profile.audience
    leaning, totals = leaning_of(aid, rated)
    return PrioritiesFit(
        leaning=leaning,
        agrees=None if leaning is None else leaning == recommended,
        totals=totals,
        rows=[
            FitRow(
                priority=priority,  # type: ignore[arg-type]
                label=aid.labels[audience][priority],
                importance=rated[priority],
                importance_label=aid.importance_labels[rated[priority]],
                offers=aid.links[priority].offers,
            )
            for priority in PRIORITY_IDS
            if priority in rated
        ],
        text=_fit_text(leaning, recommended, audience),
        changes=_fit_changes(aid, rated, leaning, audience),
    )


def sure_of(profile: Profile) -> SureOut:
    """The readiness score: one point per yes, as in the SURE test; not begun, no score."""
    given = profile.sure.given() if profile.sure is not None else {}
    if not given:
        return SureOut(score=None, ready=False, needs=[])
    score = sum(1 for value in given.values() if value is True)
    return SureOut(
        score=score,
        ready=score == len(READINESS_IDS),
        needs=[item for item in READINESS_IDS if given.get(item) is not True],
    )


def asks_for(
    aid: CompiledAid, answers: dict[str, Any], recommended: str | None, audience: str
) -> list[tuple[AskOut, bytes]]:
    """The questions to ask for these answers (none for a profile the programme would not
    admit), in content order."""
    if recommended is None:
        return []
    return [
        ask.out[audience]
        for ask in aid.asks
        if (not ask.suggested or recommended in ask.suggested)
        and hold(ask.when, ask.unless, answers)
    ]
