"""/embed: the questionnaire and its result in one frame, for a page of an admissions team.

assets/embed.js (on the host page) inserts the frame; assets/embed-frame.js (inside it) reports
the content's height and the result to that page. See README, "Embedding the advisor".
"""

from __future__ import annotations

import json

import reflex as rx

from advisor import styles
from advisor.components.layout import ABOUT_URL
from advisor.components.live_actions import live_actions, live_ineligible_actions
from advisor.components.questionnaire import kept_note, questionnaire
from advisor.components.result_view import result_view
from advisor.embed_options import NO_ORIGIN, accent_overrides, embed_options
from advisor.page_spec import PageSpec
from advisor.programme import as_asked
from advisor.runtime import CONTENT, view_of
from advisor.state import (
    AnswersState,
    focus_on,
    keep_alive_start,
    programme_choice,
    step_heading,
)

ROUTE = "/embed"
TITLE = "Which level suits you? | Programme advisor"
DESCRIPTION = (
    "Six multiple-choice questions suggest a Certificate, Diploma or Masters in medical "
    "education, from what graduates reported in one published study."
)
FRAME_SCRIPT = "/embed-frame.js"
# The frame takes the content's height (assets/embed.js sets it), so it never scrolls; Radix's
# root theme would otherwise keep the document at least as tall as the frame, which could then
# never shrink. embed-frame.js marks a page opened on its own (not framed), which scrolls.
FRAME_CSS = """
html:not(.advisor-unframed), html:not(.advisor-unframed) body { overflow: hidden; }
html body .radix-themes { min-height: 0; }
"""


def unknown_embed_notice(asked: str) -> str:
    """What the frame says instead of the questions when data-programme names no programme."""
    return (
        f"No programme called {as_asked(asked)} here, so the questions cannot be shown. The "
        "page showing this frame asks for a programme this advisor does not describe."
    )


class EmbedState(rx.State):
    """What the embedding page asked for, and whether the frame shows the result.

    The answers themselves stay in AnswersState (the browser's localStorage), as on /assess.
    """

    showing_result: bool = False
    accent: str = styles.ACCENT
    # The embedding page's origin as the frame's address gives it (checked), or "": named in
    # the footer, and passed to /about.
    site: str = ""
    # Why the frame shows no questionnaire: ?programme= (data-programme) names no programme.
    unknown_programme: str = ""

    @rx.var
    def accent_css(self) -> str:
        declarations = accent_overrides(self.accent, default_accent=styles.ACCENT)
        return f".embed-theme {{ {declarations} }}" if declarations else ""

    @rx.event
    async def open_embed(self):
        """On /embed: ?programme=<slug>, ?audience=self|supervisor (or ?for=colleague),
        ?accent= (the programme's own accent when left out), ?origin=."""
        params = self.router.url.query_parameters
        asked = params.get("programme")
        chosen, unknown = programme_choice(asked)
        self.unknown_programme = unknown_embed_notice(asked or "") if unknown else ""
        programme = CONTENT.programmes[chosen or CONTENT.default_programme]
        options = embed_options(params, default_accent=programme.accent or styles.ACCENT)
        self.accent = options.accent
        self.site = "" if options.origin == NO_ORIGIN else options.origin
        self.showing_result = False
        answers = await self.get_state(AnswersState)
        answers.programme = chosen
        # Recorded with a saved result, so an admissions team can count its own page's use.
        answers.origin = options.origin
        if options.audience:
            answers.set_audience(options.audience)
        return keep_alive_start()

    @rx.event
    async def show_result(self):
        """The review's "See the result": the result replaces the questions in the same frame,
        and the embedding page hears which exit point was suggested (assets/embed-frame.js)."""
        answers = await self.get_state(AnswersState)
        view = view_of(answers.stored)
        if not view.complete:
            # Only a stale review gets here: go to the first question still to answer.
            answers.position = str(view.ask.index(view.missing[0]) if view.missing else 0)
            return [rx.scroll_to("step-top"), focus_on(step_heading(view, answers.step))]
        self.showing_result = True
        answers._count_result()
        detail = {
            "eligible": view.eligible,
            "recommended": view.recommended or None,
            "confidence": view.confidence if view.eligible else None,
            # The programme shown, and its own name for the suggested award ("MSc").
            "programme": answers.programme_slug,
            "award": answers.programme_award or None,
        }
        # assets/embed-frame.js also gives the result's heading the focus.
        return rx.call_script(
            "window.programmeAdvisorFrame && "
            f"window.programmeAdvisorFrame.resultShown({json.dumps(detail)})"
        )

    @rx.event
    async def change_answer(self, step: int):
        """The review's or the result's "Change": that question, inside the frame."""
        answers = await self.get_state(AnswersState)
        answers._edit_step(step)
        self.showing_result = False
        heading = step_heading(view_of(answers.stored), answers.step)
        return [rx.scroll_to("step-top"), focus_on(heading)]

    @rx.event
    async def start_again(self):
        """Forget every answer and return to the first question, inside the frame."""
        answers = await self.get_state(AnswersState)
        answers._forget_answers()
        self.showing_result = False
        return [rx.scroll_to("step-top"), focus_on(step_heading(view_of(answers.stored), 0))]


def _questions() -> rx.Component:
    return rx.fragment(
        rx.heading(AnswersState.programme_name, as_="h1", size="6", margin_bottom=styles.SPACE_S),
        rx.text(
            rx.cond(
                AnswersState.is_supervisor,
                "Which level of study fits your colleague best: Certificate, Diploma or "
                "Masters? Answer six questions about them.",
                "Which level of study fits you best: Certificate, Diploma or Masters? Answer "
                "six questions about yourself.",
            ),
            as_="p",
            margin_bottom=styles.SPACE_XS,
        ),
        kept_note(EmbedState.start_again),
        questionnaire(
            see_result=rx.button(
                "See the result", on_click=EmbedState.show_result, size="3", type="button"
            ),
            change=EmbedState.change_answer,
        ),
    )


def _unknown_programme() -> rx.Component:
    return rx.fragment(
        rx.heading("Programme advisor", as_="h1", size="6", margin_bottom=styles.SPACE_S),
        rx.callout(
            EmbedState.unknown_programme,
            color_scheme="amber",
            high_contrast=True,
            role="alert",
            id="unknown-programme",
        ),
    )


def _result() -> rx.Component:
    return rx.fragment(
        # The result's own h1 is its headline: the programme's name is a line above it here.
        rx.text(
            AnswersState.programme_name,
            as_="p",
            weight="bold",
            color=styles.TEXT_MUTED,
            margin_bottom=styles.SPACE_S,
        ),
        result_view(
            AnswersState,
            live_actions(start_again=EmbedState.start_again),
            live_ineligible_actions(
                change=EmbedState.change_answer, start_again=EmbedState.start_again
            ),
            change=EmbedState.change_answer,
        ),
    )


def _footer() -> rx.Component:
    return rx.el.footer(
        rx.text(
            "A decision aid, not a verdict, drawn from one published study of graduates. ",
            rx.link(
                "How it decides",
                href="/method",
                is_external=True,
                color=styles.ACCENT_TEXT,
            ),
            " · ",
            rx.link("The evidence", href="/evidence", is_external=True, color=styles.ACCENT_TEXT),
            " · ",
            rx.link(
                "About this advisor",
                href=rx.cond(
                    EmbedState.site != "", ABOUT_URL + "?site=" + EmbedState.site, ABOUT_URL
                ),
                is_external=True,
                color=styles.ACCENT_TEXT,
            ),
            rx.cond(
                EmbedState.site != "",
                rx.fragment(". Shown on ", rx.el.strong(EmbedState.site, id="embedding-site")),
            ),
            ".",
            size="2",
            color=styles.TEXT_MUTED,
            as_="p",
        ),
        border_top=f"1px solid {styles.BORDER}",
        margin_top=styles.SPACE_XL,
        padding_y=styles.SPACE_M,
        class_name="no-print",
    )


def embed() -> rx.Component:
    """The page at /embed: no site navigation, the accent the embedding page asked for."""
    return rx.fragment(
        rx.el.style(FRAME_CSS),
        rx.el.style(EmbedState.accent_css),
        # A plain script element, not rx.script (which adds it to the head only once the app
        # runs): in the prerendered HTML it runs before the app starts (see the script). React
        # never runs a script element it creates itself, so where the page is not prerendered
        # (`reflex run` in dev) the rx.script copy loads it late; it runs only once either way.
        rx.el.script(src=FRAME_SCRIPT),
        rx.script(src=FRAME_SCRIPT),
        rx.theme(
            rx.box(
                rx.el.main(
                    rx.box(id="step-top"),
                    rx.cond(
                        EmbedState.unknown_programme != "",
                        _unknown_programme(),
                        rx.cond(EmbedState.showing_result, _result(), _questions()),
                    ),
                    id="main",
                ),
                _footer(),
                max_width=styles.WIDE_WIDTH,
                margin_x="auto",
                padding_x=styles.SPACE_M,
                padding_top=styles.SPACE_M,
                # A flow root: the children's margins stay inside, so the document's height is
                # the content's.
                display="flow-root",
            ),
            # Radix's own components take the accent from this nested theme; the advisor's
            # tokens from EmbedState.accent_css. (The theme's own style props would be lost:
            # Reflex replaces its css with the app's global style.)
            accent_color=EmbedState.accent,
            has_background=False,
            class_name="embed-theme",
            id="embed-root",
        ),
    )


PAGE = PageSpec(
    component=embed,
    route=ROUTE,
    title=TITLE,
    description=DESCRIPTION,
    on_load=EmbedState.open_embed,
)
