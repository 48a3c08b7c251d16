"""The insights page: for admissions teams, behind a token, how the advisor was used on their
programme's pages (the anonymous counts: the funnel, weeks, sites, one answer against another)
and the counts of saved results. A programme's token opens that programme; the admin token
every programme and their sum. What it shows is advisor.insights_report's, as the API's."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from typing import Any

import reflex as rx
from sqlalchemy.exc import SQLAlchemyError

from advisor import db, styles, usage_views
from advisor.admin_token import access_for, tokens_of
from advisor.components.evidence_parts import horizontal_bars
from advisor.components.layout import page, paragraph, section
from advisor.insights_report import (
    ALL_PROGRAMMES,
    InsightsReport,
    csv_filename,
    report,
    report_csv,
    saved_value_label,
)
from advisor.page_spec import PageSpec
from advisor.ratelimit import retry_after_header
from advisor.runtime import CONTENT, LIMITS
from advisor.settings import MIN_ADMIN_TOKEN_LENGTH, settings
from advisor.state import client_of

ROUTE = "/insights"
TITLE = "Insights for admissions teams | Programme advisor"
DESCRIPTION = (
    "How the programme advisor was used on a programme's pages, where people stopped and what "
    "it suggested, and how many saved a result: counts for admissions teams, behind a token."
)
# Search engines have no business here; nor has the sitemap (add_page(context=...)).
META = [{"name": "robots", "content": "noindex, nofollow"}]
CONTEXT: dict[str, Any] = {"sitemap": None}

TOKEN_INPUT_ID = "insights-token"
ERROR_ID = "insights-error"
SUMMARY_ID = "summary"
PROGRAMME_ID = "insights-programme"
SINCE_ID = "insights-since"
UNTIL_ID = "insights-until"
BREAKDOWN_ID = "insights-breakdown"
# The programme select's value for every programme summed (the admin token only).
ALL = "all"
# Each programme's token, read from the variable its file names, once at start-up.
PROGRAMME_TOKENS = tokens_of(CONTENT)
BREAKDOWN_CHOICES: dict[str, str] = {
    f"{rows}-by-{columns}": f"{usage_views.RESULT_DIMENSIONS[rows]} by "
    f"{usage_views.RESULT_DIMENSIONS[columns].lower()}"
    for rows, columns in usage_views.BREAKDOWNS
}
USAGE_TEXT = (
    "These numbers come from counts kept per week and per site, never per person: no cookie, "
    "no address, no answers beyond the few counted. A count of fewer than "
    f"{usage_views.SMALLEST_CELL} in one week on one site is never shown and never added into "
    "anything shown, so every number here is “at least” that many, and one with nothing to show "
    f"reads “{usage_views.SUPPRESSED_TEXT}”. Taking one number from another never gives a "
    "hidden count back."
)
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


# The charts' value names sit left of the bars in _TICK_WIDTH_PX, which recharts wraps at spaces
# into lines of 15 or 16 characters (DejaVu Sans at 14 px, seen on screenshots). The names are
# wrapped here the same way, a little short, so each bar's row is tall enough for its name; a word
# too long for a line (an origin) is cut into lines. No name is ever shortened: every line shows.
_TICK_WIDTH_PX = 150
_TICK_FONT_PX = 14
_TICK_LINE_CHARS = 15
_TICK_LINE_PX = 16
# Each bar's row fits its tallest name; room on the right for "fewer than 5".
_BAR_ROW_MIN_PX = 34
_CHART_PADDING_PX = 16
_LABEL_ROOM_PX = 96


def value_label(dimension: str, value: str) -> str:
    """A saved results' cell's value as people read it (advisor.insights_report's words)."""
    return saved_value_label(CONTENT, dimension, value)


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
    """A value's name as a chart's axis shows it: wrapped into short lines, all of them."""
    # An origin's scheme says little on a chart; the table keeps it.
    label = label.split("://", 1)[-1]
    lines: list[str] = []
    for word in label.split():
        for piece in _pieces(word):
            if lines and len(lines[-1]) + 1 + len(piece) <= _TICK_LINE_CHARS:
                lines[-1] += " " + piece
            else:
                lines.append(piece)
    return lines


@dataclasses.dataclass(frozen=True)
class Row:
    """One cell of a dimension, ready to show. A suppressed cell counts 0: its bar is a stub."""

    label: str
    tick: str
    count: int
    shown: str
    suppressed: bool


@dataclasses.dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclasses.dataclass(frozen=True)
class Line:
    """A line of a table of the counts: its name and its numbers as shown, in columns' order."""

    label: str
    cells: list[str]


@dataclasses.dataclass(frozen=True)
class WeekPoint:
    """One week on the chart: a suppressed number is a gap (None), never drawn as its size."""

    week: str
    started: int | None
    results: int | None


def _shown(figure: dict[str, Any]) -> str:
    return str(figure["shown"])


def _drop_off(step: dict[str, Any], first: bool) -> str:
    if first:
        return ""  # no step before it
    if step["drop_off"] is None:
        return "not known"
    return f"{step['drop_off']} ({step['drop_off_percent']:g}%)"


def _short_week(monday: str) -> str:
    day = dt.date.fromisoformat(monday)
    return f"{day.day} {day:%b}"


class InsightsState(rx.State):
    """Whether this session has signed in and with which token's reach, what it chose to see,
    and the counts it was shown.

    The sign-in and the counts are backend vars: the sign-in lives in this server-side session
    only (never a cookie or localStorage), and the browser receives the counts only through the
    vars derived below.
    """

    _signed_in: bool = False
    # Wall-clock time (time.time()) when the sign-in ends: a session's state may outlive the
    # process (kept on disk or in Redis) and move between workers, so no monotonic clock.
    _signed_in_until: float = 0.0
    # What the token opens: every programme (the admin token), or this one slug only.
    _admin: bool = False
    _own_programme: str = ""
    # db.Insights.model_dump(): a few dozen counts, never any single assessment.
    _insights: dict[str, Any] = {}
    # usage_views.UsageViews.model_dump(mode="json"): sums of published cells only.
    _usage: dict[str, Any] = {}
    programme: str = ""  # the programme shown: a slug, or ALL
    programme_name: str = ""
    since: str = ""
    until: str = ""
    breakdown: str = next(iter(BREAKDOWN_CHOICES))
    error: str = ""
    notice: str = ""
    updated: str = ""

    @rx.var
    def enabled(self) -> bool:
        # The tokens come from the environment at start-up and change only with a restart.
        return not settings.admin_token_problem() or bool(PROGRAMME_TOKENS.tokens)

    @rx.var
    def disabled_reason(self) -> str:
        return settings.admin_token_problem()

    @rx.var
    def signed_in(self) -> bool:
        return self._signed_in

    @rx.var
    def programme_choices(self) -> list[Choice]:
        """The programmes this token may see: all of them and their sum, or its own."""
        if not self._signed_in:
            return []
        if not self._admin:
            own = CONTENT.programmes[self._own_programme]
            return [Choice(value=self._own_programme, label=own.name)]
        return [Choice(value=ALL, label=f"{ALL_PROGRAMMES} (summed)")] + [
            Choice(value=slug, label=programme.name)
            for slug, programme in CONTENT.programmes.items()
        ]

    @rx.var
    def token_notes(self) -> list[str]:
        """For the admin: each programme whose own token opens nothing, and why."""
        if not (self._signed_in and self._admin):
            return []
        return [
            f"{CONTENT.programmes[slug].name}: {problem}"
            for slug, problem in PROGRAMME_TOKENS.problems.items()
            if slug in CONTENT.programmes
        ]

    @rx.var
    def total(self) -> str:
        if not self._insights:
            return ""
        if self._insights["total_suppressed"]:
            return SUPPRESSED_TEXT
        return str(self._insights["total"])

    @rx.var
    def usage_totals(self) -> list[Line]:
        """The headline numbers: started, results, completion, saves, plans."""
        if not self._usage:
            return []
        data = self._usage
        rate = data["completion_rate"]
        return [
            Line(label="Questionnaires started", cells=[_shown(data["started"])]),
            Line(label="Results shown", cells=[_shown(data["results"])]),
            Line(
                label="Completion rate (results per questionnaire started)",
                cells=["not known" if rate is None else f"{100 * rate:.0f}%"],
            ),
            Line(label="Results saved", cells=[_shown(data["saved"])]),
            Line(label="Plans together started", cells=[_shown(data["plans"])]),
        ]

    @rx.var
    def funnel(self) -> list[Line]:
        return [
            Line(label=step["label"], cells=[_shown(step["reached"]), _drop_off(step, i == 0)])
            for i, step in enumerate(self._usage.get("funnel", []))
        ]

    @rx.var
    def weeks(self) -> list[Line]:
        return [
            Line(label=week["label"], cells=[_shown(week["started"]), _shown(week["results"])])
            for week in self._usage.get("weeks", [])
        ]

    @rx.var
    def week_points(self) -> list[WeekPoint]:
        return [
            WeekPoint(
                week=_short_week(week["week"]),
                started=None if week["started"]["suppressed"] else week["started"]["n"],
                results=None if week["results"]["suppressed"] else week["results"]["n"],
            )
            for week in self._usage.get("weeks", [])
        ]

    @rx.var
    def sites(self) -> list[Line]:
        return [
            Line(
                label=site["label"],
                cells=[_shown(site["started"]), _shown(site["results"]), _shown(site["saved"])],
            )
            for site in self._usage.get("sites", [])
        ]

    @rx.var
    def readiness(self) -> list[Line]:
        return [
            Line(label=row["label"], cells=[_shown(row["count"])])
            for row in self._usage.get("readiness", [])
        ]

    def _breakdown(self) -> dict[str, Any]:
        tables = {table["id"]: table for table in self._usage.get("breakdowns", [])}
        return tables.get(self.breakdown, {})

    @rx.var
    def breakdown_label(self) -> str:
        return BREAKDOWN_CHOICES.get(self.breakdown, "")

    @rx.var
    def breakdown_columns(self) -> list[str]:
        table = self._breakdown()
        if not table:
            return []
        return [table["rows_label"], *(column["label"] for column in table["columns"])]

    @rx.var
    def breakdown_empty(self) -> bool:
        """No column of the chosen breakdown has a published count: its table would be labels."""
        return not self._breakdown().get("columns")

    @rx.var
    def breakdown_rows(self) -> list[Line]:
        table = self._breakdown()
        rows = [
            Line(label=row["label"], cells=[_shown(cell) for cell in row["cells"]])
            for row in table.get("rows", [])
        ]
        if table:
            rows.append(
                Line(label="All", cells=[_shown(column["count"]) for column in table["columns"]])
            )
        return rows

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

    def _shown_programme(self) -> str | None:
        return None if self.programme == ALL else self.programme

    async def _load(self) -> None:
        first, last = dt.date.fromisoformat(self.since), dt.date.fromisoformat(self.until)
        programme = self._shown_programme()
        try:
            data = await db.run(
                lambda session: report(
                    session, CONTENT, programme=programme, since=first, until=last
                )
            )
        except SQLAlchemyError as error:
            self._insights = {}
            self._usage = {}
            self.updated = ""
            fault = db.database_fault(error)
            self.error = (
                "The database is busy; please press Refresh in a moment."
                if fault is not None and fault.fault == "busy"
                else "The counts could not be read. Check that the database is reachable and "
                "migrated (`make run` migrates it), then press Refresh."
            )
            return
        self._insights = data.saved.model_dump()
        self._usage = data.usage.model_dump(mode="json")
        self.programme_name = data.programme_name
        self.error = ""
        self.updated = dt.datetime.now(dt.UTC).strftime("%H:%M UTC on %d %B %Y")

    def _still_signed_in(self) -> bool:
        """Whether the sign-in holds; one that has run its time is ended here, with a notice."""
        if not self._signed_in or not self.enabled:
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
        self._admin = False
        self._own_programme = ""
        self._insights = {}
        self._usage = {}
        self.programme = self.programme_name = self.since = self.until = ""
        self.updated = ""

    @rx.event
    async def sign_in(self, form_data: dict[str, Any]):
        self.notice = ""
        # Bounded before anything else: a token is a few dozen characters.
        given = str(form_data.get("token") or "")[:500].strip()
        if not self.enabled:
            self.error = settings.admin_token_problem()
            return None
        if not given:
            self.error = "Enter your insights token to sign in."
            return rx.set_focus(TOKEN_INPUT_ID)
        # Refused before comparing, and without waiting: a sleep here would hold the event loop.
        client = client_of(self.router)
        if (wait := LIMITS.sign_in_retry_after(client)) > 0:
            self.error = (
                "Too many wrong insights tokens have been tried. Wait "
                f"{retry_after_header(wait)} seconds, then try again."
            )
            return rx.set_focus(TOKEN_INPUT_ID)
        access = access_for(given, settings.admin_token, PROGRAMME_TOKENS)
        if access is None:
            LIMITS.sign_in_failed(client)
            self._forget()
            self.error = "That token opens no insights here. Check it and try again."
            return rx.set_focus(TOKEN_INPUT_ID)
        self._signed_in = True
        self._signed_in_until = time.time() + 60 * settings.insights_session_minutes
        self._admin = access.is_admin
        self._own_programme = access.programme or ""
        self.programme = ALL if access.is_admin else self._own_programme
        first, last = usage_views.date_range(None, None, dt.datetime.now(dt.UTC).date())
        self.since, self.until = first.isoformat(), last.isoformat()
        await self._load()
        return rx.set_focus(SUMMARY_ID)

    @rx.event
    async def choose(self, form_data: dict[str, Any]):
        """Show another programme or date range: each value checked before it is used."""
        if not self._still_signed_in():
            return rx.set_focus(TOKEN_INPUT_ID) if self.notice == EXPIRED else None
        programme = str(form_data.get("programme") or "")[:100]
        allowed = {choice.value for choice in self.programme_choices}
        if programme not in allowed:
            self.error = "Programme: choose one of the list."
            return rx.set_focus(PROGRAMME_ID)
        since = str(form_data.get("since") or "")[:100]
        until = str(form_data.get("until") or "")[:100]
        try:
            first, last = usage_views.date_range(since, until, dt.datetime.now(dt.UTC).date())
        except usage_views.RangeProblem as problem:
            name = "First day" if problem.field == "since" else "Last day"
            self.error = f"{name}: {problem.message}."
            return rx.set_focus(SINCE_ID if problem.field == "since" else UNTIL_ID)
        self.programme, self.since, self.until = programme, first.isoformat(), last.isoformat()
        await self._load()
        return rx.set_focus(SUMMARY_ID)

    @rx.event
    def choose_breakdown(self, value: str):
        if value in BREAKDOWN_CHOICES:
            self.breakdown = value

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
        if not (self._still_signed_in() and self._insights and self._usage):
            return rx.set_focus(TOKEN_INPUT_ID) if self.notice == EXPIRED else None
        data = InsightsReport(
            programme=self._shown_programme(),
            programme_name=self.programme_name,
            usage=usage_views.UsageViews.model_validate(self._usage),
            saved=db.Insights.model_validate(self._insights),
        )
        return rx.download(
            data=report_csv(data, CONTENT), filename=csv_filename(data), mime_type="text/csv"
        )

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
            ", and restart the advisor. Give that token only to the people who may see every "
            "programme's counts; it also opens the insights API. A programme's own token goes "
            "in the variable its file names (",
            rx.code("insights_token_env"),
            ").",
            as_="p",
            style={"overflow_wrap": "anywhere"},
        ),
        style=styles.CALLOUT_STYLE,
        margin_top=styles.SPACE_L,
    )


def _sign_in_form() -> rx.Component:
    return rx.form(
        rx.heading("Sign in", as_="h2", size="5", margin_bottom=styles.SPACE_S),
        paragraph(
            "Enter your programme's insights token, or the admin token your advisor's "
            "administrator gave you."
        ),
        rx.cond(
            InsightsState.notice != "",
            rx.text(InsightsState.notice, role="status", as_="p", margin_bottom=styles.SPACE_M),
        ),
        rx.el.label("Insights token", html_for=TOKEN_INPUT_ID, style=styles.FIELD_LABEL_STYLE),
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


def _number_cell(shown: rx.Var) -> rx.Component:
    # Two cells, not one styled by rx.cond (see _table): "fewer than 5" reads as set apart.
    return rx.cond(
        shown == usage_views.SUPPRESSED_TEXT,
        rx.el.td(shown, style=styles.COUNT_SUPPRESSED_STYLE),
        rx.el.td(shown, style=styles.COUNT_NUMBER_STYLE),
    )


def _counts_table(
    table_id: str, caption: str, headings: list[str] | rx.Var, lines: rx.Var
) -> rx.Component:
    """A table of Lines: the first heading names the rows, the others the numbers' columns.

    In a box of its own that scrolls sideways when the table is wider than the page (a
    breakdown of many sites on a phone), which the keyboard can reach and scroll."""

    def heading(text: str | rx.Var, first: bool | rx.Var) -> rx.Component:
        # Numbers' headings sit over their numbers, on the right.
        return rx.cond(
            first,
            rx.el.th(text, scope="col", style=styles.TABLE_CELL_STYLE),
            rx.el.th(text, scope="col", style=styles.COUNT_NUMBER_STYLE),
        )

    head = (
        rx.foreach(headings, lambda text, index: heading(text, index == 0))
        if isinstance(headings, rx.Var)
        else rx.fragment(*[heading(text, index == 0) for index, text in enumerate(headings)])
    )
    table = rx.el.table(
        rx.el.caption(caption, class_name="sr-only"),
        rx.el.thead(rx.el.tr(head)),
        rx.el.tbody(
            rx.foreach(
                lines,
                lambda line: rx.el.tr(
                    rx.el.th(line.label, scope="row", style=styles.COUNT_ROW_HEAD_STYLE),
                    rx.foreach(line.cells, _number_cell),
                ),
            )
        ),
        id=table_id,
        width="100%",
        border_collapse="collapse",
    )
    return rx.box(
        table,
        role="region",
        aria_label=caption,
        tab_index=0,
        style=styles.TABLE_SCROLL_STYLE,
    )


def _field(label: str, field_id: str, control: rx.Component) -> rx.Component:
    return rx.box(
        rx.el.label(label, html_for=field_id, style=styles.FIELD_LABEL_STYLE),
        control,
        min_width="0",
    )


def _choices_form() -> rx.Component:
    """Which programme and which weeks: sent together with Show."""
    return rx.form(
        rx.box(
            rx.el.fieldset(
                rx.el.legend("Programme", style=styles.FIELD_LABEL_STYLE),
                # Radios, not a select: a select's closed box cuts a long programme name short.
                rx.foreach(
                    InsightsState.programme_choices,
                    lambda choice: rx.el.label(
                        rx.el.input(
                            type="radio",
                            name="programme",
                            value=choice.value,
                            default_checked=choice.value == InsightsState.programme,
                            style={"margin_top": "0.3rem", "flex_shrink": "0"},
                        ),
                        rx.el.span(choice.label),
                        style=styles.CHOICE_STYLE,
                    ),
                ),
                id=PROGRAMME_ID,
                style={"border": "none", "padding": "0", "margin": "0", "min_width": "0"},
                grid_column="1 / -1",
            ),
            _field(
                "First day",
                SINCE_ID,
                rx.input(
                    id=SINCE_ID,
                    name="since",
                    type="date",
                    default_value=InsightsState.since,
                    size="3",
                ),
            ),
            _field(
                "Last day",
                UNTIL_ID,
                rx.input(
                    id=UNTIL_ID,
                    name="until",
                    type="date",
                    default_value=InsightsState.until,
                    size="3",
                ),
            ),
            display="grid",
            grid_template_columns=rx.breakpoints(initial="1fr", sm="1fr 1fr"),
            gap=styles.SPACE_M,
            align_items="end",
        ),
        rx.button("Show", type="submit", size="3", margin_top=styles.SPACE_M),
        on_submit=InsightsState.choose,
        style=styles.CARD_STYLE,
        margin_top=styles.SPACE_L,
        class_name="no-print",
    )


def _weeks_chart() -> rx.Component:
    """Questionnaires started and results shown per week, side by side; hidden from assistive
    technology, the table below carries the same numbers. A week with nothing to show has no
    bar (never one of its real size)."""
    chart = rx.recharts.bar_chart(
        rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
        rx.recharts.x_axis(
            data_key="week",
            tick={"fill": styles.CHART_TICK, "fontSize": _TICK_FONT_PX},
            # Ticks that would overlap are left out, never shortened; the table has every week.
            interval="preserveStartEnd",
            min_tick_gap=12,
        ),
        rx.recharts.y_axis(
            allow_decimals=False,
            width=40,
            tick={"fill": styles.CHART_TICK, "fontSize": _TICK_FONT_PX},
        ),
        rx.recharts.bar(
            data_key="started",
            name="Questionnaires started",
            fill=styles.CHART_STARTED,
            is_animation_active=False,
            max_bar_size=22,
        ),
        rx.recharts.bar(
            data_key="results",
            name="Results shown",
            fill=styles.CHART_RESULTS,
            is_animation_active=False,
            max_bar_size=22,
        ),
        rx.recharts.legend(),
        data=InsightsState.week_points.to(list[dict[str, Any]]),
        width="100%",
        height=280,
        margin={"top": 8, "right": 16, "bottom": 4, "left": 0},
        custom_attrs={"accessibilityLayer": False},
    )
    return rx.box(chart, aria_hidden="true", width="100%", min_width="0", id="weeks-chart")


def _usage() -> rx.Component:
    return rx.box(
        rx.box(
            rx.heading(
                "How the advisor was used",
                as_="h2",
                size="5",
                id=SUMMARY_ID,
                tab_index=-1,
                margin_bottom=styles.SPACE_XS,
            ),
            rx.text(
                InsightsState.programme_name,
                ", ",
                InsightsState.since,
                " to ",
                InsightsState.until,
                as_="p",
                id="insights-scope",
                weight="medium",
                margin_bottom=styles.SPACE_M,
            ),
            _counts_table(
                "table-totals",
                "The numbers in brief",
                ["Counted", "Number"],
                InsightsState.usage_totals,
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
                    margin_top=styles.SPACE_S,
                ),
            ),
            style=styles.CARD_STYLE,
            margin_top=styles.SPACE_L,
        ),
        paragraph(USAGE_TEXT, margin_top=styles.SPACE_L),
        section(
            "funnel",
            "Where people stopped",
            paragraph(
                "Each step of the questionnaire in the order it is asked, how many reached it, "
                "and how many fewer than the step before.",
                color=styles.TEXT_MUTED,
            ),
            _counts_table(
                "table-funnel",
                "Steps reached, with the drop-off from the step before",
                ["Step", "Reached", "Fewer than the step before"],
                InsightsState.funnel,
            ),
        ),
        section(
            "over-time",
            "Results over time",
            _weeks_chart(),
            _counts_table(
                "table-weeks",
                "Questionnaires started and results shown per week",
                ["Week starting (Monday)", "Questionnaires started", "Results shown"],
                InsightsState.weeks,
            ),
        ),
        section(
            "by-site",
            "By site",
            rx.cond(
                InsightsState.sites.length() > 0,
                _counts_table(
                    "table-sites",
                    "Questionnaires started, results shown and saved per site",
                    ["Site", "Questionnaires started", "Results shown", "Results saved"],
                    InsightsState.sites,
                ),
                paragraph(
                    f"No site has counts of {usage_views.SMALLEST_CELL} or more yet.",
                    color=styles.TEXT_MUTED,
                ),
            ),
        ),
        section(
            "breakdown",
            "One answer against another",
            _field(
                "Results shown, counted by",
                BREAKDOWN_ID,
                rx.el.select(
                    *[
                        rx.el.option(label, value=value)
                        for value, label in BREAKDOWN_CHOICES.items()
                    ],
                    id=BREAKDOWN_ID,
                    value=InsightsState.breakdown,
                    on_change=InsightsState.choose_breakdown,
                    style=styles.SELECT_STYLE,
                ),
            ),
            rx.heading(
                InsightsState.breakdown_label,
                as_="h3",
                size="4",
                id="breakdown-title",
                margin_top=styles.SPACE_L,
            ),
            rx.cond(
                InsightsState.breakdown_empty,
                paragraph(
                    f"No results have been counted {usage_views.SMALLEST_CELL} or more times "
                    "yet for this breakdown.",
                    id="breakdown-empty",
                    color=styles.TEXT_MUTED,
                ),
                rx.box(
                    _counts_table(
                        "table-breakdown",
                        "Results shown, one answer against another",
                        InsightsState.breakdown_columns,
                        InsightsState.breakdown_rows,
                    ),
                    margin_top=styles.SPACE_M,
                ),
            ),
        ),
        section(
            "readiness",
            "Readiness scores",
            rx.cond(
                InsightsState.readiness.length() > 0,
                _counts_table(
                    "table-readiness",
                    "Readiness check scores",
                    ["Score (items answered yes)", "Number"],
                    InsightsState.readiness,
                ),
                paragraph(
                    f"No score has been counted {usage_views.SMALLEST_CELL} or more times yet.",
                    color=styles.TEXT_MUTED,
                ),
            ),
        ),
    )


def _saved() -> rx.Component:
    return rx.box(
        rx.box(
            rx.heading("Saved results", as_="h2", size="5", margin_bottom=styles.SPACE_XS),
            rx.text(
                rx.cond(InsightsState.total != "", InsightsState.total, "none"),
                " counted",
                as_="p",
                size="7",
                weight="bold",
                id="insights-total",
            ),
            rx.text(
                "All saved results of this programme, whatever the dates chosen above.",
                as_="p",
                size="2",
                color=styles.TEXT_MUTED,
            ),
            style=styles.CARD_STYLE,
            margin_top=styles.SPACE_XXL,
        ),
        paragraph(SCHEME_TEXT, margin_top=styles.SPACE_L),
        *[_dimension(dimension) for dimension in HEADINGS],
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
        _choices_form(),
        _error(),
        rx.cond(
            InsightsState.token_notes.length() > 0,
            rx.box(
                rx.text("Programmes' own tokens", as_="p", weight="bold"),
                rx.el.ul(
                    rx.foreach(InsightsState.token_notes, lambda note: rx.el.li(note)),
                    style={"padding_left": styles.SPACE_L, "margin_top": styles.SPACE_XS},
                ),
                color=styles.TEXT_MUTED,
                margin_top=styles.SPACE_M,
                id="token-notes",
            ),
        ),
        _usage(),
        _saved(),
    )


def insights() -> rx.Component:
    """The page at /insights."""
    return page(
        rx.heading("Insights for admissions teams", as_="h1", size="8"),
        rx.text(
            "How many people used the advisor on your programme's pages, where they stopped, "
            "what it suggested, and how many saved a result: counts only, never a person.",
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
