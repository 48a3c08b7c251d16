"""The content folder: the shipped study loads and is faithful; broken folders fail completely."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor.content import ContentError, load_content
from advisor.evidence import EXIT_POINTS

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"


# --- The shipped content -------------------------------------------------------------------


def test_shipped_content_loads_with_everything_the_study_has(content):
    assert len(content.themes) == 5
    assert len(content.quotations) == 15
    assert {o.exit_point for o in content.outcomes} == set(EXIT_POINTS)
    assert content.study.citation.doi == "10.1007/s10459-018-9814-5"
    assert content.study.method.interviews_from == "2013-10"
    assert content.study.method.interviews_to == "2014-02"
    assert content.evidence_version.startswith(content.study.version + "+")


def test_every_quotation_is_verbatim_in_the_study_with_its_code(study_text):
    paper = study_text
    quotations = yaml.safe_load((CONTENT / "quotations.yaml").read_text(encoding="utf-8"))
    for quote in quotations["quotations"]:
        # Each quotation is printed immediately before its speaker's code in brackets.
        assert f"{quote['text']} ({quote['speaker']})" in paper, quote["id"]


def test_the_quotation_with_a_missing_opening_mark_keeps_its_closing_mark(content):
    quote = next(q for q in content.quotations if q.id == "c142-interested-in-education")
    assert quote.text.endswith("teaching’") and not quote.text.startswith("‘")


def test_the_study_has_no_diploma_quotation_and_the_diploma_outcome_says_so(content):
    assert not [q for q in content.quotations if q.level == "diploma"]
    diploma = next(o for o in content.outcomes if o.exit_point == "diploma")
    assert "two Diploma participants" in diploma.evidence_note
    assert "no Diploma graduate" in diploma.evidence_note
    findings = {f.id: f for f in content.findings}
    # The Diploma's own items are indirect or facts; the reported ones are said of graduates in
    # general and stand in every column.
    own = [i for i in diploma.items if not all(findings[f].all_graduates for f in i.findings)]
    assert own and all(i.strength in {"indirect", "fact"} for i in own)


def test_every_finding_has_a_locator_found_in_the_study(content, study_text):
    for finding in content.findings:
        assert finding.locator is not None, finding.id
        assert finding.locator.words in study_text, finding.id


def test_findings_said_of_graduates_in_general_stand_in_every_column(content):
    general = {f.id for f in content.findings if f.all_graduates}
    assert {"career-progression-attributed", "leadership-recognition"} <= general
    for finding in content.findings:
        if finding.all_graduates:
            assert finding.exit_points == list(EXIT_POINTS), finding.id
    shared = [[i for i in o.items if set(i.findings) <= general] for o in content.outcomes]
    assert shared[0] and all(column == shared[0] for column in shared), shared
    for outcome in content.outcomes:
        for item in outcome.items:
            # An item citing a finding about graduates in general cites nothing else.
            assert not set(item.findings) & general or set(item.findings) <= general, item.text


def test_table_2_is_encoded_as_printed(content):
    groups = {g.id: {r.label: r.count for r in g.rows} for g in content.study.sample.groups}
    assert groups["gender"] == {"Male": 12, "Female": 15}
    assert groups["age"] == {"Under 30 years": 1, "30-45 years": 13, "Over 45 years": 13}
    assert groups["qualification"] == {"Certificate": 9, "Diploma": 2, "Masters": 16}
    assert groups["profession"]["Medicine"] == 22
    assert groups["workplace"]["United Kingdom"] == 12
    assert len(groups["workplace"]) == 12


def test_the_numbers_in_the_study_facts_appear_in_the_paper(content, study_text):
    paper = study_text
    growth = content.study.provider_growth
    assert f"from {growth.worldwide.start} to {growth.worldwide.end} globally" in paper
    assert f"from {growth.uk.start} to {growth.uk.end} in the United Kingdom" in paper
    assert "About 90% are doctors, and 65% are UK-based" in paper
    assert "over a period of 1–6 years" in paper


def test_cli_reports_valid_content():
    done = subprocess.run(
        [sys.executable, "-m", "advisor.content", str(CONTENT)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "is valid" in done.stdout


# --- Broken content ------------------------------------------------------------------------


def copy_content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    return folder


def edit(folder: Path, name: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = folder / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def append(folder: Path, name: str, text: str) -> None:
    with (folder / name).open("a", encoding="utf-8") as handle:
        handle.write(text)


def by_id(items: list[dict[str, Any]], item_id: str) -> dict[str, Any]:
    return next(i for i in items if i.get("id") == item_id)


def _first_rule_conditions(data):
    by_id(data["rules"], "trainee-certificate")["when"] = {"role": ["surgeon"]}


def _unknown_question(data):
    by_id(data["rules"], "trainee-certificate")["when"] = {"age": ["young"]}


def _diploma_overclaims(data):
    data["outcomes"][1]["items"][0]["strength"] = "reported"


def _drop_doctorate(data):
    question = by_id(data["questions"], "research_aim")
    question["options"] = [o for o in question["options"] if o["value"] != "doctorate"]


def _favours_unrelated(data):
    by_id(data["rules"], "doctorate-masters")["effect"]["favours"] = "certificate"


def _table_2_wrong(data):
    data["sample"]["groups"][0]["rows"][0]["count"] = 13


# (case id, file, how to break it, text expected in the error: the file, the field path, the
# problem). Each case breaks exactly one thing.
BROKEN: list[tuple[str, str, Callable[[Path], None], list[str]]] = [
    (
        "missing-field",
        "findings.yaml",
        lambda f: edit(f, "findings.yaml", lambda d: d["findings"][0].pop("strength")),
        ["findings.yaml", "findings[0] (id: certificate-suits-any-teaching).strength", "required"],
    ),
    (
        "unknown-finding-id",
        "rules.yaml",
        lambda f: edit(
            f,
            "rules.yaml",
            lambda d: by_id(d["rules"], "trainee-certificate").update(findings=["no-such-finding"]),
        ),
        ["rules.yaml", "rules[1] (id: trainee-certificate).findings[0]", "'no-such-finding'"],
    ),
    (
        "duplicate-id",
        "findings.yaml",
        lambda f: edit(f, "findings.yaml", lambda d: d["findings"].append(dict(d["findings"][0]))),
        ["findings.yaml", "(id: certificate-suits-any-teaching).id", "used more than once"],
    ),
    (
        "rule-on-unknown-option",
        "rules.yaml",
        lambda f: edit(f, "rules.yaml", _first_rule_conditions),
        ["rules.yaml", "rules[1] (id: trainee-certificate).when.role[0]", "no option 'surgeon'"],
    ),
    (
        "rule-on-unknown-question",
        "rules.yaml",
        lambda f: edit(f, "rules.yaml", _unknown_question),
        ["rules.yaml", "rules[1] (id: trainee-certificate).when.age", "no question"],
    ),
    (
        "quotation-without-speaker",
        "quotations.yaml",
        lambda f: edit(f, "quotations.yaml", lambda d: d["quotations"][0].pop("speaker")),
        ["quotations.yaml", "quotations[0] (id: c142-interested-in-education).speaker", "required"],
    ),
    (
        "speaker-code-malformed",
        "quotations.yaml",
        lambda f: edit(f, "quotations.yaml", lambda d: d["quotations"][2].update(speaker="M106")),
        ["quotations.yaml", "quotations[2] (id: m106-programme-director-post).speaker", "pattern"],
    ),
    (
        "malformed-yaml",
        "themes.yaml",
        lambda f: append(f, "themes.yaml", "  - id: [unclosed\n"),
        ["themes.yaml", "line", "not valid YAML"],
    ),
    (
        "missing-file",
        "outcomes.yaml",
        lambda f: (f / "outcomes.yaml").unlink(),
        ["outcomes.yaml", "file is missing"],
    ),
    (
        "unknown-theme",
        "findings.yaml",
        lambda f: edit(f, "findings.yaml", lambda d: d["findings"][0].update(theme="joy")),
        ["findings.yaml", "findings[0] (id: certificate-suits-any-teaching).theme", "'joy'"],
    ),
    (
        "quotation-level-contradicts-code",
        "quotations.yaml",
        lambda f: edit(f, "quotations.yaml", lambda d: d["quotations"][1].update(level="diploma")),
        ["quotations.yaml", "quotations[1] (id: m81-specialist-educationalist).level", "Male M#81"],
    ),
    (
        "outcome-claims-more-than-its-findings",
        "outcomes.yaml",
        lambda f: edit(f, "outcomes.yaml", _diploma_overclaims),
        ["outcomes.yaml", "outcomes[1] (exit_point: diploma).items[0].strength", "'indirect'"],
    ),
    (
        "unknown-strength-label",
        "findings.yaml",
        lambda f: edit(f, "findings.yaml", lambda d: d["findings"][3].update(strength="strong")),
        ["findings.yaml", "findings[3] (id: masters-for-full-time-educators).strength", "reported"],
    ),
    (
        "question-lacks-an-option",
        "questions.yaml",
        lambda f: edit(f, "questions.yaml", _drop_doctorate),
        ["questions.yaml", "questions[4] (id: research_aim).options", "'doctorate'"],
    ),
    (
        "misspelt-field",
        "themes.yaml",
        lambda f: edit(f, "themes.yaml", lambda d: d["themes"][0].update(sumary="x")),
        ["themes.yaml", "themes[0] (id: motivations).sumary", "not a known field"],
    ),
    (
        "repeated-yaml-key",
        "study.yaml",
        lambda f: append(f, "study.yaml", "version: again\n"),
        ["study.yaml", "line", "repeated key 'version'"],
    ),
    (
        "rule-favours-what-its-findings-do-not-concern",
        "rules.yaml",
        lambda f: edit(f, "rules.yaml", _favours_unrelated),
        ["rules.yaml", "rules[7] (id: doctorate-masters).findings", "concerns the certificate"],
    ),
    (
        "sample-does-not-add-up",
        "study.yaml",
        lambda f: edit(f, "study.yaml", _table_2_wrong),
        ["study.yaml", "sample.groups[0] (id: gender).rows", "add up to 28"],
    ),
    (
        "programme-lacks-an-exit-point",
        "programmes/dundee.yaml",
        lambda f: edit(f, "programmes/dundee.yaml", lambda d: d["awards"].pop("diploma")),
        ["programmes/dundee.yaml", "awards", "no award for the diploma"],
    ),
    (
        "programme-application-link-not-a-url",
        "programmes/dundee.yaml",
        lambda f: edit(
            f, "programmes/dundee.yaml", lambda d: d["awards"]["masters"].update(apply_url="here")
        ),
        ["programmes/dundee.yaml", "awards.masters.apply_url", "pattern"],
    ),
    (
        "rule-without-a-finding",
        "rules.yaml",
        lambda f: edit(
            f, "rules.yaml", lambda d: by_id(d["rules"], "doctorate-masters").update(findings=[])
        ),
        ["rules.yaml", "rules[7] (id: doctorate-masters).findings", "at least 1 item"],
    ),
]


def _option(data, option):
    return next(o for o in data["options"] if o["option"] == option)


def _long_not_now(data):
    costs = _option(data, "not_now")["costs"]
    costs[0]["text"] = costs[0]["text"] + " More words that make this option look weightier." * 12


BROKEN += [
    (
        "decision-option-missing",
        "decision.yaml",
        lambda f: edit(f, "decision.yaml", lambda d: d["options"].pop(3)),
        ["decision.yaml", "options", "at least 4 items"],
    ),
    (
        "decision-options-out-of-order",
        "decision.yaml",
        lambda f: edit(f, "decision.yaml", lambda d: d["options"].reverse()),
        ["decision.yaml", "options", "certificate, diploma, masters, not_now", "in this order"],
    ),
    (
        "decision-one-option-in-more-detail",
        "decision.yaml",
        lambda f: edit(f, "decision.yaml", _long_not_now),
        ["decision.yaml", "options[3] (option: not_now)", "comparable detail"],
    ),
    (
        "decision-gain-without-evidence",
        "decision.yaml",
        lambda f: edit(
            f, "decision.yaml", lambda d: d["options"][0]["gains"][0].update(findings=[])
        ),
        ["decision.yaml", "options[0].gains[0].findings", "at least 1 item"],
    ),
    (
        "decision-gain-citing-another-exit-point",
        "decision.yaml",
        lambda f: edit(
            f,
            "decision.yaml",
            lambda d: d["options"][0]["gains"][0].update(
                findings=["only-masters-developed-as-researchers"]
            ),
        ),
        [
            "decision.yaml",
            "options[0] (option: certificate).gains[0].findings[0]",
            "does not concern the certificate",
        ],
    ),
    (
        "decision-offer-unknown-finding",
        "decision.yaml",
        lambda f: edit(
            f,
            "decision.yaml",
            lambda d: d["priorities"][0]["offers"]["masters"].update(findings=["no-such-finding"]),
        ),
        [
            "decision.yaml",
            "priorities[0] (priority: research).offers.masters.findings[0]",
            "'no-such-finding'",
        ],
    ),
    (
        "decision-offer-missing-an-option",
        "decision.yaml",
        lambda f: edit(f, "decision.yaml", lambda d: d["priorities"][1]["offers"].pop("not_now")),
        ["decision.yaml", "priorities[1] (priority: teaching).offers", "not_now"],
    ),
    (
        "decision-unknown-priority",
        "decision.yaml",
        lambda f: edit(f, "decision.yaml", lambda d: d["priorities"][0].update(priority="wealth")),
        ["decision.yaml", "priorities[0].priority", "'research'"],
    ),
    (
        "decision-ask-unknown-question",
        "decision.yaml",
        lambda f: edit(
            f, "decision.yaml", lambda d: d["questions_to_ask"][0].update(when={"salary": ["high"]})
        ),
        ["decision.yaml", "questions_to_ask[0]", ".when.salary", "no question has this id"],
    ),
    (
        "decision-ask-unknown-answer",
        "decision.yaml",
        lambda f: edit(
            f,
            "decision.yaml",
            lambda d: d["questions_to_ask"][0].update(unless={"role": ["surgeon"]}),
        ),
        ["decision.yaml", "questions_to_ask[0]", ".unless.role[0]", "'surgeon'"],
    ),
    (
        "priorities-step-missing-an-item",
        "questions.yaml",
        lambda f: edit(f, "questions.yaml", lambda d: d["priorities"]["items"].pop()),
        ["questions.yaml", "priorities.items", "belonging"],
    ),
    (
        "priorities-step-unknown-level",
        "questions.yaml",
        lambda f: edit(
            f, "questions.yaml", lambda d: d["priorities"]["levels"][2].update(value="vital")
        ),
        ["questions.yaml", "priorities.levels", "low, medium, high"],
    ),
    (
        "readiness-item-renamed",
        "questions.yaml",
        lambda f: edit(
            f, "questions.yaml", lambda d: d["readiness"]["items"][0].update(id="certain")
        ),
        ["questions.yaml", "readiness.items", "sure, understand, values, support"],
    ),
    (
        "readiness-help-with-unknown",
        "questions.yaml",
        lambda f: edit(
            f, "questions.yaml", lambda d: d["readiness"]["items"][3].update(help_with="a friend")
        ),
        ["questions.yaml", "readiness.items[3] (id: support).help_with", "'conversation'"],
    ),
    (
        "decision-file-missing",
        "decision.yaml",
        lambda f: (f / "decision.yaml").unlink(),
        ["decision.yaml", "file is missing"],
    ),
]


@pytest.mark.parametrize(("case", "file", "breaks", "expected"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_content_fails_naming_file_and_field(tmp_path, case, file, breaks, expected):
    folder = copy_content(tmp_path)
    breaks(folder)
    with pytest.raises(ContentError) as raised:
        load_content(folder)
    message = str(raised.value)
    problems = [str(p) for p in raised.value.problems]
    # One problem line carries all the expected parts (a break may also leave references
    # dangling elsewhere, which are reported too).
    matching = [p for p in problems if all(part in p for part in expected)]
    assert matching, f"{case}: no problem mentions {expected}:\n{message}"
    assert any(p.file == file for p in raised.value.problems), message


def test_every_problem_of_a_folder_is_reported_together(tmp_path):
    folder = copy_content(tmp_path)
    edit(folder, "findings.yaml", lambda d: d["findings"][0].pop("strength"))
    edit(folder, "quotations.yaml", lambda d: d["quotations"][0].pop("speaker"))
    edit(folder, "rules.yaml", _first_rule_conditions)
    append(folder, "themes.yaml", "  - id: [unclosed\n")
    (folder / "outcomes.yaml").unlink()
    with pytest.raises(ContentError) as raised:
        load_content(folder)
    files = {p.file for p in raised.value.problems}
    assert files == {
        "findings.yaml",
        "quotations.yaml",
        "rules.yaml",
        "themes.yaml",
        "outcomes.yaml",
    }
    assert "5 problem(s)" in str(raised.value)


def test_cli_lists_every_problem_and_fails(tmp_path):
    folder = copy_content(tmp_path)
    edit(folder, "findings.yaml", lambda d: d["findings"][0].pop("strength"))
    edit(folder, "rules.yaml", _first_rule_conditions)
    done = subprocess.run(
        [sys.executable, "-m", "advisor.content", str(folder)], capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "findings[0] (id: certificate-suits-any-teaching).strength" in done.stderr
    assert "rules[1] (id: trainee-certificate).when.role[0]" in done.stderr


def test_the_app_refuses_to_start_on_invalid_content_and_prints_the_list(tmp_path):
    folder = copy_content(tmp_path)
    edit(folder, "rules.yaml", _first_rule_conditions)
    env = {**os.environ, "ADVISOR_CONTENT_DIR": str(folder)}
    done = subprocess.run(
        [sys.executable, "-c", "import advisor.advisor"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert done.returncode == 1
    assert "rules[1] (id: trainee-certificate).when.role[0]" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_admissions_team_can_point_the_advisor_at_its_own_copy(tmp_path):
    folder = copy_content(tmp_path)
    edit(folder, "study.yaml", lambda d: d.update(version="our-copy.2"))
    env = {**os.environ, "ADVISOR_CONTENT_DIR": str(folder)}
    done = subprocess.run(
        [sys.executable, "-m", "advisor.content"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    assert "our-copy.2+" in done.stdout


# --- Where the study's text comes from (tests/utils/study.py) -----------------------------------


def test_the_studys_folder_comes_from_the_variable_or_sits_beside_the_project(tmp_path):
    from tests.utils.study import ROOT as PROJECT
    from tests.utils.study import study_dir

    assert study_dir({}) == PROJECT.parent / "shared" / "study"
    assert study_dir({"ADVISOR_STUDY_DIR": str(tmp_path)}) == tmp_path


def test_without_the_studys_text_the_tests_say_they_did_not_run_unless_ci(tmp_path):
    from tests.utils.study import read_study, study_missing

    assert read_study(tmp_path) is None and read_study(tmp_path / "absent") is None
    fail, why = study_missing(tmp_path, {})
    assert not fail and why.startswith("not run") and "ADVISOR_STUDY_DIR" in why
    assert str(tmp_path) in why
    fail, why = study_missing(tmp_path, {"CI": "true"})
    assert fail and "must run" in why and "ADVISOR_STUDY_DIR" in why
    (tmp_path / "paper.txt").write_text("A hyphen-\n  ated line\n\nand  more", encoding="utf-8")
    assert read_study(tmp_path) == "A hyphenated line and more"
