"""Load a content folder: validate every file, check every cross-reference, report all problems."""

from __future__ import annotations

import argparse
import hashlib
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from advisor.decision_aid import (
    LENGTH_TOLERANCE,
    OPTIONS,
    DecisionFile,
    compile_aid,
)
from advisor.engine import CompiledRules, compile_rules
from advisor.evidence import (
    EXIT_POINTS,
    LEVEL_LETTERS,
    STRENGTHS,
    Finding,
    FindingsFile,
    Outcome,
    OutcomesFile,
    Quotation,
    QuotationsFile,
    Study,
    Theme,
    ThemesFile,
)
from advisor.profile import (
    ANSWERS,
    ELIGIBILITY,
    IMPORTANCES,
    PRIORITY_IDS,
    QUESTION_IDS,
    READINESS_IDS,
)
from advisor.programme import SLUG, AdvisorFile, ProgrammeProfile
from advisor.questions import PriorityStep, Question, QuestionsFile, ReadinessStep
from advisor.rule_table import Caveat, Rule, RulesFile

# Each file of a content folder and the model its whole document must satisfy.
FILES: dict[str, type[BaseModel]] = {
    "study.yaml": Study,
    "themes.yaml": ThemesFile,
    "findings.yaml": FindingsFile,
    "quotations.yaml": QuotationsFile,
    "outcomes.yaml": OutcomesFile,
    "questions.yaml": QuestionsFile,
    "rules.yaml": RulesFile,
    "decision.yaml": DecisionFile,
    "advisor.yaml": AdvisorFile,
}
# The folder of programme profiles: one file per programme, each a ProgrammeProfile.
PROGRAMMES = "programmes"


@dataclass(frozen=True)
class ContentProblem:
    """One thing wrong with a content folder: the file, the path of the field, what is wrong."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}: {self.path}: {self.message}"
            if self.path
            else f"{self.file}: {self.message}"
        )


class ContentError(Exception):
    """Raised once per load, listing every problem found in the content folder."""

    def __init__(self, folder: Path, problems: list[ContentProblem]):
        self.folder = folder
        self.problems = problems
        lines = [f"Content in {folder} is invalid ({len(problems)} problem(s)):"]
        lines += [f"  - {p}" for p in problems]
        super().__init__("\n".join(lines))


class Content(BaseModel):
    """A validated, cross-checked content folder, with the engine compiled from it."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    evidence_version: str
    study: Study
    themes: list[Theme]
    findings: list[Finding]
    quotations: list[Quotation]
    outcomes: list[Outcome]
    questions: list[Question]
    rules: RulesFile
    decision: DecisionFile
    advisor: AdvisorFile
    # Every programme by slug, the default first, then the others by slug.
    programmes: dict[str, ProgrammeProfile]
    # The steps of several items each (questions.yaml): what matters, and the readiness check.
    priorities: PriorityStep
    readiness: ReadinessStep
    # The rule table as `recommend` takes it: compiled once, when the content is loaded.
    compiled_rules: CompiledRules = Field(exclude=True)
    # Everything a result says about the evidence's limits: the rules' caveats, then the
    # study's own limitations.
    caveats: list[Caveat] = Field(exclude=True)

    @property
    def default_programme(self) -> str:
        return self.advisor.default_programme

    @property
    def programme(self) -> ProgrammeProfile:
        """The default programme: the one the advisor's own pages describe."""
        return self.programmes[self.advisor.default_programme]

    def programme_for(self, slug: str | None) -> ProgrammeProfile | None:
        """The programme a slug names, the default for None; None for an unknown slug."""
        return self.programmes.get(slug or self.advisor.default_programme)

    @cached_property
    def findings_by_id(self) -> dict[str, Finding]:
        return {f.id: f for f in self.findings}

    @cached_property
    def questions_by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}


# ---------------------------------------------------------------------------------------------
# Reading YAML


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses repeated keys (PyYAML would silently keep the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"repeated key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _read(folder: Path, name: str, problems: list[ContentProblem]) -> tuple[Any, bytes] | None:
    path = folder / name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.append(ContentProblem(name, "", "file is missing"))
        return None
    except OSError as exc:
        problems.append(ContentProblem(name, "", f"cannot be read: {exc.strerror}"))
        return None
    try:
        data = yaml.load(raw.decode("utf-8"), Loader=_UniqueKeyLoader)  # noqa: S506 - safe loader
    except UnicodeDecodeError:
        problems.append(ContentProblem(name, "", "is not UTF-8 text"))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = getattr(exc, "problem", None) or str(exc)
        problems.append(ContentProblem(name, where, f"is not valid YAML: {what}"))
        return None
    if not isinstance(data, dict):
        problems.append(
            ContentProblem(name, "", "must hold a mapping of keys to values at the top")
        )
        return None
    return data, raw


def _path(loc: tuple[Any, ...], data: Any) -> str:
    """'findings[3] (id: foo).strength' from pydantic's ('findings', 3, 'strength')."""
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                out += f" (id: {node['id']})"
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def _validate(
    name: str,
    data: dict[str, Any],
    problems: list[ContentProblem],
    model: type[BaseModel] | None = None,
) -> BaseModel | None:
    try:
        return (model or FILES[name]).model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            message = error["msg"]
            if error["type"] == "missing":
                message = "is required but missing"
            elif error["type"] == "extra_forbidden":
                message = "is not a known field (a typo?)"
            problems.append(ContentProblem(name, _path(error["loc"], data), message))
        return None


# ---------------------------------------------------------------------------------------------
# Cross-reference checks. Each takes the validated files it needs and appends problems.


def _unique(
    name: str, items: list[Any], key: str, where: str, problems: list[ContentProblem]
) -> None:
    first: dict[Any, int] = {}
    for index, item in enumerate(items):
        value = getattr(item, key)
        if value in first:
            problems.append(
                ContentProblem(
                    name,
                    f"{where}[{index}] ({key}: {value}).{key}",
                    f"{value!r} is used more than once (first at {where}[{first[value]}])",
                )
            )
        else:
            first[value] = index


def _first_by_id(items: list[Any]) -> dict[str, Any]:
    """Index by id keeping the first of any repeats, so one repeat reports one problem."""
    out: dict[str, Any] = {}
    for item in items:
        out.setdefault(item.id, item)
    return out


def _check_study(study: Study, problems: list[ContentProblem]) -> None:
    _unique("study.yaml", study.limitations, "id", "limitations", problems)
    _unique("study.yaml", study.sample.groups, "id", "sample.groups", problems)
    for index, group in enumerate(study.sample.groups):
        total = sum(row.count for row in group.rows)
        if total != study.sample.total:
            problems.append(
                ContentProblem(
                    "study.yaml",
                    f"sample.groups[{index}] (id: {group.id}).rows",
                    f"counts add up to {total}, not the sample total {study.sample.total}",
                )
            )
    if study.sample.total != study.method.participants:
        problems.append(
            ContentProblem(
                "study.yaml",
                "sample.total",
                f"{study.sample.total} differs from method.participants "
                f"({study.method.participants})",
            )
        )


def _check_findings(
    findings: FindingsFile, themes: set[str] | None, problems: list[ContentProblem]
) -> None:
    _unique("findings.yaml", findings.findings, "id", "findings", problems)
    for index, finding in enumerate(findings.findings):
        if themes is not None and finding.theme not in themes:
            problems.append(
                ContentProblem(
                    "findings.yaml",
                    f"findings[{index}] (id: {finding.id}).theme",
                    f"unknown theme {finding.theme!r}",
                )
            )
        if finding.all_graduates and sorted(finding.exit_points) != sorted(EXIT_POINTS):
            problems.append(
                ContentProblem(
                    "findings.yaml",
                    f"findings[{index}] (id: {finding.id}).exit_points",
                    "a finding said of all graduates concerns every exit point: list "
                    "certificate, diploma and masters",
                )
            )


def _refs(
    file: str,
    where: str,
    ids: list[str],
    findings: dict[str, Finding] | None,
    problems: list[ContentProblem],
    about: str | None = None,
) -> None:
    """Every id names a finding (and, with `about`, a finding concerning that exit point)."""
    if findings is None:
        return
    for position, finding_id in enumerate(ids):
        finding = findings.get(finding_id)
        if finding is None:
            problems.append(
                ContentProblem(file, f"{where}[{position}]", f"unknown finding {finding_id!r}")
            )
        elif about is not None and about not in finding.exit_points:
            problems.append(
                ContentProblem(
                    file,
                    f"{where}[{position}]",
                    f"finding {finding_id!r} does not concern the {about} "
                    f"(it concerns: {', '.join(finding.exit_points)})",
                )
            )


def _check_quotations(
    quotations: QuotationsFile,
    themes: set[str] | None,
    findings: dict[str, Finding] | None,
    problems: list[ContentProblem],
) -> None:
    name = "quotations.yaml"
    _unique(name, quotations.quotations, "id", "quotations", problems)
    for index, quote in enumerate(quotations.quotations):
        at = f"quotations[{index}] (id: {quote.id})"
        letter = quote.speaker.split(" ")[1][0]
        if LEVEL_LETTERS[letter] != quote.level:
            problems.append(
                ContentProblem(
                    name,
                    f"{at}.level",
                    f"{quote.level!r} does not match the speaker code {quote.speaker!r}",
                )
            )
        if themes is not None and quote.theme not in themes:
            problems.append(ContentProblem(name, f"{at}.theme", f"unknown theme {quote.theme!r}"))
        _refs(name, f"{at}.findings", quote.findings, findings, problems, about=quote.level)


def _check_outcomes(
    outcomes: OutcomesFile, findings: dict[str, Finding] | None, problems: list[ContentProblem]
) -> None:
    name = "outcomes.yaml"
    _unique(name, outcomes.outcomes, "exit_point", "outcomes", problems)
    present = {o.exit_point for o in outcomes.outcomes}
    for missing in [e for e in EXIT_POINTS if e not in present]:
        problems.append(ContentProblem(name, "outcomes", f"has no entry for the {missing}"))
    for index, outcome in enumerate(outcomes.outcomes):
        for item_index, item in enumerate(outcome.items):
            at = f"outcomes[{index}] (exit_point: {outcome.exit_point}).items[{item_index}]"
            _refs(name, f"{at}.findings", item.findings, findings, problems, outcome.exit_point)
            if findings is None:
                continue
            cited = [
                findings[f].strength
                for f in item.findings
                if f in findings and outcome.exit_point in findings[f].exit_points
            ]
            if cited:
                strongest = min(cited, key=STRENGTHS.index)
                if item.strength != strongest:
                    problems.append(
                        ContentProblem(
                            name,
                            f"{at}.strength",
                            f"is {item.strength!r} but the strongest finding it cites is "
                            f"{strongest!r}",
                        )
                    )


def _check_questions(questions: QuestionsFile, problems: list[ContentProblem]) -> None:
    """questions.yaml asks for exactly the profile's answers, each with exactly its values."""
    name = "questions.yaml"
    _unique(name, questions.questions, "id", "questions", problems)
    asked = {q.id for q in questions.questions}
    for missing in [f for f in QUESTION_IDS if f not in asked]:
        problems.append(ContentProblem(name, "questions", f"no question asks for {missing!r}"))
    for index, question in enumerate(questions.questions):
        at = f"questions[{index}] (id: {question.id})"
        if question.id not in QUESTION_IDS:
            known = ", ".join(QUESTION_IDS)
            problems.append(
                ContentProblem(
                    name, f"{at}.id", f"is not an answer the advisor reads (known: {known})"
                )
            )
            continue
        answer = ANSWERS[question.id]
        if question.kind != answer.kind:
            problems.append(ContentProblem(name, f"{at}.kind", f"must be {answer.kind!r}"))
        if not question.required and answer.need != "optional":
            problems.append(
                ContentProblem(name, f"{at}.required", "this answer cannot be optional")
            )
        allowed = answer.values
        values = [o.value for o in question.options]
        for opt_index, value in enumerate(values):
            if not any(value == a and type(value) is type(a) for a in allowed):
                problems.append(
                    ContentProblem(
                        name,
                        f"{at}.options[{opt_index}].value",
                        f"unknown value {value!r} (allowed: {', '.join(map(str, allowed))})",
                    )
                )
            elif values.count(value) > 1:
                problems.append(
                    ContentProblem(
                        name, f"{at}.options[{opt_index}].value", f"{value!r} is repeated"
                    )
                )
        for value in allowed:
            if not any(value == v and type(value) is type(v) for v in values):
                problems.append(
                    ContentProblem(name, f"{at}.options", f"has no option for {value!r}")
                )


def _check_reported(
    name: str,
    at: str,
    rule: Rule,
    favours: str,
    findings: dict[str, Finding] | None,
    problems: list[ContentProblem],
) -> None:
    """A `reported` rule rests on what graduates at the exit point it favours said: one of its
    findings is reported of that exit point (not of all graduates). None can favour the
    Diploma: the study has no Diploma graduate's account."""
    if favours == "diploma":
        problems.append(
            ContentProblem(
                name,
                f"{at}.basis",
                "no rule favouring the diploma can be 'reported': the study quotes no Diploma "
                "graduate",
            )
        )
        return
    if findings is None:
        return
    if not any(
        f in findings
        and findings[f].strength == "reported"
        and favours in findings[f].exit_points
        and not findings[f].all_graduates
        for f in rule.findings
    ):
        problems.append(
            ContentProblem(
                name,
                f"{at}.basis",
                f"is 'reported' but none of its findings is reported by {favours} graduates "
                "(findings said of all graduates do not count)",
            )
        )


def _can_fire_together(rules: tuple[Rule, ...], questions: dict[str, Question]) -> bool:
    """Whether one eligible profile makes every one of `rules` fire. Questions are answered
    independently, so it is enough that each question has an answer all the rules accept."""
    for question_id, question in questions.items():
        when = [set(r.when[question_id]) for r in rules if question_id in r.when]
        unless: set[Any] = set()
        for rule in rules:
            unless |= set(rule.unless.get(question_id, ()))
        if not when and not unless:
            continue
        values = [o.value for o in question.options]
        if question_id == ELIGIBILITY:
            values = [True]  # only an eligible profile is scored
        if question.kind == "multiple":
            # A chosen set fires a `when` it meets and no `unless`: one allowed value per `when`.
            allowed = {v for v in values if v not in unless}
            if any(not (w & allowed) for w in when):
                return False
        else:
            # An optional question may be left unanswered, which meets no `when` and no `unless`.
            candidates = values + ([None] if not question.required else [])
            if not any(all(v in w for w in when) and v not in unless for v in candidates):
                return False
    return True


def _check_counted_once(
    rules: RulesFile,
    questions: dict[str, Question] | None,
    problems: list[ContentProblem],
) -> None:
    """One observation counts once: no two rules that favour the same exit point and can fire
    for the same profile cite the same finding. Exact over every eligible profile, without
    listing them: see _can_fire_together."""
    if questions is None:
        return
    weighted = [(i, r) for i, r in enumerate(rules.rules) if r.effect.kind == "weight"]
    for a, (i, first) in enumerate(weighted):
        for j, second in weighted[a + 1 :]:
            if first.effect.favours != second.effect.favours:  # type: ignore[union-attr]
                continue
            shared = [f for f in first.findings if f in second.findings]
            if shared and _can_fire_together((first, second), questions):
                problems.append(
                    ContentProblem(
                        "rules.yaml",
                        f"rules[{j}] (id: {second.id}).findings",
                        f"cites {', '.join(map(repr, shared))}, as rules[{i}] (id: {first.id}) "
                        f"does; both favour the {first.effect.favours} and fire together for "  # type: ignore[union-attr]
                        "some profiles, so one observation would count twice",
                    )
                )


def _check_rules(
    rules: RulesFile,
    questions: dict[str, Question] | None,
    findings: dict[str, Finding] | None,
    problems: list[ContentProblem],
) -> None:
    name = "rules.yaml"
    _unique(name, rules.rules, "id", "rules", problems)
    _unique(name, rules.caveats, "id", "caveats", problems)
    _refs(name, "step_up.findings", rules.step_up.findings, findings, problems)
    _refs(name, "ineligible.findings", rules.ineligible.findings, findings, problems)
    for index, rule in enumerate(rules.rules):
        at = f"rules[{index}] (id: {rule.id})"
        _refs(name, f"{at}.findings", rule.findings, findings, problems)
        effect = rule.effect
        if effect.kind == "weight" and findings is not None:
            known = [findings[f] for f in rule.findings if f in findings]
            if known and not any(effect.favours in f.exit_points for f in known):
                problems.append(
                    ContentProblem(
                        name,
                        f"{at}.findings",
                        f"none of its findings concerns the {effect.favours}, which it favours",
                    )
                )
        if effect.kind == "weight" and rule.basis == "reported":
            _check_reported(name, at, rule, effect.favours, findings, problems)
        _check_conditions(name, at, rule, questions, problems)


def _check_conditions(
    name: str,
    at: str,
    entry: Any,
    questions: dict[str, Question] | None,
    problems: list[ContentProblem],
) -> None:
    """An entry's `when` and `unless` name questions, and options those questions offer."""
    if questions is None:
        return
    for part in ("when", "unless"):
        for question_id, values in getattr(entry, part).items():
            question = questions.get(question_id)
            if question is None:
                problems.append(
                    ContentProblem(name, f"{at}.{part}.{question_id}", "no question has this id")
                )
                continue
            for position, value in enumerate(values):
                if question.option(value) is None:
                    offered = ", ".join(str(o.value) for o in question.options)
                    problems.append(
                        ContentProblem(
                            name,
                            f"{at}.{part}.{question_id}[{position}]",
                            f"question {question_id!r} has no option {value!r} "
                            f"(options: {offered})",
                        )
                    )


def _exactly(
    name: str, where: str, given: list[str], expected: tuple[str, ...], what: str
) -> list[ContentProblem]:
    """`given` lists exactly `expected`, in that order."""
    if given == list(expected):
        return []
    return [
        ContentProblem(
            name,
            where,
            f"must list the {what} {', '.join(expected)}, once each and in this order "
            f"(it lists: {', '.join(given) or 'none'})",
        )
    ]


def _check_steps(questions: QuestionsFile, problems: list[ContentProblem]) -> None:
    """The priorities and readiness steps ask for exactly the profile's items."""
    name = "questions.yaml"
    step = questions.priorities
    problems += _exactly(
        name, "priorities.items", [i.id for i in step.items], PRIORITY_IDS, "priorities"
    )
    problems += _exactly(
        name, "priorities.levels", [x.value for x in step.levels], IMPORTANCES, "levels"
    )
    problems += _exactly(
        name,
        "readiness.items",
        [i.id for i in questions.readiness.items],
        READINESS_IDS,
        "readiness items",
    )


def _check_decision(
    decision: DecisionFile,
    questions: dict[str, Question] | None,
    findings: dict[str, Finding] | None,
    problems: list[ContentProblem],
) -> None:
    name = "decision.yaml"
    problems += _exactly(name, "options", [o.option for o in decision.options], OPTIONS, "options")
    lengths = sorted(o.length() for o in decision.options)
    median = (lengths[len(lengths) // 2] + lengths[(len(lengths) - 1) // 2]) / 2
    for index, option in enumerate(decision.options):
        at = f"options[{index}] (option: {option.option})"
        about = option.option if option.option in EXIT_POINTS else None
        for heading in ("gains", "costs"):
            for position, item in enumerate(getattr(option, heading)):
                _refs(
                    name,
                    f"{at}.{heading}[{position}].findings",
                    item.findings,
                    findings,
                    problems,
                    about,
                )
        if abs(option.length() - median) > LENGTH_TOLERANCE * median:
            problems.append(
                ContentProblem(
                    name,
                    at,
                    f"its text is {option.length()} characters long, more than "
                    f"{LENGTH_TOLERANCE:.0%} from the options' median ({median:.0f}): give "
                    "every option comparable detail",
                )
            )
    problems += _exactly(
        name,
        "priorities",
        [link.priority for link in decision.priorities],
        PRIORITY_IDS,
        "priorities",
    )
    for index, link in enumerate(decision.priorities):
        at = f"priorities[{index}] (priority: {link.priority})"
        missing = [o for o in OPTIONS if o not in link.offers]
        if missing:
            problems.append(
                ContentProblem(name, f"{at}.offers", f"says nothing of: {', '.join(missing)}")
            )
        for option, offer in link.offers.items():
            _refs(name, f"{at}.offers.{option}.findings", offer.findings, findings, problems)
    _unique(name, decision.questions_to_ask, "id", "questions_to_ask", problems)
    for index, entry in enumerate(decision.questions_to_ask):
        at = f"questions_to_ask[{index}] (id: {entry.id})"
        _refs(name, f"{at}.findings", entry.findings, findings, problems)
        _check_conditions(name, at, entry, questions, problems)


def _read_programmes(
    folder: Path, digest: Any, problems: list[ContentProblem]
) -> dict[str, ProgrammeProfile] | None:
    """Every file of content/programmes/, validated; None when the folder is missing."""
    where = folder / PROGRAMMES
    if not where.is_dir():
        problems.append(ContentProblem(f"{PROGRAMMES}/", "", "folder is missing"))
        return None
    programmes: dict[str, ProgrammeProfile] = {}
    for path in sorted(where.iterdir()):
        name = f"{PROGRAMMES}/{path.name}"
        if path.name.startswith("."):
            continue  # an editor's or the system's own file
        if path.suffix != ".yaml" or not path.is_file():
            problems.append(
                ContentProblem(name, "", "is not a .yaml file: programmes are <slug>.yaml")
            )
            continue
        if not SLUG.match(path.stem):
            problems.append(
                ContentProblem(
                    name,
                    "",
                    "the file name must be a slug: lower-case letters, digits and hyphens, "
                    "at most 40, starting and ending with a letter or digit",
                )
            )
            continue
        read = _read(folder, name, problems)
        if read is None:
            continue
        data, raw = read
        digest.update(name.encode() + b"\0" + raw + b"\0")
        model = _validate(name, data, problems, ProgrammeProfile)
        if isinstance(model, ProgrammeProfile):
            programmes[path.stem] = model
    if not programmes and not any(p.file.startswith(PROGRAMMES) for p in problems):
        problems.append(ContentProblem(f"{PROGRAMMES}/", "", "holds no programme"))
    return programmes


def _check_programmes(
    programmes: dict[str, ProgrammeProfile],
    advisor: AdvisorFile | None,
    problems: list[ContentProblem],
) -> None:
    tokens: dict[str, str] = {}
    for slug, programme in programmes.items():
        name = f"{PROGRAMMES}/{slug}.yaml"
        for exit_point in EXIT_POINTS:
            if exit_point not in programme.awards:
                problems.append(
                    ContentProblem(name, "awards", f"has no award for the {exit_point}")
                )
        env = programme.insights_token_env
        if env is None:
            continue
        if env == "ADVISOR_ADMIN_TOKEN":
            problems.append(
                ContentProblem(
                    name,
                    "insights_token_env",
                    "must not be ADVISOR_ADMIN_TOKEN: that token sees every programme",
                )
            )
        elif env in tokens:
            problems.append(
                ContentProblem(
                    name,
                    "insights_token_env",
                    f"is already the token of programmes/{tokens[env]}.yaml: each programme "
                    "needs its own",
                )
            )
        tokens.setdefault(env, slug)
    if advisor is not None and programmes and advisor.default_programme not in programmes:
        problems.append(
            ContentProblem(
                "advisor.yaml",
                "default_programme",
                f"names {advisor.default_programme!r}, which is not a file of {PROGRAMMES}/ "
                f"(there: {', '.join(sorted(programmes))})",
            )
        )


# ---------------------------------------------------------------------------------------------


def load_content(folder: Path | str) -> Content:
    """Read, validate and cross-check a content folder; raise ContentError listing every problem."""
    folder = Path(folder)
    problems: list[ContentProblem] = []
    if not folder.is_dir():
        raise ContentError(folder, [ContentProblem(str(folder), "", "is not a folder")])

    parsed: dict[str, Any] = {}
    digest = hashlib.sha256()
    for name in FILES:
        read = _read(folder, name, problems)
        if read is None:
            continue
        data, raw = read
        digest.update(name.encode() + b"\0" + raw + b"\0")
        model = _validate(name, data, problems)
        if model is not None:
            parsed[name] = model

    programmes = _read_programmes(folder, digest, problems)
    study: Study | None = parsed.get("study.yaml")
    themes_file: ThemesFile | None = parsed.get("themes.yaml")
    findings_file: FindingsFile | None = parsed.get("findings.yaml")
    quotations_file: QuotationsFile | None = parsed.get("quotations.yaml")
    outcomes_file: OutcomesFile | None = parsed.get("outcomes.yaml")
    questions_file: QuestionsFile | None = parsed.get("questions.yaml")
    rules_file: RulesFile | None = parsed.get("rules.yaml")
    decision: DecisionFile | None = parsed.get("decision.yaml")
    advisor: AdvisorFile | None = parsed.get("advisor.yaml")

    theme_ids: set[str] | None = None
    if themes_file is not None:
        _unique("themes.yaml", themes_file.themes, "id", "themes", problems)
        theme_ids = {t.id for t in themes_file.themes}
    findings = _first_by_id(findings_file.findings) if findings_file else None
    questions = _first_by_id(questions_file.questions) if questions_file else None
    if study is not None:
        _check_study(study, problems)
    if findings_file is not None:
        _check_findings(findings_file, theme_ids, problems)
    if quotations_file is not None:
        _check_quotations(quotations_file, theme_ids, findings, problems)
    if outcomes_file is not None:
        _check_outcomes(outcomes_file, findings, problems)
    if questions_file is not None:
        _check_questions(questions_file, problems)
        _check_steps(questions_file, problems)
    if rules_file is not None:
        _check_rules(rules_file, questions, findings, problems)
        _check_counted_once(rules_file, questions, problems)
    if decision is not None:
        _check_decision(decision, questions, findings, problems)
    if programmes is not None:
        _check_programmes(programmes, advisor, problems)
    if problems:
        raise ContentError(folder, problems)
    assert study and themes_file and findings_file and quotations_file  # noqa: S101 - for typing
    assert outcomes_file and questions_file and rules_file and findings  # noqa: S101
    assert decision and advisor and programmes is not None  # noqa: S101
    default = advisor.default_programme
    ordered = {default: programmes[default]} | dict(sorted(programmes.items()))

    evidence_version = f"{study.version}+{digest.hexdigest()[:10]}"
    caveats = [*rules_file.caveats, *(Caveat(id=x.id, text=x.text) for x in study.limitations)]
    return Content(
        evidence_version=evidence_version,
        study=study,
        themes=themes_file.themes,
        findings=findings_file.findings,
        quotations=quotations_file.quotations,
        outcomes=outcomes_file.outcomes,
        questions=questions_file.questions,
        rules=rules_file,
        decision=decision,
        advisor=advisor,
        programmes=ordered,
        priorities=questions_file.priorities,
        readiness=questions_file.readiness,
        compiled_rules=compile_rules(
            questions=questions_file.questions,
            rules_file=rules_file,
            findings=findings,
            quotations=quotations_file.quotations,
            outcomes=outcomes_file.outcomes,
            caveats=caveats,
            evidence_version=evidence_version,
            aid=compile_aid(decision, questions_file.priorities, questions_file.readiness),
        ),
        caveats=caveats,
    )


def main(argv: list[str] | None = None) -> int:
    """`python -m advisor.content [FOLDER]`: check a content folder and say what is wrong."""
    from advisor.settings import settings

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("folder", nargs="?", type=Path, default=settings.content_dir)
    args = parser.parse_args(argv)
    try:
        content = load_content(args.folder)
    except ContentError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(
        f"Content in {args.folder} is valid: {len(content.findings)} findings, "
        f"{len(content.quotations)} quotations, {len(content.rules.rules)} rules, "
        f"{len(content.programmes)} programme(s) "
        f"(evidence version {content.evidence_version})."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
