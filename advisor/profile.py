"""A person's answers: the one definition every other shape of them follows from.

`Profile` is the API's request body and the engine's input. Each field but `audience` is the
answer to the question of the same id in content/questions.yaml, and its type is the set of
answers it may take. The rest follows from it (see `ANSWERS`): the partial answers and their
link text (advisor.answers), the saved record (advisor.db stores the profile whole), the
insights' dimensions (fields marked `Asked(counted_as=...)`), the content check that
questions.yaml offers exactly these values, and the engine's lookups. Adding a question is its
entry in questions.yaml and one field here (the README's "Adding a question").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

Audience = Literal["self", "supervisor"]
AUDIENCES: tuple[Audience, ...] = get_args(Audience)
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
# What matters to the person (the priorities step) and how much; each rated or left out.
PriorityId = Literal[
    "research", "teaching", "career", "short_commitment", "decide_later", "belonging"
]
Importance = Literal["low", "medium", "high"]
# The readiness check (modelled on the SURE test): each item answered yes, no, or left out.
ReadinessId = Literal["sure", "understand", "values", "support"]

# The eligibility question: answered "no", it is the only one asked and the only one that counts.
ELIGIBILITY = "healthcare_background"

Need = Literal["always", "when_eligible", "optional"]
QuestionKind = Literal["boolean", "single", "multiple"]
# An answer made of several items, each rated (the priorities) or answered yes or no (the
# readiness check); asked by a step of its own in questions.yaml rather than by a question.
GroupKind = Literal["ratings", "checks"]
AnswerKind = QuestionKind | GroupKind


@dataclass(frozen=True)
class Asked:
    """Marks a Profile field as a question's answer, and says when it must be given.

    `counted_as` names the field as a dimension of the insights, with the dimension's label.
    """

    need: Need
    counted_as: str | None = None
    # For an answer of several items: the section of questions.yaml that asks for them.
    step: str | None = None


class _Group(BaseModel):
    """Several items answered together; any item may be left out."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def given(self) -> dict[str, Any]:
        """The items answered, in the items' order."""
        return {k: v for k, v in self.__dict__.items() if v is not None}


def _group(name: str, doc: str, ids: Any, value: Any) -> type[_Group]:
    return create_model(
        name,
        __base__=_Group,
        __doc__=doc,
        **{item: (value | None, None) for item in get_args(ids)},
    )


Priorities = _group(
    "Priorities",
    "How much each priority matters (low, medium, high); any may be left out.",
    PriorityId,
    Importance,
)
ReadinessCheck = _group(
    "ReadinessCheck",
    "The readiness check: each item true (yes) or false (no); any may be left out.",
    ReadinessId,
    StrictBool,
)


class Profile(BaseModel):
    """One person's answers. Multiple choice only: nothing here can identify anyone."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    audience: Annotated[Audience, Asked("always", counted_as="Who answered")] = Field(
        default="self",
        description="Who is answering: the person themselves, or a supervisor about a colleague.",
    )
    healthcare_background: Annotated[StrictBool, Asked("always")] = Field(
        description="An educational or professional background in healthcare (entry requirement)."
    )
    role: Annotated[Role | None, Asked("when_eligible", counted_as="Role in education")] = Field(
        default=None,
        description="Role in education (required when healthcare_background is true).",
    )
    career_stage: Annotated[
        CareerStage | None, Asked("when_eligible", counted_as="Career stage")
    ] = Field(
        default=None,
        description="early, mid or late in one's career: the advisor's own rough bands, as the "
        "study defines none (required when healthcare_background is true).",
    )
    motivations: Annotated[tuple[Motivation, ...], Asked("optional")] = Field(
        default=(),
        max_length=len(get_args(Motivation)),
        description="Reasons for studying; any number, each at most once.",
    )
    research_aim: Annotated[ResearchAim | None, Asked("when_eligible")] = Field(
        default=None,
        description="The part research should play (required when healthcare_background is true).",
    )
    workplace: Annotated[Workplace | None, Asked("optional")] = Field(
        default=None, description="Optional: uk or international."
    )
    priorities: Annotated[Priorities | None, Asked("optional", step="priorities")] = Field(
        default=None,
        description="Optional: how much each priority matters to the person (values "
        "clarification). It never changes the suggestion; the result says which option these "
        "priorities lean to.",
    )
    sure: Annotated[ReadinessCheck | None, Asked("optional", step="readiness")] = Field(
        default=None,
        description="Optional: the readiness check, four yes/no items modelled on the SURE test "
        "(O'Connor and Légaré).",
    )

    @field_validator("*", mode="before")
    @classmethod
    def _not_longer_than_the_options(cls, value: Any, info: Any) -> Any:
        # Before the items are checked: pydantic checks every item of a list before its
        # length, so 12,900 unknown reasons would cost 12,900 errors (about a second of CPU).
        answer = ANSWERS.get(info.field_name)
        if answer is not None and answer.items and isinstance(value, dict):
            # The same for a group: more keys than it has items cost one error, not one each.
            if len(value) > len(answer.items):
                raise PydanticCustomError(
                    "too_long",
                    "at most {limit} items ({items}), not {given}",
                    {
                        "limit": len(answer.items),
                        "items": ", ".join(answer.items),
                        "given": len(value),
                    },
                )
            return value
        if answer is None or answer.kind != "multiple":
            return value
        limit = len(answer.values)
        if isinstance(value, (list, tuple)) and len(value) > limit:
            raise PydanticCustomError(
                "too_long",
                "Tuple should have at most {max_length} items after validation, "
                "not {actual_length}",
                {"field_type": "Tuple", "max_length": limit, "actual_length": len(value)},
            )
        return value

    @field_validator("*")
    @classmethod
    def _no_repeats(cls, value: Any, info: Any) -> Any:
        answer = ANSWERS.get(info.field_name)
        if answer is None or answer.kind != "multiple":
            return value
        repeated = sorted({m for m in value if value.count(m) > 1})
        if repeated:
            raise ValueError(f"each {answer.item} may appear once; repeated: {', '.join(repeated)}")
        return value

    @model_validator(mode="after")
    def _eligible_profiles_answer_everything(self) -> Profile:
        if getattr(self, ELIGIBILITY):
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


# ---------------------------------------------------------------------------------------------
# What the rest of the advisor reads about each answer, derived from Profile's fields.


@dataclass(frozen=True)
class Answer:
    """One answer of the profile, as the codec, the content check and the insights see it."""

    id: str
    kind: AnswerKind
    values: tuple[Any, ...]  # every answer it (or each of its items) may take, in order
    need: Need
    counted_as: str | None
    question: bool  # asked by a question of questions.yaml (audience is chosen, not asked)
    items: tuple[str, ...] = ()  # a group's items (ratings, checks), in order
    step: str | None = None  # a group's section of questions.yaml
    model: type[BaseModel] | None = None  # a group's model

    @property
    def item(self) -> str:
        """What one choice of a multiple-choice answer is called in messages."""
        return self.id.removesuffix("s")


def _values(annotation: Any) -> tuple[Any, ...]:
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if annotation is bool:
        return (True, False)
    origin = get_origin(annotation)
    if origin is Literal:
        return get_args(annotation)
    # `X | None` and `tuple[X, ...]`: the values of X.
    inner = [a for a in get_args(annotation) if a is not type(None) and a is not Ellipsis]
    if len(inner) == 1:
        return _values(inner[0])
    raise TypeError(f"a Profile field must be a bool, a Literal or a tuple of one: {annotation}")


def _group_of(annotation: Any) -> type[_Group] | None:
    for arg in (annotation, *get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, _Group):
            return arg
    return None


def _kind(annotation: Any) -> QuestionKind:
    if annotation is bool:
        return "boolean"
    return "multiple" if get_origin(annotation) is tuple else "single"


def _catalog(model: type[BaseModel]) -> dict[str, Answer]:
    catalog: dict[str, Answer] = {}
    for name, field in model.model_fields.items():
        asked = next((m for m in field.metadata if isinstance(m, Asked)), None)
        if asked is None:
            raise TypeError(f"Profile.{name} needs Asked(...) metadata")
        group = _group_of(field.annotation)
        if group is not None:
            item_type = next(iter(group.model_fields.values())).annotation
            values = _values(item_type)
            catalog[name] = Answer(
                id=name,
                kind="checks" if values == (True, False) else "ratings",
                values=values,
                need=asked.need,
                counted_as=asked.counted_as,
                question=False,
                items=tuple(group.model_fields),
                step=asked.step,
                model=group,
            )
            continue
        catalog[name] = Answer(
            id=name,
            kind=_kind(field.annotation),
            values=_values(field.annotation),
            need=asked.need,
            counted_as=asked.counted_as,
            question=name != "audience",
        )
    return catalog


ANSWERS: dict[str, Answer] = _catalog(Profile)
# The answers questions.yaml asks for, in the profile's order.
QUESTION_IDS: tuple[str, ...] = tuple(a.id for a in ANSWERS.values() if a.question)
# The answers of several items, each asked by a step of its own (priorities, readiness).
GROUPS: tuple[str, ...] = tuple(a.id for a in ANSWERS.values() if a.items)
PRIORITY_IDS: tuple[str, ...] = get_args(PriorityId)
IMPORTANCES: tuple[str, ...] = get_args(Importance)
READINESS_IDS: tuple[str, ...] = get_args(ReadinessId)
# Answers every eligible profile must give (the eligibility answer itself is always required).
REQUIRED_WHEN_ELIGIBLE: tuple[str, ...] = tuple(
    a.id for a in ANSWERS.values() if a.need == "when_eligible"
)
MULTIPLE_CHOICE: tuple[str, ...] = tuple(a.id for a in ANSWERS.values() if a.kind == "multiple")
