"""A person's answers in progress: the partial profile, its compact text form, and what is left."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, get_args
from urllib.parse import parse_qsl, urlencode

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from advisor.rules import (
    PROFILE_ANSWER_VALUES,
    REQUIRED_WHEN_ELIGIBLE,
    Audience,
    CareerStage,
    Motivation,
    Profile,
    Question,
    ResearchAim,
    Role,
    Workplace,
)

AUDIENCES: tuple[str, ...] = get_args(Audience)
MOTIVATIONS: tuple[str, ...] = get_args(Motivation)
# What `decode` names when it refused a whole text (or link) as too long to be answers.
OVERSIZED = "*"


class Answers(BaseModel):
    """What someone has answered so far; any answer may still be missing."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    audience: Audience = "self"
    healthcare_background: bool | None = None
    role: Role | None = None
    career_stage: CareerStage | None = None
    motivations: tuple[Motivation, ...] = ()
    research_aim: ResearchAim | None = None
    workplace: Workplace | None = None

    def with_answer(self, question_id: str, value: Any) -> Answers:
        return self.model_copy(update={question_id: value})

    @field_validator("motivations", mode="before")
    @classmethod
    def _each_reason_once(cls, value: Any) -> Any:
        """Repeats collapse (a link may carry `leadership,leadership`) into option order; more
        reasons than there are options is refused before any item is checked, so a long list
        costs one error, not one per item."""
        if not isinstance(value, (list, tuple)):
            return value
        if len(value) > len(MOTIVATIONS):
            raise PydanticCustomError(
                "too_long",
                "at most {limit} reasons for studying, not {given}",
                {"limit": len(MOTIVATIONS), "given": len(value)},
            )
        if not all(isinstance(m, str) for m in value):
            return value  # pydantic names each item that is not one of the options
        chosen = set(value)
        known = tuple(m for m in MOTIVATIONS if m in chosen)
        return known if len(known) == len(chosen) else tuple(dict.fromkeys(value))

    def toggled(self, motivation: str) -> Answers:
        """The answers with one reason for studying added or removed (kept in option order)."""
        chosen = set(self.motivations) ^ {motivation}
        return self.model_copy(
            update={"motivations": tuple(m for m in get_args(Motivation) if m in chosen)}
        )


def encode(answers: Answers) -> str:
    """The answers as a short query string, e.g. for a link that reopens them."""
    pairs: list[tuple[str, str]] = [("audience", answers.audience)]
    for field in PROFILE_ANSWER_VALUES:
        value = getattr(answers, field)
        if value is None or value == ():
            continue
        if isinstance(value, bool):
            pairs.append((field, "yes" if value else "no"))
        elif isinstance(value, tuple):
            pairs.append((field, ",".join(value)))
        else:
            pairs.append((field, value))
    return urlencode(pairs, safe=",")


def _longest_text() -> str:
    """The answers text with the longest option of every question and every reason chosen."""
    longest = {
        field: max(values, key=lambda v: len(str(v)))
        for field, values in PROFILE_ANSWER_VALUES.items()
        if field != "motivations"
    }
    audience = max(AUDIENCES, key=len)
    return encode(Answers(audience=audience, motivations=MOTIVATIONS, **longest))


# The longest text real answers can take, with room for a browser percent-encoding every
# character of it. Anything longer did not come from the advisor: it is refused whole before it
# is parsed, so a stored value or a link of any size costs the same few microseconds.
MAX_TEXT_CHARS = 3 * len(_longest_text())


def decode(text: str | Mapping[str, str]) -> tuple[Answers, list[str]]:
    """Answers from a query string (or its parsed pairs), keeping every valid answer and
    naming each one it had to drop. A text longer than MAX_TEXT_CHARS, or anything that is not
    text, gives no answers and the single name OVERSIZED."""
    if isinstance(text, str):
        if len(text) > MAX_TEXT_CHARS:
            return Answers(), [OVERSIZED]
        pairs = dict(parse_qsl(text.lstrip("?")))
    elif isinstance(text, Mapping) and _mapping_size(text) <= MAX_TEXT_CHARS:
        pairs = {str(k): str(v) for k, v in text.items()}
    else:
        return Answers(), [OVERSIZED]
    raw: dict[str, Any] = {}
    dropped: list[str] = []
    for key, value in pairs.items():
        if key == "audience":
            raw[key] = value
        elif key == "healthcare_background":
            raw[key] = {"yes": True, "no": False}.get(value, value)
        elif key == "motivations":
            raw[key] = tuple(v for v in value.split(",") if v)
        elif key in PROFILE_ANSWER_VALUES:
            raw[key] = value
        else:
            dropped.append(key)
    try:
        return Answers(**raw), dropped
    except ValidationError as exc:
        bad = {str(error["loc"][0]) for error in exc.errors()}
        dropped += sorted(bad)
        return Answers(**{k: v for k, v in raw.items() if k not in bad}), dropped


def _mapping_size(pairs: Mapping[Any, Any]) -> int:
    """Characters a mapping would take as a query string, counted without building it; stops
    counting once past the limit (and counts anything that is not text as too long)."""
    size = 0
    for key, value in pairs.items():
        if not isinstance(key, str) or not isinstance(value, str):
            return MAX_TEXT_CHARS + 1
        size += len(key) + len(value) + 2
        if size > MAX_TEXT_CHARS:
            break
    return size


def questions_to_ask(answers: Answers, questions: list[Question]) -> list[Question]:
    """The questions this person is asked: without a healthcare background, only the first."""
    if answers.healthcare_background is False:
        return [q for q in questions if q.id == "healthcare_background"]
    return list(questions)


def unanswered(answers: Answers, questions: list[Question]) -> list[str]:
    """Ids of the required questions still without an answer, in the order they are asked."""
    missing = []
    for question in questions_to_ask(answers, questions):
        value = getattr(answers, question.id)
        if question.required and (value is None or value == ()):
            missing.append(question.id)
    return missing


def to_profile(answers: Answers) -> Profile | None:
    """The complete profile the engine needs, or None while a required answer is missing."""
    if answers.healthcare_background is None:
        return None
    if answers.healthcare_background and any(
        getattr(answers, f) is None for f in REQUIRED_WHEN_ELIGIBLE
    ):
        return None
    data = answers.model_dump()
    if not answers.healthcare_background:
        # Only the eligibility answer counts for someone the programme would not admit.
        data = {"audience": answers.audience, "healthcare_background": False}
    return Profile(**data)
