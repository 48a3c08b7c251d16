"""A saved result, read-only at /r/<id>, and the page that deletes it with its one-time token."""

from __future__ import annotations

import uuid

import reflex as rx

from advisor import db, styles
from advisor.answers import Answers, encode
from advisor.components.evidence_parts import bullet_list
from advisor.components.layout import page, paragraph
from advisor.components.live_actions import print_and_download
from advisor.components.result_view import result_view
from advisor.evidence import EXIT_POINT_NAMES
from advisor.page_spec import PageSpec
from advisor.runtime import CONTENT
from advisor.state import BUSY, ResultVars

ROUTE = "/r/[result_id]"
DELETE_ROUTE = "/r/[result_id]/delete"
TITLE = "Saved result | Programme advisor"
DESCRIPTION = "A saved result of the programme advisor, read-only."
DELETE_TITLE = "Delete a saved result | Programme advisor"
DELETE_DESCRIPTION = "Delete a saved result of the programme advisor."


def _id_from_path(path: str) -> uuid.UUID | None:
    parts = [p for p in path.split("/") if p]
    if len(parts) >= 2 and parts[0] == "r":
        try:
            return uuid.UUID(parts[1])
        except ValueError:
            return None
    return None


def unavailable_message(done: str, fault: db.DatabaseUnavailable) -> str:
    """What a person reads when the database could not do what they asked, and what to do."""
    if fault.fault == "busy":
        return BUSY
    return f"The saved result could not be {done} just now: {fault.reason}. Please try again later."


class SavedState(ResultVars, rx.State):
    """One saved result: its answers text (everything else derives from it) and when it was
    saved. Loaded from the database on each visit; nothing here is kept in the browser."""

    found: bool = False
    loaded: bool = False
    # Why the saved result could not be read just now (the database busy or unavailable).
    problem: str = ""
    saved_on: str = ""
    saved_recommended: str = ""
    saved_evidence_version: str = ""

    @rx.var
    def evidence_changed(self) -> bool:
        return bool(self.saved_evidence_version) and (
            self.saved_evidence_version != CONTENT.evidence_version
        )

    @rx.var
    def saved_recommendation_name(self) -> str:
        return EXIT_POINT_NAMES.get(self.saved_recommended, "")

    @rx.event
    async def load(self) -> None:
        self.loaded = False
        self.problem = ""
        assessment_id = _id_from_path(self.router.url.path)
        record = None
        if assessment_id is not None:
            try:
                record = await db.run(
                    lambda session: db.get_result(session=session, result_id=assessment_id)
                )
            except db.DatabaseUnavailable as fault:
                self.problem = unavailable_message("opened", fault)
        self.found = record is not None
        if record is None:
            self.stored = ""
            self.programme = ""
        else:
            # The programme it was saved for (None: saved before programmes were, the
            # default's); one no longer offered shows the default (see ResultVars.programme_slug).
            self.programme = record.programme or ""
            profile = record.profile()
            self.stored = encode(Answers(**profile.model_dump()))
            self.saved_on = f"{record.created_utc():%d %B %Y}"
            self.saved_recommended = record.recommended or ""
            self.saved_evidence_version = record.evidence_version
        self.loaded = True


class DeleteState(rx.State):
    """Deleting a saved result: the token comes in the link, and a button confirms."""

    outcome: str = ""  # "", "deleted", "not_found", "forbidden", "unavailable"
    problem: str = ""
    # The saved result's own page, which "Keep it" returns to ("" when the link names none).
    result_path: str = ""

    @rx.event
    def reset_outcome(self) -> None:
        self.outcome = ""
        assessment_id = _id_from_path(self.router.url.path)
        self.result_path = f"/r/{assessment_id}" if assessment_id else ""

    @rx.event
    async def confirm(self) -> None:
        assessment_id = _id_from_path(self.router.url.path)
        token = self.router.url.query_parameters.get("token", "")
        if assessment_id is None:
            self.outcome = "not_found"
            return
        try:
            self.outcome = await db.run(
                lambda session: db.delete_result(
                    session=session, result_id=assessment_id, token=token
                )
            )
        except db.DatabaseUnavailable as fault:
            self.outcome, self.problem = "unavailable", unavailable_message("deleted", fault)


def _saved_actions() -> rx.Component:
    return rx.flex(
        *print_and_download(SavedState.download_json),
        rx.button(
            rx.link(
                "Make your own assessment",
                # For the same programme as the saved result.
                href=rx.cond(
                    SavedState.programme != "",
                    "/assess?programme=" + SavedState.programme,
                    "/assess",
                ),
            ),
            as_child=True,
        ),
        gap=styles.SPACE_S,
        wrap="wrap",
        margin_top=styles.SPACE_XL,
        class_name="no-print",
    )


def _banner() -> rx.Component:
    return rx.box(
        rx.text(
            "A saved result from ",
            SavedState.saved_on,
            ", for the ",
            rx.el.strong(SavedState.programme_name, id="saved-programme"),
            ". It is read-only: the answers cannot be changed here.",
            as_="p",
        ),
        rx.cond(
            SavedState.evidence_changed,
            rx.text(
                "The evidence behind the advisor has been updated since it was saved (it then "
                "suggested the ",
                SavedState.saved_recommendation_name,
                "). What follows uses today's evidence.",
                as_="p",
                weight="medium",
            ),
        ),
        style=styles.CALLOUT_STYLE,
        margin_bottom=styles.SPACE_L,
        id="saved-banner",
    )


def _not_found() -> rx.Component:
    return rx.box(
        rx.heading("No saved result here", as_="h1", size="7", id="headline"),
        paragraph(
            "This link does not lead to a saved result. It may have been deleted, or removed "
            "after the retention period. ",
            rx.link("Start a new assessment", href="/assess"),
            ".",
            margin_top=styles.SPACE_M,
        ),
    )


def _unavailable() -> rx.Component:
    return rx.box(
        rx.heading("The saved result cannot be shown just now", as_="h1", size="7"),
        rx.text(SavedState.problem, as_="p", role="alert", id="saved-problem"),
    )


def saved() -> rx.Component:
    """The page at /r/<id>."""
    return page(
        rx.cond(
            SavedState.loaded,
            rx.cond(
                SavedState.problem != "",
                _unavailable(),
                rx.cond(
                    SavedState.found,
                    rx.box(
                        _banner(),
                        result_view(SavedState, _saved_actions(), _saved_actions()),
                    ),
                    _not_found(),
                ),
            ),
            rx.box(min_height=styles.RESULT_MIN_HEIGHT, aria_busy="true"),
        ),
        wide=True,
    )


def _delete_button() -> rx.Component:
    return rx.button(
        "Delete the saved result",
        on_click=DeleteState.confirm,
        color_scheme="red",
        variant="outline",
        type="button",
    )


def delete() -> rx.Component:
    """The page at /r/<id>/delete?token=...: confirm, then delete."""
    return page(
        rx.heading("Delete a saved result", as_="h1", size="7"),
        rx.match(
            DeleteState.outcome,
            (
                "deleted",
                rx.text(
                    "The saved result has been deleted. Its link no longer opens anything.",
                    as_="p",
                    role="status",
                    id="delete-outcome",
                ),
            ),
            (
                "forbidden",
                rx.text(
                    "This delete link is not valid for that result: nothing was deleted.",
                    as_="p",
                    role="alert",
                    id="delete-outcome",
                ),
            ),
            (
                "unavailable",
                rx.box(
                    rx.text(DeleteState.problem, as_="p", role="alert", id="delete-outcome"),
                    _delete_button(),
                ),
            ),
            (
                "not_found",
                rx.text(
                    "There is no saved result with this link (it may already be deleted).",
                    as_="p",
                    role="alert",
                    id="delete-outcome",
                ),
            ),
            _confirm(),
        ),
    )


def _confirm() -> rx.Component:
    """What deleting removes, what it leaves, and the two ways on: delete, or keep it."""
    return rx.box(
        rx.heading("What is deleted", as_="h2", size="4", margin_top=styles.SPACE_L),
        bullet_list(
            rx.el.li(
                "The saved answers and their result at ",
                rx.code(DeleteState.result_path),
                ", for good: anyone with that link will no longer be able to open it.",
            ),
            id="delete-removes",
        ),
        rx.heading("What stays", as_="h2", size="4", margin_top=styles.SPACE_L),
        bullet_list(
            rx.el.li(
                "The answers kept in the browser you answered in: its questions and result "
                "still show them until you press Start again there."
            ),
            rx.el.li('A link made with "Copy link": it carries the answers themselves.'),
            id="delete-keeps",
        ),
        rx.flex(
            _delete_button(),
            rx.cond(
                DeleteState.result_path != "",
                rx.button(
                    rx.link("Keep it", href=DeleteState.result_path, underline="none"),
                    as_child=True,
                    variant="soft",
                ),
            ),
            gap=styles.SPACE_M,
            wrap="wrap",
            margin_top=styles.SPACE_L,
        ),
    )


PAGE = PageSpec(
    component=saved,
    route=ROUTE,
    title=TITLE,
    description=DESCRIPTION,
    on_load=SavedState.load,
)
DELETE_PAGE = PageSpec(
    component=delete,
    route=DELETE_ROUTE,
    title=DELETE_TITLE,
    description=DELETE_DESCRIPTION,
    on_load=DeleteState.reset_outcome,
)
