"""Every rule as strong as the study: its basis, confidence that follows it, one observation
counted once, and findings that can be found in the study's text."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor.content import ContentError, _can_fire_together, load_content
from advisor.engine import recommend
from advisor.profile import ANSWERS, Profile
from advisor.rule_table import CONFIDENCES

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"


def every_eligible_profile() -> Iterator[Profile]:
    """Every eligible profile (one voice), from the profile's own definition of the answers."""
    asked = [a for a in ANSWERS.values() if a.question and a.id != "healthcare_background"]
    choices: list[list[Any]] = []
    for answer in asked:
        if answer.kind == "multiple":
            values = answer.values
            choices.append(
                [
                    tuple(v for i, v in enumerate(values) if mask >> i & 1)
                    for mask in range(2 ** len(values))
                ]
            )
        else:
            choices.append([*answer.values, *([None] if answer.need == "optional" else [])])
    for combination in itertools.product(*choices):
        answers = dict(zip((a.id for a in asked), combination, strict=True))
        yield Profile(healthcare_background=True, **answers)


@pytest.fixture(scope="module")
def fired_by_profile(content) -> list[tuple[Profile, list[int]]]:
    """For every eligible profile, the weight rules that fire."""
    rules = content.compiled_rules
    out = []
    for profile in every_eligible_profile():
        answers = {
            k: (frozenset(v) if isinstance(v, tuple) else v) for k, v in dict(profile).items()
        }
        out.append((profile, [i for i, r in enumerate(rules.entries) if r.fires(answers)]))
    return out


def with_edit(tmp_path: Path, name: str, change: Callable[[dict[str, Any]], None]) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    data = yaml.safe_load((folder / name).read_text(encoding="utf-8"))
    change(data)
    (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(ContentError) as raised:
        load_content(folder)
    return [str(p) for p in raised.value.problems]


def rule(data: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return next(r for r in data["rules"] if r["id"] == rule_id)


# --- The basis of each rule ----------------------------------------------------------------


def test_every_rule_states_its_basis_and_no_diploma_rule_is_reported(content):
    assert all(r.basis in ("reported", "authors", "judgement") for r in content.rules.rules)
    diploma = [r for r in content.rules.rules if getattr(r.effect, "favours", "") == "diploma"]
    assert diploma and all(r.basis != "reported" for r in diploma)


def test_a_reported_diploma_rule_is_refused(tmp_path, content):
    diploma = next(r for r in content.rules.rules if getattr(r.effect, "favours", "") == "diploma")

    def report(data):
        rule(data, diploma.id)["basis"] = "reported"

    found = problems_of(with_edit(tmp_path, "rules.yaml", report))
    assert any(diploma.id in p and "basis" in p and "Diploma graduate" in p for p in found), found


def test_a_reported_rule_needs_a_finding_reported_at_its_level(tmp_path, content):
    general = next(f.id for f in content.findings if f.all_graduates and f.strength == "reported")
    reported = next(
        r for r in content.rules.rules if r.basis == "reported" and r.effect.kind == "weight"
    )

    def cite_only_general(data):
        rule(data, reported.id)["findings"] = [general]

    found = problems_of(with_edit(tmp_path, "rules.yaml", cite_only_general))
    assert any(
        reported.id in p and "findings said of all graduates do not count" in p for p in found
    )


def test_a_finding_said_of_all_graduates_lists_every_exit_point(tmp_path, content):
    general = next(f.id for f in content.findings if f.all_graduates)

    def narrow(data):
        next(f for f in data["findings"] if f["id"] == general)["exit_points"] = ["masters"]

    found = problems_of(with_edit(tmp_path, "findings.yaml", narrow))
    assert any(general in p and "every exit point" in p for p in found), found


def test_findings_said_of_all_graduates_are_never_one_exit_points_evidence(content):
    general = {f.id for f in content.findings if f.all_graduates}
    assert general
    checked = 0
    for entry, source in zip(content.compiled_rules.entries, content.rules.rules, strict=True):
        if source.effect.kind != "weight":
            continue
        level_specific = [f for f in source.findings if f not in general]
        if not level_specific:
            assert entry.best_strength == 2, source.id  # "indirect": nothing of its own level
            checked += 1
    assert checked, "no rule rests only on findings said of all graduates: the test checks nothing"


# --- Confidence follows the basis ----------------------------------------------------------


def test_confidence_follows_the_basis_for_every_eligible_profile(content, fired_by_profile):
    rules, table = content.compiled_rules, content.rules
    strong_margin = table.scoring.confidence.strong_margin
    by_id = {r.id: r for r in table.rules}
    seen = set()
    for profile, fired in fired_by_profile[::5]:
        result = recommend(profile, rules)
        top = result.recommended
        favouring = [
            by_id[rules.entries[i].id]
            for i in fired
            if getattr(by_id[rules.entries[i].id].effect, "favours", None) == top
        ]
        bases = {r.basis for r in favouring}
        firm = dict.fromkeys(("certificate", "diploma", "masters"), 0.0)
        for i in fired:
            source = by_id[rules.entries[i].id]
            if source.effect.kind == "weight" and source.basis != "judgement":
                firm[source.effect.favours] += source.effect.weight
        firm_margin = firm[top] - max(v for k, v in firm.items() if k != top)
        if bases <= {"judgement"}:
            assert result.confidence == "tentative", profile
        elif "reported" not in bases or firm_margin < strong_margin:
            assert result.confidence != "strong", profile
        seen.add(result.confidence)
    assert seen == set(CONFIDENCES)


# --- One observation counts once -----------------------------------------------------------


def test_no_finding_counts_twice_for_any_eligible_profile(content, fired_by_profile):
    rules = content.compiled_rules.entries
    for profile, fired in fired_by_profile:
        for a, b in itertools.combinations(fired, 2):
            if rules[a].favours == rules[b].favours:
                assert not rules[a].findings & rules[b].findings, (
                    profile,
                    rules[a].id,
                    rules[b].id,
                )


def test_the_loaders_check_agrees_with_every_profile(content, fired_by_profile):
    # The loader decides "can fire together" without listing profiles: it must agree with the
    # list of every eligible profile, for every pair of rules.
    questions = content.questions_by_id
    table = content.rules.rules
    together = set()
    for _, fired in fired_by_profile:
        together |= set(itertools.combinations(fired, 2))
    for a, b in itertools.combinations(range(len(table)), 2):
        if table[a].effect.kind == "weight" and table[b].effect.kind == "weight":
            expected = (a, b) in together
            assert _can_fire_together((table[a], table[b]), questions) == expected, (
                table[a].id,
                table[b].id,
            )


def test_a_finding_counted_twice_is_refused_naming_both_rules(tmp_path, content):
    table = content.rules.rules
    questions = content.questions_by_id
    first, second = next(
        (a, b)
        for a, b in itertools.combinations(table, 2)
        if a.effect.kind == b.effect.kind == "weight"
        and a.effect.favours == b.effect.favours
        and _can_fire_together((a, b), questions)
    )

    def share(data):
        rule(data, second.id)["findings"].append(first.findings[0])

    found = problems_of(with_edit(tmp_path, "rules.yaml", share))
    assert any(first.id in p and second.id in p and "count twice" in p for p in found), found


# --- Every finding can be found in the study -----------------------------------------------


def test_every_finding_has_a_locator_found_in_the_study(content, study_text):
    lines = study_text.splitlines()
    for finding in content.findings:
        words = finding.locator.words
        assert any(words in line for line in lines), (finding.id, words)
