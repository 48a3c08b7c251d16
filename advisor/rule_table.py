"""The models of content/rules.yaml: the rules, how they are scored, the step-up route, caveats."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, field_validator, model_validator

from advisor.evidence import EXIT_POINTS, STRENGTHS, ExitPoint, Frozen, Slug, Strength, Text
from advisor.profile import MULTIPLE_CHOICE
from advisor.questions import Wording

# What a rule rests on: what graduates at the exit point it favours said (`reported`), the
# authors' advice or interpretation (`authors`), or the advisor's own reasoning from findings
# about all graduates (`judgement`).
Basis = Literal["reported", "authors", "judgement"]
BASES: tuple[Basis, ...] = ("reported", "authors", "judgement")
BASIS_LABELS: dict[str, str] = {
    "reported": "Graduates at this exit point said it",
    "authors": "The authors' advice or interpretation",
    "judgement": "The advisor's own judgement from findings about all graduates",
}

Confidence = Literal["strong", "moderate", "tentative"]
CONFIDENCES: tuple[Confidence, ...] = ("strong", "moderate", "tentative")


class WeightEffect(Frozen):
    kind: Literal["weight"]
    favours: ExitPoint
    weight: float = Field(gt=0, le=10)


class IneligibleEffect(Frozen):
    kind: Literal["ineligible"]


Conditions = dict[Annotated[str, Field(pattern=r"^[a-z_]+$")], list[StrictBool | str]]
# A condition compiled: (question id, the answers that satisfy it, whether the question is
# multiple choice). Plain tuples, unpacked in `hold`, keep the engine's hot path lean.
Check = tuple[str, frozenset[Any], bool]


def checks(conditions: dict[str, list[Any]]) -> tuple[Check, ...]:
    """A rule's (or a question to ask's) `when` or `unless`, compiled."""
    return tuple(
        (field, frozenset(values), field in MULTIPLE_CHOICE) for field, values in conditions.items()
    )


def hold(when: tuple[Check, ...], unless: tuple[Check, ...], answers: dict[str, Any]) -> bool:
    """Whether every `when` condition holds and no `unless` one does: an answer meets a
    condition when it is (or, multiple choice, includes) one of its values."""
    for field, allowed, multiple in when:
        value = answers[field]
        if allowed.isdisjoint(value) if multiple else value not in allowed:
            return False
    for field, allowed, multiple in unless:
        value = answers[field]
        if not allowed.isdisjoint(value) if multiple else value in allowed:
            return False
    return True


class Rule(Frozen):
    id: Slug
    when: Conditions = Field(min_length=1)
    unless: Conditions = Field(default_factory=dict)
    effect: Annotated[WeightEffect | IneligibleEffect, Field(discriminator="kind")]
    findings: list[Slug] = Field(min_length=1)
    basis: Basis
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


class RulesFile(Frozen):
    scoring: Scoring
    step_up: StepUp
    ineligible: Ineligible
    caveats: list[Caveat] = Field(default_factory=list)
    rules: list[Rule] = Field(min_length=1)
