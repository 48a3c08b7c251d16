"""What the engine answers: the recommendation and its parts, as the API returns them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from advisor.decision_aid import AskOut, OptionEntry, PrioritiesFit, SureOut
from advisor.evidence import ExitPoint, Frozen, Outcome, Strength
from advisor.profile import Audience
from advisor.rule_table import Basis, Caveat, Confidence


class Ranked(Frozen):
    exit_point: ExitPoint
    name: str
    score: float


class Reason(Frozen):
    rule_id: str
    favours: ExitPoint | None = Field(description="null for the eligibility rule")
    weight: float
    basis: Basis = Field(
        description="What the rule rests on: reported (graduates at that exit point said it), "
        "authors (the authors' advice or interpretation), judgement (the advisor's own "
        "reasoning from findings about all graduates)"
    )
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
    options: list[OptionEntry] = Field(
        description="The four options (the three exit points and not_now), each with what "
        "graduates reported gaining and what it asks, in equal detail"
    )
    priorities_fit: PrioritiesFit | None = Field(
        description="Where the person's priorities lean, beside the suggestion; null without "
        "priorities (or without a suggestion)"
    )
    sure: SureOut = Field(description="The readiness check's score")
    questions_to_ask: list[AskOut] = Field(
        description="Questions to ask the programme, the workplace or a supervisor"
    )
