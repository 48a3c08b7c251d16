"""The evidence page: the study, its sample, its themes, every finding with its quotations."""

from __future__ import annotations

import reflex as rx

from advisor import styles
from advisor.components.evidence_parts import (
    bullet_list,
    contents_nav,
    exit_point_names,
    fact_list,
    month_name,
    quote_card,
    sample_chart,
    strength_badge,
)
from advisor.components.layout import citation_text, page, paragraph, section
from advisor.components.link import finding_anchor
from advisor.evidence import EXIT_POINT_NAMES, STRENGTH_LABELS, STRENGTHS, Finding, Quotation
from advisor.page_spec import PageSpec
from advisor.runtime import CONTENT

ROUTE = "/evidence"
TITLE = (
    f"The evidence: what {CONTENT.study.method.participants} graduates reported | Programme advisor"
)
DESCRIPTION = (
    "The published study behind the programme advisor: who took part, what graduates of a "
    "Certificate, Diploma and Masters in medical education reported, and its limitations."
)

CONTENTS = [
    ("study", "The study"),
    ("sample", "Who took part"),
    ("themes", "The themes"),
    ("findings", "The findings"),
    ("limitations", "Limitations"),
]


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _or(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _source(section_name: str) -> rx.Component:
    return rx.text(
        f"In the paper: {section_name}.",
        as_="p",
        size="2",
        color=styles.TEXT_MUTED,
        margin_bottom=styles.SPACE_M,
    )


def _study() -> rx.Component:
    study = CONTENT.study
    method = study.method
    programme = study.programme
    growth = study.provider_growth
    interviews = (
        f"{month_name(method.interviews_from)} to {month_name(method.interviews_to)}, by "
        f"{_join(method.interview_modes)}."
    )
    return section(
        "study",
        "The study",
        paragraph(
            "Everything the advisor says rests on one published, peer-reviewed study of "
            "graduates of a postgraduate programme in medical education:"
        ),
        rx.el.blockquote(rx.text(citation_text(), as_="p"), style=styles.CARD_STYLE, margin="0"),
        paragraph(
            f"Licence: {study.citation.licence}. ",
            rx.link(
                "Read the full paper",
                href=study.citation.doi_url,
                is_external=True,
                color=styles.ACCENT_TEXT,
            ),
            " (opens the publisher's page).",
            margin_top=styles.SPACE_M,
        ),
        rx.heading("How it was done", as_="h3", size="4", margin_top=styles.SPACE_L),
        fact_list(
            [
                ("Approach", f"{method.approach}."),
                ("Data", f"{method.data}."),
                ("Interviews", interviews),
                (
                    "Participants",
                    f"{method.participants} graduates who finished between "
                    f"{method.graduated.replace('-', ' and ')}.",
                ),
                ("How they were chosen", method.sampling),
            ]
        ),
        _source(method.section),
        rx.heading("The programme", as_="h3", size="4", margin_top=styles.SPACE_L),
        fact_list(
            [
                ("Provider", programme.provider),
                ("Graduates", programme.graduates),
                (
                    "Levels",
                    bullet_list(
                        *[
                            rx.el.li(f"{EXIT_POINT_NAMES[level]}: {programme.structure[level]}")
                            for level in programme.levels
                        ],
                        padding_left=styles.SPACE_L,
                        margin="0",
                    ),
                ),
                ("Length", programme.duration),
                ("Ways to study", f"{_or(programme.modes).capitalize()}."),
                ("Who may enrol", programme.entry_requirement),
                ("Who enrols", programme.intake),
            ]
        ),
        _source(programme.section),
        rx.heading(
            "More places offer these courses", as_="h3", size="4", margin_top=styles.SPACE_L
        ),
        paragraph(
            f"From {growth.from_year} to {growth.to_year}, the number of providers of "
            f"postgraduate qualifications in medical education grew from {growth.worldwide.start} "
            f"to {growth.worldwide.end} worldwide, and from {growth.uk.start} to {growth.uk.end} "
            "in the UK. The study looked at only one of them."
        ),
        _source(growth.section),
    )


def _sample() -> rx.Component:
    sample = CONTENT.study.sample
    return section(
        "sample",
        "Who took part",
        paragraph(
            f"{sample.title}: all {sample.total} participants, counted once in each chart. "
            "Each bar is drawn on the same scale, from none to all participants."
        ),
        rx.box(
            *[sample_chart(group, sample.total) for group in sample.groups],
            display="grid",
            grid_template_columns="repeat(auto-fill, minmax(min(100%, 18rem), 1fr))",
            gap=styles.SPACE_L,
            margin_y=styles.SPACE_L,
        ),
        rx.box(
            rx.text(
                rx.text("About the Diploma: ", weight="bold", as_="span"),
                sample.note,
                " No one who stopped at the Diploma was interviewed, so what the advisor says "
                "about the Diploma rests on the authors' guidance, not on Diploma graduates' own "
                "accounts.",
                as_="p",
            ),
            style=styles.CALLOUT_STYLE,
        ),
    )


def _themes() -> rx.Component:
    return section(
        "themes",
        "The themes",
        paragraph(
            f"The authors grouped what graduates said into {len(CONTENT.themes)} themes. Each "
            "links to its findings below."
        ),
        bullet_list(
            *[
                rx.el.li(
                    rx.link(theme.name, href=f"#theme-{theme.id}", color=styles.ACCENT_TEXT),
                    f": {theme.summary}",
                    margin_bottom=styles.SPACE_S,
                )
                for theme in CONTENT.themes
            ],
            padding_left=styles.SPACE_L,
        ),
    )


def _quotation_caption(quote: Quotation) -> str:
    caption = f"{EXIT_POINT_NAMES[quote.level]} graduate"
    if quote.stance == "cautions":
        caption += ", a cautionary voice"
    return caption


def _finding(finding: Finding, quotes: list[Quotation]) -> rx.Component:
    return rx.el.article(
        rx.text(finding.statement, as_="p", weight="medium", margin_bottom=styles.SPACE_S),
        strength_badge(finding.strength, finding.all_graduates),
        rx.text(
            (
                "Said of graduates in general, not of one exit point."
                if finding.all_graduates
                else f"About the {exit_point_names(finding.exit_points)}."
            )
            + f" In the paper: {finding.section}"
            + f", at “{finding.locator.words}”.",
            as_="p",
            size="2",
            color=styles.TEXT_MUTED,
            margin_top=styles.SPACE_XS,
            margin_bottom=styles.SPACE_M,
        ),
        *(
            [
                rx.text(
                    "What graduates said" if len(quotes) > 1 else "What a graduate said",
                    as_="p",
                    size="2",
                    weight="bold",
                    margin_bottom=styles.SPACE_S,
                ),
                *[
                    quote_card(
                        q.text, q.speaker, _quotation_caption(q), caution=q.stance == "cautions"
                    )
                    for q in quotes
                ],
            ]
            if quotes
            else [
                rx.text(
                    "The paper prints no quotation for this finding.",
                    as_="p",
                    size="2",
                    color=styles.TEXT_MUTED,
                )
            ]
        ),
        id=finding_anchor(finding.id),
        style=styles.TARGET_STYLE,
        padding_y=styles.SPACE_L,
        border_top=f"1px solid {styles.BORDER}",
    )


def _strength_key() -> rx.Component:
    return rx.box(
        rx.text("How strong is each finding?", as_="p", weight="bold"),
        paragraph(
            "Each finding carries a label saying what it rests on, strongest first. A "
            "recommendation that rests on weaker evidence is given with less confidence."
        ),
        rx.el.ul(
            *[
                rx.el.li(strength_badge(s), margin_bottom=styles.SPACE_XS)
                for s in STRENGTHS
                if s in STRENGTH_LABELS
            ],
            # What graduates said of themselves in general, not by exit point: never counted
            # as one exit point's evidence.
            rx.el.li(strength_badge("reported", all_graduates=True), margin_bottom=styles.SPACE_XS),
            list_style="none",
            padding="0",
            margin="0",
        ),
        style=styles.CARD_STYLE,
        margin_y=styles.SPACE_L,
    )


def _findings() -> rx.Component:
    by_theme = {
        theme.id: [f for f in CONTENT.findings if f.theme == theme.id] for theme in CONTENT.themes
    }
    quotes_for = {
        f.id: [q for q in CONTENT.quotations if f.id in q.findings] for f in CONTENT.findings
    }
    return section(
        "findings",
        "The findings",
        paragraph(
            "Each finding is a short statement in our own words, pointing to the section of the "
            "paper it comes from. Quotations are the graduates' own words exactly as the paper "
            "prints them, including its ellipses (…) and square-bracketed insertions, with the "
            "paper's anonymous code for each speaker: gender, then C for Certificate, D for "
            "Diploma or M for Masters, and a number."
            + (
                " The paper quotes no Diploma graduate."
                if not any(q.level == "diploma" for q in CONTENT.quotations)
                else ""
            )
        ),
        _strength_key(),
        *[
            rx.box(
                rx.heading(
                    theme.name,
                    as_="h3",
                    size="4",
                    id=f"theme-{theme.id}",
                    margin_top=styles.SPACE_XL,
                    style={"scroll_margin_top": styles.SPACE_L},
                ),
                rx.text(
                    theme.summary, as_="p", color=styles.TEXT_MUTED, margin_bottom=styles.SPACE_S
                ),
                *[_finding(f, quotes_for[f.id]) for f in by_theme[theme.id]],
            )
            for theme in CONTENT.themes
        ],
    )


def _limitations() -> rx.Component:
    study = CONTENT.study
    return section(
        "limitations",
        "Limitations",
        paragraph("The authors name these limits of their own study:"),
        bullet_list(
            *[
                rx.el.li(item.text, id=f"limitation-{item.id}", margin_bottom=styles.SPACE_S)
                for item in study.limitations
            ],
            padding_left=styles.SPACE_L,
        ),
        _source(study.limitations_section),
        paragraph(
            "See also ",
            rx.link(
                "what the advisor cannot tell you",
                href="/method#cannot-tell",
                color=styles.ACCENT_TEXT,
            ),
            f". Evidence last reviewed {study.reviewed:%d %B %Y} (version {study.version}).",
        ),
    )


def evidence() -> rx.Component:
    """The page at /evidence."""
    return page(
        rx.heading(
            "The evidence behind the advisor", as_="h1", size="8", margin_bottom=styles.SPACE_M
        ),
        rx.text(
            f"The advisor draws on one study in which {CONTENT.study.method.participants} "
            "graduates of one programme described how a Certificate, Diploma or Masters in "
            "medical education changed their work. This page shows what the study did, who took "
            "part, what they reported, and where the evidence is thin.",
            as_="p",
            size="4",
            color=styles.TEXT_MUTED,
        ),
        contents_nav(CONTENTS),
        _study(),
        _sample(),
        _themes(),
        _findings(),
        _limitations(),
    )


PAGE = PageSpec(component=evidence, route=ROUTE, title=TITLE, description=DESCRIPTION)
