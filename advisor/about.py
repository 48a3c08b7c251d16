"""What /about says about the advisor itself: its update policy and how it scores against IPDAS.

Pure data (no Reflex): the page renders it, and tests check every "where" link against the
pages the app serves.

The standard is the International Patient Decision Aid Standards instrument, IPDASi v4.0
(Joseph-Williams N, Newcombe R, Politi M, et al. Med Decis Making 2014;34(6):699-710). Each item
below is put in the project's own words for a choice of study level; the items about screening
tests do not apply to this choice and are left out.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from advisor.embed_options import origin_of

IPDAS_CITATION = (
    "Joseph-Williams N, Newcombe R, Politi M, et al. Toward minimum standards for certifying "
    "patient decision aids: a modified Delphi consensus process. Medical Decision Making "
    "2014;34(6):699-710. doi:10.1177/0272989X13501721"
)

Group = Literal["qualifying", "certification", "quality"]
GROUPS: dict[Group, tuple[str, str]] = {
    "qualifying": (
        "Qualifying items",
        "without these, a tool is not a decision aid.",
    ),
    "certification": (
        "Certification items",
        "without these, a decision aid is at high risk of bias.",
    ),
    "quality": (
        "Quality items",
        "these make a decision aid better.",
    ),
}

Status = Literal["met", "partly", "not_yet", "not_applicable"]
STATUS_LABELS: dict[Status, str] = {
    "met": "Met",
    "partly": "Partly",
    "not_yet": "Not yet",
    "not_applicable": "Not applicable",
}


Href = Annotated[str, StringConstraints(pattern=r"^/[a-z/]*(#[a-z0-9-]+)?$")]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Where(Frozen):
    """A place in the advisor where an item is met: a page, or a section of one."""

    label: str
    href: Href

    @property
    def route(self) -> str:
        return self.href.split("#", 1)[0] or "/"

    @property
    def section(self) -> str | None:
        return self.href.split("#", 1)[1] if "#" in self.href else None


class IpdasItem(Frozen):
    """One item of the instrument, in the project's words, and how far the advisor meets it."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
    group: Group
    item: str = Field(description="What the item asks, in the project's own words")
    status: Status
    note: str = Field(description="How the advisor meets it, or why it does not yet")
    where: tuple[Where, ...] = ()


def _w(label: str, href: str) -> Where:
    return Where(label=label, href=href)


OPTIONS = _w("The four options", "/result#options")

IPDAS_ITEMS: tuple[IpdasItem, ...] = (
    # --- qualifying -----------------------------------------------------------------------
    IpdasItem(
        id="situation",
        group="qualifying",
        item="It describes the situation that calls for a decision.",
        status="met",
        note="The start page says who it is for and what choice they face.",
        where=(_w("Start page", "/"),),
    ),
    IpdasItem(
        id="decision",
        group="qualifying",
        item="It states the decision to be made.",
        status="met",
        note="Which level to study, if any: Certificate, Diploma, Masters or not now.",
        where=(_w("Start page", "/"),),
    ),
    IpdasItem(
        id="options",
        group="qualifying",
        item="It describes every option.",
        status="met",
        note="The three levels, and not studying now.",
        where=(OPTIONS,),
    ),
    IpdasItem(
        id="positive-features",
        group="qualifying",
        item="It says what is good about each option.",
        status="met",
        note="What graduates reported gaining, for each option.",
        where=(OPTIONS,),
    ),
    IpdasItem(
        id="negative-features",
        group="qualifying",
        item="It says what each option costs, or where its evidence is silent.",
        status="met",
        note="Time, study alongside work, the dissertation, the workplace's part, thin evidence.",
        where=(OPTIONS,),
    ),
    IpdasItem(
        id="living-with",
        group="qualifying",
        item="It helps you imagine what each option would be like.",
        status="partly",
        note=(
            "Graduates' own words show what study was like for them. The study quotes no "
            "Diploma graduate, and it interviewed nobody who chose not to study."
        ),
        where=(_w("In graduates' own words", "/result#voices"),),
    ),
    # --- certification --------------------------------------------------------------------
    IpdasItem(
        id="equal-detail",
        group="certification",
        item="It shows the good and the bad of each option in equal detail.",
        status="met",
        note=(
            "Every option has the same headings and about the same length. The advisor still "
            "suggests one option, because its users asked for that; it says so plainly."
        ),
        where=(OPTIONS,),
    ),
    IpdasItem(
        id="citations",
        group="certification",
        item="It cites the evidence it uses.",
        status="met",
        note="Every reason links to a finding, and every finding to its place in the study.",
        where=(_w("The evidence", "/evidence#findings"),),
    ),
    IpdasItem(
        id="date",
        group="certification",
        item="It says when it was made or last checked.",
        status="met",
        note="The date the evidence was last reviewed is on this page and in the site's footer.",
        where=(_w("Keeping it up to date", "/about#update-policy"),),
    ),
    IpdasItem(
        id="update-policy",
        group="certification",
        item="It has a policy for updates.",
        status="met",
        note="What starts a review, and how to report an error.",
        where=(_w("Keeping it up to date", "/about#update-policy"),),
    ),
    IpdasItem(
        id="uncertainty",
        group="certification",
        item="It says how sure the evidence is.",
        status="met",
        note="A confidence word on each suggestion, the strength of each finding, the limits.",
        where=(
            _w("What the advisor cannot tell you", "/method#cannot-tell"),
            _w("How far to trust this", "/result#caveats-heading"),
        ),
    ),
    IpdasItem(
        id="funding",
        group="certification",
        item="It says who paid for it, and any conflict of interest.",
        status="met",
        note="No programme paid for it; an embedding site is named.",
        where=(_w("Who made it and who paid", "/about#who"),),
    ),
    # --- quality --------------------------------------------------------------------------
    IpdasItem(
        id="no-action",
        group="quality",
        item="It says what may happen if you choose none of the options.",
        status="met",
        note=(
            "“Not now” is one of the options. The study interviewed only graduates, so it "
            "says what the study cannot tell, and what other routes exist."
        ),
        where=(OPTIONS,),
    ),
    IpdasItem(
        id="compare",
        group="quality",
        item="It lets you compare the options side by side.",
        status="met",
        note="The options share one layout, and the result ranks them.",
        where=(OPTIONS,),
    ),
    IpdasItem(
        id="frequencies",
        group="quality",
        item=(
            "It gives the chance of each outcome as numbers, for the same group and time span "
            "(several items about numbers, taken together here)."
        ),
        status="not_applicable",
        note=(
            "The study gives no outcome numbers: it is an interview study. The advisor never "
            "makes them up."
        ),
    ),
    IpdasItem(
        id="values",
        group="quality",
        item="It asks which features of the options matter most to you.",
        status="met",
        note=(
            "A step after the questions asks what matters to you, and the result shows "
            "which option your priorities lean to."
        ),
        where=(
            _w("The questions", "/assess"),
            _w("What matters to you", "/result#priorities"),
        ),
    ),
    IpdasItem(
        id="steps",
        group="quality",
        item="It guides you through the decision step by step.",
        status="met",
        note=(
            "Questions, then the suggestion and its reasons, the options, your priorities, "
            "and a check that you are ready to decide (after the Ottawa SURE test)."
        ),
        where=(_w("Are you ready to decide?", "/result#readiness"),),
    ),
    IpdasItem(
        id="worksheet",
        group="quality",
        item="It gives a worksheet or questions to take to others.",
        status="met",
        note=(
            "Questions to ask, a printable worksheet of your decision, and planning together: "
            "a supervisor and a colleague answer apart, then see and print where they differ."
        ),
        where=(
            _w("Questions to ask", "/result#questions-to-ask"),
            _w("Print the result", "/result"),
            _w("Plan together", "/plan"),
        ),
    ),
    IpdasItem(
        id="evidence-selection",
        group="quality",
        item="It says how the evidence was chosen.",
        status="partly",
        note=(
            "It says it rests on one published study and names it. Nobody searched for and "
            "weighed other studies."
        ),
        where=(_w("Who made it and why", "/about#who"),),
    ),
    IpdasItem(
        id="evidence-quality",
        group="quality",
        item="It says how good the evidence is.",
        status="met",
        note="Each finding shows its kind of evidence; the study's limits are listed.",
        where=(_w("Limitations", "/evidence#limitations"),),
    ),
    IpdasItem(
        id="credentials",
        group="quality",
        item="It says who made it and what qualifies them.",
        status="partly",
        note="It says who made it. It does not give the makers' qualifications.",
        where=(_w("Who made it and why", "/about#who"),),
    ),
    IpdasItem(
        id="reading-level",
        group="quality",
        item="It reports how easy its text is to read.",
        status="met",
        note="Measured by a program each time the advisor starts, not typed in.",
        where=(_w("How easy it is to read", "/about#reading-level"),),
    ),
    IpdasItem(
        id="needs-users",
        group="quality",
        item="People facing the choice helped say what it should cover.",
        status="not_yet",
        note="Not done yet.",
    ),
    IpdasItem(
        id="needs-advisers",
        group="quality",
        item="Supervisors and admissions tutors helped say what it should cover.",
        status="not_yet",
        note="Not done yet.",
    ),
    IpdasItem(
        id="review-users",
        group="quality",
        item="People facing the choice, who did not make it, reviewed it.",
        status="not_yet",
        note="Not done yet.",
    ),
    IpdasItem(
        id="review-advisers",
        group="quality",
        item="Supervisors and tutors who did not make it reviewed it.",
        status="not_yet",
        note="Not done yet.",
    ),
    IpdasItem(
        id="field-test-users",
        group="quality",
        item="It was tried out with people facing the choice.",
        status="not_yet",
        note="Not done yet: no real users have tested it.",
    ),
    IpdasItem(
        id="field-test-advisers",
        group="quality",
        item="It was tried out with supervisors and tutors.",
        status="not_yet",
        note="Not done yet.",
    ),
    IpdasItem(
        id="knowledge",
        group="quality",
        item="There is evidence that it helps people know the options.",
        status="not_yet",
        note="Not measured yet.",
    ),
    IpdasItem(
        id="values-match",
        group="quality",
        item="There is evidence that it helps people choose what fits what they value.",
        status="not_yet",
        note="Not measured yet.",
    ),
)

# What starts a review of the evidence and the advisor's text.
REVIEW_TRIGGERS: tuple[str, ...] = (
    "a new study of graduates of these programmes,",
    "a correction to the study, or a comment on it by its authors,",
    "an error reported by a user,",
    "a change to the programme, such as its levels, credits or entry rules.",
)


def items_in(group: Group) -> list[IpdasItem]:
    return [item for item in IPDAS_ITEMS if item.group == group]


def status_counts() -> dict[Status, int]:
    counts: dict[Status, int] = dict.fromkeys(STATUS_LABELS, 0)
    for item in IPDAS_ITEMS:
        counts[item.status] += 1
    return counts


def embedding_site(value: str | None) -> str | None:
    """The site named in /about?site=<origin>, if it is a well-formed origin; else None."""
    site = origin_of((value or "").strip(), "")
    return site or None
