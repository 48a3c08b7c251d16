"""A person's answers in progress: the partial profile, its compact text form, and what is left."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from pydantic import (
    BaseModel,
    ConfigDict,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from advisor.profile import (
    ANSWERS,
    ELIGIBILITY,
    MULTIPLE_CHOICE,
    REQUIRED_WHEN_ELIGIBLE,
    Profile,
)
from advisor.questions import Question

# What `decode` names when it refused a whole text (or link) as too long to be answers.
OVERSIZED = "*"


class _PartialAnswers(BaseModel):
    """What `Answers` adds to the profile's fields, made optional."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def with_answer(self, question_id: str, value: Any) -> Answers:
        return self.model_copy(update={question_id: value})

    def with_item(self, group_id: str, item: str, value: Any) -> Answers:
        """The answers with one item of a group (a priority, a readiness item) set, or left
        out with None; a group with no item left is no answer."""
        answer = ANSWERS[group_id]
        current = getattr(self, group_id)
        items = dict(current.given()) if current is not None else {}
        if value is None:
            items.pop(item, None)
        else:
            items[item] = value
        if not items:
            return self.model_copy(update={group_id: None})
        return self.model_copy(update={group_id: answer.model(**items)})  # type: ignore[misc]

    def toggled(self, question_id: str, value: str) -> Answers:
        """The answers with one choice of a multiple-choice question added or removed (kept in
        the options' order)."""
        chosen = set(getattr(self, question_id)) ^ {value}
        return self.model_copy(
            update={question_id: tuple(v for v in ANSWERS[question_id].values if v in chosen)}
        )

    @field_validator(*MULTIPLE_CHOICE, mode="before", check_fields=False)
    @classmethod
    def _each_choice_once(cls, value: Any, info: ValidationInfo) -> Any:
        """Repeats collapse (a link may carry `leadership,leadership`) into option order; more
        choices than there are options is refused before any item is checked, so a long list
        costs one error, not one per item."""
        if not isinstance(value, (list, tuple)):
            return value
        options = ANSWERS[info.field_name].values
        if len(value) > len(options):
            raise PydanticCustomError(
                "too_long",
                "at most {limit} choices, not {given}",
                {"limit": len(options), "given": len(value)},
            )
        if not all(isinstance(m, str) for m in value):
            return value  # pydantic names each item that is not one of the options
        chosen = set(value)
        known = tuple(m for m in options if m in chosen)
        return known if len(known) == len(chosen) else tuple(dict.fromkeys(value))


def _optional(field: FieldInfo) -> tuple[Any, Any]:
    """A Profile field as a field of the partial answers: its default, or None until answered.
    The annotation leaves the field's constraints behind (StrictBool's strictness, a tuple's
    length): the partial answers are checked by `_PartialAnswers` and again as a Profile."""
    if field.is_required() or field.default is None:
        return field.annotation | None, None
    return field.annotation, field.default


# What someone has answered so far, any answer possibly still missing: Profile's fields, each
# optional. Made from Profile so that a question added there is an answer here too.
Answers = create_model(
    "Answers",
    __base__=_PartialAnswers,
    __doc__="What someone has answered so far; any answer may still be missing.",
    **{name: _optional(field) for name, field in Profile.model_fields.items()},
)


def encode(answers: Answers) -> str:
    """The answers as a short query string, e.g. for a link that reopens them."""
    pairs: list[tuple[str, str]] = []
    for field, answer in ANSWERS.items():
        value = getattr(answers, field)
        if value is None or value == ():
            continue
        if answer.items:
            given = value.given()
            if given:
                pairs.append((field, ",".join(f"{k}:{_word(v)}" for k, v in given.items())))
        elif isinstance(value, bool):
            pairs.append((field, "yes" if value else "no"))
        elif isinstance(value, tuple):
            pairs.append((field, ",".join(value)))
        else:
            pairs.append((field, value))
    return urlencode(pairs, safe=",:")


def _word(value: Any) -> str:
    """A value as the answers text writes it: yes and no for booleans."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


_YES_NO = {"yes": True, "no": False}


def _longest_text() -> str:
    """The answers text with the longest option of every question and every reason chosen."""
    longest: dict[str, Any] = {}
    for answer in ANSWERS.values():
        widest = max(answer.values, key=lambda v: len(_word(v)))
        if answer.kind == "multiple":
            longest[answer.id] = answer.values
        elif answer.items:
            longest[answer.id] = {item: widest for item in answer.items}
        else:
            longest[answer.id] = widest
    return encode(Answers(**longest))


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
        answer = ANSWERS.get(key)
        if answer is None:
            dropped.append(key)
        elif answer.items:
            raw[key], bad_items = _group_items(answer, value)
            dropped += [f"{key}.{item}" for item in bad_items]
        elif answer.kind == "boolean":
            raw[key] = _YES_NO.get(value, value)
        elif answer.kind == "multiple":
            raw[key] = tuple(v for v in value.split(",") if v)
        else:
            raw[key] = value
    try:
        return Answers(**raw), dropped
    except ValidationError as exc:
        bad = {str(error["loc"][0]) for error in exc.errors()}
        dropped += sorted(bad)
        return Answers(**{k: v for k, v in raw.items() if k not in bad}), dropped


def _group_items(answer: Any, text: str) -> tuple[dict[str, Any] | None, list[str]]:
    """A group's items from `research:high,career:low`, and the names of those unusable."""
    items: dict[str, Any] = {}
    bad: list[str] = []
    for pair in text.split(","):
        if not pair:
            continue
        item, _, word = pair.partition(":")
        value = _YES_NO.get(word) if answer.kind == "checks" else word
        if item in answer.items and value in answer.values and item not in items:
            items[item] = value
        else:
            bad.append(item or pair)
    return (items or None), bad


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
    if getattr(answers, ELIGIBILITY) is False:
        return [q for q in questions if q.id == ELIGIBILITY]
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
    eligible = getattr(answers, ELIGIBILITY)
    if eligible is None:
        return None
    if eligible and any(getattr(answers, f) is None for f in REQUIRED_WHEN_ELIGIBLE):
        return None
    data = answers.model_dump()
    if not eligible:
        # Only the eligibility answer counts for someone the programme would not admit.
        data = {"audience": answers.audience, ELIGIBILITY: False}
    return Profile(**data)
