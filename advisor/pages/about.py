"""/about: who made the advisor and why, who paid, how it is kept up to date, how easy its text
is to read, and how it measures up to the decision-aid standards (IPDAS)."""

from __future__ import annotations

import reflex as rx

from advisor import counting, styles
from advisor.about import (
    GROUPS,
    IPDAS_CITATION,
    REVIEW_TRIGGERS,
    STATUS_LABELS,
    IpdasItem,
    items_in,
)
from advisor.about import embedding_site as site_of
from advisor.components.evidence_parts import bullet_list, contents_nav
from advisor.components.layout import citation_text, page, paragraph, section
from advisor.page_spec import PageSpec
from advisor.reading_level import GRADE_LIMIT, SOURCES, measure
from advisor.runtime import CONTENT

ROUTE = "/about"
TITLE = "About this advisor | Programme advisor"
DESCRIPTION = (
    "Who made the programme advisor and why, who paid for it, how it is kept up to date, how "
    "easy its text is to read, and how it measures up to the decision-aid standards."
)

CONTENTS = [
    ("who", "Who made it and who paid"),
    ("kept-and-counted", "What is kept and what is counted"),
    ("update-policy", "Keeping it up to date"),
    ("reading-level", "How easy it is to read"),
    ("standards", "Measured against the standards"),
]

# Measured once, when the app starts, on the content it serves (advisor/reading_level.py).
READING = measure(CONTENT)

STATUS_COLOURS = {"met": "green", "partly": "amber", "not_yet": "gray", "not_applicable": "gray"}

_CELL = {**styles.TABLE_CELL_STYLE, "overflow_wrap": "anywhere"}
_ROW_HEAD = {**_CELL, "font_weight": "normal"}


class AboutState(rx.State):
    """The embedding site this page was opened from, when an embedded copy links here."""

    site: str = ""

    @rx.event
    def open_about(self):
        """On /about: ?site=<origin>, kept only when it is a well-formed origin."""
        self.site = site_of(self.router.url.query_parameters.get("site")) or ""


def _who() -> rx.Component:
    study = CONTENT.study
    return section(
        "who",
        "Who made it and who paid",
        paragraph(
            "The programme advisor is an independent decision aid. The project's developers "
            "built it to help healthcare professionals, and the supervisors who advise them, "
            "choose how far to take a qualification in medical education. Every claim it makes "
            f"rests on one published study, which interviewed {study.method.participants} "
            "graduates of one programme, from all three levels:"
        ),
        rx.box(
            rx.text(citation_text(), as_="p"),
            id="study-citation",
            style=styles.CALLOUT_STYLE,
            margin_bottom=styles.SPACE_M,
        ),
        paragraph(
            "Nobody searched for and weighed other studies: the advisor says only what this one "
            "found, and points to where in the paper each finding comes from. This page does "
            "not give the developers' own qualifications."
        ),
        paragraph(
            rx.el.strong("No programme paid for it. "),
            "No university, programme or admissions team paid for the advisor or decides what "
            "it says, and it carries no advertising.",
        ),
        paragraph(
            "An admissions team may show it on its own programme pages, with its own copy of "
            "the content. The embedded advisor then names the site it is on at its foot. Ask "
            "that team what they changed.",
        ),
        rx.cond(
            AboutState.site != "",
            rx.callout(
                rx.text(
                    "You came here from a copy of the advisor shown on ",
                    rx.el.strong(AboutState.site),
                    ". That site chose the content it shows.",
                ),
                id="embedding-site",
                role="status",
                color_scheme="gray",
                high_contrast=True,
                margin_bottom=styles.SPACE_M,
            ),
        ),
    )


def _report_error() -> rx.Component:
    programme = CONTENT.advisor
    if programme.error_contact:
        return paragraph(
            rx.el.strong("Found an error? "),
            "Write to ",
            rx.link(
                programme.error_contact,
                href=programme.error_contact_href,
                is_external=programme.error_contact_href.startswith("http"),
                color=styles.ACCENT_TEXT,
            ),
            ". Say which page and which sentence is wrong, and why.",
            id="report-error",
        )
    return paragraph(
        rx.el.strong("Found an error? "),
        "This copy of the advisor gives no address for reports, and its developers' issue "
        "tracker is not public. Until an address is given, tell the team of the programme you "
        "are looking at, or the person who showed you the advisor, which page and which "
        "sentence is wrong, and why.",
        id="report-error",
    )


def _counted() -> rx.Component:
    if not counting.enabled():
        return paragraph(
            "This copy of the advisor counts nothing: its counting is turned off.",
            id="counting",
        )
    return paragraph(
        "The advisor counts how it is used, for the teams whose programmes it describes: how "
        "many people started the questions, how far they got, which suggestion they were "
        "shown (with how sure it was, their role, and whom the answers were about), the "
        "readiness score, and how many saved a result or started a plan. Each of these only "
        "adds one to a count for the week, the programme and the site that showed the "
        "advisor. No row is kept per person, and no cookie, identifier or address goes with "
        "a count. Teams see a count only once it reaches 5. A browser that sends the Global "
        "Privacy Control signal is not counted at all.",
        id="counting",
    )


def _kept_and_counted() -> rx.Component:
    return section(
        "kept-and-counted",
        "What is kept and what is counted",
        paragraph(
            "Your answers are kept in your browser, so that you can leave and come back; "
            "Start again clears them. A result is kept on the server only if you save it, "
            "under a link that cannot be guessed, with a second link, shown once, that deletes it."
        ),
        _counted(),
    )


def _update_policy() -> rx.Component:
    study = CONTENT.study
    return section(
        "update-policy",
        "Keeping it up to date",
        paragraph(
            "The evidence was last reviewed on ",
            rx.el.strong(f"{study.reviewed:%-d %B %Y}", id="reviewed"),
            f" (evidence version {CONTENT.evidence_version}).",
        ),
        paragraph("The evidence and the advisor's text are reviewed again after any of these:"),
        bullet_list(*[rx.el.li(trigger) for trigger in REVIEW_TRIGGERS], id="review-triggers"),
        paragraph(
            "A review checks every finding, rule and sentence against the study, and sets a "
            "new date here.",
            margin_top=styles.SPACE_M,
        ),
        _report_error(),
    )


def _reading_level() -> rx.Component:
    grade = f"{READING.grade:.1f}"
    return section(
        "reading-level",
        "How easy it is to read",
        paragraph(
            "The advisor's own text on the questions and the result has a Flesch–Kincaid grade of ",
            rx.el.strong(grade, id="reading-grade"),
            ". That is about what a US school pupil of that grade reads; the aim is "
            f"{GRADE_LIMIT:g} or lower.",
        ),
        paragraph(
            f"A program measured it on {READING.texts} texts ({READING.sentences} sentences, "
            f"{READING.words} words): {'; '.join(label for label, _ in SOURCES.values())}. "
            "Graduates' quotations are their own words, and the evidence page reports the "
            "study: both are left out.",
        ),
        rx.text(
            f"Measured with {READING.tool} on evidence version {READING.evidence_version}, "
            f"when this copy of the advisor started on {READING.measured:%-d %B %Y}.",
            as_="p",
            size="2",
            color=styles.TEXT_MUTED,
            id="reading-measured",
        ),
    )


def _status(item: IpdasItem) -> rx.Component:
    """The item's status as a badge (the word carries it; the colour only repeats it), then how
    the advisor meets it and where."""
    links = [
        rx.el.li(rx.link(where.label, href=where.href, color=styles.ACCENT_TEXT))
        for where in item.where
    ]
    return rx.fragment(
        rx.badge(
            STATUS_LABELS[item.status],
            color_scheme=STATUS_COLOURS[item.status],
            high_contrast=True,
            variant="soft",
            size="2",
            class_name="ipdas-status",
        ),
        rx.text(item.note, as_="p", margin="0", margin_top=styles.SPACE_XS),
        rx.el.ul(*links, style=styles.PLAIN_LIST_STYLE, margin_top=styles.SPACE_XS)
        if links
        else rx.fragment(),
    )


def _ipdas_table(group: str) -> rx.Component:
    """One group of items. Two columns, so that a phone keeps room for the words."""
    title, meaning = GROUPS[group]
    return rx.el.table(
        rx.el.caption(
            title,
            rx.text(f": {meaning}", as_="span", font_weight="normal", color=styles.TEXT_MUTED),
            text_align="left",
            font_weight="600",
            padding_y=styles.SPACE_S,
        ),
        rx.el.thead(
            rx.el.tr(
                rx.el.th("What the standard asks", scope="col", style=_CELL, width="42%"),
                rx.el.th("Status, how and where", scope="col", style=_CELL),
            )
        ),
        rx.el.tbody(
            *[
                rx.el.tr(
                    rx.el.th(item.item, scope="row", style=_ROW_HEAD),
                    rx.el.td(_status(item), style=_CELL),
                    id=f"ipdas-{item.id}",
                )
                for item in items_in(group)
            ]
        ),
        id=f"ipdas-{group}",
        width="100%",
        border_collapse="collapse",
        table_layout="fixed",
        margin_y=styles.SPACE_M,
    )


def _standards() -> rx.Component:
    return section(
        "standards",
        "Measured against the standards",
        paragraph(
            "The International Patient Decision Aid Standards (IPDAS) say what a good decision "
            "aid does. Below, each item of their checklist (IPDASi version 4.0) that fits a "
            "choice of study level is put in our own words, with how far the advisor meets it "
            "and where. The items about screening tests do not apply here."
        ),
        paragraph(
            "One difference is on purpose. The standards say a decision aid should not advise "
            "one option, but this advisor's users asked for a suggestion, so it gives one. To "
            "keep the choice fair, it shows every option in the same way, beside the suggestion."
        ),
        *[_ipdas_table(group) for group in GROUPS],
        rx.text(
            f"The checklist: {IPDAS_CITATION}.",
            as_="p",
            size="2",
            color=styles.TEXT_MUTED,
        ),
    )


def about() -> rx.Component:
    """The page at /about."""
    return page(
        rx.heading("About this advisor", as_="h1", size="8", margin_bottom=styles.SPACE_M),
        rx.text(
            "Who made the advisor and why, who paid for it, how it is kept up to date, how easy "
            "it is to read, and how it measures up to the standards for decision aids.",
            as_="p",
            size="4",
            color=styles.TEXT_MUTED,
        ),
        contents_nav(CONTENTS),
        _who(),
        _kept_and_counted(),
        _update_policy(),
        _reading_level(),
        _standards(),
    )


PAGE = PageSpec(
    component=about,
    route=ROUTE,
    title=TITLE,
    description=DESCRIPTION,
    on_load=AboutState.open_about,
)
