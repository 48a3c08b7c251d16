"""/plan: what planning together is, and the button that makes a plan's two private links."""

from __future__ import annotations

import reflex as rx

from advisor import db, styles
from advisor.components.layout import page, section
from advisor.components.live_actions import copy_button, copy_feedback
from advisor.page_spec import PageSpec
from advisor.plans import plan_path
from advisor.settings import settings
from advisor.state import BUSY, count_for_tab, focus_on, privacy_check, too_many_saves

ROUTE = "/plan"
TITLE = "Plan together | Programme advisor"
DESCRIPTION = (
    "A supervisor and a colleague answer the same questions apart, then see side by side where "
    "they agree and what to talk about."
)
DAYS = settings.plan_days


class PlanStartState(rx.State):
    """The two links of a plan just made. Shown once: opening the page again forgets them (the
    database keeps only their hashes)."""

    supervisor_path: str = ""
    colleague_path: str = ""
    creating: bool = False
    error: str = ""

    @rx.event
    def open_start(self):
        """On /plan: no links on show (they are shown once, when made); the browser is asked
        for its privacy signal, as a plan started is counted."""
        self.supervisor_path = self.colleague_path = self.error = ""
        self.creating = False
        return privacy_check()

    @rx.event
    async def create_links(self):
        """Make a new plan and show its two links."""
        if self.creating or self.supervisor_path:
            return
        if refused := too_many_saves(self.router, "plans have been made"):
            self.error = refused
            return
        self.creating, self.error = True, ""
        yield
        try:
            # In a worker thread: this session waits for the database, no one else does.
            plan, tokens = await db.run(lambda session: db.create_plan(session=session, days=DAYS))
        except db.DatabaseUnavailable as fault:
            self.error = (
                BUSY
                if fault.fault == "busy"
                else f"The plan could not be made just now: {fault.reason}. Please try again later."
            )
            return
        except Exception:  # noqa: BLE001 - any database failure: say so
            self.error = "The plan could not be made just now. Please try again."
            return
        finally:
            self.creating = False
        await count_for_tab(self, "plan")
        self.supervisor_path = plan_path(plan.id, tokens["supervisor"])
        self.colleague_path = plan_path(plan.id, tokens["colleague"])
        yield focus_on("plan-links-heading")


def _link(seat: str, label: str, path: rx.Var, hint: str) -> rx.Component:
    name = f"copy-{seat}-link"
    return rx.box(
        rx.heading(label, as_="h3", size="4", margin_bottom=styles.SPACE_XS),
        rx.text(hint, as_="p", size="2", color=styles.TEXT_MUTED, margin_bottom=styles.SPACE_S),
        rx.flex(
            copy_button(
                "Copy " + label[0].lower() + label[1:],
                path,
                f"{label} copied.",
                name,
            ),
            rx.button(
                rx.link("Open my link", href=path, underline="none"),
                as_child=True,
                variant="outline",
                aria_label=f"Open my link: {label[0].lower() + label[1:]}",
            ),
            gap=styles.SPACE_S,
            wrap="wrap",
        ),
        copy_feedback(name, label),
        id=f"{seat}-link",
        style=styles.CALLOUT_STYLE,
        margin_bottom=styles.SPACE_M,
    )


def _links() -> rx.Component:
    return rx.box(
        rx.heading(
            "Your two links",
            as_="h2",
            size="6",
            id="plan-links-heading",
            tab_index=-1,
            _focus_visible={"outline": "none"},
            margin_bottom=styles.SPACE_S,
        ),
        rx.text(
            "Keep your own link: it is the only way back to the plan, and it is shown only "
            "this once. Send the other link to the other person yourself, for example by "
            "email or chat. The advisor sends nothing.",
            as_="p",
            weight="medium",
            margin_bottom=styles.SPACE_M,
            id="plan-keep-warning",
        ),
        _link(
            "supervisor",
            "The supervisor's link",
            PlanStartState.supervisor_path,
            "For the supervisor, who answers about the colleague.",
        ),
        _link(
            "colleague",
            "The colleague's link",
            PlanStartState.colleague_path,
            "For the colleague, who answers about themselves.",
        ),
        id="plan-links",
    )


def plan_start() -> rx.Component:
    """The page at /plan."""
    return page(
        rx.heading("Plan together with my colleague", as_="h1", size="7"),
        rx.text(
            "A supervisor and the colleague they advise answer the same questions, each on "
            "their own. Then both see their answers side by side: where they agree, where they "
            "differ, and what to talk about.",
            as_="p",
            size="4",
            color=styles.TEXT_MUTED,
            margin_y=styles.SPACE_M,
        ),
        rx.cond(
            PlanStartState.supervisor_path != "",
            _links(),
            rx.box(
                rx.button(
                    "Create the two links",
                    on_click=PlanStartState.create_links,
                    loading=PlanStartState.creating,
                    size="3",
                    type="button",
                    id="create-plan",
                ),
                rx.cond(
                    PlanStartState.error != "",
                    rx.callout(
                        PlanStartState.error,
                        color_scheme="red",
                        high_contrast=True,
                        role="alert",
                        margin_top=styles.SPACE_M,
                    ),
                ),
            ),
        ),
        section(
            "plan-how",
            "How it works",
            rx.el.ol(
                rx.el.li("Either of you makes the plan here. You get two private links."),
                rx.el.li("Keep your own link, and send the other one to the other person."),
                rx.el.li(
                    "Each of you opens your own link, on your own device, and answers: the "
                    "colleague about themselves, the supervisor about the colleague."
                ),
                rx.el.li(
                    "Neither of you sees the other's answers until you have both sent them, so "
                    "one cannot sway the other. Each of you can see whether the other has "
                    "finished."
                ),
                rx.el.li(
                    "When you have both finished, each link shows your answers side by side, "
                    "with what to talk about when you meet."
                ),
                # The base styles remove list markers: the steps are numbered.
                list_style_type="decimal",
                padding_left=styles.SPACE_L,
            ),
        ),
        section(
            "plan-privacy",
            "Privacy",
            rx.el.ul(
                rx.el.li("No names, no email addresses and no accounts."),
                rx.el.li(
                    "The links are the only key. Anyone with a link can see that seat's side "
                    "of the plan, so share it only with the person it is for."
                ),
                rx.el.li(
                    f"The plan and its answers are deleted after {DAYS} days. Either of you "
                    "can delete it sooner."
                ),
                rx.el.li("The advisor sends nothing: you share the link yourselves."),
                list_style_type="disc",
                padding_left=styles.SPACE_L,
            ),
        ),
    )


PAGE = PageSpec(
    component=plan_start,
    route=ROUTE,
    title=TITLE,
    description=DESCRIPTION,
    on_load=PlanStartState.open_start,
)
