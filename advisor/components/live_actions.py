"""The actions on a person's own result: print, download, copy a link, save, start again."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventHandler, EventType

from advisor import styles
from advisor.components.start_again import start_again_button
from advisor.state import AnswersState


def copy_button(label: str, path: str | rx.Var, copied: str, name: str, **props) -> rx.Component:
    """A button copying `path` as a full link (assets/copy-link.js), which reports in
    `copy_feedback(name)` whether the browser copied it."""
    return rx.button(
        label,
        variant="soft",
        type="button",
        custom_attrs={"data-copy-link": path, "data-copy-done": copied, "data-copy-to": name},
        **props,
    )


def copy_feedback(name: str, label: str) -> rx.Component:
    """Where a copy button says whether the browser copied its link (a live region), and the
    link in a field, selected, when the browser refused."""
    return rx.fragment(
        rx.text(as_="p", id=f"{name}-status", role="status", size="2", margin_top=styles.SPACE_S),
        rx.el.input(
            id=f"{name}-field",
            read_only=True,
            hidden=True,
            aria_label=label,
            width="100%",
            max_width="40rem",
            padding=styles.SPACE_XS,
            margin_top=styles.SPACE_XS,
        ),
    )


def _saved_panel() -> rx.Component:
    """After "Save and get a link": the read-only link and the one-time delete link."""
    return rx.box(
        rx.text(
            "Saved. ", rx.link("Open the saved result", href="/r/" + AnswersState.saved_id), as_="p"
        ),
        rx.cond(
            AnswersState.saved_outdated,
            rx.text(
                "An answer has changed since: the saved result keeps the answers it was saved "
                "with. Copy its delete link below if you may need it, then save again to keep "
                "the new answers.",
                as_="p",
                size="2",
                id="saved-outdated",
                margin_top=styles.SPACE_S,
            ),
        ),
        copy_button(
            "Copy the saved link",
            "/r/" + AnswersState.saved_id,
            "Saved link copied.",
            "copy-saved-link",
            size="2",
            margin_top=styles.SPACE_S,
        ),
        copy_feedback("copy-saved-link", "The saved link"),
        rx.text(
            "Keep the delete link if you may want to remove it later: it is shown only once. ",
            rx.link("Delete link", href=AnswersState.saved_delete_path),
            as_="p",
            size="2",
            margin_top=styles.SPACE_M,
        ),
        copy_button(
            "Copy the delete link",
            AnswersState.saved_delete_path,
            "Delete link copied: keep it somewhere safe.",
            "copy-delete-link",
            size="2",
            margin_top=styles.SPACE_S,
        ),
        copy_feedback("copy-delete-link", "The delete link"),
        id="saved",
        role="status",
        style=styles.CALLOUT_STYLE,
        margin_top=styles.SPACE_M,
    )


def print_and_download(download: EventType) -> tuple[rx.Component, rx.Component]:
    """The two buttons every result offers, a live one or a saved one: print, download."""
    return (
        rx.button(
            "Print or save as PDF",
            on_click=rx.call_script("window.print()"),
            variant="soft",
            type="button",
        ),
        rx.button("Download JSON", on_click=download, variant="soft", type="button"),
    )


def live_actions(start_again: EventType = AnswersState.start_again) -> rx.Component:
    """Actions on the person's own result: print, download, copy, save, start again."""
    return rx.box(
        rx.heading(
            "Keep or share this result",
            as_="h2",
            size="4",
            id="keep-or-share",
            margin_bottom=styles.SPACE_S,
        ),
        rx.flex(
            *print_and_download(AnswersState.download_json),
            copy_button(
                "Copy link",
                AnswersState.share_path,
                "Link copied: it reopens these answers.",
                "copy-link",
            ),
            rx.button(
                "Save and get a link",
                on_click=AnswersState.save_result,
                variant="soft",
                type="button",
                disabled=(AnswersState.saved_id != "") & ~AnswersState.saved_outdated,
            ),
            start_again_button(start_again, variant="outline"),
            gap=styles.SPACE_S,
            wrap="wrap",
        ),
        copy_feedback("copy-link", "The link to these answers"),
        rx.text(
            rx.cond(
                AnswersState.is_supervisor,
                "Links hold only the multiple-choice answers, nothing that identifies you or "
                "your colleague.",
                "Links hold only your multiple-choice answers, nothing that identifies you.",
            ),
            " Saving stores the answers and the result, without any name or address, until "
            "you delete it or the retention period ends.",
            size="2",
            color=styles.TEXT_MUTED,
            margin_top=styles.SPACE_S,
        ),
        rx.cond(
            AnswersState.save_error != "",
            # High contrast: the red callout's own text falls just short of 4.5:1.
            rx.callout(
                AnswersState.save_error, color_scheme="red", high_contrast=True, role="alert"
            ),
        ),
        rx.cond(AnswersState.saved_id != "", _saved_panel()),
        class_name="no-print",
        margin_top=styles.SPACE_L,
    )


def live_ineligible_actions(
    change: EventHandler = AnswersState.go_to_step,
    start_again: EventType = AnswersState.start_again,
) -> rx.Component:
    """Actions when the answers lead to no recommendation: change the answer, or start again."""
    return rx.flex(
        rx.button("Change my answer", on_click=change(0), variant="soft", type="button"),
        start_again_button(start_again, variant="outline"),
        gap=styles.SPACE_S,
        margin_top=styles.SPACE_L,
        class_name="no-print",
    )
