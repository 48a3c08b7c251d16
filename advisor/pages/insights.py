"""The insights page: counts of saved assessments for admissions teams, behind the admin token."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from typing import Any

import reflex as rx
from sqlalchemy.exc import SQLAlchemyError

from advisor import db, styles
from advisor.admin_token import token_matches
from advisor.components.evidence_parts import horizontal_bars
from advisor.components.layout import page, paragraph, section
from advisor.evidence import EXIT_POINT_NAMES
from advisor.page_spec import PageSpec
from advisor.ratelimit import retry_after_header
from advisor.runtime import CONTENT, LIMITS
from advisor.settings import MIN_ADMIN_TOKEN_LENGTH, settings
from advisor.state import client_of

ROUTE = "/insights"
TITLE = "Insights for admissions teams | Programme advisor"
DESCRIPTION = (
    "How many results people have saved with the programme advisor, and what it recommended: "
    "aggregate counts for admissions teams, behind the admin token."
)
# Search engines have no business here; nor has the sitemap (add_page(context=...)).
META = [{"name": "robots", "content": "noindex, nofollow"}]
CONTEXT: dict[str, Any] = {"sitemap": None}

TOKEN_INPUT_ID = "admin-token"
ERROR_ID = "insights-error"
SUMMARY_ID = "summary"
EXPIRED = "Your sign-in has ended: sign in again to see the counts."
SUPPRESSED_TEXT = f"fewer than {db.SMALLEST_CELL}"
SCHEME_TEXT = (
    "Only counts are shown, never anyone's answers, and never exactly: a count of one or two, "
    "put beside what an admissions team already knows about its applicants, could point to a "
    f"person. So results are counted in groups of {db.STEP}: the newest few wait until "
    f"{db.STEP} more have been saved, and a new result is never counted alone. Each number is "
    f"shown as a range of {db.STEP}, such as “10 to 14”, and any count below "
    f"{db.SMALLEST_CELL} as “{SUPPRESSED_TEXT}”. Every answer is listed, even one nobody gave, "
    f"and sites or weeks with fewer than {db.SMALLEST_CELL} results are grouped as “Other”. "
    "Taking one number from another therefore never gives a small count back exactly."
)
WITHHELD_TEXT = (
    "Not shown at the moment: with today's numbers, these ranges and the total would let a "
    "small count be worked out. They return once more results have been saved."
)

# Every dimension db.insights returns, in its order, with its label as heading; weeks, which
# db.DIMENSIONS leaves aside, are headed by the date they were saved in the sections and by the
# day each starts on in the tables' columns.
HEADINGS: dict[str, str] = {**dict(db.DIMENSIONS), "week": "Week saved"}
COLUMN_HEADINGS: dict[str, str] = {**dict(db.DIMENSIONS), "week": "Week starting (Monday)"}


def _answer_labels(dimension: str) -> dict[str, str]:
    """A counted question's answers in its options' words; {} for a dimension that is not one.

    "none" is how db.insights names an empty answer: someone without a healthcare background is
    not asked the later questions."""
    question = CONTENT.questions_by_id.get(dimension)
    if question is None:
        return {}
    labels = {str(option.value): option.label for option in question.options}
    if "none" in db.FIXED_VALUES.get(dimension, []):
        labels["none"] = "Not asked"
    return labels


# Stored values in people's words: the questions' from the content, the rest written here.
VALUE_LABELS: dict[str, dict[str, str]] = {
    **{dimension: _answer_labels(dimension) for dimension, _label in db.DIMENSIONS},
    "recommended": {**EXIT_POINT_NAMES, "none": "No recommendation (entry requirement not met)"},
    "audience": {"self": "People choosing for themselves", "supervisor": "Supervisors"},
    "origin": {
        "advisor": "The advisor itself",
        "api": "API clients",
        db.OTHER: f"Other sites, each with fewer than {db.SMALLEST_CELL}",
    },
    "week": {db.OTHER: f"Other weeks, each with fewer than {db.SMALLEST_CELL}"},
}

# The charts' value names sit left of the bars in _TICK_WIDTH_PX, which recharts wraps at spaces
# into lines of 15 or 16 characters (DejaVu Sans at 14 px, seen on screenshots). The names are
# wrapped here the same way, a little short, so each bar's row is tall enough for its name; a word
# too long for a line (an origin) is cut into lines, and a name longer than _TICK_MAX_LINES is
# shortened with an ellipsis, on the chart only: the table beside it is whole.
_TICK_WIDTH_PX = 150
_TICK_FONT_PX = 14
_TICK_LINE_CHARS = 15
_TICK_MAX_LINES = 3
_TICK_LINE_PX = 16
# Each bar's row fits its tallest name; room on the right for "fewer than 5".
_BAR_ROW_MIN_PX = 34
_CHART_PADDING_PX = 16
_LABEL_ROOM_PX = 96


def value_label(dimension: str, value: str) -> str:
    """A cell's value as people read it: an option's label, a week's date, an origin as is."""
    if dimension == "week" and value != db.OTHER:
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return value
        return f"{day.day} {day:%B %Y}"
    return VALUE_LABELS.get(dimension, {}).get(value, value)


def _pieces(word: str) -> list[str]:
    """A word too long for a line, cut into lines, after a dot or hyphen where one is near."""
    pieces = []
    while len(word) > _TICK_LINE_CHARS:
        head = word[:_TICK_LINE_CHARS]
        breaks = [i + 1 for i, char in enumerate(head) if char in ".-/"]
        cut = breaks[-1] if breaks and breaks[-1] > _TICK_LINE_CHARS // 2 else _TICK_LINE_CHARS
        pieces.append(word[:cut])
        word = word[cut:]
    return [*pieces, word]


def tick_lines(label: str) -> list[str]:
    """A value's name as a chart's axis shows it: wrapped into short lines, at most a few."""
    # An origin's scheme says little on a chart; the table keeps it.
    label = label.split("://", 1)[-1]
    lines: list[str] = []
    for word in label.split():
        for piece in _pieces(word):
            if lines and len(lines[-1]) + 1 + len(piece) <= _TICK_LINE_CHARS:
                lines[-1] += " " + piece
            else:
                lines.append(piece)
    if len(lines) > _TICK_MAX_LINES:
        lines = lines[:_TICK_MAX_LINES]
        lines[-1] = lines[-1][: _TICK_LINE_CHARS - 1] + "…"
    return lines


@dataclasses.dataclass(frozen=True)
class Row:
    """One cell of a dimension, ready to show. A suppressed cell counts 0: its bar is a stub."""

    label: str
    tick: str
    count: int
    shown: str
    suppressed: bool


class InsightsState(rx.State):
    """Whether this session has signed in, and the aggregate counts it was shown.

    Both are backend vars: the sign-in lives in this server-side session only (never a cookie
    or localStorage), and the browser receives the counts only through the vars derived below.
    """

    _signed_in: bool = False
    # Wall-clock time (time.time()) when the sign-in ends: a session's state may outlive the
    # process (kept on disk or in Redis) and move between workers, so no monotonic clock.
    _signed_in_until: float = 0.0
    # db.Insights.model_dump(): a few dozen counts, never any single assessment.
    _insights: dict[str, Any] = {}
    error: str = ""
    notice: str = ""
    updated: str = ""

    @rx.var
    def enabled(self) -> bool:
        # The token comes from the environment at start-up and changes only with a restart.
        return not settings.admin_token_problem()

    @rx.var
    def disabled_reason(self) -> str:
        return settings.admin_token_problem()

    @rx.var
    def signed_in(self) -> bool:
        return self._signed_in

    @rx.var
    def total(self) -> str:
        if not self._insights:
            return ""
        if self._insights["total_suppressed"]:
            return SUPPRESSED_TEXT
        return str(self._insights["total"])

    @rx.var
    def tables(self) -> dict[str, list[Row]]:
        """Each dimension's cells with people's labels; every dimension present, maybe empty."""
        tables: dict[str, list[Row]] = {dimension: [] for dimension in HEADINGS}
        for dimension in self._insights.get("dimensions", []):
            tables[dimension["id"]] = [
                Row(
                    label=(label := value_label(dimension["id"], cell["value"])),
                    tick=" ".join(tick_lines(label)),
                    count=0 if cell["suppressed"] else cell["count"],
                    shown=db.shown_count(db.Cell.model_validate(cell)),
                    suppressed=cell["suppressed"],
                )
                for cell in dimension["cells"]
            ]
        return tables

    @rx.var
    def withheld(self) -> dict[str, bool]:
        """Dimensions left out for now, because their ranges would give a small count away."""
        withheld = {dimension: False for dimension in HEADINGS}
        for dimension in self._insights.get("dimensions", []):
            withheld[dimension["id"]] = dimension.get("withheld", False)
        return withheld

    @rx.var
    def chart_heights(self) -> dict[str, int]:
        heights = {}
        for dimension in self._insights.get("dimensions", []):
            names = [value_label(dimension["id"], cell["value"]) for cell in dimension["cells"]]
            lines = max((len(tick_lines(name)) for name in names), default=1)
            row = max(_BAR_ROW_MIN_PX, _TICK_LINE_PX * lines + 12)
            heights[dimension["id"]] = row * len(names) + _CHART_PADDING_PX
        return heights

    async def _load(self) -> None:
        try:
            data = await db.run(lambda session: db.insights(session=session))
        except SQLAlchemyError as error:
            self._insights = {}
            self.updated = ""
            fault = db.database_fault(error)
            self.error = (
                "The database is busy; please press Refresh in a moment."
                if fault is not None and fault.fault == "busy"
                else "The saved assessments could not be read. Check that the database is "
                "reachable and migrated (`make run` migrates it), then press Refresh."
            )
            return
        self._insights = data.model_dump()
        self.error = ""
        self.updated = dt.datetime.now(dt.UTC).strftime("%H:%M UTC on %d %B %Y")

    def _still_signed_in(self) -> bool:
        """Whether the sign-in holds; one that has run its time is ended here, with a notice."""
        if not self._signed_in or settings.admin_token_problem():
            return False
        if time.time() < self._signed_in_until:
            return True
        self._forget()
        self.error = ""
        self.notice = EXPIRED
        return False

    def _forget(self) -> None:
        self._signed_in = False
        self._signed_in_until = 0.0
        self._insights = {}
        self.updated = ""

    @rx.event
    async def sign_in(self, form_data: dict[str, Any]):
        self.notice = ""
        token = settings.admin_token
        given = str(form_data.get("token") or "").strip()
        if problem := settings.admin_token_problem():
            self.error = problem
            return None
        if not given:
            self.error = "Enter the admin token to sign in."
            return rx.set_focus(TOKEN_INPUT_ID)
        # Refused before comparing, and without waiting: a sleep here would hold the event loop.
        client = client_of(self.router)
        if (wait := LIMITS.sign_in_retry_after(client)) > 0:
            self.error = (
                "Too many wrong admin tokens have been tried. Wait "
                f"{retry_after_header(wait)} seconds, then try again."
            )
            return rx.set_focus(TOKEN_INPUT_ID)
        if not token_matches(given, token):
            LIMITS.sign_in_failed(client)
            self._forget()
            self.error = "That is not the admin token. Check it and try again."
            return rx.set_focus(TOKEN_INPUT_ID)
        self._signed_in = True
        self._signed_in_until = time.time() + 60 * settings.insights_session_minutes
        await self._load()
        return rx.set_focus(SUMMARY_ID)

    @rx.event
    async def refresh(self):
        if self._still_signed_in():
            await self._load()
        elif self.notice == EXPIRED:
            return rx.set_focus(TOKEN_INPUT_ID)
        return None

    @rx.event
    async def open_insights(self):
        """On load: a session that signed in earlier sees today's counts, not the old ones."""
        if self._still_signed_in():
            await self._load()

    @rx.event
    def download_csv(self):
        if not (self._still_signed_in() and self._insights):
            return rx.set_focus(TOKEN_INPUT_ID) if self.notice == EXPIRED else None
        csv = db.insights_csv(db.Insights.model_validate(self._insights))
        return rx.download(data=csv, filename="advisor-insights.csv", mime_type="text/csv")

    @rx.event
    def sign_out(self):
        self._forget()
        self.error = ""
        self.notice = "You have signed out."
        return rx.set_focus(TOKEN_INPUT_ID)


def _error() -> rx.Component:
    return rx.cond(
        InsightsState.error != "",
        rx.text(
            InsightsState.error,
            id=ERROR_ID,
            role="alert",
            color=styles.ERROR_TEXT,
            weight="medium",
            as_="p",
            margin_y=styles.SPACE_M,
        ),
    )


def _disabled() -> rx.Component:
    return rx.box(
        rx.heading("Insights are disabled", as_="h2", size="5", margin_bottom=styles.SPACE_S),
        paragraph(InsightsState.disabled_reason, " This page shows no data."),
        rx.text(
            "To enable insights, set the environment variable ",
            rx.code("ADVISOR_ADMIN_TOKEN"),
            f" to a random value of at least {MIN_ADMIN_TOKEN_LENGTH} characters, for example "
            "the output of ",
            rx.code('python -c "import secrets; print(secrets.token_urlsafe(32))"'),
            ", and restart the advisor. Give that token only to the people who may see the "
            "counts; it also opens the insights API.",
            as_="p",
            style={"overflow_wrap": "anywhere"},
        ),
        style=styles.CALLOUT_STYLE,
        margin_top=styles.SPACE_L,
    )


def _sign_in_form() -> rx.Component:
    return rx.form(
        rx.heading("Sign in", as_="h2", size="5", margin_bottom=styles.SPACE_S),
        paragraph("Enter the admin token your advisor's administrator gave you."),
        rx.cond(
            InsightsState.notice != "",
            rx.text(InsightsState.notice, role="status", as_="p", margin_bottom=styles.SPACE_M),
        ),
        rx.el.label("Admin token", html_for=TOKEN_INPUT_ID, style=styles.FIELD_LABEL_STYLE),
        rx.input(
            id=TOKEN_INPUT_ID,
            name="token",
            type="password",
            # Not "current-password": a shared service token is no person's password to save.
            auto_complete="off",
            required=True,
            # Until the page's scripts run, the browser would submit the form itself: nothing
            # can be typed or sent before then.
            disabled=~rx.State.is_hydrated,
            size="3",
            aria_invalid=rx.cond(InsightsState.error != "", "true", "false"),
            aria_describedby=rx.cond(InsightsState.error != "", ERROR_ID, ""),
            max_width=styles.TOKEN_INPUT_WIDTH,
        ),
        _error(),
        rx.button(
            "Sign in",
            type="submit",
            disabled=~rx.State.is_hydrated,
            size="3",
            margin_top=styles.SPACE_M,
        ),
        on_submit=InsightsState.sign_in,
        # Should the browser ever submit the form natively, the token goes in a POST body to
        # this page (which only serves GET), never into a URL, the history or an access log.
        method="post",
        action=f"{ROUTE}/",
        # The token goes to the backend once, with the submit; it is never kept in the page.
        reset_on_submit=True,
        style=styles.CARD_STYLE,
        margin_top=styles.SPACE_L,
        max_width=styles.CONTENT_WIDTH,
    )


def _chart(dimension: str) -> rx.Component:
    """Bars of one dimension; hidden from assistive technology, the table beside it is the text.

    Suppressed cells get a stub of a bar (never their real size) and their "fewer than 5".
    """
    chart = horizontal_bars(
        # Each Row serialises to a plain object with these keys.
        InsightsState.tables[dimension].to(list[dict[str, Any]]),
        label_key="tick",
        value_key="count",
        shown_key="shown",
        domain_max="dataMax",
        height=InsightsState.chart_heights[dimension],
        right_margin=_LABEL_ROOM_PX,
        tick_width=_TICK_WIDTH_PX,
        # Recharts draws neither a bar of 0 nor its label: a stub carries "fewer than 5".
        min_point_size=2,
    )
    return rx.box(chart, aria_hidden="true", width="100%", min_width="0")


def _table(dimension: str) -> rx.Component:
    return rx.el.table(
        rx.el.caption(f"Saved assessments by {HEADINGS[dimension].lower()}", class_name="sr-only"),
        rx.el.thead(
            rx.el.tr(
                rx.el.th(COLUMN_HEADINGS[dimension], scope="col", style=styles.TABLE_CELL_STYLE),
                rx.el.th("Number", scope="col", style=styles.TABLE_NUMBER_STYLE),
            )
        ),
        rx.el.tbody(
            rx.foreach(
                InsightsState.tables[dimension],
                lambda row: rx.el.tr(
                    rx.el.th(row.label, scope="row", style=styles.TABLE_ROW_HEAD_STYLE),
                    # Two cells, not one with rx.cond as its style: Reflex leaves that style's
                    # keys in snake_case, which the browser ignores.
                    rx.cond(
                        row.suppressed,
                        rx.el.td(row.shown, style=styles.TABLE_SUPPRESSED_STYLE),
                        rx.el.td(row.shown, style=styles.TABLE_NUMBER_STYLE),
                    ),
                ),
            )
        ),
        id=f"table-{dimension}",
        width="100%",
        border_collapse="collapse",
    )


def _dimension(dimension: str) -> rx.Component:
    return section(
        f"by-{dimension}",
        HEADINGS[dimension],
        rx.cond(
            InsightsState.tables[dimension].length() > 0,
            rx.box(
                _table(dimension),
                _chart(dimension),
                display="grid",
                grid_template_columns=rx.breakpoints(initial="1fr", md="1fr 1fr"),
                gap=styles.SPACE_L,
                align_items="start",
            ),
            rx.cond(
                InsightsState.withheld[dimension],
                paragraph(WITHHELD_TEXT, color=styles.TEXT_MUTED),
                paragraph("No saved assessments counted yet.", color=styles.TEXT_MUTED),
            ),
        ),
    )


def _dashboard() -> rx.Component:
    return rx.box(
        rx.flex(
            rx.button(
                "Refresh", on_click=InsightsState.refresh, variant="soft", size="3", type="button"
            ),
            rx.button(
                "Download CSV",
                on_click=InsightsState.download_csv,
                variant="soft",
                size="3",
                type="button",
            ),
            rx.button(
                "Sign out",
                on_click=InsightsState.sign_out,
                variant="outline",
                size="3",
                type="button",
            ),
            gap=styles.SPACE_S,
            wrap="wrap",
            margin_top=styles.SPACE_L,
            class_name="no-print",
        ),
        _error(),
        rx.box(
            rx.heading(
                "Saved assessments",
                as_="h2",
                size="5",
                id=SUMMARY_ID,
                tab_index=-1,
                margin_bottom=styles.SPACE_XS,
            ),
            rx.text(
                rx.cond(InsightsState.total != "", InsightsState.total, "none"),
                " counted",
                as_="p",
                size="7",
                weight="bold",
                id="insights-total",
            ),
            rx.cond(
                InsightsState.updated != "",
                rx.text(
                    "Counted at ",
                    InsightsState.updated,
                    ".",
                    as_="p",
                    size="2",
                    color=styles.TEXT_MUTED,
                ),
            ),
            style=styles.CARD_STYLE,
            margin_top=styles.SPACE_L,
        ),
        paragraph(SCHEME_TEXT, margin_top=styles.SPACE_L),
        *[_dimension(dimension) for dimension in HEADINGS],
    )


def insights() -> rx.Component:
    """The page at /insights."""
    return page(
        rx.heading("Insights for admissions teams", as_="h1", size="8"),
        rx.text(
            "How many people saved a result with the advisor, what it recommended, and where "
            "it was used: aggregate counts only.",
            as_="p",
            size="4",
            color=styles.TEXT_MUTED,
            margin_top=styles.SPACE_M,
        ),
        rx.cond(
            InsightsState.enabled,
            rx.cond(InsightsState.signed_in, _dashboard(), _sign_in_form()),
            _disabled(),
        ),
        wide=True,
    )


PAGE = PageSpec(
    component=insights,
    route=ROUTE,
    title=TITLE,
    description=DESCRIPTION,
    on_load=InsightsState.open_insights,
    meta=META,
    context=CONTEXT,
)
