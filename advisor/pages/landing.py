"""The landing page: what the advisor is, who it serves, what it rests on, and two ways in."""

import reflex as rx

from advisor import styles
from advisor.components.layout import (
    API_DOCS_URL,
    OPENAPI_URL,
    citation_text,
    full_page_link,
    page,
    paragraph,
    section,
)
from advisor.page_spec import PageSpec
from advisor.runtime import CONTENT

ROUTE = "/"
TITLE = "Programme advisor: Certificate, Diploma or Masters in medical education"
DESCRIPTION = (
    "A decision aid for healthcare professionals choosing between a Postgraduate Certificate, "
    "Diploma or Masters in medical education, grounded in a published interview study."
)
QUESTIONS = len(CONTENT.questions)


def _audience(who: str, why: str) -> rx.Component:
    return rx.el.li(rx.text(who, weight="bold"), f" {why}", margin_bottom=styles.SPACE_S)


def _way_in(label: str, hint: str, href: str, variant: str) -> rx.Component:
    return rx.box(
        # One focusable element: the link, styled as a button (Radix's asChild).
        rx.button(
            rx.link(label, href=href, underline="none"),
            as_child=True,
            size="3",
            variant=variant,
            width="100%",
        ),
        rx.text(hint, size="2", color=styles.TEXT_MUTED, margin_top=styles.SPACE_XS),
        flex="1 1 16rem",
    )


def landing() -> rx.Component:
    """The page at "/"."""
    return page(
        rx.heading(
            "Postgraduate Certificate, Diploma or Masters: which suits you?",
            as_="h1",
            size="8",
            margin_bottom=styles.SPACE_M,
        ),
        rx.text(
            "The programme advisor helps healthcare professionals decide how far to take a "
            "postgraduate qualification in medical education: a Postgraduate Certificate, a "
            "Diploma, or a full Masters. It asks where you are now and what you want from the "
            "programme, then explains which exit point fits and why, with what graduates at each "
            "level reported in their own words.",
            as_="p",
            size="4",
            color=styles.TEXT_MUTED,
        ),
        rx.flex(
            _way_in(
                "Start for myself",
                f"{QUESTIONS} multiple-choice questions, about 3 minutes.",
                "/assess?for=self",
                "solid",
            ),
            _way_in(
                "Start for a colleague I supervise",
                "The same questions, asked about your colleague, for an appraisal or "
                "supervision meeting.",
                "/assess?for=colleague",
                "outline",
            ),
            gap=styles.SPACE_L,
            wrap="wrap",
            margin_top=styles.SPACE_L,
        ),
        rx.text(
            "A supervisor and a colleague can also answer apart and then compare: ",
            rx.link(
                "Plan together with my colleague",
                href="/plan",
                color=styles.ACCENT_TEXT,
                id="plan-together",
            ),
            ".",
            margin_top=styles.SPACE_L,
            as_="p",
        ),
        rx.text(
            "Your answers stay in your browser. Nothing you enter identifies you. ",
            rx.link(
                "What is kept and what is counted",
                href="/about#kept-and-counted",
                color=styles.ACCENT_TEXT,
            ),
            ".",
            size="2",
            color=styles.TEXT_MUTED,
            margin_top=styles.SPACE_M,
            as_="p",
        ),
        section(
            "audience",
            "Who it is for",
            rx.el.ul(
                _audience(
                    "Prospective applicants",
                    "weighing up which award to aim for, or whether to stop or carry on.",
                ),
                _audience(
                    "Supervisors and educational leads",
                    "advising colleagues about their development as educators.",
                ),
                _audience(
                    "Admissions teams",
                    "talking applicants through the options before they enrol.",
                ),
                padding_left=styles.SPACE_L,
            ),
        ),
        section(
            "evidence-behind",
            "The evidence behind it",
            paragraph("The advice rests on one published study:"),
            rx.el.blockquote(
                rx.text(citation_text(), as_="p"), style=styles.CARD_STYLE, margin_y=styles.SPACE_M
            ),
            paragraph(
                f"Its authors interviewed {CONTENT.study.method.participants} graduates of one "
                "programme between October 2013 and February 2014. One study of one programme "
                "is a narrow base, so treat what the advisor says as a starting point for "
                "reflection and conversation, not as a prediction of your own experience. ",
                rx.link("Read the evidence", href="/evidence", color=styles.ACCENT_TEXT),
                " or see ",
                rx.link("how the advisor decides", href="/method", color=styles.ACCENT_TEXT),
                ".",
            ),
        ),
        section(
            "api",
            "For developers: the API",
            paragraph(
                "The same advice is available as a JSON API. Read and try it in the ",
                full_page_link("interactive API documentation", API_DOCS_URL),
                ", or fetch the machine-readable ",
                full_page_link("OpenAPI description", OPENAPI_URL),
                ".",
            ),
        ),
    )


PAGE = PageSpec(component=landing, route=ROUTE, title=TITLE, description=DESCRIPTION)
