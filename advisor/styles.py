"""Design tokens: the advisor's colours, spacing and type, in one place and no hex values."""

import reflex as rx

# A calm, clinical palette: indigo accents on slate greys. Text uses Radix steps 11-12, which are
# designed to keep readable contrast on the step 1-2 backgrounds used here. (Teal was tried first:
# its step 11 text and white-on-step-9 buttons fall below 4.5:1, which the axe audit caught.)
ACCENT = "indigo"
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
# Step 11 keeps the ring at 3:1 or more against the page for every accent (step 8 does not).
FOCUS_RING = rx.color(ACCENT, 11)

# Spacing on a 4 px grid, named by size so components never carry raw numbers.
SPACE_XS = "0.25rem"
SPACE_S = "0.5rem"
SPACE_M = "1rem"
SPACE_L = "1.5rem"
SPACE_XL = "2.5rem"
SPACE_XXL = "4rem"

# About 70 characters a line: comfortable for reading prose.
CONTENT_WIDTH = "44rem"
# Pages with side-by-side columns (the result's three exit points, the evidence charts).
WIDE_WIDTH = "68rem"
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

# --- Questionnaire -------------------------------------------------------------------------
ERROR_TEXT = rx.color("red", 11)
# Help lines sit under their option's label, past the radio or checkbox.
OPTION_INDENT = "1.9rem"
# Reserved height of a question step, so the page does not jump when answers load.
STEP_MIN_HEIGHT = "34rem"
OPTION_STYLE = {
    "border": f"1px solid {BORDER}",
    "border_radius": RADIUS,
    "padding": f"{SPACE_S} {SPACE_M}",
    "background_color": SURFACE,
}
FIELDSET_STYLE = {"border": "none", "padding": "0", "margin": "0", "min_width": "0"}
LEGEND_STYLE = {
    "font_size": "1.375rem",
    "font_weight": "600",
    "line_height": "1.35",
    "margin_bottom": SPACE_S,
    "padding": "0",
}
REVIEW_ROW_STYLE = {"border_bottom": f"1px solid {BORDER}", "padding_y": SPACE_S}
REVIEW_TERM_STYLE = {"font_weight": "600", "color": TEXT_MUTED, "font_size": "0.9375rem"}
# The answers on the result: question and answer side by side from small screens up.
ANSWER_ROW_STYLE = {
    **REVIEW_ROW_STYLE,
    "display": "grid",
    "grid_template_columns": rx.breakpoints(initial="1fr", sm="13rem 1fr"),
    "column_gap": SPACE_M,
    "align_items": "center",
}
ANSWER_TERM_STYLE = {**REVIEW_TERM_STYLE, "padding_y": "0.2rem"}

# --- Programme details beside the result ---
DETAIL_ROW_STYLE = {
    "display": "flex",
    "flex_wrap": "wrap",
    "gap": "0 0.75rem",
    "padding_y": "0.2rem",
}
DETAIL_TERM_STYLE = {"font_weight": "600", "min_width": "16rem"}
DETAIL_VALUE_STYLE = {"margin": "0"}

# --- Result --------------------------------------------------------------------------------
RESULT_MIN_HEIGHT = "60rem"
PLAIN_LIST_STYLE = {"list_style": "none", "padding": "0", "margin": "0"}
REASON_STYLE = {
    "border_left": f"3px solid {ACCENT_BORDER}",
    "padding": f"{SPACE_XS} {SPACE_M}",
    "margin_bottom": SPACE_M,
}
# The confidence badge's three dots, filled one, two or three (tentative, moderate, strong):
# drawn in the badge's text colour, so they keep its contrast.
CONFIDENCE_DOTS_STYLE = {"display": "inline-flex", "gap": "0.2em", "margin_right": "0.2em"}
CONFIDENCE_DOT_STYLE = {
    "display": "inline-block",
    "width": "0.65em",
    "height": "0.65em",
    "border_radius": "50%",
    "border": "0.12em solid currentColor",
}
CONFIDENCE_DOT_FILLED_STYLE = {**CONFIDENCE_DOT_STYLE, "background_color": "currentColor"}
SUMMARY_STYLE = {"cursor": "pointer", "font_weight": "600", "color": ACCENT_TEXT}
FINDING_LIST_STYLE = {"list_style": "none", "padding": "0", "margin": f"{SPACE_XS} 0 0 0"}
FINDING_ITEM_STYLE = {"font_size": "0.875rem", "line_height": "1.4", "margin_bottom": SPACE_XS}
COLUMN_STYLE = {
    "border": f"1px solid {BORDER}",
    "border_radius": RADIUS,
    "padding": SPACE_L,
    "background_color": SURFACE,
}
CHOSEN_COLUMN_STYLE = {**COLUMN_STYLE, "border": f"2px solid {ACCENT_BORDER}"}
NOTE_STYLE = {
    "border_top": f"1px solid {BORDER}",
    "padding_top": SPACE_S,
    "margin_top": SPACE_M,
    "color": TEXT_MUTED,
}
QUOTE_STYLE = {
    "margin": f"0 0 {SPACE_M} 0",
    "padding": SPACE_M,
    "border_left": f"4px solid {ACCENT_BORDER}",
    "background_color": SURFACE,
    "border_radius": RADIUS,
}
CAUTION_QUOTE_STYLE = {**QUOTE_STYLE, "border_left": f"4px solid {rx.color('amber', 8)}"}
QUOTE_TEXT_STYLE = {"margin": "0 0 0.5rem 0", "font_style": "italic"}

# --- Evidence and method pages (appended) ---------------------------------------------------

# Bars of the sample charts, and their value labels and category ticks.
CHART_BAR = rx.color(ACCENT, 10)  # 3:1 or more against the page, as graphics need
CHART_LABEL = TEXT
CHART_TICK = TEXT_MUTED

# One Radix colour scale per kind of evidence, for the strength badges (shown with high
# contrast, so the label text stays readable on every scale).
STRENGTH_COLOR_SCHEMES = {
    "reported": ACCENT,
    "interpreted": "iris",
    "indirect": "amber",
    "fact": "gray",
}

# A finding or rule reached through a link (/evidence#finding-...) is outlined, and lands below
# the top edge rather than against it.
TARGET_STYLE = {
    "scroll_margin_top": SPACE_L,
    "&:target": {
        "outline": f"2px solid {FOCUS_RING}",
        "outline_offset": SPACE_S,
        "border_radius": RADIUS,
    },
}

# --- Insights page (appended) ---------------------------------------------------------------

FIELD_LABEL_STYLE = {"display": "block", "font_weight": "600", "margin_bottom": SPACE_XS}
# Long enough to show most of a pasted 43-character token.
TOKEN_INPUT_WIDTH = "28rem"
# Count tables: ruled rows; counts right-aligned in tabular figures so they line up.
TABLE_CELL_STYLE = {
    "text_align": "left",
    "padding": SPACE_S,
    "border_bottom": f"1px solid {BORDER}",
    "vertical_align": "top",
}
TABLE_ROW_HEAD_STYLE = {**TABLE_CELL_STYLE, "font_weight": "normal", "overflow_wrap": "anywhere"}
TABLE_NUMBER_STYLE = {
    **TABLE_CELL_STYLE,
    "text_align": "right",
    "font_variant_numeric": "tabular-nums",
    "white_space": "nowrap",
}
TABLE_SUPPRESSED_STYLE = {**TABLE_NUMBER_STYLE, "color": TEXT_MUTED, "font_style": "italic"}

# --- The decision aid (appended) --------------------------------------------------------------

# The priorities step: one bordered group per priority, its three levels side by side from
# the small breakpoint up.
PRIORITY_STYLE = {**OPTION_STYLE, "padding": SPACE_M}
LEVEL_STYLE = {"flex": "1 1 0", "min_width": "10rem"}
# The four options' cards: the same frame for each, the suggested one outlined more strongly.
OPTION_CARD_STYLE = {**COLUMN_STYLE, "padding": SPACE_M}
SUGGESTED_OPTION_CARD_STYLE = {**OPTION_CARD_STYLE, "border": f"2px solid {ACCENT_BORDER}"}
# A table wider than a phone scrolls inside its own region, not the page.
# Relative, so the screen-reader caption (absolutely placed) stays inside the scrolling box.
TABLE_SCROLL_STYLE = {"overflow_x": "auto", "max_width": "100%", "position": "relative"}
FIT_TABLE_STYLE = {
    "border_collapse": "collapse",
    "width": "100%",
    "min_width": "40rem",
    "font_size": "0.9375rem",
    "line_height": "1.45",
}
FIT_HEAD_STYLE = {**TABLE_CELL_STYLE, "font_weight": "600", "border_bottom": f"2px solid {BORDER}"}
# The priorities column stays in view while a phone scrolls the options sideways.
FIT_ROW_HEAD_STYLE = {
    **TABLE_CELL_STYLE,
    "font_weight": "normal",
    "min_width": "9rem",
    "position": "sticky",
    "left": "0",
    "background_color": PAGE_BACKGROUND,
    "z_index": "1",
}
FIT_CORNER_STYLE = {
    **FIT_HEAD_STYLE,
    "position": "sticky",
    "left": "0",
    "background_color": PAGE_BACKGROUND,
    "z_index": "1",
}
# Where the priorities lean against the suggestion: amber, a warning colour, not an error one.
DIFFERS_CALLOUT_STYLE = {
    **CALLOUT_STYLE,
    "background_color": rx.color("amber", 2),
    "border_left": f"4px solid {rx.color('amber', 9)}",
}
READINESS_ITEM_STYLE = {**OPTION_STYLE, "padding": SPACE_M}
H4_STYLE = {"margin_top": SPACE_M, "margin_bottom": SPACE_XS}
OPTION_LIST_STYLE = {"padding_left": SPACE_M, "margin": "0", "list_style_type": "disc"}
EVIDENCE_SUMMARY_STYLE = {
    "cursor": "pointer",
    "font_size": "0.875rem",
    "color": TEXT_MUTED,
    "width": "fit-content",
}
# Links that jump within the page look like the page's other links (underlined).
IN_PAGE_LINK = {"text_decoration": "underline", "text_underline_offset": "0.15em"}
COLUMN_MARK_STYLE = {
    "display": "block",
    "font_size": "0.8125rem",
    "font_weight": "normal",
    "color": ACCENT_TEXT,
}
CAPTION_STYLE = {"text_align": "left", "font_weight": "600", "padding_bottom": SPACE_S}
LEAN_TERM_STYLE = {"font_weight": "600", "display": "inline"}
LEAN_VALUE_STYLE = {"display": "inline", "margin_left": SPACE_XS}
READINESS_LIST_STYLE = {
    "list_style": "none",
    "padding": "0",
    "margin": "0",
    "display": "flex",
    "flex_direction": "column",
    "gap": SPACE_S,
}
READINESS_HELP_STYLE = {
    "border_left": f"3px solid {ACCENT_BORDER}",
    "padding": f"{SPACE_XS} {SPACE_M}",
    "margin_top": SPACE_S,
}

# --- Insights per programme (appended) --------------------------------------------------------

# A native select, as tall as the other fields and as readable.
SELECT_STYLE = {
    "display": "block",
    "min_height": "2.75rem",
    "padding": f"{SPACE_XS} {SPACE_S}",
    "font_size": "1rem",
    "color": TEXT,
    "background_color": PAGE_BACKGROUND,
    "border": f"1px solid {rx.color(GRAY, 8)}",
    "border_radius": RADIUS,
    "max_width": "100%",
    ":focus-visible": {"outline": f"2px solid {FOCUS_RING}", "outline_offset": "2px"},
}
# The weeks' chart: results in the accent, questionnaires started in grey, dashed.
CHART_RESULTS = CHART_BAR
CHART_STARTED = rx.color(GRAY, 10)
# The usage counts' tables: a row's name wraps between words only (never inside one), and the
# numbers ("at least 40", "fewer than 5") may wrap too, so a phone fits three columns.
COUNT_ROW_HEAD_STYLE = {
    **TABLE_CELL_STYLE,
    "font_weight": "normal",
    "overflow_wrap": "break-word",
    "min_width": "7rem",
}
COUNT_NUMBER_STYLE = {**TABLE_NUMBER_STYLE, "white_space": "normal", "min_width": "5rem"}
COUNT_SUPPRESSED_STYLE = {**COUNT_NUMBER_STYLE, "color": TEXT_MUTED, "font_style": "italic"}
CHOICE_STYLE = {
    "display": "flex",
    "gap": SPACE_S,
    "align_items": "flex-start",
    "padding": f"{SPACE_XS} 0",
    "min_height": "2.75rem",
}
