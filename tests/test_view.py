"""What the result shows of one set of answers: the points each reason adds, its evidence listed
once, what would change it grouped by question, and the supervisor's wording."""

import re

import pytest

from advisor.components.result_view import CAVEATS, NEXT_STEPS, supervisor_voice
from advisor.runtime import CONTENT
from advisor.view import build, group_changes, number_findings, points_text

SHORT = {q.id: q.short for q in CONTENT.questions}
# Results of every kind: each exit point, every reason for studying, a supervisor's.
ANSWERS = [
    "healthcare_background=yes&role=trainee&career_stage=early&motivations=improve_teaching"
    "&research_aim=none",
    "healthcare_background=yes&role=major_teaching&career_stage=mid"
    "&motivations=career_prospects&research_aim=apply_evidence&workplace=uk",
    "audience=supervisor&healthcare_background=yes&role=education_lead&career_stage=early"
    "&motivations=improve_teaching,education_interest,career_prospects,professional_review,"
    "institutional_requirement,funding_requirement,specialist_career,leadership,"
    "colleague_recommendation&research_aim=conduct_research&workplace=international",
    "healthcare_background=yes&role=minor_teaching&career_stage=late"
    "&motivations=professional_review,funding_requirement&research_aim=apply_evidence",
]


@pytest.mark.parametrize(
    ("weight", "favours", "text"),
    [
        (1.0, "Masters", "+1 point for the Masters"),
        (2.0, "Diploma", "+2 points for the Diploma"),
        (2.5, "Certificate", "+2.5 points for the Certificate"),
    ],
)
def test_points_say_what_a_reason_adds(weight, favours, text):
    assert points_text(weight, favours) == text


def finding(finding_id: str) -> dict[str, str]:
    return {"id": finding_id, "label": f"Statement {finding_id}", "section": "Results"}


def test_a_finding_cited_by_several_reasons_is_listed_once():
    reasons = [
        {"findings": [finding("a"), finding("b")]},
        {"findings": [finding("b"), finding("c")]},
        {"findings": [finding("a")]},
    ]

    listed = number_findings(reasons)

    assert [(f["number"], f["id"]) for f in listed] == [(1, "a"), (2, "b"), (3, "c")]
    assert [r["refs"] for r in reasons] == [[1, 2], [2, 3], [1]]


@pytest.mark.parametrize("text", ANSWERS)
def test_each_reason_points_to_its_own_findings_in_the_one_list(text):
    view = build(text, CONTENT)
    assert view.reasons
    listed = number_findings([dict(r) for r in view.reasons])
    by_number = {f["number"]: f["id"] for f in listed}
    assert len(by_number) == len({f["id"] for f in listed}) == len(listed)
    for reason in view.reasons:
        assert [by_number[n] for n in reason["refs"]] == [f["id"] for f in reason["findings"]]
        if reason["favours"]:
            assert reason["points"].endswith(f"for the {reason['favours']}")


@pytest.mark.parametrize("text", ANSWERS)
def test_what_would_change_it_is_grouped_by_question(text):
    view = build(text, CONTENT)

    groups = group_changes(view.changes)

    assert [c for g in groups for c in g["changes"]] == [c["text"] for c in view.changes]
    assert len({g["question"] for g in groups}) == len(groups)
    for group in groups:
        assert group["short"] == SHORT[group["question"]]
    # In the order the questions are asked.
    order = [q.id for q in CONTENT.questions]
    assert [g["question"] for g in groups] == sorted(
        (g["question"] for g in groups), key=order.index
    )


def test_group_changes_keeps_every_change_of_one_question():
    changes = [
        {"question": "role", "short": "Teaching role", "text": "one"},
        {"question": "career_stage", "short": "Career stage", "text": "two"},
        {"question": "role", "short": "Teaching role", "text": "three"},
    ]

    assert group_changes(changes) == [
        {"question": "role", "short": "Teaching role", "changes": ["one", "three"]},
        {"question": "career_stage", "short": "Career stage", "changes": ["two"]},
    ]


SAID_TO_THE_PERSON = [
    "what will happen to you",
    "a conversation with a supervisor",
    "talk the result through with a supervisor",
    "if you are unsure",
]


def says(text: str, phrase: str) -> bool:
    # Whole words: "what will happen to your colleague" is not "what will happen to you".
    return re.search(rf"\b{re.escape(phrase)}\b", text, re.IGNORECASE) is not None


def test_a_supervisor_reads_the_caveats_and_next_steps_about_the_colleague():
    said = " ".join(CAVEATS)
    # The content says these to the person deciding (else the test below checks nothing).
    assert [p for p in SAID_TO_THE_PERSON[:2] if says(said, p)] == SAID_TO_THE_PERSON[:2]

    for text in [supervisor_voice(said), *NEXT_STEPS["supervisor"]]:
        for phrase in SAID_TO_THE_PERSON:
            assert not says(text, phrase), (phrase, text)
    assert "your colleague" in supervisor_voice(" ".join(CAVEATS))
