"""The decision aid around the recommendation: the four options, the priorities' leaning, the
readiness score, the questions to ask; their content checks; their place in the answers text."""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest

from advisor.answers import MAX_TEXT_CHARS, decode, encode
from advisor.api.routes.advice import recommendation_json
from advisor.decision_aid import OPTIONS, leaning_of
from advisor.engine import recommend
from advisor.evidence import EXIT_POINTS
from advisor.profile import IMPORTANCES, PRIORITY_IDS, READINESS_IDS, Profile
from tests.test_rules import every_eligible_profile

BASE = dict(healthcare_background=True, career_stage="mid", research_aim="none")


def profile(**answers: Any) -> Profile:
    return Profile(**{**BASE, "role": "minor_teaching", **answers})


# --- The four options ----------------------------------------------------------------------


@pytest.mark.slow
def test_every_result_lists_the_four_options_with_the_same_headings(content):
    findings = content.findings_by_id
    for option in content.decision.options:
        assert option.gains and option.costs, option.option
        for item in (*option.gains, *option.costs):
            assert item.findings and all(f in findings for f in item.findings)
    seen = set()
    for answers in every_eligible_profile():
        for audience in ("self", "supervisor"):
            result = recommend(
                answers.model_copy(update={"audience": audience}), content.compiled_rules
            )
            assert [o.option for o in result.options] == list(OPTIONS), answers
            assert result.options == content.decision.options  # the same, in equal detail
            seen.add(result.recommended)
    # Every suggestion is reached, and "Not now" never is: the rules suggest an award.
    assert seen == set(EXIT_POINTS)


def test_an_ineligible_result_still_lists_the_options_but_no_leaning_or_questions(content):
    result = recommend(
        Profile(healthcare_background=False, priorities={"research": "high"}),
        content.compiled_rules,
    )
    assert not result.eligible
    assert len(result.options) == 4
    assert result.priorities_fit is None and result.questions_to_ask == []


# --- What matters: the leaning -------------------------------------------------------------


def test_without_priorities_there_is_no_fit_and_with_only_low_ones_no_leaning(content):
    rules = content.compiled_rules
    assert recommend(profile(), rules).priorities_fit is None
    fit = recommend(profile(priorities={"research": "low", "career": "low"}), rules).priorities_fit
    assert fit is not None and fit.leaning is None and fit.agrees is None
    assert [row.priority for row in fit.rows] == ["research", "career"]
    assert "do not lean" in fit.text


# Each row: the ratings, where they lean, and the finding the decisive offer rests on (the
# leaning option's offer for the first priority named): the leaning is only as good as it.
LEANINGS = [
    ({"research": "high"}, "masters", "research", "only-masters-developed-as-researchers"),
    ({"career": "high"}, "masters", "career", "masters-further-gains"),
    ({"belonging": "high"}, "masters", "belonging", "longer-training-socialisation"),
    (
        {"short_commitment": "high"},
        "certificate",
        "short_commitment",
        "taught-levels-research-masters",
    ),
    ({"decide_later": "high"}, "certificate", "decide_later", "extrinsic-to-interest-progression"),
    # The Certificate and the Masters offer teaching as much: the tie goes to the smaller.
    ({"teaching": "high"}, "certificate", "teaching", "certificate-suits-any-teaching"),
    (
        {"research": "high", "short_commitment": "medium"},
        "masters",
        "research",
        "supervised-research-builds-researchers",
    ),
    (
        {"short_commitment": "high", "decide_later": "high", "research": "medium"},
        "certificate",
        "decide_later",
        "confidence-feeds-progression",
    ),
    ({"research": "low", "teaching": "low"}, None, None, None),
]


@pytest.mark.parametrize(("rated", "leaning", "priority", "finding"), LEANINGS)
def test_where_priorities_lean_and_what_it_rests_on(content, rated, leaning, priority, finding):
    fit = recommend(profile(priorities=rated), content.compiled_rules).priorities_fit
    assert fit.leaning == leaning
    if leaning is None:
        return
    row = next(r for r in fit.rows if r.priority == priority)
    assert finding in row.offers[leaning].findings
    assert finding in content.findings_by_id


def test_the_leaning_is_the_exit_point_whose_offers_score_most(content):
    aid = content.compiled_rules.aid
    points = {"little": 0, "some": 1, "much": 2}
    weight = {"low": 0, "medium": 1, "high": 2}
    rng = random.Random(11)
    for _ in range(300):
        rated = {p: rng.choice(IMPORTANCES) for p in rng.sample(PRIORITY_IDS, rng.randint(1, 6))}
        leaning, totals = leaning_of(aid, rated)
        expected = {
            e: sum(weight[i] * points[aid.links[p].offers[e].level] for p, i in rated.items())
            for e in EXIT_POINTS
        }
        assert totals == expected
        best = max(expected.values())
        assert leaning == (
            None if best == 0 else next(e for e in EXIT_POINTS if expected[e] == best)
        )


def test_a_leaning_that_differs_from_the_suggestion_says_so_naming_both(content):
    rules = content.compiled_rules
    trainee = profile(role="trainee", career_stage="early")
    suggested = recommend(trainee, rules).recommended
    for priority, importance in itertools.product(PRIORITY_IDS, ("high",)):
        rated = Profile.model_validate(
            {**trainee.model_dump(), "priorities": {priority: importance}}
        )
        fit = recommend(rated, rules).priorities_fit
        if fit.leaning and fit.leaning != suggested:
            assert fit.agrees is False
            assert "leans to the" in fit.text and "but" in fit.text
            break
    else:
        pytest.fail("no single priority leans away from a trainee's suggestion")


def test_every_listed_priority_change_changes_the_leaning_and_none_is_missing(content):
    rules = content.compiled_rules
    rng = random.Random(5)
    for _ in range(60):
        rated = {p: rng.choice(IMPORTANCES) for p in rng.sample(PRIORITY_IDS, rng.randint(1, 6))}
        fit = recommend(profile(priorities=rated), rules).priorities_fit
        expected = []
        for p in PRIORITY_IDS:
            for importance in IMPORTANCES:
                if importance == rated.get(p, "low"):
                    continue
                new, _ = leaning_of(rules.aid, {**rated, p: importance})
                if new != fit.leaning:
                    expected.append((p, importance, new))
        assert [(c.priority, c.importance, c.leaning) for c in fit.changes] == expected


def test_the_supervisor_reads_about_the_colleague(content):
    rules = content.compiled_rules
    answers = profile(audience="supervisor", priorities={"research": "high"})
    fit = recommend(answers, rules).priorities_fit
    assert "your colleague" in fit.text
    assert all("your colleague" in c.text for c in fit.changes)
    assert not any(" you " in f" {q.text} " for q in recommend(answers, rules).questions_to_ask)


# --- The readiness check --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sure", "score", "ready", "needs"),
    [
        (None, None, False, []),
        ({}, None, False, []),
        ({i: True for i in READINESS_IDS}, 4, True, []),
        (
            {"sure": True, "understand": True, "values": True, "support": False},
            3,
            False,
            ["support"],
        ),
        ({"sure": False}, 0, False, list(READINESS_IDS)),
        ({"values": True, "support": True}, 2, False, ["sure", "understand"]),
    ],
)
def test_the_readiness_score_counts_each_yes(content, sure, score, ready, needs):
    result = recommend(profile(sure=sure), content.compiled_rules)
    assert (result.sure.score, result.sure.ready, result.sure.needs) == (score, ready, needs)


# --- Questions to ask ------------------------------------------------------------------------


def test_questions_to_ask_follow_their_conditions(content):
    rules = content.compiled_rules
    entries = {e.id: e for e in content.decision.questions_to_ask}
    rng = random.Random(3)
    profiles = list(itertools.islice(every_eligible_profile(), 0, None, 211))
    for answers in rng.sample(profiles, 120):
        result = recommend(answers, rules)
        shown = [q.id for q in result.questions_to_ask]
        expected = []
        for entry in content.decision.questions_to_ask:
            if entry.suggested and result.recommended not in entry.suggested:
                continue
            if not all(_meets(answers, q, values) for q, values in entry.when.items()):
                continue
            if any(_meets(answers, q, values) for q, values in entry.unless.items()):
                continue
            expected.append(entry.id)
        assert shown == expected, answers
        assert all(entries[i].findings for i in shown)


def _meets(answers: Profile, question: str, values: list[Any]) -> bool:
    value = getattr(answers, question)
    return bool(set(value) & set(values)) if isinstance(value, tuple) else value in values


# --- The answers text and the API's writer ---------------------------------------------------


def test_priorities_and_readiness_travel_in_the_answers_text():
    answers, dropped = decode(
        "healthcare_background=yes&priorities=research:high,career:low&sure=sure:yes,values:no"
    )
    assert dropped == []
    assert answers.priorities.given() == {"research": "high", "career": "low"}
    assert answers.sure.given() == {"sure": True, "values": False}
    assert decode(encode(answers))[0] == answers


def test_unusable_items_are_dropped_by_name_and_the_rest_kept():
    answers, dropped = decode(
        "priorities=research:hgh,nope:low,career:low&sure=sure:maybe,values:no"
    )
    assert dropped == ["priorities.research", "priorities.nope", "sure.sure"]
    assert answers.priorities.given() == {"career": "low"}
    assert answers.sure.given() == {"values": False}


def test_a_repeated_item_counts_once_and_the_text_stays_bounded():
    answers, dropped = decode("priorities=research:high,research:low")
    assert answers.priorities.given() == {"research": "high"}
    assert dropped == ["priorities.research"]
    everything = {p: "medium" for p in PRIORITY_IDS}
    longest = encode(decode(f"priorities={','.join(f'{k}:{v}' for k, v in everything.items())}")[0])
    assert len(longest) < MAX_TEXT_CHARS


def test_the_json_writer_matches_pydantic_with_priorities_and_readiness(content):
    rules = content.compiled_rules
    rng = random.Random(7)
    profiles = list(itertools.islice(every_eligible_profile(), 0, None, 53))
    for answers in profiles:
        rated = {p: rng.choice(IMPORTANCES) for p in rng.sample(PRIORITY_IDS, rng.randint(0, 6))}
        sure = {i: rng.random() < 0.5 for i in rng.sample(READINESS_IDS, rng.randint(0, 4))}
        audience = rng.choice(("self", "supervisor"))
        varied = answers.model_copy(
            update={
                "audience": audience,
                "priorities": Profile.model_fields["priorities"].annotation.__args__[0](**rated)
                if rated
                else None,
                "sure": Profile.model_fields["sure"].annotation.__args__[0](**sure)
                if sure
                else None,
            }
        )
        varied = Profile.model_validate(varied.model_dump())
        assert (
            recommendation_json(varied, rules)
            == recommend(varied, rules).model_dump_json().encode()
        )
