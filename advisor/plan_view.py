"""What the comparison of a plan made together shows one seat, as typed view data (no Reflex).

advisor.plans.compare sets the two seats' answers side by side; this module turns that
Comparison into the lines, rows and labels the page shows the person viewing it, with the
colleague's column always first (the decision is theirs) and the viewer's own column marked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import lru_cache

from advisor.content import Content
from advisor.decision_aid import OPTION_NAMES
from advisor.evidence import EXIT_POINT_NAMES
from advisor.plans import SEAT_NAMES, Comparison, DiscussionPoint, Seat
from advisor.view import CONFIDENCE_MEANING, CONFIDENCE_WORDS, number_findings

# The colleague's column first, as mentoring agreements put the mentee's: the decision is theirs.
COLUMN_ORDER: tuple[Seat, ...] = ("colleague", "supervisor")
YOU = " (you)"
AGREE_HEADING = "Agree?"
AGREE_TEXT = {True: "Yes", False: "No"}
CHANGES_NOTE = "Changes the suggestion"
NOT_ANSWERED = "Not answered"
NOT_RATED = "Not rated"
NO_SUGGESTION = "No suggestion"
NO_SUGGESTION_NOTE = (
    "These answers say the colleague has no healthcare background. The programme is for "
    "healthcare professionals, so the advisor makes no suggestion."
)
# Whose answers each seat's suggestion comes from, as a heading.
ANSWERS_OF = {"colleague": "The colleague's own answers", "supervisor": "The supervisor's answers"}
ASK_WHO = {
    "programme": "Ask the programme",
    "workplace": "Ask the workplace",
    "supervisor": "Talk through together",
}


@dataclass(frozen=True)
class Column:
    """One seat's column of the tables."""

    seat: str
    heading: str  # "Colleague (you)"
    you: bool


@dataclass(frozen=True)
class Suggestion:
    """What one seat's answers suggest, and how firmly."""

    seat: str
    heading: str  # "The colleague's own answers (you)"
    exit_point: str  # "" when there is none
    name: str  # "Masters", or NO_SUGGESTION
    confidence: str  # "strong", "moderate", "tentative", or ""
    confidence_label: str
    confidence_meaning: str
    note: str = ""  # why there is no suggestion


@dataclass(frozen=True)
class FindingLink:
    id: str
    label: str
    section: str


@dataclass(frozen=True)
class NumberedFinding:
    """A finding in the one numbered list under the differences that matter."""

    number: int
    id: str
    label: str
    section: str


@dataclass(frozen=True)
class AskLine:
    who: str  # "Ask the programme"
    text: str
    findings: list[FindingLink] = field(default_factory=list)


@dataclass(frozen=True)
class Point:
    """One disagreement to talk about, grounded in the findings it moves."""

    question_id: str
    anchor: str  # the element id, "point-<question id>"
    label: str
    text: str
    changes: bool
    findings: list[FindingLink] = field(default_factory=list)
    # On a difference that changes a suggestion: its findings' numbers in key_findings.
    refs: list[NumberedFinding] = field(default_factory=list)
    asks: list[AskLine] = field(default_factory=list)


@dataclass(frozen=True)
class Row:
    """One line of a side-by-side table: what each seat said, and whether they agree."""

    id: str
    row_id: str  # the element id
    label: str
    colleague: str
    supervisor: str
    agree: bool
    agree_text: str
    note: str = ""  # CHANGES_NOTE where the difference changes a suggestion


@dataclass(frozen=True)
class Leaning:
    seat: str
    heading: str
    text: str


@dataclass(frozen=True)
class ComparisonView:
    """Everything the comparison shows one seat; empty until both seats are done."""

    ready: bool = False
    viewer: str = ""
    columns: list[Column] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    agree_on_suggestion: bool = False
    suggestion_summary: str = ""
    key_points: list[Point] = field(default_factory=list)
    key_findings: list[NumberedFinding] = field(default_factory=list)
    key_summary: str = ""
    other_points: list[Point] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    table_summary: str = ""
    priority_rows: list[Row] = field(default_factory=list)
    leanings: list[Leaning] = field(default_factory=list)
    readiness_rows: list[Row] = field(default_factory=list)
    readiness_scores: list[str] = field(default_factory=list)  # in COLUMN_ORDER
    readiness_caution: str = ""


def seat_heading(seat: str, viewer: str) -> str:
    """A column's heading: the seat's name, and "(you)" on the viewer's own."""
    return SEAT_NAMES[seat] + (YOU if seat == viewer else "")  # type: ignore[index]


def suggestion_name(exit_point: str | None) -> str:
    return EXIT_POINT_NAMES[exit_point] if exit_point else NO_SUGGESTION


def _suggestions(comparison: Comparison, viewer: str) -> list[Suggestion]:
    out = []
    for seat in COLUMN_ORDER:
        exit_point = getattr(comparison.recommended, seat) or ""
        confidence = (getattr(comparison.confidence, seat) or "") if exit_point else ""
        out.append(
            Suggestion(
                seat=seat,
                heading=ANSWERS_OF[seat] + (YOU if seat == viewer else ""),
                exit_point=exit_point,
                name=suggestion_name(exit_point),
                confidence=confidence,
                confidence_label=CONFIDENCE_WORDS.get(confidence, ""),
                confidence_meaning=CONFIDENCE_MEANING.get(confidence, ""),
                note="" if exit_point else NO_SUGGESTION_NOTE,
            )
        )
    return out


def suggestion_summary(comparison: Comparison) -> str:
    """One or two sentences on whether the two suggestions agree."""
    colleague, supervisor = comparison.recommended.colleague, comparison.recommended.supervisor
    if comparison.agree_on_suggestion:
        if colleague is None:
            return (
                "Neither set of answers leads to a suggestion. Both say the colleague has no "
                "healthcare background, and the programme is for people who work in healthcare."
            )
        return (
            f"Both sets of answers lead to the same suggestion: the {EXIT_POINT_NAMES[colleague]}."
        )

    def lead(exit_point: str | None) -> str:
        return f"to the {EXIT_POINT_NAMES[exit_point]}" if exit_point else "to no suggestion"

    return (
        "The two sets of answers lead to different suggestions. The colleague's own answers "
        f"lead {lead(colleague)}. The supervisor's lead {lead(supervisor)}."
    )


def key_summary(comparison: Comparison) -> str:
    """What the list of differences that change a suggestion holds, or why it is empty."""
    count = len(comparison.changes_suggestion)
    if count:
        noun = "difference changes" if count == 1 else "differences change"
        return (
            f"{count} {noun} a suggestion. Talk about these first: for each, which answer "
            "describes the colleague now?"
        )
    if not comparison.agree_on_suggestion:
        return (
            "No one difference changes a suggestion by itself. The suggestions differ because "
            "of several differences together. Talk through the differences below."
        )
    if any(not pair.agree for pair in comparison.questions):
        return "You differ on some answers, but none of them changes a suggestion."
    return "You gave the same answer to every question."


def table_summary(comparison: Comparison) -> str:
    total = len(comparison.questions)
    same = sum(1 for pair in comparison.questions if pair.agree)
    return f"You agree on {same} of {total} questions."


def _findings(ids: list[str], content: Content) -> list[FindingLink]:
    known = content.findings_by_id
    return [FindingLink(id=f, label=known[f].statement, section=known[f].section) for f in ids]


def point_text(text: str, label: str) -> str:
    """A discussion point's words under its question's heading: without the question's name
    they start with ("Research plans: the supervisor answered ...")."""
    said = text.removeprefix(f"{label}: ")
    return said[:1].upper() + said[1:]


def _point(point: DiscussionPoint, label: str, content: Content) -> Point:
    return Point(
        question_id=point.question_id,
        anchor=f"point-{point.question_id}",
        label=label,
        text=point_text(point.text, label),
        changes=point.changes_suggestion,
        findings=_findings(point.findings, content),
        asks=[
            AskLine(who=ASK_WHO[ask.ask], text=ask.text, findings=_findings(ask.findings, content))
            for ask in point.asks
        ],
    )


def _row(
    kind: str, item: str, label: str, said: dict[str, str], agree: bool, note: str = ""
) -> Row:
    return Row(
        id=item,
        row_id=f"{kind}-{item}",
        label=label,
        colleague=said["colleague"],
        supervisor=said["supervisor"],
        agree=agree,
        agree_text=AGREE_TEXT[agree],
        note=note,
    )


def readiness_answer(value: bool | None) -> str:
    return NOT_ANSWERED if value is None else "Yes" if value else "No"


def leaning_text(leaning: str | None, suggested: str | None, rated: bool) -> str:
    """Where one seat's priorities lean, beside that seat's suggestion."""
    if not rated:
        return "No priorities were rated."
    if leaning is None:
        return "The priorities do not lean to one option."
    name = "“Not now”" if leaning == "not_now" else f"the {OPTION_NAMES[leaning]}"
    if leaning == suggested:
        return f"They lean to {name}, the same as the suggestion from these answers."
    return f"They lean to {name}, while these answers suggest {_suggested_phrase(suggested)}."


def _suggested_phrase(exit_point: str | None) -> str:
    return f"the {EXIT_POINT_NAMES[exit_point]}" if exit_point else "no exit point"


def numbered(points: list[Point]) -> tuple[list[Point], list[NumberedFinding]]:
    """The points with their findings' numbers, and the findings they cite, each once,
    numbered in the order first cited (as the result numbers its reasons' findings)."""
    cited = [
        {"findings": [{"id": f.id, "label": f.label, "section": f.section} for f in p.findings]}
        for p in points
    ]
    found = [NumberedFinding(**f) for f in number_findings(cited)]
    by_number = {f.number: f for f in found}
    return [
        replace(point, refs=[by_number[n] for n in each["refs"]])
        for point, each in zip(points, cited, strict=True)
    ], found


def build(comparison: Comparison, viewer: str, content: Content) -> ComparisonView:
    """The comparison as `viewer` ("supervisor" or "colleague") sees it."""
    labels = {pair.question_id: pair.label for pair in comparison.questions}
    points = [_point(p, labels[p.question_id], content) for p in comparison.discussion_points]
    key_points, key_findings = numbered([p for p in points if p.changes])
    level = content.priorities.level_label
    priority_rows = [
        _row(
            "priority",
            pair.item,
            pair.label,
            {s: level(getattr(pair, s)) if getattr(pair, s) else NOT_RATED for s in COLUMN_ORDER},
            pair.agree,
        )
        for pair in comparison.priorities
    ]
    rated = {s: any(getattr(p, s) for p in comparison.priorities) for s in COLUMN_ORDER}
    scores = {s: getattr(comparison.readiness_score, s) for s in COLUMN_ORDER}  # None: not answered
    count = len(comparison.readiness)
    return ComparisonView(
        ready=True,
        viewer=viewer,
        columns=[
            Column(seat=s, heading=seat_heading(s, viewer), you=s == viewer) for s in COLUMN_ORDER
        ],
        suggestions=_suggestions(comparison, viewer),
        agree_on_suggestion=comparison.agree_on_suggestion,
        suggestion_summary=suggestion_summary(comparison),
        key_points=key_points,
        key_findings=key_findings,
        key_summary=key_summary(comparison),
        other_points=[p for p in points if not p.changes],
        rows=[
            _row(
                "compare",
                pair.question_id,
                pair.label,
                {"colleague": pair.colleague_text, "supervisor": pair.supervisor_text},
                pair.agree,
                CHANGES_NOTE if pair.changes_suggestion else "",
            )
            for pair in comparison.questions
        ],
        table_summary=table_summary(comparison),
        priority_rows=priority_rows,
        leanings=[
            Leaning(
                seat=s,
                heading=seat_heading(s, viewer),
                text=leaning_text(
                    getattr(comparison.leaning, s), getattr(comparison.recommended, s), rated[s]
                ),
            )
            for s in COLUMN_ORDER
        ],
        readiness_rows=[
            _row(
                "readiness",
                pair.item,
                pair.label,
                {s: readiness_answer(getattr(pair, s)) for s in COLUMN_ORDER},
                pair.agree,
            )
            for pair in comparison.readiness
        ],
        readiness_scores=[
            NOT_ANSWERED if scores[s] is None else f"{scores[s]} of {count} yes"
            for s in COLUMN_ORDER
        ],
        readiness_caution=comparison.readiness_caution,
    )


EMPTY = ComparisonView()


def cached_views(content: Content, size: int = 512):
    """The view of a comparison's JSON for one seat, bound to one content and memoised: a
    plan's page asks for many parts of the same view. "" (not both done yet) gives EMPTY."""

    @lru_cache(maxsize=size)
    def view_of(comparison_json: str, viewer: str) -> ComparisonView:
        if not comparison_json or viewer not in SEAT_NAMES:
            return EMPTY
        comparison = Comparison.model_validate(json.loads(comparison_json))
        return build(comparison, viewer, content)

    return view_of
