"""The comparison as one seat sees it (advisor.plan_view): columns, rows, points and labels."""

from __future__ import annotations

import pytest

from advisor.content import Content
from advisor.plan_view import (
    CHANGES_NOTE,
    EMPTY,
    NO_SUGGESTION,
    NO_SUGGESTION_NOTE,
    NOT_ANSWERED,
    NOT_RATED,
    build,
    cached_views,
    key_summary,
    leaning_text,
    point_text,
    suggestion_summary,
)
from advisor.plans import READINESS_CAUTION, Comparison, compare
from advisor.profile import Profile

COLLEAGUE = {
    "healthcare_background": True,
    "role": "minor_teaching",
    "career_stage": "late",
    "research_aim": "none",
    "motivations": ["improve_teaching"],
    "workplace": "international",
    "priorities": {"research": "low", "teaching": "high", "short_commitment": "high"},
    "sure": {"sure": False, "understand": False, "values": True, "support": False},
}
SUPERVISOR = {
    "healthcare_background": True,
    "role": "education_lead",
    "career_stage": "early",
    "research_aim": "conduct_research",
    "motivations": ["career_prospects", "leadership"],
    "workplace": "uk",
    "priorities": {"research": "high", "teaching": "low", "career": "high"},
    "sure": {"sure": True, "understand": True, "values": True, "support": True},
}


def compared(content: Content, supervisor=SUPERVISOR, colleague=COLLEAGUE) -> Comparison:
    return compare(Profile(**supervisor), Profile(**colleague), content)


@pytest.fixture(scope="module")
def apart(content: Content) -> Comparison:
    """A supervisor who sees a researcher, a colleague who sees a teacher: the suggestions
    differ, and the research plans are what changes them."""
    comparison = compared(content)
    assert not comparison.agree_on_suggestion
    assert comparison.changes_suggestion == ["research_aim"]
    return comparison


@pytest.mark.parametrize("viewer", ["colleague", "supervisor"])
def test_the_colleague_comes_first_and_the_viewer_is_marked(apart, content, viewer) -> None:
    view = build(apart, viewer, content)
    assert [c.seat for c in view.columns] == ["colleague", "supervisor"]
    assert [c.heading for c in view.columns] == [
        "Colleague (you)" if viewer == "colleague" else "Colleague",
        "Supervisor (you)" if viewer == "supervisor" else "Supervisor",
    ]
    assert [c.you for c in view.columns] == [viewer == "colleague", viewer == "supervisor"]
    assert [s.seat for s in view.suggestions] == ["colleague", "supervisor"]
    marked = [s.heading.endswith("(you)") for s in view.suggestions]
    assert marked == [viewer == "colleague", viewer == "supervisor"]
    assert [lean.heading for lean in view.leanings] == [c.heading for c in view.columns]


def test_every_question_has_a_row_with_both_answers_in_their_columns(apart, content) -> None:
    view = build(apart, "colleague", content)
    assert [row.id for row in view.rows] == [q.id for q in content.questions]
    for row, pair in zip(view.rows, apart.questions, strict=True):
        assert row.row_id == f"compare-{pair.question_id}"
        assert row.label == pair.label
        assert (row.colleague, row.supervisor) == (pair.colleague_text, pair.supervisor_text)
        assert row.agree is pair.agree
        assert row.agree_text == ("Yes" if pair.agree else "No")
        assert row.note == (CHANGES_NOTE if pair.changes_suggestion else "")
    research = next(row for row in view.rows if row.id == "research_aim")
    assert (research.colleague, research.supervisor) == ("None for now", "Do and publish research")
    assert view.table_summary == (
        f"You agree on {sum(q.agree for q in apart.questions)} of {len(apart.questions)} questions."
    )


def test_the_differences_that_change_a_suggestion_come_first_with_their_evidence(
    apart, content
) -> None:
    view = build(apart, "supervisor", content)
    assert [p.question_id for p in view.key_points] == apart.changes_suggestion
    assert all(p.changes for p in view.key_points)
    assert not any(p.changes for p in view.other_points)
    shown = [p.question_id for p in view.key_points + view.other_points]
    assert shown == [p.question_id for p in apart.discussion_points]
    assert {p.question_id for p in view.other_points} == {
        q.question_id for q in apart.questions if not q.agree and not q.changes_suggestion
    }
    key = view.key_points[0]
    source = apart.discussion_points[0]
    assert key.anchor == "point-research_aim"
    assert key.label == "Research plans"
    # The question names the point's heading, so its words start after it.
    assert source.text.startswith("Research plans: the supervisor answered")
    assert key.text == point_text(source.text, "Research plans")
    assert key.text.startswith("The supervisor answered “Do and publish research”")
    assert key.findings, "a point that changes the suggestion rests on findings"
    assert [f.id for f in key.findings] == source.findings
    for finding in key.findings:
        known = content.findings_by_id[finding.id]
        assert (finding.label, finding.section) == (known.statement, known.section)
    assert [a.text for a in key.asks] == [a.text for a in source.asks]
    assert all(a.who.startswith(("Ask the", "Talk through")) for a in key.asks)
    assert "1 difference changes a suggestion" in view.key_summary


def test_both_suggestions_with_their_confidence(apart, content) -> None:
    view = build(apart, "colleague", content)
    by_seat = {s.seat: s for s in view.suggestions}
    assert by_seat["colleague"].exit_point == apart.recommended.colleague == "certificate"
    assert by_seat["supervisor"].name == "Masters"
    for seat, suggestion in by_seat.items():
        level = getattr(apart.confidence, seat)
        assert suggestion.confidence == level
        assert suggestion.confidence_label.endswith("fit")
        assert suggestion.confidence_label.lower().startswith(level)
        assert suggestion.confidence_meaning
    assert view.suggestion_summary == (
        "The two sets of answers lead to different suggestions. The colleague's own answers "
        "lead to the Certificate. The supervisor's lead to the Masters."
    )


def test_no_suggestion_for_answers_without_a_healthcare_background(content) -> None:
    comparison = compared(content, colleague={**COLLEAGUE, "healthcare_background": False})
    view = build(comparison, "colleague", content)
    mine = view.suggestions[0]
    assert (mine.exit_point, mine.name, mine.confidence, mine.confidence_label) == (
        "",
        NO_SUGGESTION,
        "",
        "",
    )
    assert mine.note == NO_SUGGESTION_NOTE and view.suggestions[1].note == ""
    assert view.key_points[0].question_id == "healthcare_background"
    assert "to no suggestion" in view.suggestion_summary

    neither = compared(
        content,
        supervisor={**SUPERVISOR, "healthcare_background": False},
        colleague={**COLLEAGUE, "healthcare_background": False},
    )
    assert suggestion_summary(neither).startswith("Neither set of answers leads to a suggestion")


def test_the_same_answers_agree_everywhere(content) -> None:
    view = build(compared(content, colleague=SUPERVISOR), "colleague", content)
    assert all(row.agree and row.agree_text == "Yes" and not row.note for row in view.rows)
    assert view.key_points == view.other_points == []
    assert view.key_summary == "You gave the same answer to every question."
    assert view.suggestion_summary.startswith("Both sets of answers lead to the same suggestion")


def test_differences_that_change_nothing(content) -> None:
    # Only the workplace differs: talked about, but it changes neither suggestion.
    comparison = compared(content, colleague={**SUPERVISOR, "workplace": "international"})
    assert comparison.agree_on_suggestion and not comparison.changes_suggestion
    assert key_summary(comparison) == (
        "You differ on some answers, but none of them changes a suggestion."
    )
    view = build(comparison, "supervisor", content)
    assert [p.question_id for p in view.other_points] == ["workplace"]
    # Suggestions that differ with no single difference to blame say so.
    apart_together = comparison.model_copy(update={"agree_on_suggestion": False})
    assert key_summary(apart_together).startswith("No one difference changes a suggestion")


def test_priorities_side_by_side_in_the_levels_words(apart, content) -> None:
    view = build(apart, "colleague", content)
    assert [row.id for row in view.priority_rows] == [i.id for i in content.priorities.items]
    rows = {row.id: row for row in view.priority_rows}
    level = content.priorities.level_label
    assert (rows["research"].colleague, rows["research"].supervisor) == (
        level("low"),
        level("high"),
    )
    assert rows["research"].colleague == "Not important"
    assert (rows["career"].colleague, rows["career"].supervisor) == (NOT_RATED, level("high"))
    assert (rows["belonging"].colleague, rows["belonging"].supervisor) == (NOT_RATED, NOT_RATED)
    assert rows["belonging"].agree and rows["belonging"].agree_text == "Yes"
    assert not rows["teaching"].agree
    assert rows["teaching"].row_id == "priority-teaching"
    leanings = {lean.seat: lean.text for lean in view.leanings}
    for seat in ("colleague", "supervisor"):
        assert leanings[seat] == leaning_text(
            getattr(apart.leaning, seat), getattr(apart.recommended, seat), True
        )


@pytest.mark.parametrize(
    ("leaning", "suggested", "rated", "text"),
    [
        (None, "masters", False, "No priorities were rated."),
        (None, "masters", True, "The priorities do not lean to one option."),
        ("masters", "masters", True, "the Masters, the same as the suggestion"),
        ("certificate", "masters", True, "the Certificate, while these answers suggest the M"),
        ("not_now", "diploma", True, "They lean to “Not now”, while"),
        ("diploma", None, True, "suggest no exit point"),
    ],
)
def test_where_the_priorities_lean(leaning, suggested, rated, text) -> None:
    assert text in leaning_text(leaning, suggested, rated)


def test_readiness_side_by_side_with_the_caution(apart, content) -> None:
    view = build(apart, "supervisor", content)
    rows = {row.id: row for row in view.readiness_rows}
    assert list(rows) == [item.id for item in content.readiness.items]
    assert (rows["sure"].colleague, rows["sure"].supervisor, rows["sure"].agree) == (
        "No",
        "Yes",
        False,
    )
    assert (rows["values"].colleague, rows["values"].supervisor, rows["values"].agree_text) == (
        "Yes",
        "Yes",
        "Yes",
    )
    assert rows["sure"].label == content.readiness.items[0].prompt.self
    assert view.readiness_scores == ["1 of 4 yes", "4 of 4 yes"]
    assert view.readiness_caution == READINESS_CAUTION
    assert "colleague's answers first" in view.readiness_caution

    unanswered = compared(content, colleague={**COLLEAGUE, "sure": None})
    view = build(unanswered, "colleague", content)
    assert {row.colleague for row in view.readiness_rows} == {NOT_ANSWERED}
    assert view.readiness_scores[0] == NOT_ANSWERED


def test_the_cached_view_of_the_json_and_of_nothing_yet(apart, content) -> None:
    view_of = cached_views(content)
    text = apart.model_dump_json()
    assert view_of(text, "colleague") == build(apart, "colleague", content)
    assert view_of(text, "colleague") is view_of(text, "colleague")
    assert view_of(text, "supervisor").columns[1].you
    for missing in (("", "colleague"), (text, ""), (text, "someone")):
        empty = view_of(*missing)
        assert empty is EMPTY and not empty.ready
        assert empty.rows == empty.key_points == empty.suggestions == empty.columns == []


def test_the_findings_of_the_differences_that_matter_are_numbered_once(content) -> None:
    # Five differences that each change a suggestion, several resting on the same findings.
    supervisor = {
        **SUPERVISOR,
        "role": "major_teaching",
        "career_stage": "late",
        "motivations": ["professional_review", "leadership", "colleague_recommendation"],
    }
    colleague = {
        **COLLEAGUE,
        "role": "trainee",
        "career_stage": "early",
        "motivations": [
            "improve_teaching",
            "education_interest",
            "career_prospects",
            "institutional_requirement",
            "funding_requirement",
            "specialist_career",
        ],
    }
    comparison = compared(content, supervisor=supervisor, colleague=colleague)
    assert len(comparison.changes_suggestion) >= 3
    view = build(comparison, "colleague", content)
    cited = [f for p in comparison.discussion_points if p.changes_suggestion for f in p.findings]
    assert len(set(cited)) < len(cited), "the case should repeat a finding"
    assert [f.id for f in view.key_findings] == list(dict.fromkeys(cited))
    assert [f.number for f in view.key_findings] == list(range(1, len(view.key_findings) + 1))
    numbers = {f.id: f.number for f in view.key_findings}
    for point in view.key_points:
        assert [r.id for r in point.refs] == [f.id for f in point.findings]
        assert [r.number for r in point.refs] == [numbers[f.id] for f in point.findings]
    assert all(p.refs == [] for p in view.other_points)
