"""What the insights show of the anonymous counts: the funnel, weeks, sites and breakdowns.

Every view here is built from `usage.published` cells alone, the cells of at least
SMALLEST_CELL (see advisor.usage): a number shown is a sum of published cells, so it is a lower
bound of what happened, and changing or removing a cell under SMALLEST_CELL changes nothing
here, not a total, not a week, not a breakdown, not a line of the CSV. A sum with no published
cell in it reads "fewer than 5", never 0: a count that small may still have happened. The
views know nothing of the database or the web: they take the cells and the content, and give
pydantic shapes the API returns as JSON and the page shows. Pure: no Reflex, no database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence

from pydantic import BaseModel, ConfigDict, Field, computed_field

from advisor.content import Content
from advisor.evidence import EXIT_POINT_NAMES, EXIT_POINTS
from advisor.usage import (
    EVENT_LABELS,
    OTHER_SITE,
    SMALLEST_CELL,
    UsageCell,
    matches,
    parse_detail,
    published,
)
from advisor.view import PRIORITIES_SHORT, PRIORITIES_STEP

SUPPRESSED_TEXT = f"fewer than {SMALLEST_CELL}"
# The dimensions a result is counted by (its detail's parts), then the site and the week; one
# may be set against another in a breakdown.
RESULT_DIMENSIONS: dict[str, str] = {
    "recommended": "Suggestion",
    "confidence": "Confidence",
    "role": "Role in education",
    "audience": "Who answered",
    "origin": "Site",
}
# The breakdowns offered, rows against columns: what the advisor suggested, where and to whom.
BREAKDOWNS: tuple[tuple[str, str], ...] = (
    ("recommended", "origin"),
    ("recommended", "role"),
    ("recommended", "confidence"),
    ("recommended", "audience"),
    ("confidence", "origin"),
    ("role", "audience"),
)
AUDIENCE_LABELS = {"self": "People choosing for themselves", "supervisor": "Supervisors"}
SITE_LABELS = {
    "advisor": "The advisor itself",
    "api": "API clients",
    OTHER_SITE: "Other sites (not listed by the programme)",
}
REVIEW_STEP = "review"
# The longest date range one request may ask for, and the weeks shown when none is asked for.
MAX_RANGE_DAYS = 2 * 366
DEFAULT_WEEKS = 12
DATE_CHARS = len("2026-01-31")


class Figure(BaseModel):
    """One number shown: the sum of published cells, or "fewer than 5" when none is in it."""

    model_config = ConfigDict(frozen=True)

    n: int = Field(ge=0, description="The sum of the published cells (each at least 5)")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def suppressed(self) -> bool:
        """True when no published cell is in the sum: it may be anything under 5 per cell."""
        return self.n == 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def shown(self) -> str:
        return SUPPRESSED_TEXT if self.suppressed else f"at least {self.n}"


class FunnelStep(BaseModel):
    id: str
    label: str
    reached: Figure
    drop_off: int | None = Field(
        description="How many fewer reached this step than the one before; None when either "
        "is suppressed or the published counts do not allow it (a later step published larger)"
    )
    drop_off_percent: float | None


class Week(BaseModel):
    week: dt.date = Field(description="The week's Monday (UTC)")
    label: str
    started: Figure
    results: Figure


class Site(BaseModel):
    site: str
    label: str
    started: Figure
    results: Figure
    saved: Figure


class Row(BaseModel):
    """A line of a distribution or of a breakdown's rows."""

    value: str
    label: str
    count: Figure


class BreakdownRow(BaseModel):
    value: str
    label: str
    cells: list[Figure] = Field(description="One per column, in the columns' order")


class Breakdown(BaseModel):
    id: str = Field(description="'<rows>-by-<columns>'")
    label: str
    rows_label: str
    columns_label: str
    columns: list[Row] = Field(description="The columns with their totals")
    rows: list[BreakdownRow]


class UsageViews(BaseModel):
    """Everything the insights show of the counts, for one programme (or all) and a range."""

    programme: str | None = Field(description="The programme's slug; None: every programme")
    since: dt.date
    until: dt.date
    smallest_cell: int = SMALLEST_CELL
    started: Figure
    results: Figure
    saved: Figure
    plans: Figure
    completion_rate: float | None = Field(
        description="Results shown per questionnaire started (published counts); None while "
        "the starts are suppressed"
    )
    funnel: list[FunnelStep]
    weeks: list[Week]
    sites: list[Site]
    readiness: list[Row]
    breakdowns: list[Breakdown]


class RangeProblem(ValueError):
    """A date range refused, naming the field at fault (`since` or `until`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _date(field: str, given: str | None, default: dt.date) -> dt.date:
    if given is None or not given.strip():
        return default
    if len(given) > DATE_CHARS:
        raise RangeProblem(field, "Give a date as YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(given.strip())
    except ValueError:
        raise RangeProblem(field, "Give a date as YYYY-MM-DD") from None


def date_range(since: str | None, until: str | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """The range asked for as dates, checked: since <= until, at most MAX_RANGE_DAYS long.
    Left out, `until` is today and `since` DEFAULT_WEEKS before it."""
    last = _date("until", until, today)
    first = _date("since", since, last - dt.timedelta(weeks=DEFAULT_WEEKS, days=-1))
    if first > last:
        raise RangeProblem("since", "The first day must not be after the last")
    if (last - first).days > MAX_RANGE_DAYS:
        raise RangeProblem("since", f"The range may be at most {MAX_RANGE_DAYS} days long")
    return first, last


def funnel_steps(content: Content) -> list[tuple[str, str]]:
    """The questionnaire's steps in the order it asks them: its questions, what matters, the
    review; each as (the id counted, its short label)."""
    steps = [(question.id, question.short) for question in content.questions]
    return [*steps, (PRIORITIES_STEP, PRIORITIES_SHORT), (REVIEW_STEP, "Review")]


def value_label(content: Content, dimension: str, value: str) -> str:
    """A counted value in people's words: an option's label, an exit point's name, a site,
    a week's date; a value nothing names (an older questionnaire's), as it is."""
    if dimension == "week" and value != OTHER_SITE:
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return value
        return f"{day.day} {day:%B %Y}"
    if dimension == "week":
        return f"Other weeks, each with fewer than {SMALLEST_CELL}"
    if dimension == "recommended":
        names = {**EXIT_POINT_NAMES, "none": "No suggestion (entry requirement not met)"}
        return names.get(value, value)
    if dimension == "confidence":
        return {"none": "No suggestion"}.get(value, value.capitalize())
    if dimension == "audience":
        return AUDIENCE_LABELS.get(value, value)
    if dimension == "origin":
        return SITE_LABELS.get(value, value)
    if dimension == "score":
        return f"{value} of {len(content.readiness.items)}" if value.isdigit() else value
    question = content.questions_by_id.get(dimension)
    if question is not None:
        labels = {str(option.value): option.label for option in question.options}
        return labels.get(value, "Not asked" if value == "none" else value)
    return value


def _figure(cells: Sequence[UsageCell], **where: str) -> Figure:
    return Figure(n=sum(cell.n for cell in cells if matches(cell.key, where)))


def _part(cell: UsageCell, dimension: str) -> str:
    if dimension == "origin":
        return cell.key.origin
    if dimension == "week":
        return cell.key.week.isoformat()
    return parse_detail(cell.key.detail).get(dimension, "none")


def _values(cells: Iterable[UsageCell], dimension: str, content: Content) -> list[str]:
    """The values a dimension is shown with: every answer it has in the content (shown or not,
    so being listed says nothing), then any other a published cell holds, by name."""
    fixed: list[str] = []
    if dimension == "recommended":
        fixed = [*EXIT_POINTS]
    elif dimension == "audience":
        fixed = list(AUDIENCE_LABELS)
    elif dimension in content.questions_by_id:
        fixed = [str(option.value) for option in content.questions_by_id[dimension].options]
    seen = sorted({_part(cell, dimension) for cell in cells} - set(fixed))
    return fixed + seen


def _funnel(cells: Sequence[UsageCell], content: Content) -> list[FunnelStep]:
    counted = [("started", EVENT_LABELS["started"], _figure(cells, event="started"))]
    for step, label in funnel_steps(content):
        counted.append((step, label, _figure(cells, event="reached", step=step)))
    counted.append(("result", EVENT_LABELS["result"], _figure(cells, event="result")))
    funnel = []
    before: Figure | None = None
    for step, label, reached in counted:
        drop = None
        if before is not None and not before.suppressed and not reached.suppressed:
            drop = before.n - reached.n if before.n >= reached.n else None
        funnel.append(
            FunnelStep(
                id=step,
                label=label,
                reached=reached,
                drop_off=drop,
                drop_off_percent=None if drop is None else round(100 * drop / before.n, 1),  # type: ignore[union-attr]
            )
        )
        before = reached
    return funnel


def weeks_between(since: dt.date, until: dt.date) -> list[dt.date]:
    """Every week's Monday from the week of `since` to the week of `until`."""
    first = since - dt.timedelta(days=since.weekday())
    return [first + dt.timedelta(weeks=i) for i in range((until - first).days // 7 + 1)]


def breakdown(cells: Sequence[UsageCell], rows: str, columns: str, content: Content) -> Breakdown:
    """The results shown, counted by `rows` against `columns` (RESULT_DIMENSIONS)."""
    results = [cell for cell in cells if cell.key.event == "result"]
    column_values = _values(results, columns, content)
    row_values = _values(results, rows, content)
    sums: dict[tuple[str, str], int] = {}
    for cell in results:
        at = (_part(cell, rows), _part(cell, columns))
        sums[at] = sums.get(at, 0) + cell.n
    return Breakdown(
        id=f"{rows}-by-{columns}",
        label=f"{RESULT_DIMENSIONS[rows]} by {RESULT_DIMENSIONS[columns].lower()}",
        rows_label=RESULT_DIMENSIONS[rows],
        columns_label=RESULT_DIMENSIONS[columns],
        columns=[
            Row(
                value=column,
                label=value_label(content, columns, column),
                count=Figure(n=sum(n for (_, c), n in sums.items() if c == column)),
            )
            for column in column_values
        ],
        rows=[
            BreakdownRow(
                value=row,
                label=value_label(content, rows, row),
                cells=[Figure(n=sums.get((row, column), 0)) for column in column_values],
            )
            for row in row_values
        ],
    )


def views(
    cells: Iterable[UsageCell],
    content: Content,
    *,
    programme: str | None,
    since: dt.date,
    until: dt.date,
) -> UsageViews:
    """The views of the counts for the weeks from `since` to `until`, of `programme`'s cells
    (None: every programme's, summed). Only published cells are read, whatever is given."""
    first = since - dt.timedelta(days=since.weekday())
    shown = [
        cell
        for cell in published(cells)
        if (programme is None or cell.key.programme == programme)
        and first <= cell.key.week <= until
    ]
    started = _figure(shown, event="started")
    results = _figure(shown, event="result")
    sites = sorted({cell.key.origin for cell in shown}, key=lambda s: (s not in SITE_LABELS, s))
    scores = sorted(
        {parse_detail(c.key.detail).get("score", "") for c in shown if c.key.event == "readiness"},
        key=lambda s: (not s.isdigit(), int(s) if s.isdigit() else 0, s),
    )
    return UsageViews(
        programme=programme,
        since=since,
        until=until,
        started=started,
        results=results,
        saved=_figure(shown, event="saved"),
        plans=_figure(shown, event="plan"),
        completion_rate=None if started.suppressed else round(results.n / started.n, 3),
        funnel=_funnel(shown, content),
        weeks=[
            Week(
                week=monday,
                label=value_label(content, "week", monday.isoformat()),
                started=_figure(shown, event="started", week=monday.isoformat()),
                results=_figure(shown, event="result", week=monday.isoformat()),
            )
            for monday in weeks_between(since, until)
        ],
        sites=[
            Site(
                site=site,
                label=value_label(content, "origin", site),
                started=_figure(shown, event="started", origin=site),
                results=_figure(shown, event="result", origin=site),
                saved=_figure(shown, event="saved", origin=site),
            )
            for site in sites
        ],
        readiness=[
            Row(
                value=score,
                label=value_label(content, "score", score),
                count=_figure(shown, event="readiness", score=score),
            )
            for score in scores
        ],
        breakdowns=[breakdown(shown, rows, columns, content) for rows, columns in BREAKDOWNS],
    )


# ---------------------------------------------------------------------------------------------
# CSV: readable labels, the count and whether it is suppressed in columns of their own

CSV_HEADER = ("section", "row", "column", "count", "range", "suppressed")
# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CsvLine(BaseModel):
    """One line of the insights' CSV: where it belongs, and its number.

    `count` is empty when suppressed; `range` is the saved results' range ("10 to 14")."""

    section: str
    row: str
    column: str = ""
    count: int | None
    range: str = ""
    suppressed: str = Field(description="'yes', 'no', or 'withheld'")


def safe_cell(text: str) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading '."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _line(section: str, row: str, figure: Figure, column: str = "") -> CsvLine:
    return CsvLine(
        section=section,
        row=row,
        column=column,
        count=None if figure.suppressed else figure.n,
        suppressed="yes" if figure.suppressed else "no",
    )


def csv_lines(data: UsageViews) -> list[CsvLine]:
    """The views as CSV lines, in the order the page shows them."""
    lines = [
        _line("Totals", EVENT_LABELS["started"], data.started),
        _line("Totals", EVENT_LABELS["result"], data.results),
        _line("Totals", EVENT_LABELS["saved"], data.saved),
        _line("Totals", EVENT_LABELS["plan"], data.plans),
    ]
    lines += [_line("Funnel", step.label, step.reached) for step in data.funnel]
    for week in data.weeks:
        lines.append(_line("Weeks", week.label, week.started, EVENT_LABELS["started"]))
        lines.append(_line("Weeks", week.label, week.results, EVENT_LABELS["result"]))
    for site in data.sites:
        lines.append(_line("Sites", site.label, site.started, EVENT_LABELS["started"]))
        lines.append(_line("Sites", site.label, site.results, EVENT_LABELS["result"]))
        lines.append(_line("Sites", site.label, site.saved, EVENT_LABELS["saved"]))
    lines += [_line("Readiness score", row.label, row.count) for row in data.readiness]
    for table in data.breakdowns:
        for row in table.rows:
            for column, figure in zip(table.columns, row.cells, strict=True):
                lines.append(_line(table.label, row.label, figure, column.label))
    return lines


def csv_text(lines: Iterable[CsvLine]) -> str:
    """CSV lines as a file, every text cell safe from being run as a formula."""
    out = io.StringIO()
    # RFC 4180 line ends: a field holding a CR or LF is then quoted, never split.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for line in lines:
        writer.writerow(
            [
                safe_cell(line.section),
                safe_cell(line.row),
                safe_cell(line.column),
                "" if line.count is None else line.count,
                safe_cell(line.range),
                line.suppressed,
            ]
        )
    return out.getvalue()
