"""Design tokens: the advisor's colours, spacing and type, in one place and no hex values."""

import reflex as rx

# A calm, clinical palette: teal accents on slate greys. Text uses Radix steps 11-12, which are
# designed to keep readable contrast on the step 1-2 backgrounds used here.
ACCENT = "teal"
GRAY = "slate"

THEME = rx.theme(
    appearance="light",
    accent_color=ACCENT,
    gray_color=GRAY,
    radius="medium",
    scaling="100%",
    has_background=True,
)

TEXT = rx.color(GRAY, 12)
TEXT_MUTED = rx.color(GRAY, 11)
ACCENT_TEXT = rx.color(ACCENT, 11)
PAGE_BACKGROUND = rx.color(GRAY, 1)
SURFACE = rx.color(GRAY, 2)
ACCENT_SURFACE = rx.color(ACCENT, 2)
BORDER = rx.color(GRAY, 6)
ACCENT_BORDER = rx.color(ACCENT, 7)
FOCUS_RING = rx.color(ACCENT, 8)

# Spacing on a 4 px grid, named by size so components never carry raw numbers.
SPACE_XS = "0.25rem"
SPACE_S = "0.5rem"
SPACE_M = "1rem"
SPACE_L = "1.5rem"
SPACE_XL = "2.5rem"
SPACE_XXL = "4rem"

# About 70 characters a line: comfortable for reading prose.
CONTENT_WIDTH = "44rem"
RADIUS = "var(--radius-3)"

BODY_FONT_SIZE = "1.0625rem"
LINE_HEIGHT = "1.6"

# Applied to the whole app through rx.App(style=...).
BASE_STYLE = {
    "font_size": BODY_FONT_SIZE,
    "line_height": LINE_HEIGHT,
    "color": TEXT,
    "background_color": PAGE_BACKGROUND,
    # A visible keyboard focus ring everywhere, not only where a component brings its own.
    ":focus-visible": {"outline": f"2px solid {FOCUS_RING}", "outline_offset": "2px"},
}

CARD_STYLE = {
    "background_color": SURFACE,
    "border": f"1px solid {BORDER}",
    "border_radius": RADIUS,
    "padding": SPACE_L,
}

CALLOUT_STYLE = {
    "background_color": ACCENT_SURFACE,
    "border_left": f"4px solid {ACCENT_BORDER}",
    "border_radius": RADIUS,
    "padding": SPACE_L,
}

# Hidden until focused: lets keyboard users jump past the header to the main content.
SKIP_LINK_STYLE = {
    "position": "absolute",
    "left": SPACE_M,
    "top": "-4rem",
    "padding": f"{SPACE_S} {SPACE_M}",
    "background_color": rx.color(ACCENT, 12),
    "color": rx.color(GRAY, 1),
    "border_radius": RADIUS,
    "z_index": "10",
    "_focus": {"top": SPACE_M},
}
