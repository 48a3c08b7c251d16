"""Frozen pydantic models of the study: citation, sample, themes, findings, quotations, outcomes."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

ExitPoint = Literal["certificate", "diploma", "masters"]
EXIT_POINTS: tuple[ExitPoint, ...] = ("certificate", "diploma", "masters")
EXIT_POINT_NAMES: dict[str, str] = {
    "certificate": "Certificate",
    "diploma": "Diploma",
    "masters": "Masters",
}

Strength = Literal["reported", "interpreted", "indirect", "fact"]
# Strongest first; the engine compares strengths by position in this tuple.
STRENGTHS: tuple[Strength, ...] = ("reported", "interpreted", "indirect", "fact")
STRENGTH_LABELS: dict[str, str] = {
    "reported": "Reported by graduates at this exit point",
    "interpreted": "The authors' interpretation of the interviews",
    "indirect": "Only indirectly supported",
    "fact": "A fact about the programme or the sample, not an outcome",
}
ALL_GRADUATES_LABEL = "Reported by graduates in general, not of one exit point"


def strength_label(strength: str, all_graduates: bool = False) -> str:
    """A finding's kind of evidence in words: graduates' reports said of all of them are not
    any one exit point's."""
    return (
        ALL_GRADUATES_LABEL
        if all_graduates and strength == "reported"
        else STRENGTH_LABELS[strength]
    )


Stance = Literal["supports", "cautions"]

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=2, max_length=60),
    Field(description="A short, stable, readable id: lower-case words joined by hyphens."),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
# Speaker codes as the paper prints them: gender, level letter, '#', number.
SpeakerCode = Annotated[
    str,
    StringConstraints(pattern=r"^(Male|Female) [CDM]#[0-9]+$"),
    Field(description="The study's anonymised code exactly as printed, e.g. 'Female C#142'."),
]
LEVEL_LETTERS: dict[str, ExitPoint] = {"C": "certificate", "D": "diploma", "M": "masters"}


class Frozen(BaseModel):
    """Base for content models: immutable, and unknown keys are errors (they are usually typos)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Citation(Frozen):
    authors: list[Text] = Field(min_length=1)
    title: Text
    journal: Text
    year: int = Field(ge=1900, le=2100)
    volume: int
    issue: int
    pages: Text
    doi: Annotated[str, StringConstraints(pattern=r"^10\.\d{4,9}/\S+$")]
    licence: Text

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}"

    @property
    def text(self) -> str:
        """The citation as one line, in the style the study README uses."""
        return (
            f"{', '.join(self.authors)}. {self.title}. {self.journal} {self.year};"
            f"{self.volume}({self.issue}):{self.pages}. doi:{self.doi}"
        )


class Method(Frozen):
    approach: Text
    data: Text
    interviews_from: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}$")]
    interviews_to: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}$")]
    interview_modes: list[Text]
    participants: int = Field(gt=0)
    graduated: Text
    sampling: Text
    section: Text


class SampleRow(Frozen):
    label: Text
    count: int = Field(ge=0)


class SampleGroup(Frozen):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z_]+$")]
    label: Text
    rows: list[SampleRow] = Field(min_length=1)


class Sample(Frozen):
    """Table 2 of the study: one group per characteristic, each adding up to the total."""

    title: Text
    total: int = Field(gt=0)
    note: Text
    groups: list[SampleGroup] = Field(min_length=1)


class Programme(Frozen):
    provider: Text
    graduates: Text
    levels: list[ExitPoint]
    structure: dict[ExitPoint, Text]
    duration: Text
    modes: list[Text]
    entry_requirement: Text
    intake: Text
    section: Text


class Growth(Frozen):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    start: int | str = Field(alias="from")
    end: int | str = Field(alias="to")


class ProviderGrowth(Frozen):
    from_year: int
    to_year: int
    worldwide: Growth
    uk: Growth
    section: Text


class Limitation(Frozen):
    id: Slug
    text: Text


class Study(Frozen):
    version: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    reviewed: dt.date
    citation: Citation
    method: Method
    sample: Sample
    programme: Programme
    provider_growth: ProviderGrowth
    limitations: list[Limitation] = Field(min_length=1)
    limitations_section: Text


class Theme(Frozen):
    id: Slug
    name: Text
    summary: Text


class Locator(Frozen):
    """Where a finding rests in the study: the section, and a few words of the sentence copied
    exactly from the study's text (from one line of it), so that a test can find them there."""

    section: Text
    words: Annotated[str, StringConstraints(min_length=12, max_length=160)]


class Finding(Frozen):
    id: Slug
    statement: Text
    theme: Slug
    exit_points: list[ExitPoint] = Field(min_length=1)
    section: Text
    strength: Strength
    all_graduates: bool = Field(
        default=False,
        description="Said of the graduates in general, not of one exit point: shown under "
        "every exit point, and never counted as one exit point's evidence",
    )
    locator: Locator


class Quotation(Frozen):
    id: Slug
    speaker: SpeakerCode
    level: ExitPoint
    theme: Slug
    findings: list[Slug] = Field(min_length=1)
    stance: Stance
    # Verbatim: no stripping or other normalisation, so the loader never alters a graduate's words.
    text: Annotated[str, StringConstraints(min_length=1)]


class OutcomeItem(Frozen):
    text: Text
    findings: list[Slug] = Field(min_length=1)
    strength: Strength


class Outcome(Frozen):
    exit_point: ExitPoint
    name: Text
    involves: Text
    participants: Text
    items: list[OutcomeItem] = Field(min_length=1)
    evidence_note: Text


# An email address (one @, a dot in the domain, no spaces) or an http(s) address.
ERROR_CONTACT_PATTERN = r"^([^@\s/:]+@[^@\s/:]+\.[^@\s/:]+|https?://\S+)$"


class ThemesFile(Frozen):
    themes: list[Theme] = Field(min_length=1)


class FindingsFile(Frozen):
    findings: list[Finding] = Field(min_length=1)


class QuotationsFile(Frozen):
    quotations: list[Quotation] = Field(min_length=1)


class OutcomesFile(Frozen):
    outcomes: list[Outcome] = Field(min_length=1)
