"""Answers in progress: their text form round-trips, bad links lose only what is bad."""

import pytest

from advisor.answers import (
    MAX_TEXT_CHARS,
    OVERSIZED,
    Answers,
    _longest_text,
    decode,
    encode,
    to_profile,
    unanswered,
)
from advisor.profile import ANSWERS
from advisor.runtime import CONTENT
from advisor.view import build

MOTIVATIONS = ANSWERS["motivations"].values


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
    answers = (
        Answers().toggled("motivations", "leadership").toggled("motivations", "improve_teaching")
    )
    assert answers.motivations == ("improve_teaching", "leadership")
    assert answers.toggled("motivations", "leadership").motivations == ("improve_teaching",)


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


# --- Untrusted text: the stored value and links come from the browser as they are ----------


def test_the_longest_real_answers_fit_the_limit_even_percent_encoded():
    from urllib.parse import quote

    longest = _longest_text()
    answers, dropped = decode(longest)
    assert dropped == [] and len(answers.motivations) == len(MOTIVATIONS)
    encoded = quote(longest, safe="")  # a browser or mail client may escape every character
    assert len(encoded) <= MAX_TEXT_CHARS
    assert decode(encoded.replace("%3D", "=").replace("%26", "&")) == (answers, [])


@pytest.mark.parametrize(
    "text",
    [
        "motivations=" + "x," * 500_000,  # the 1 MB of the attack
        "audience=self&" + "a" * (2 * 1024 * 1024),
        "motivations=" + "leadership," * 200,
    ],
    ids=["1 MB of reasons", "2 MB of anything", "just over the limit"],
)
def test_a_text_longer_than_any_real_one_is_refused_whole_before_parsing(text, monkeypatch):
    assert len(text) > MAX_TEXT_CHARS
    import advisor.answers as module

    def never(*_args, **_kwargs):
        raise AssertionError("parsed a text that is too long to be answers")

    monkeypatch.setattr(module, "parse_qsl", never)
    assert decode(text) == (Answers(), [OVERSIZED])


def test_link_parameters_are_bounded_too():
    params = {"motivations": "leadership", "padding": "p" * (MAX_TEXT_CHARS + 1)}
    assert decode(params) == (Answers(), [OVERSIZED])
    many = {f"k{i}": "v" for i in range(MAX_TEXT_CHARS)}
    assert decode(many) == (Answers(), [OVERSIZED])
    assert decode({"role": ["trainee"]}) == (Answers(), [OVERSIZED])  # not text at all


def test_more_reasons_than_there_are_options_drops_only_that_answer():
    text = "healthcare_background=yes&motivations=" + ",".join(["x"] * (len(MOTIVATIONS) + 1))
    answers, dropped = decode(text)
    assert answers.healthcare_background is True and dropped == ["motivations"]


def test_a_repeated_reason_counts_once_and_the_link_still_gives_a_result():
    # Issue: `motivations=leadership,leadership` in a share link showed "An error occurred".
    text = (
        "healthcare_background=yes&role=education_lead&career_stage=mid"
        "&motivations=leadership,improve_teaching,leadership&research_aim=none"
    )
    answers, dropped = decode(text)
    assert dropped == [] and answers.motivations == ("improve_teaching", "leadership")
    profile = to_profile(answers)
    assert profile is not None and profile.motivations == ("improve_teaching", "leadership")
    view = build(text, CONTENT)
    assert view.complete and view.eligible and view.recommended
