"""The landing page: what the advisor is, who it serves, the study it rests on, where the API is."""

import reflex as rx

from advisor import styles

ROUTE = "/"
TITLE = "Programme advisor: Certificate, Diploma or Masters in medical education"
DESCRIPTION = (
    "A decision aid for healthcare professionals choosing between a Postgraduate Certificate, "
    "Diploma or Masters in medical education, grounded in a published interview study."
)

API_DOCS_URL = "/api/docs"
OPENAPI_URL = "/api/v1/openapi.json"
STUDY_DOI_URL = "https://doi.org/10.1007/s10459-018-9814-5"

MAIN_ID = "main"


def _section(heading_id: str, heading: str, *children: rx.Component) -> rx.Component:
    """A titled section, labelled by its own heading for screen readers."""
    return rx.el.section(
        rx.heading(heading, as_="h2", size="5", id=heading_id, margin_bottom=styles.SPACE_S),
        *children,
        aria_labelledby=heading_id,
        margin_top=styles.SPACE_XL,
    )


def _paragraph(*children: rx.Component | str) -> rx.Component:
    return rx.text(*children, as_="p", margin_bottom=styles.SPACE_M)


def _full_page_link(text: str, href: str) -> rx.Component:
    """A link to a page Reflex does not render (the API): the browser loads it in full."""
    return rx.link(text, href=href, reload_document=True, color=styles.ACCENT_TEXT)


def _audience(who: str, why: str) -> rx.Component:
    return rx.el.li(rx.text(who, weight="bold"), f" {why}", margin_bottom=styles.SPACE_S)


def _header() -> rx.Component:
    return rx.el.header(
        rx.box(
            rx.text("Programme advisor", weight="bold", size="4", color=styles.ACCENT_TEXT),
            rx.text("Medical education: Certificate, Diploma or Masters", color=styles.TEXT_MUTED),
            max_width=styles.CONTENT_WIDTH,
            margin_x="auto",
            padding_x=styles.SPACE_L,
            padding_y=styles.SPACE_M,
        ),
        border_bottom=f"1px solid {styles.BORDER}",
        background_color=styles.SURFACE,
    )


def _footer() -> rx.Component:
    return rx.el.footer(
        rx.box(
            rx.text(
                "A decision aid, not a verdict: talk your choice through with a supervisor or "
                "an admissions tutor.",
                size="2",
                color=styles.TEXT_MUTED,
            ),
            max_width=styles.CONTENT_WIDTH,
            margin_x="auto",
            padding_x=styles.SPACE_L,
            padding_y=styles.SPACE_L,
        ),
        border_top=f"1px solid {styles.BORDER}",
        margin_top=styles.SPACE_XXL,
    )


def _citation() -> rx.Component:
    return rx.box(
        rx.text(
            "Sethi A, Schofield S, McAleer S, Ajjawi R. The influence of postgraduate "
            "qualifications on educational identity formation of healthcare professionals. ",
            rx.el.cite("Advances in Health Sciences Education"),
            " 2018;23(3):567-585. ",
            rx.link(
                "doi:10.1007/s10459-018-9814-5",
                href=STUDY_DOI_URL,
                is_external=True,
                color=styles.ACCENT_TEXT,
            ),
            as_="p",
        ),
        style=styles.CARD_STYLE,
        margin_y=styles.SPACE_M,
    )


def landing() -> rx.Component:
    """The page at "/"."""
    return rx.fragment(
        rx.el.a("Skip to main content", href=f"#{MAIN_ID}", style=styles.SKIP_LINK_STYLE),
        _header(),
        rx.el.main(
            rx.heading(
                "Postgraduate Certificate, Diploma or Masters: which suits you?",
                as_="h1",
                size="8",
                margin_bottom=styles.SPACE_M,
            ),
            rx.text(
                "The programme advisor helps healthcare professionals decide how far to take a "
                "postgraduate qualification in medical education: a Postgraduate Certificate, a "
                "Diploma, or a full Masters. It will ask where you are now and what you want "
                "from the programme, then explain which exit point fits and why.",
                as_="p",
                size="4",
                color=styles.TEXT_MUTED,
            ),
            _section(
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
            _section(
                "evidence",
                "The evidence behind it",
                _paragraph("The advice rests on one published study:"),
                _citation(),
                _paragraph(
                    "Its authors interviewed 27 graduates of one programme between October 2013 "
                    "and February 2014. One study of one programme is a narrow base, so treat "
                    "what the advisor says as a starting point for reflection and conversation, "
                    "not as a prediction of your own experience."
                ),
            ),
            _section(
                "coming",
                "The questionnaire is on its way",
                rx.box(
                    rx.text(
                        "The full questionnaire is coming soon. You will answer a short set of "
                        "questions and get a recommendation with the reasons for it, each tied "
                        "back to the study.",
                        as_="p",
                    ),
                    style=styles.CALLOUT_STYLE,
                ),
            ),
            _section(
                "api",
                "For developers: the API",
                _paragraph(
                    "The same advice is available as a JSON API. Read and try it in the ",
                    _full_page_link("interactive API documentation", API_DOCS_URL),
                    ", or fetch the machine-readable ",
                    _full_page_link("OpenAPI description", OPENAPI_URL),
                    ".",
                ),
            ),
            id=MAIN_ID,
            tab_index=-1,
            max_width=styles.CONTENT_WIDTH,
            margin_x="auto",
            padding_x=styles.SPACE_L,
            padding_top=styles.SPACE_XL,
            outline="none",
        ),
        _footer(),
    )
