""" "Start again", which asks before it forgets the answers: a button and its alert dialog."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventType

from advisor import styles


def start_again_button(start_again: EventType, **button_props) -> rx.Component:
    """A "Start again" button whose dialog asks first. The dialog opens with "Cancel" focused,
    and Escape cancels too (Radix's alert dialog); only "Clear the answers" runs `start_again`."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(rx.button("Start again", type="button", **button_props)),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Start again?"),
            rx.alert_dialog.description(
                "This clears every answer kept in this browser, and the questions start from "
                "the first one. A link you copied or a result you saved keeps its answers.",
            ),
            rx.flex(
                rx.alert_dialog.cancel(
                    rx.button("Cancel", variant="soft", color_scheme="gray", type="button"),
                ),
                rx.alert_dialog.action(
                    rx.button(
                        "Clear the answers",
                        on_click=start_again,
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
            id="start-again-dialog",
        ),
    )
