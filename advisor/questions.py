"""The models of content/questions.yaml: each question, its two wordings, its options; and the
two steps of several items each: the priorities and the readiness check."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool

from advisor.evidence import Frozen, Text
from advisor.profile import QuestionKind


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


ItemId = Annotated[str, Field(pattern=r"^[a-z_]+$")]


class Level(Frozen):
    """One answer every priority may take: its value and how it reads."""

    value: str
    label: Text


class PriorityItem(Frozen):
    id: ItemId
    label: Wording
    help: Text


class PriorityStep(Frozen):
    """The priorities step (values clarification): how much each item matters."""

    prompt: Wording
    help: Text
    levels: list[Level] = Field(min_length=2)
    items: list[PriorityItem] = Field(min_length=1)

    def level_label(self, value: str) -> str:
        return next((level.label for level in self.levels if level.value == value), value)


# What a "no" to a readiness item opens: the options in detail, the priorities step, or the
# conversation with a supervisor, mentor or the colleague.
HelpWith = Literal["options", "priorities", "conversation"]


class ReadinessItem(Frozen):
    id: ItemId
    prompt: Wording
    help_with: HelpWith
    help: Wording = Field(description="Shown after a 'no'")


class ReadinessStep(Frozen):
    """The readiness check, modelled on the SURE test (O'Connor and Légaré): yes/no items."""

    prompt: Wording
    help: Text
    items: list[ReadinessItem] = Field(min_length=1)


class QuestionsFile(Frozen):
    questions: list[Question] = Field(min_length=1)
    priorities: PriorityStep
    readiness: ReadinessStep
