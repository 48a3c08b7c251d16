"""Buttons that ask first: "Start again", which forgets the answers, and the dialog it shares
with deleting a plan."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventType

from advisor import styles


def confirm_dialog(
    trigger: rx.Component,
    *,
    title: str,
    description: str,
    confirm: str,
    on_confirm: EventType,
    dialog_id: str,
) -> rx.Component:
    """A button (`trigger`) whose alert dialog asks before `on_confirm` runs. The dialog opens
    with "Cancel" focused, and Escape cancels too (Radix's alert dialog); only the red `confirm`
    button goes ahead."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(trigger),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description),
            rx.flex(
                rx.alert_dialog.cancel(
                    rx.button("Cancel", variant="soft", color_scheme="gray", type="button"),
                ),
                rx.alert_dialog.action(
                    rx.button(
                        confirm,
                        on_click=on_confirm,
                        color_scheme="red",
                        # White on red falls below 4.5:1; the high-contrast red is dark.
                        high_contrast=True,
                        type="button",
                    ),
                ),
                gap=styles.SPACE_S,
                justify="end",
                wrap="wrap",
                margin_top=styles.SPACE_M,
            ),
            max_width="28rem",
            id=dialog_id,
        ),
    )


def start_again_button(start_again: EventType, **button_props) -> rx.Component:
    """A "Start again" button whose dialog asks first; only "Clear the answers" runs
    `start_again`."""
    return confirm_dialog(
        rx.button("Start again", type="button", **button_props),
        title="Start again?",
        description="This clears every answer kept in this browser, and the questions start from "
        "the first one. A link you copied or a result you saved keeps its answers.",
        confirm="Clear the answers",
        on_confirm=start_again,
        dialog_id="start-again-dialog",
    )
