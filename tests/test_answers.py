"""Answers in progress: their text form round-trips, bad links lose only what is bad."""

from advisor.answers import Answers, decode, encode, to_profile, unanswered
from advisor.runtime import CONTENT


def test_encode_and_decode_round_trip():
    answers = Answers(
        audience="supervisor",
        healthcare_background=True,
        role="education_lead",
        career_stage="late",
        motivations=("career_prospects", "leadership"),
        research_aim="apply_evidence",
        workplace="international",
    )
    text = encode(answers)
    assert "motivations=career_prospects,leadership" in text
    assert decode(text) == (answers, [])
    assert decode("?" + text) == (answers, [])


def test_decode_keeps_valid_answers_and_names_the_rest():
    answers, dropped = decode("healthcare_background=yes&role=surgeon&career_stage=mid&name=Ada")
    assert answers.healthcare_background is True and answers.career_stage == "mid"
    assert answers.role is None
    assert dropped == ["name", "role"]


def test_toggling_keeps_option_order():
    answers = Answers().toggled("leadership").toggled("improve_teaching")
    assert answers.motivations == ("improve_teaching", "leadership")
    assert answers.toggled("leadership").motivations == ("improve_teaching",)


def test_what_is_unanswered_depends_on_eligibility():
    assert unanswered(Answers(), CONTENT.questions)[0] == "healthcare_background"
    assert unanswered(Answers(healthcare_background=False), CONTENT.questions) == []
    partial = Answers(healthcare_background=True, role="trainee")
    # The workplace question is optional, so it is never reported missing.
    assert unanswered(partial, CONTENT.questions) == ["career_stage", "motivations", "research_aim"]


def test_profile_only_when_complete():
    assert to_profile(Answers(healthcare_background=True, role="trainee")) is None
    profile = to_profile(Answers(healthcare_background=False, role="trainee"))
    assert profile is not None and profile.healthcare_background is False
    assert profile.role is None  # other answers do not count for someone not eligible
