"""The page for any address the advisor does not have: the site's shell, a heading, ways on."""

from __future__ import annotations

import reflex as rx

from advisor import styles
from advisor.components.layout import page, paragraph
from advisor.page_spec import PageSpec

# Reflex's name for the page it serves at any unknown path.
ROUTE = "404"
TITLE = "Page not found | Programme advisor"
DESCRIPTION = "The programme advisor has no page at this address."


def not_found() -> rx.Component:
    """Served for every unknown path (with status 404)."""
    return page(
        rx.heading("Page not found", as_="h1", size="8", margin_bottom=styles.SPACE_M),
        paragraph(
            "The advisor has no page at this address: the link may be mistyped or out of "
            "date. Everything the advisor offers starts from its start page."
        ),
        rx.flex(
            rx.link("Go to the start page", href="/", color=styles.ACCENT_TEXT, size="4"),
            rx.link("Start the questions", href="/assess", color=styles.ACCENT_TEXT, size="4"),
            gap=styles.SPACE_L,
            wrap="wrap",
        ),
    )


PAGE = PageSpec(component=not_found, route=ROUTE, title=TITLE, description=DESCRIPTION)
