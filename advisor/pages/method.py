"""The method page: every rule in plain words, how scores, ties and confidence work, the limits."""

from __future__ import annotations

from collections.abc import Sequence

import reflex as rx

from advisor import styles
from advisor.components.evidence_parts import (
    bullet_list,
    contents_nav,
    fact_list,
    finding_link,
    month_name,
    strength_badge,
)
from advisor.components.layout import page, paragraph, section
from advisor.decision_aid import OFFER_LABELS, OPTION_NAMES, OPTIONS
from advisor.evidence import EXIT_POINT_NAMES, EXIT_POINTS, STRENGTH_LABELS, STRENGTHS, Finding
from advisor.page_spec import PageSpec
from advisor.questions import Question
from advisor.rule_table import BASIS_LABELS, CONFIDENCES, Rule
from advisor.runtime import CONTENT

ROUTE = "/method"
TITLE = "How the advisor decides | Programme advisor"
DESCRIPTION = (
    "Every rule the programme advisor applies, in plain words, with the findings it rests on; "
    "how scores, ties and confidence are worked out; and what the advisor cannot tell you."
)

CONTENTS = [
    ("rules", "The rules"),
    ("scoring", "From answers to a recommendation"),
    ("priorities-method", "What matters to you, beside the suggestion"),
    ("cannot-tell", "What the advisor cannot tell you"),
]

# The eligibility question gets a heading of its own; other groups take the question's label.
GROUP_HEADINGS = {"healthcare_background": "Eligibility"}


def _or(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _and(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _number(value: float) -> str:
    return f"{value:g}"


def _questions() -> dict[str, Question]:
    return {q.id: q for q in CONTENT.questions}


def _findings() -> dict[str, Finding]:
    return {f.id: f for f in CONTENT.findings}


def condition_text(question: Question, values: Sequence[object]) -> str:
    """One condition in the questionnaire's own words, e.g. “Career stage” is “Later”."""
    labels = []
    for value in values:
        option = question.option(value)
        labels.append(f"“{option.label if option else value}”")
    if question.kind == "multiple":
        answers = labels[0] if len(labels) == 1 else f"any of {_or(labels)}"
        return f"“{question.short}” include {answers}"
    return f"“{question.short}” is {_or(labels)}"


def rule_sentence(rule: Rule, questions: dict[str, Question]) -> str:
    """The whole rule as one sentence: if ..., unless ..., then its effect."""
    when = _and([condition_text(questions[q], v) for q, v in rule.when.items()])
    sentence = f"If {when}"
    if rule.unless:
        unless = _or([condition_text(questions[q], v) for q, v in rule.unless.items()])
        sentence += f", unless {unless}"
    effect = rule.effect
    if effect.kind == "weight":
        sentence += f": add {_number(effect.weight)} to the {EXIT_POINT_NAMES[effect.favours]}."
    else:
        sentence += ": the assessment ends here, and the advisor recommends no level."
    return sentence


def _finding_list(finding_ids: Sequence[str]) -> rx.Component:
    findings = _findings()
    return bullet_list(
        *[
            rx.el.li(
                finding_link(findings[fid]),
                rx.box(
                    strength_badge(findings[fid].strength, findings[fid].all_graduates),
                    margin_top=styles.SPACE_XS,
                ),
                margin_bottom=styles.SPACE_S,
            )
            for fid in finding_ids
        ],
        padding_left=styles.SPACE_L,
        margin="0",
    )


def _label(text: str) -> rx.Component:
    return rx.text(text, as_="p", size="2", weight="bold", margin_top=styles.SPACE_S)


def _rule(rule: Rule, questions: dict[str, Question]) -> rx.Component:
    return rx.el.article(
        rx.text(rule_sentence(rule, questions), as_="p", weight="bold"),
        fact_list(
            [
                ("Basis", BASIS_LABELS[rule.basis]),
                ("Why", rule.rationale),
                ("Rests on", _finding_list(rule.findings)),
            ],
            term_width="6rem",
            margin_bottom="0",
        ),
        id=f"rule-{rule.id}",
        style=styles.TARGET_STYLE,
        padding_y=styles.SPACE_L,
        border_top=f"1px solid {styles.BORDER}",
    )


def rule_groups() -> list[tuple[str, str, list[Rule]]]:
    """(group id, heading, rules), grouped by the question of each rule's first condition, in
    order of first appearance in the rule table."""
    questions = _questions()
    groups: dict[str, list[Rule]] = {}
    for rule in CONTENT.rules.rules:
        groups.setdefault(next(iter(rule.when)), []).append(rule)
    return [
        (
            f"rules-{question_id.replace('_', '-')}",
            GROUP_HEADINGS.get(question_id, questions[question_id].short),
            rules,
        )
        for question_id, rules in groups.items()
    ]


def _rules() -> rx.Component:
    questions = _questions()
    groups = rule_groups()
    return section(
        "rules",
        "The rules",
        paragraph(
            f"The advisor applies {len(CONTENT.rules.rules)} rules. Each one looks at your "
            "answers and, when they match, adds weight to one level. Each rule says why, and "
            "links to the findings of the study it rests on."
        ),
        bullet_list(
            *[
                rx.el.li(rx.link(heading, href=f"#{gid}", color=styles.ACCENT_TEXT))
                for gid, heading, _ in groups
            ],
            padding_left=styles.SPACE_L,
            margin_bottom=styles.SPACE_M,
        ),
        *[
            rx.box(
                rx.heading(
                    heading,
                    as_="h3",
                    size="4",
                    id=gid,
                    margin_top=styles.SPACE_XL,
                    style={"scroll_margin_top": styles.SPACE_L},
                ),
                *[_rule(rule, questions) for rule in rules],
            )
            for gid, heading, rules in groups
        ],
    )


# Table cells: top-aligned, ruled below; row headers look like the cells beside them.
_CELL = {
    "text_align": "left",
    "padding": styles.SPACE_S,
    "border_bottom": f"1px solid {styles.BORDER}",
    "vertical_align": "top",
}
_ROW_HEAD = {**_CELL, "font_weight": "normal"}


def _table(caption: str, headings: Sequence[str], rows: list[list]) -> rx.Component:
    return rx.el.table(
        rx.el.caption(caption, text_align="left", font_weight="600", padding_y=styles.SPACE_S),
        rx.el.thead(rx.el.tr(*[rx.el.th(h, scope="col", style=_CELL) for h in headings])),
        rx.el.tbody(
            *[
                rx.el.tr(
                    rx.el.th(row[0], scope="row", style=_ROW_HEAD),
                    *[rx.el.td(cell, style=_CELL) for cell in row[1:]],
                )
                for row in rows
            ]
        ),
        width="100%",
        border_collapse="collapse",
        margin_y=styles.SPACE_M,
    )


def _scoring() -> rx.Component:
    rules_file = CONTENT.rules
    scoring = rules_file.scoring
    confidence = scoring.confidence
    weights = [r.effect.weight for r in rules_file.rules if r.effect.kind == "weight"]
    order = [EXIT_POINT_NAMES[e] for e in scoring.order]
    route = [EXIT_POINT_NAMES[e] for e in rules_file.step_up.route]
    strong, moderate, tentative = CONFIDENCES
    weakest = STRENGTHS[-1]
    return section(
        "scoring",
        "From answers to a recommendation",
        rx.heading("Scores", as_="h3", size="4", margin_top=styles.SPACE_L),
        paragraph(
            "Each level starts with a score of 0. Every rule that matches your answers adds its "
            f"weight to the level it favours. Weights run from {_number(min(weights))} to "
            f"{_number(max(weights))}. The scores only weigh your answers against the findings; "
            "they are not probabilities."
        ),
        rx.heading("Ranking and ties", as_="h3", size="4", margin_top=styles.SPACE_L),
        paragraph(
            "The level with the highest score is the one the advisor suggests; the other two "
            "follow in order of score. When two levels have the same score, the one that comes "
            f"first in this order ranks higher: {_and(order)}"
            + (
                ", so a tie goes to the smaller commitment."
                if list(scoring.order) == list(EXIT_POINTS)
                else "."
            )
        ),
        rx.heading("How confident the advice is", as_="h3", size="4", margin_top=styles.SPACE_L),
        paragraph(
            "The advisor gives a word, not a percentage: "
            f"{strong}, {moderate} or {tentative}. Three checks decide it, and the advice gets "
            "the lowest of the three."
        ),
        rx.text(
            "1. How far ahead the suggested level is. ",
            "The lead is its score minus the score of the level in second place.",
            as_="p",
        ),
        _table(
            "Confidence by lead",
            ["Confidence", "Lead over the next level"],
            [
                [
                    strong.capitalize(),
                    rx.fragment(
                        "at least ",
                        rx.el.strong(_number(confidence.strong_margin), id="strong-margin"),
                    ),
                ],
                [
                    moderate.capitalize(),
                    rx.fragment(
                        "at least ",
                        rx.el.strong(_number(confidence.moderate_margin), id="moderate-margin"),
                        f" (and less than {_number(confidence.strong_margin)})",
                    ),
                ],
                [
                    tentative.capitalize(),
                    f"less than {_number(confidence.moderate_margin)}",
                ],
            ],
        ),
        rx.text(
            "2. What kind of evidence stands behind it. ",
            "This is the strongest finding about the suggested level among those cited by the "
            "rules that favoured it. Findings said of graduates in general, not of one level, "
            "never count here. If no rule favoured it, it counts as the weakest kind "
            f"(“{STRENGTH_LABELS[weakest]}”).",
            as_="p",
            margin_top=styles.SPACE_M,
        ),
        _table(
            "Highest confidence each kind of evidence allows",
            ["Kind of evidence", "At most"],
            [
                [
                    strength_badge(s),
                    rx.el.span(confidence.strength_caps[s].capitalize(), id=f"cap-{s}"),
                ]
                for s in STRENGTHS
            ],
        ),
        rx.text(
            "3. What the rules that favour it rest on. ",
            "Every rule states its basis: what graduates at that level said, the authors' "
            "advice or interpretation, or the advisor's own judgement from findings about all "
            "graduates.",
            as_="p",
            margin_top=styles.SPACE_M,
        ),
        _table(
            "Highest confidence the rules' bases allow",
            ["The rules favouring the suggested level", "At most"],
            [
                [
                    "At least one rests on what graduates at that level said, and the lead "
                    f"stays at {_number(confidence.strong_margin)} or more without the "
                    "advisor's own judgement",
                    strong.capitalize(),
                ],
                [
                    "At least one rests on graduates' accounts or the authors' advice",
                    moderate.capitalize(),
                ],
                ["Only the advisor's own judgement (or no rule at all)", tentative.capitalize()],
            ],
        ),
        rx.heading("Starting small", as_="h3", size="4", margin_top=styles.SPACE_L),
        paragraph(
            f"Some graduates moved step by step: {', then '.join(route)}. When the suggested "
            "level is not the last step, the result adds this note:"
        ),
        rx.el.blockquote(
            rx.text(rules_file.step_up.text.self, as_="p"),
            style=styles.CALLOUT_STYLE,
            margin="0",
            margin_bottom=styles.SPACE_M,
        ),
        _label("Rests on"),
        _finding_list(rules_file.step_up.findings),
        rx.heading("When it cannot suggest a level", as_="h3", size="4", margin_top=styles.SPACE_L),
        paragraph("If the eligibility rule applies, the advisor suggests no level and explains:"),
        rx.el.blockquote(
            rx.text(rules_file.ineligible.text.self, as_="p"),
            style=styles.CALLOUT_STYLE,
            margin="0",
            margin_bottom=styles.SPACE_M,
        ),
        _label("Rests on"),
        _finding_list(rules_file.ineligible.findings),
        rx.heading("What would change the result", as_="h3", size="4", margin_top=styles.SPACE_L),
        paragraph(
            "The result lists every other answer to one question that would make the advisor "
            "suggest a different level, grouped by question. For “Reasons for studying”, "
            "where you can choose several, it tries adding each reason you did not choose and "
            "removing each one you did. Answers that would fail the programme's entry "
            "requirement are skipped. A question where no other answer changes the result is "
            "not listed."
        ),
    )


def _priorities() -> rx.Component:
    """How the priorities step leans, and the table it leans by (content/decision.yaml)."""
    step = CONTENT.priorities
    labels = {item.id: item.label.self for item in step.items}
    rows = []
    for link in CONTENT.decision.priorities:
        cells = []
        for option in OPTIONS:
            offer = link.offers[option]
            cells.append(
                rx.fragment(
                    rx.text(OFFER_LABELS[offer.level], as_="span", weight="bold"),
                    rx.text(": ", offer.text, "*" if offer.judgement else "", as_="span"),
                )
            )
        rows.append([labels[link.priority], *cells])
    levels = ", ".join(f"“{level.label.lower()}”" for level in step.levels)
    return section(
        "priorities-method",
        "What matters to you, beside the suggestion",
        paragraph(
            "After the questions, you may rate how much each of six things matters to you: "
            f"{levels}. The ratings never change the suggestion. They show which option fits "
            "what you value, beside the option the rules suggest from what graduates in a "
            "similar position reported. When the two differ, the result says so and shows "
            "both."
        ),
        paragraph(
            "Each option gets points for each priority: its importance (not important 0, "
            "somewhat 1, very 2) times what the option offers it (little 0, some 1, much 2). "
            "The exit point with the most points is where your priorities lean. Ties go to the "
            "smaller commitment, as in the rules. If nothing is rated above “not important”, "
            "they lean nowhere. “Not now” is shown in the table, but the leaning is always one "
            "of the three awards, because the study cannot say what happens without one."
        ),
        rx.box(
            _table(
                "What the study links to each priority",
                ["Priority", *[OPTION_NAMES[o] for o in OPTIONS]],
                rows,
            ),
            overflow_x="auto",
            tab_index=0,
            role="region",
            aria_label="What the study links to each priority (scrolls sideways)",
        ),
        paragraph(
            "* The advisor's own reasoning, not something the study reports. Every cell cites "
            "findings; the result page links them."
        ),
    )


def _cannot_tell() -> rx.Component:
    study = CONTENT.study
    qualification = {g.id: g for g in study.sample.groups}.get("qualification")
    diploma_rows = (
        [r for r in qualification.rows if r.label == EXIT_POINT_NAMES["diploma"]]
        if qualification
        else []
    )
    diploma_count = diploma_rows[0].count if diploma_rows else 0
    diploma_quotes = sum(1 for q in CONTENT.quotations if q.level == "diploma")
    diploma_quoted = (
        "and the paper quotes no Diploma graduate"
        if diploma_quotes == 0
        else f"and the paper quotes {diploma_quotes} Diploma participant(s)"
    )
    points = [
        (
            "It rests on one study of one programme. ",
            f"{study.method.participants} graduates of one programme ({study.programme.provider}) "
            "were interviewed. The advisor has no information about other programmes, which "
            "may differ.",
        ),
        (
            "It reports what graduates said about themselves. ",
            "Nobody observed what they did at work.",
        ),
        (
            "The graduates chose to take part. ",
            "Graduates who were motivated and felt close to medical education were more likely "
            "to volunteer, so their views may weigh more than they would in all graduates.",
        ),
        (
            "It is one moment in time. ",
            "Each graduate was interviewed once, from "
            f"{month_name(study.method.interviews_from)} to "
            f"{month_name(study.method.interviews_to)}, while careers and identities keep "
            "changing.",
        ),
        (
            "It knows very little about the Diploma. ",
            f"Only {diploma_count} Diploma participants took part, both enrolled for the Masters "
            f"when interviewed, {diploma_quoted}. Advice about the Diploma rests on the authors' "
            "guidance, so it is given with less confidence.",
        ),
        (
            "It knows nothing about costs. ",
            "The study reports no fees, funding amounts or study hours, so neither does the "
            "advisor. Ask the programme.",
        ),
        (
            "It does not predict your future. ",
            "It shows which level your answers match in what graduates of one programme "
            "reported. It cannot say what will happen to you: that depends on you, your "
            "workplace and the support you get there.",
        ),
        (
            "It is independent of any programme. ",
            "No programme decides its advice, unless an admissions team embeds it on its own "
            "site with its own copy of the content; if you reach it that way, ask the team what "
            "they changed.",
        ),
    ]
    return section(
        "cannot-tell",
        "What the advisor cannot tell you",
        bullet_list(
            *[
                rx.el.li(rx.el.strong(head), body, margin_bottom=styles.SPACE_S)
                for head, body in points
            ],
            padding_left=styles.SPACE_L,
        ),
        *[paragraph(caveat.text) for caveat in CONTENT.rules.caveats],
        paragraph(
            "The study's authors list its limitations in their own words: ",
            rx.link("see the limitations", href="/evidence#limitations", color=styles.ACCENT_TEXT),
            ".",
        ),
    )


def method() -> rx.Component:
    """The page at /method."""
    return page(
        rx.heading("How the advisor decides", as_="h1", size="8", margin_bottom=styles.SPACE_M),
        rx.text(
            "The advisor is a table of rules written from one published study. Your answers "
            "decide which rules apply; each rule adds weight to the Certificate, the Diploma or "
            "the Masters; the level with the most weight is suggested. Nothing is hidden: every "
            "rule is below, with the findings it rests on. The web pages and the JSON API use "
            "the same rules.",
            as_="p",
            size="4",
            color=styles.TEXT_MUTED,
        ),
        contents_nav(CONTENTS),
        _rules(),
        _scoring(),
        _priorities(),
        _cannot_tell(),
    )


PAGE = PageSpec(component=method, route=ROUTE, title=TITLE, description=DESCRIPTION)
