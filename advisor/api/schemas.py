"""The API's response models; their class names are the OpenAPI document's component names."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from pydantic import BaseModel, Field

from advisor.evidence import ExitPoint
from advisor.profile import Profile
from advisor.programme import Award, ProgrammeAdvice
from advisor.questions import PriorityStep, Question, ReadinessStep
from advisor.recommendation import Recommendation


class Health(BaseModel):
    status: Literal["ok"]
    evidence_version: str


class Readiness(BaseModel):
    status: Literal["ready"]
    database: str = Field(description="Which database answered: sqlite or postgresql")
    evidence_version: str


class QuestionsOut(BaseModel):
    evidence_version: str
    questions: list[Question]
    priorities: PriorityStep = Field(
        description="The optional priorities step: a body's `priorities` rates these items"
    )
    readiness: ReadinessStep = Field(
        description="The optional readiness check: a body's `sure` answers these items"
    )


class ProgrammeListing(BaseModel):
    slug: str = Field(description="What `?programme=` and `data-programme` take")
    name: str
    institution: str
    default: bool = Field(description="The programme used when none is named")
    awards: dict[ExitPoint, Award] = Field(
        description="The award at each exit point, with what the programme states about it"
    )


class ProgrammeRecommendation(Recommendation):
    programme: ProgrammeAdvice = Field(
        description="The chosen programme (the default when none was named), for this result"
    )


class SavedAssessment(BaseModel):
    id: uuid.UUID
    created_at: dt.datetime
    share_path: str = Field(description="Opens the saved result, read-only: /r/<id>")
    share_url: str
    delete_token: str = Field(description="Shown once: needed to delete the saved result")
    delete_path: str = Field(description="A page that deletes the saved result after confirming")
    result: Recommendation
    programme: ProgrammeAdvice = Field(description="The programme the result was saved for")


class StoredAssessment(BaseModel):
    id: uuid.UUID
    created_at: dt.datetime
    answers: Profile
    recommended: str | None
    confidence: str | None
    evidence_version: str = Field(description="The evidence the saved result was computed with")
    current: Recommendation = Field(
        description="The same answers under today's evidence (differs only if it changed)"
    )
    programme: ProgrammeAdvice = Field(
        description="The programme the result was saved for (the default for one saved before "
        "programmes were, or for a programme no longer offered), for the current result"
    )


class Problem(BaseModel):
    detail: str


class FieldError(BaseModel):
    field: str = Field(description="The offending field, e.g. 'motivations[2]' ('' for the body)")
    message: str
    type: str
    loc: list[str | int]


class ValidationProblem(BaseModel):
    detail: list[FieldError]


class PlanLinks(BaseModel):
    supervisor: str = Field(description="The supervisor's private link (carries its own secret)")
    colleague: str = Field(description="The colleague's private link (carries its own secret)")


class PlanCreated(BaseModel):
    id: uuid.UUID
    links: PlanLinks = Field(description="Absolute URLs; each is shown once and not kept")
    tokens: PlanLinks = Field(
        description="Each seat's token, as X-Plan-Token takes it (the same secret as its link)"
    )
    expires_at: dt.datetime
