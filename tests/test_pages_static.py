"""The evidence and method pages, checked in their compiled component trees (no browser)."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import reflex as rx

from advisor.components import evidence_parts
from advisor.components.evidence_parts import quote_card
from advisor.evidence import EXIT_POINT_NAMES, STRENGTH_LABELS, STRENGTHS, strength_label
from advisor.pages import evidence, method
from advisor.questions import Option, Question, Wording
from advisor.rule_table import BASIS_LABELS, IneligibleEffect, Rule, WeightEffect
from advisor.runtime import CONTENT

# ---------------------------------------------------------------------------------------------
# A small reader for Reflex's render() output: a tree of {"name", "props", "children"} dicts
# whose leaves are {"contents": <JS expression>}. Literal strings are JSON strings there.

_PROP = re.compile(r'^("(?:[^"\\]|\\.)*"|[A-Za-z_$][\w$]*):(.*)$', re.S)


@dataclass
class Node:
    name: str
    props: dict[str, Any] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)
    contents: str | None = None  # the literal text of a text leaf

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()

    @property
    def text(self) -> str:
        return "".join(n.contents for n in self.walk() if n.contents is not None)

    @property
    def tag(self) -> str:
        return self.name.strip('"')

    @property
    def classes(self) -> list[str]:
        return str(self.props.get("className", "")).split()

    def find(self, predicate) -> list[Node]:
        return [n for n in self.walk() if predicate(n)]

    def by_id(self, element_id: str) -> Node:
        found = self.find(lambda n: n.props.get("id") == element_id)
        assert len(found) == 1, f"{len(found)} elements with id {element_id!r}"
        return found[0]

    def hrefs(self) -> list[str]:
        """Link targets: rx.link renders a React Router link, whose target is `to`."""
        return [
            n.props[key]
            for n in self.walk()
            for key in ("href", "to")
            if isinstance(n.props.get(key), str)
        ]


def _value(js: str) -> Any:
    try:
        return json.loads(js)
    except ValueError:
        return js  # an expression, not a literal: kept as written


def _parse(rendered: dict[str, Any]) -> Node:
    if "contents" in rendered:
        try:
            value = json.loads(rendered["contents"])
        except ValueError:  # an expression (a Var), not literal text
            return Node("#text")
        literal = isinstance(value, str | int | float) and not isinstance(value, bool)
        return Node("#text", contents=str(value) if literal else None)
    props: dict[str, Any] = {}
    for prop in rendered.get("props", []):
        match = _PROP.match(prop)
        if match:
            key = match.group(1)
            props[json.loads(key) if key.startswith('"') else key] = _value(match.group(2))
    return Node(
        rendered.get("name", ""),
        props,
        [_parse(child) for child in rendered.get("children", [])],
    )


def tree(component: rx.Component) -> Node:
    return _parse(component.render())


@pytest.fixture(scope="module")
def evidence_page() -> Node:
    return tree(evidence.evidence())


@pytest.fixture(scope="module")
def method_page() -> Node:
    return tree(method.method())


def _headings(page: Node) -> list[int]:
    return [
        int(n.props["as"][1])
        for n in page.walk()
        if n.name == "RadixThemesHeading" or re.fullmatch(r'"h[1-6]"', n.name)
        if isinstance(n.props.get("as"), str)
    ]


def _quotes(node: Node) -> list[Node]:
    return node.find(lambda n: n.tag == "figure" and "quote" in n.classes)


def _quote_parts(figure: Node) -> tuple[str, str]:
    (blockquote,) = figure.find(lambda n: n.tag == "blockquote")
    (figcaption,) = figure.find(lambda n: n.tag == "figcaption")
    return blockquote.text, figcaption.text


# ---------------------------------------------------------------------------------------------
# Both pages


@pytest.mark.parametrize("page_fixture", ["evidence_page", "method_page"])
def test_one_h1_then_headings_in_order(page_fixture: str, request: pytest.FixtureRequest) -> None:
    levels = _headings(request.getfixturevalue(page_fixture))
    assert levels.count(1) == 1 and levels[0] == 1
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, f"heading level jumps from h{before} to h{after}"


def test_route_constants() -> None:
    assert (evidence.ROUTE, method.ROUTE) == ("/evidence", "/method")
    for module in (evidence, method):
        assert module.TITLE and module.DESCRIPTION


# ---------------------------------------------------------------------------------------------
# The evidence page


def test_study_citation_doi_and_method(evidence_page: Node) -> None:
    study = CONTENT.study
    assert study.citation.doi_url in evidence_page.hrefs()
    text = evidence_page.text
    for fact in (
        study.citation.title,
        study.citation.licence,
        study.method.approach,
        study.method.sampling,
        study.programme.provider,
        study.programme.entry_requirement,
        "October 2013 to February 2014",
        *study.method.interview_modes,
    ):
        assert fact in text


def test_every_finding_has_its_anchor_statement_section_and_strength(evidence_page: Node) -> None:
    ids = [n.props["id"] for n in evidence_page.walk() if "id" in n.props]
    expected = [f"finding-{f.id}" for f in CONTENT.findings]
    assert Counter(i for i in ids if i.startswith("finding-")) == Counter(expected)
    for finding in CONTENT.findings:
        text = evidence_page.by_id(f"finding-{finding.id}").text
        assert finding.statement in text
        assert finding.section in text
        assert strength_label(finding.strength, finding.all_graduates) in text
        assert finding.locator.words in text
        if finding.all_graduates:
            assert "Said of graduates in general" in text
        else:
            for exit_point in finding.exit_points:
                assert EXIT_POINT_NAMES[exit_point] in text


def test_findings_are_grouped_under_their_theme(evidence_page: Node) -> None:
    order = [n.props["id"] for n in evidence_page.walk() if "id" in n.props]
    for theme in CONTENT.themes:
        start = order.index(f"theme-{theme.id}")
        ends = [order.index(f"theme-{t.id}") for t in CONTENT.themes if t.id != theme.id]
        end = min([e for e in ends if e > start], default=len(order))
        inside = {i for i in order[start:end] if i.startswith("finding-")}
        assert inside == {f"finding-{f.id}" for f in CONTENT.findings if f.theme == theme.id}


def test_each_quotation_verbatim_once_per_finding_it_illustrates(evidence_page: Node) -> None:
    for finding in CONTENT.findings:
        shown = [_quote_parts(q) for q in _quotes(evidence_page.by_id(f"finding-{finding.id}"))]
        expected = [q for q in CONTENT.quotations if finding.id in q.findings]
        assert sorted(text for text, _ in shown) == sorted(q.text for q in expected)
        for quote in expected:
            (caption,) = [caption for text, caption in shown if text == quote.text]
            assert caption.startswith(f"— {quote.speaker}")
    # Nowhere else: the page holds exactly one card per (quotation, finding) pair.
    total = sum(len(q.findings) for q in CONTENT.quotations)
    assert len(_quotes(evidence_page)) == total


def test_the_cautionary_quotation_is_marked(evidence_page: Node) -> None:
    cautions = [q for q in CONTENT.quotations if q.stance == "cautions"]
    assert cautions, "the study has a cautionary voice; the content should too"
    captions = {text: caption for text, caption in map(_quote_parts, _quotes(evidence_page))}
    for quote in cautions:
        assert "cautionary" in captions[quote.text]


def test_one_chart_per_sample_characteristic_with_a_table(evidence_page: Node) -> None:
    cards = evidence_page.find(lambda n: "sample-chart" in n.classes)
    groups = CONTENT.study.sample.groups
    assert len(cards) == len(groups)
    for card, group in zip(cards, groups, strict=True):
        (hidden,) = card.find(lambda n: n.props.get("aria-hidden") == "true")
        assert hidden.find(lambda n: n.name == "RechartsBarChart")
        (table,) = card.find(lambda n: n.tag == "table")
        rows = [
            (row.children[0].text, row.children[1].text)
            for row in table.find(lambda n: n.tag == "tr")[1:]
        ]
        assert rows == [(r.label, str(r.count)) for r in group.rows]
    assert CONTENT.study.sample.note in evidence_page.text


def test_themes_and_limitations(evidence_page: Node) -> None:
    text = evidence_page.text
    for theme in CONTENT.themes:
        assert theme.name in text and theme.summary in text
    assert evidence_page.by_id("limitations").text == "Limitations"
    for limitation in CONTENT.study.limitations:
        assert evidence_page.by_id(f"limitation-{limitation.id}").text == limitation.text
    assert CONTENT.study.limitations_section in text


def test_quote_card_takes_vars_inside_foreach() -> None:
    quotes = rx.Var.create(
        [{"text": "Words … [as] printed’", "speaker": "Male M#1", "stance": "cautions"}]
    )
    component = rx.foreach(
        quotes,
        lambda q: quote_card(
            q["text"].to(str),
            q["speaker"].to(str),
            caption_extra=q["speaker"].to(str),
            caution=q["stance"].to(str) == "cautions",
        ),
    )
    rendered = str(component).replace(" ", "")
    assert 'jsx("figure",{className:"quote"' in rendered
    assert 'jsx("blockquote"' in rendered and 'jsx("figcaption"' in rendered


def test_quote_card_with_strings_keeps_the_text_exactly() -> None:
    text = " [I’m] more into peer group … earlier on "
    text_out, caption = _quote_parts(tree(quote_card(text, "Female C#142", "note")))
    assert text_out == text
    assert caption == "— Female C#142, note"


# ---------------------------------------------------------------------------------------------
# The method page


def test_every_rule_has_its_anchor_and_links_to_its_findings(method_page: Node) -> None:
    finding_ids = {f.id for f in CONTENT.findings}
    for rule in CONTENT.rules.rules:
        node = method_page.by_id(f"rule-{rule.id}")
        hrefs = node.hrefs()
        for finding_id in rule.findings:
            assert f"/evidence#finding-{finding_id}" in hrefs
        assert rule.rationale in node.text
        assert BASIS_LABELS[rule.basis] in node.text, rule.id
        for finding_id in rule.findings:
            finding = CONTENT.findings_by_id[finding_id]
            assert strength_label(finding.strength, finding.all_graduates) in node.text
        if all(CONTENT.findings_by_id[f].all_graduates for f in rule.findings):
            # Said of graduates in general: never labelled as one exit point's own reports.
            assert STRENGTH_LABELS["reported"] not in node.text, rule.id
    for href in method_page.hrefs():
        if href.startswith("/evidence#finding-"):
            assert href.removeprefix("/evidence#finding-") in finding_ids


def test_rules_use_the_questions_own_labels(method_page: Node) -> None:
    questions = {q.id: q for q in CONTENT.questions}
    for rule in CONTENT.rules.rules:
        text = method_page.by_id(f"rule-{rule.id}").text
        for question_id, values in {**rule.when, **rule.unless}.items():
            question = questions[question_id]
            assert f"“{question.short}”" in text
            for value in values:
                assert f"“{question.option(value).label}”" in text
        if rule.effect.kind == "weight":
            name = EXIT_POINT_NAMES[rule.effect.favours]
            assert f"add {rule.effect.weight:g} to the {name}" in text


def test_rules_are_grouped_by_their_first_question(method_page: Node) -> None:
    order = [n.props["id"] for n in method_page.walk() if "id" in n.props]
    for rule in CONTENT.rules.rules:
        group = "rules-" + next(iter(rule.when)).replace("_", "-")
        headings = [i for i in order[: order.index(f"rule-{rule.id}")] if i.startswith("rules-")]
        assert headings[-1] == group


_QUESTIONS = {
    "stage": Question(
        id="career_stage",
        kind="single",
        short="Career stage",
        prompt=Wording(self="?", supervisor="?"),
        help="h",
        options=[
            Option(value="early", label="Early", help="h"),
            Option(value="late", label="Later", help="h"),
        ],
    ),
    "why": Question(
        id="motivations",
        kind="multiple",
        short="Reasons for studying",
        prompt=Wording(self="?", supervisor="?"),
        help="h",
        options=[
            Option(value="career_prospects", label="Better career prospects", help="h"),
            Option(value="professional_review", label="A review asked for it", help="h"),
        ],
    ),
    "background": Question(
        id="healthcare_background",
        kind="boolean",
        short="Healthcare background",
        prompt=Wording(self="?", supervisor="?"),
        help="h",
        options=[
            Option(value=True, label="Yes", help="h"),
            Option(value=False, label="No", help="h"),
        ],
    ),
}
_BY_ID = {q.id: q for q in _QUESTIONS.values()}


def _rule(when, unless=None, effect=None) -> Rule:
    return Rule(
        id="r1",
        when=when,
        unless=unless or {},
        effect=effect or WeightEffect(kind="weight", favours="masters", weight=2.5),
        findings=["f1"],
        basis="authors",
        rationale="r",
        reason=Wording(self="s", supervisor="s"),
    )


@pytest.mark.parametrize(
    ("rule", "sentence"),
    [
        (
            _rule({"career_stage": ["late"]}),
            "If “Career stage” is “Later”: add 2.5 to the Masters.",
        ),
        (
            _rule(
                {
                    "career_stage": ["late"],
                    "motivations": ["career_prospects", "professional_review"],
                }
            ),
            "If “Career stage” is “Later” and “Reasons for studying” include any of “Better "
            "career prospects” or “A review asked for it”: add 2.5 to the Masters.",
        ),
        (
            _rule({"motivations": ["career_prospects"]}, unless={"career_stage": ["late"]}),
            "If “Reasons for studying” include “Better career prospects”, unless “Career stage” "
            "is “Later”: add 2.5 to the Masters.",
        ),
        (
            _rule({"healthcare_background": [False]}, effect=IneligibleEffect(kind="ineligible")),
            "If “Healthcare background” is “No”: the assessment ends here, and the advisor "
            "recommends no level.",
        ),
    ],
)
def test_rule_sentence(rule: Rule, sentence: str) -> None:
    assert method.rule_sentence(rule, _BY_ID) == sentence


def test_confidence_numbers_come_from_the_content(method_page: Node) -> None:
    confidence = CONTENT.rules.scoring.confidence
    assert method_page.by_id("strong-margin").text == f"{confidence.strong_margin:g}"
    assert method_page.by_id("moderate-margin").text == f"{confidence.moderate_margin:g}"
    for strength in STRENGTHS:
        cap = confidence.strength_caps[strength]
        assert method_page.by_id(f"cap-{strength}").text == cap.capitalize()


def test_other_scoring_numbers_show_through(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = CONTENT.rules
    scoring = rules.scoring.model_copy(
        update={
            "order": ["masters", "diploma", "certificate"],
            "confidence": rules.scoring.confidence.model_copy(
                update={
                    "strong_margin": 7.5,
                    "moderate_margin": 3.25,
                    "strength_caps": {s: "tentative" for s in STRENGTHS},
                }
            ),
        }
    )
    changed = CONTENT.model_copy(update={"rules": rules.model_copy(update={"scoring": scoring})})
    monkeypatch.setattr(method, "CONTENT", changed)
    page = tree(method.method())
    assert page.by_id("strong-margin").text == "7.5"
    assert page.by_id("moderate-margin").text == "3.25"
    assert {page.by_id(f"cap-{s}").text for s in STRENGTHS} == {"Tentative"}
    assert "first in this order ranks higher: Masters, Diploma and Certificate." in page.text


def test_step_up_ineligible_and_what_would_change(method_page: Node) -> None:
    rules = CONTENT.rules
    text = method_page.text
    assert rules.step_up.text.self in text
    assert rules.ineligible.text.self in text
    assert "What would change the result" in text
    hrefs = method_page.hrefs()
    for finding_id in [*rules.step_up.findings, *rules.ineligible.findings]:
        assert f"/evidence#finding-{finding_id}" in hrefs


def test_what_it_cannot_tell_you(method_page: Node) -> None:
    section = method_page.find(
        lambda n: n.tag == "section" and "cannot-tell" in str(n.props.get("aria-labelledby"))
    )
    assert len(section) == 1
    text = section[0].text
    diploma = next(g for g in CONTENT.study.sample.groups if g.id == "qualification")
    diploma_count = next(r.count for r in diploma.rows if r.label == "Diploma")
    assert f"Only {diploma_count} Diploma participants" in text
    assert "quotes no Diploma graduate" in text
    assert f"{CONTENT.study.method.participants} graduates" in text
    assert CONTENT.study.programme.provider in text
    for word in ("one study of one programme", "costs", "independent", "predict"):
        assert word in text
    assert "/evidence#limitations" in section[0].hrefs()


def test_helpers() -> None:
    assert evidence_parts.month_name("2013-10") == "October 2013"
    assert evidence_parts.exit_point_names(["certificate", "masters"]) == "Certificate and Masters"
