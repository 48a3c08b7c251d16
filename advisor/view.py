"""What the pages show for one set of answers, as plain JSON-ready data (no Reflex here).

The web state keeps only the answers' text form; everything on the questionnaire and result
pages is derived from it by `view_of(text)`, cached across sessions because the same answers
always give the same view.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from advisor.answers import Answers, decode, encode, questions_to_ask, to_profile, unanswered
from advisor.content import Content
from advisor.decision_aid import OFFER_LABELS, OPTION_NAMES, OPTIONS
from advisor.engine import recommend
from advisor.evidence import EXIT_POINT_NAMES, STRENGTH_LABELS
from advisor.profile import ELIGIBILITY, PRIORITY_IDS, READINESS_IDS
from advisor.programme import advice_for
from advisor.questions import Question
from advisor.rule_table import BASIS_LABELS

CONFIDENCE_WORDS = {
    "strong": "Strong fit",
    "moderate": "Moderate fit",
    "tentative": "Tentative fit",
}
CONFIDENCE_MEANING = {
    "strong": "the answers point clearly one way and graduates' own accounts support it",
    "moderate": "the answers lean one way, or the support is the authors' reading rather than "
    "graduates' own accounts",
    "tentative": "the options are close, or the study has little direct evidence for this one",
}
SHOWN_FOR = {
    "recommended": "For the recommended option",
    "alternative": "For an alternative",
    "caution": "A cautionary voice",
}


def points_text(weight: float, favours: str) -> str:
    """What a reason adds to an exit point's total: "+2 points for the Masters"."""
    number = f"{weight:g}"
    unit = "point" if number == "1" else "points"
    return f"+{number} {unit} for the {favours}"


def number_findings(reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The findings the reasons cite, each once, numbered in the order they are first cited.
    Each reason's findings get their "number", and its "refs" lists them: a finding cited by
    several reasons is listed once and pointed to by each."""
    numbered: dict[str, dict[str, Any]] = {}
    for reason in reasons:
        for finding in reason["findings"]:
            if finding["id"] not in numbered:
                numbered[finding["id"]] = {**finding, "number": len(numbered) + 1}
        reason["findings"] = [numbered[f["id"]] for f in reason["findings"]]
        reason["refs"] = [f["number"] for f in reason["findings"]]
    return list(numbered.values())


def group_changes(changes: list[dict[str, str]]) -> list[dict[str, Any]]:
    """The changes that would change the suggestion, one group per question in the order the
    questions first appear: {"question", "short", "changes": [text, ...]}."""
    groups: dict[str, dict[str, Any]] = {}
    for change in changes:
        group = groups.setdefault(
            change["question"],
            {"question": change["question"], "short": change["short"], "changes": []},
        )
        group["changes"].append(change["text"])
    return list(groups.values())


def answer_label(question: Question, value: Any) -> str:
    """The option label a person chose (several joined for the multiple-choice question)."""
    if isinstance(value, tuple):
        labels = [o.label for o in question.options if o.value in value]
        return "; ".join(labels) if labels else "Not answered"
    option = question.option(value) if value is not None else None
    return option.label if option else "Not answered"


@dataclass(frozen=True)
class AnswersView:
    """Everything the questionnaire and result pages need for one set of answers."""

    answers: Answers
    query: str
    ask: list[str]  # ids of the questions this person is asked, in order
    missing: list[str]  # ids of required questions not yet answered
    review: list[dict[str, Any]]
    complete: bool = False
    eligible: bool = False
    recommended: str = ""  # "" when there is none
    headline: str = ""
    confidence: str = ""
    confidence_label: str = ""
    confidence_meaning: str = ""
    evidence_label: str = ""
    explanation: str = ""
    reasons: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, str]] = field(default_factory=list)
    quotes: list[dict[str, str]] = field(default_factory=list)
    ranking: list[dict[str, Any]] = field(default_factory=list)
    step_up: str = ""
    # The decision aid (advisor.decision_aid): the answers of its two steps, as the controls'
    # values ("" for an item left out), and what the result says of them.
    priority_choices: dict[str, str] = field(default_factory=dict)
    sure_choices: dict[str, str] = field(default_factory=dict)
    fit_state: str = ""  # "" (no priorities), "none" (none leans), "same" or "differs"
    fit_text: str = ""
    fit_leaning: str = ""  # the option's name
    fit_rows: list[dict[str, Any]] = field(default_factory=list)
    fit_changes: list[str] = field(default_factory=list)
    sure_score: int = -1  # -1: the readiness check is not begun
    sure_needs: list[str] = field(default_factory=list)
    asks: list[dict[str, Any]] = field(default_factory=list)


QUALIFICATIONS = {
    "certificate": "Postgraduate Certificate",
    "diploma": "Postgraduate Diploma",
    "masters": "Masters",
}


def _headline(exit_point: str, audience: str, confidence: str) -> str:
    who = "your colleague" if audience == "supervisor" else "you"
    return f"The {QUALIFICATIONS[exit_point]} fits {who} best, with {confidence} confidence."


# The questionnaire's step id of the priorities (after the questions, before the review).
PRIORITIES_STEP = "priorities"
PRIORITIES_SHORT = "What matters"


def _choices(group: Any, ids: tuple[str, ...]) -> dict[str, str]:
    given = group.given() if group is not None else {}
    return {
        item: ("yes" if given[item] else "no")
        if isinstance(given.get(item), bool)
        else given.get(item, "")
        for item in ids
    }


def priorities_label(answers: Answers, content: Content) -> str:
    """The priorities rated, for the review: 'Developing as a researcher: very important; ...'."""
    given = answers.priorities.given() if answers.priorities is not None else {}
    if not given:
        return "Skipped"
    step = content.priorities
    labels = {item.id: item.label.for_audience(answers.audience) for item in step.items}
    return "; ".join(
        f"{labels[item]}: {step.level_label(level).lower()}" for item, level in given.items()
    )


def build(text: str, content: Content) -> AnswersView:
    """The view of one answers text (the query-string form from advisor.answers)."""
    answers, _ = decode(text)
    questions = {q.id: q for q in content.questions}
    ask = [q.id for q in questions_to_ask(answers, content.questions)]
    if getattr(answers, ELIGIBILITY) is not False:
        ask.append(PRIORITIES_STEP)
    missing = unanswered(answers, content.questions)
    review = [
        {
            "id": qid,
            "short": questions[qid].short,
            "answer": answer_label(questions[qid], getattr(answers, qid)),
            "step": index,
        }
        if qid != PRIORITIES_STEP
        else {
            "id": qid,
            "short": PRIORITIES_SHORT,
            "answer": priorities_label(answers, content),
            "step": index,
        }
        for index, qid in enumerate(ask)
    ]
    profile = to_profile(answers)
    base = dict(
        answers=answers,
        query=encode(answers),
        ask=ask,
        missing=missing,
        review=review,
        priority_choices=_choices(answers.priorities, PRIORITY_IDS),
        sure_choices=_choices(answers.sure, READINESS_IDS),
    )
    if profile is None or missing:
        return AnswersView(**base)
    result = recommend(profile, content.compiled_rules)
    findings = content.findings_by_id
    reasons = [
        {
            "text": reason.text,
            "favours": EXIT_POINT_NAMES[reason.favours] if reason.favours else "",
            "basis": BASIS_LABELS[reason.basis],
            "points": points_text(reason.weight, EXIT_POINT_NAMES[reason.favours])
            if reason.favours
            else "",
            "supports_result": reason.favours == result.recommended,
            "findings": [
                {"id": f, "label": findings[f].statement, "section": findings[f].section}
                for f in reason.findings
            ],
        }
        for reason in result.reasons
    ]
    number_findings(reasons)
    quotes = [
        {
            "id": q.id,
            "text": q.text,
            "speaker": q.speaker,
            "level": EXIT_POINT_NAMES[q.exit_point],
            "stance": q.stance,
            "shown_for": SHOWN_FOR[q.shown_for],
        }
        for q in result.quotes
    ]
    if not result.eligible:
        return AnswersView(
            **base,
            complete=True,
            headline="The advisor cannot recommend a level",
            explanation=result.explanation or "",
            reasons=reasons,
        )
    top = result.recommended or ""
    confidence = result.confidence or "tentative"
    return AnswersView(
        **base,
        complete=True,
        eligible=True,
        recommended=top,
        headline=_headline(top, answers.audience, confidence),
        confidence=confidence,
        confidence_label=CONFIDENCE_WORDS[confidence],
        confidence_meaning=CONFIDENCE_MEANING[confidence],
        evidence_label=STRENGTH_LABELS[result.evidence_strength or "indirect"],
        explanation="",
        reasons=reasons,
        changes=[
            {"question": c.question_id, "short": questions[c.question_id].short, "text": c.text}
            for c in result.what_would_change
        ],
        quotes=quotes,
        ranking=[{"name": r.name, "score": r.score, "id": r.exit_point} for r in result.ranking],
        step_up=result.step_up.text if result.step_up else "",
        **_aid(result, content),
    )


def _finding_links(ids: list[str], content: Content) -> list[dict[str, str]]:
    findings = content.findings_by_id
    return [{"id": f, "label": findings[f].statement, "section": findings[f].section} for f in ids]


def _aid(result: Any, content: Content) -> dict[str, Any]:
    """The decision aid's part of an eligible result's view."""
    fit = result.priorities_fit
    out: dict[str, Any] = {
        "asks": [
            {
                "text": a.text,
                "ask": a.ask,
                "findings": _finding_links(a.findings, content),
            }
            for a in result.questions_to_ask
        ],
        "sure_score": -1 if result.sure.score is None else result.sure.score,
        "sure_needs": list(result.sure.needs),
    }
    if fit is not None:
        out |= {
            "fit_state": "none" if fit.leaning is None else "same" if fit.agrees else "differs",
            "fit_text": fit.text,
            "fit_leaning": OPTION_NAMES[fit.leaning] if fit.leaning else "",
            "fit_rows": [
                {
                    "label": row.label,
                    "importance": row.importance_label,
                    "offers": [
                        {
                            "option": OPTION_NAMES[o],
                            "level": OFFER_LABELS[row.offers[o].level],
                            "text": row.offers[o].text,
                            "judgement": row.offers[o].judgement,
                        }
                        for o in OPTIONS
                    ],
                    # Each finding the row's cells rest on, once.
                    "findings": _finding_links(
                        list(dict.fromkeys(f for o in OPTIONS for f in row.offers[o].findings)),
                        content,
                    ),
                }
                for row in fit.rows
            ],
            "fit_changes": [c.text for c in fit.changes],
        }
    return out


def result_document(text: str, content: Content, programme: str | None = None) -> str | None:
    """The answers, the full result and the programme's block (`programme`'s, a known slug,
    else the default's; the same block the API answers with) as a JSON document (the
    download), or None while the questionnaire is unfinished. Built on demand: the cached
    views stay small."""
    answers, _ = decode(text)
    profile = to_profile(answers)
    if profile is None or unanswered(answers, content.questions):
        return None
    result = recommend(profile, content.compiled_rules)
    slug = programme if programme in content.programmes else content.default_programme
    payload = {
        "answers": answers.model_dump(mode="json"),
        "result": result.model_dump(mode="json"),
        "programme": advice_for(slug, content.programmes[slug], result.recommended).model_dump(
            mode="json"
        ),
        "citation": content.study.citation.text,
    }
    return json.dumps(payload, indent=2, ensure_ascii=False)


def cached_views(content: Content, size: int = 4096):
    """`build` bound to one content and memoised: many people share the same answers."""

    @lru_cache(maxsize=size)
    def view_of(text: str) -> AnswersView:
        return build(text, content)

    return view_of
