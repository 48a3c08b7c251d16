"""The models of content/questions.yaml: each question, its two wordings, its options."""

from __future__ import annotations

from typing import Annotated, Any

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


class QuestionsFile(Frozen):
    questions: list[Question] = Field(min_length=1)
