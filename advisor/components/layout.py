"""The page shell every page shares: skip link, header with navigation, main, footer."""

from __future__ import annotations

import reflex as rx

from advisor import styles
from advisor.runtime import CONTENT

MAIN_ID = "main"
API_DOCS_URL = "/api/docs"
OPENAPI_URL = "/api/v1/openapi.json"
# Who made the advisor, who paid, its update policy and reading level: linked from every footer.
ABOUT_URL = "/about"

# The header's and footer's inner band: as wide as the widest page, centred.
_BAND = {"max_width": styles.WIDE_WIDTH, "margin_x": "auto", "padding_x": styles.SPACE_L}

NAV = [
    ("Start", "/assess"),
    ("Evidence", "/evidence"),
    ("How it decides", "/method"),
]


def full_page_link(text: str, href: str, **props) -> rx.Component:
    """A link to something Reflex does not render (the API docs): the browser loads it fully."""
    return rx.link(text, href=href, reload_document=True, color=styles.ACCENT_TEXT, **props)


def _header() -> rx.Component:
    return rx.el.header(
        rx.flex(
            rx.link(
                rx.text("Programme advisor", weight="bold", size="4"),
                href="/",
                color=styles.ACCENT_TEXT,
                underline="none",
            ),
            rx.el.nav(
                rx.flex(
                    *[
                        rx.link(label, href=href, color=styles.TEXT, size="3")
                        for label, href in NAV
                    ],
                    full_page_link("API", API_DOCS_URL, size="3"),
                    gap=styles.SPACE_M,
                    wrap="wrap",
                ),
                aria_label="Main",
            ),
            justify="between",
            align="center",
            wrap="wrap",
            gap=styles.SPACE_S,
            padding_y=styles.SPACE_M,
            **_BAND,
        ),
        border_bottom=f"1px solid {styles.BORDER}",
        background_color=styles.SURFACE,
        class_name="no-print",
    )


def citation_text() -> rx.Component:
    citation = CONTENT.study.citation
    return rx.fragment(
        f"{', '.join(citation.authors)}. {citation.title}. ",
        rx.el.cite(citation.journal),
        f" {citation.year};{citation.volume}({citation.issue}):{citation.pages}. ",
        rx.link(
            f"doi:{citation.doi}",
            href=citation.doi_url,
            is_external=True,
            color=styles.ACCENT_TEXT,
        ),
    )


def _footer() -> rx.Component:
    return rx.el.footer(
        rx.box(
            rx.text(
                "Evidence: ",
                citation_text(),
                f" {CONTENT.study.citation.licence}.",
                size="2",
                color=styles.TEXT_MUTED,
                as_="p",
            ),
            rx.text(
                "A decision aid, not a verdict: it draws on what "
                f"{CONTENT.study.method.participants} graduates of one programme "
                "reported, and is no prediction. Talk the choice through with someone who knows "
                "the work, or with an admissions tutor. "
                f"Evidence last reviewed {CONTENT.study.reviewed:%d %B %Y}. ",
                rx.link("About this advisor", href=ABOUT_URL, color=styles.ACCENT_TEXT),
                " · ",
                full_page_link("API documentation", API_DOCS_URL),
                ".",
                size="2",
                color=styles.TEXT_MUTED,
                as_="p",
                margin_top=styles.SPACE_S,
                class_name="no-print",
            ),
            padding_y=styles.SPACE_L,
            **_BAND,
        ),
        border_top=f"1px solid {styles.BORDER}",
        margin_top=styles.SPACE_XXL,
        class_name="site-footer",
    )


def page(*children: rx.Component, wide: bool = False) -> rx.Component:
    """A page: skip link, header, the children in <main>, footer."""
    return rx.fragment(
        rx.el.a(
            "Skip to main content",
            href=f"#{MAIN_ID}",
            style=styles.SKIP_LINK_STYLE,
            # assets/skip-link.js moves focus to <main>: the router alone would leave it here.
            class_name="skip-link no-print",
        ),
        _header(),
        rx.el.main(
            *children,
            id=MAIN_ID,
            tab_index=-1,
            max_width=styles.WIDE_WIDTH if wide else styles.CONTENT_WIDTH,
            margin_x="auto",
            padding_x=styles.SPACE_L,
            padding_top=styles.SPACE_XL,
            outline="none",
            min_height="70vh",
        ),
        _footer(),
    )


def section(heading_id: str, heading: str, *children: rx.Component, **props) -> rx.Component:
    """A titled section, labelled by its own heading for screen readers."""
    return rx.el.section(
        rx.heading(heading, as_="h2", size="5", id=heading_id, margin_bottom=styles.SPACE_S),
        *children,
        aria_labelledby=heading_id,
        margin_top=styles.SPACE_XL,
        **props,
    )


def paragraph(*children: rx.Component | str, **props) -> rx.Component:
    return rx.text(*children, as_="p", margin_bottom=styles.SPACE_M, **props)


def answers_notice(message: rx.Var) -> rx.Component:
    """Why some or all of the answers a link or the browser's storage held were not used; shown
    only when there is something to say. High contrast: amber text on its soft background is
    4.2:1, under the 4.5:1 body text needs."""
    return rx.cond(
        message != "",
        rx.callout(
            message,
            color_scheme="amber",
            high_contrast=True,
            role="status",
            margin_bottom=styles.SPACE_M,
        ),
    )
