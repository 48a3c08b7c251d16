"""The insights of one programme (or all) and a date range: the usage views and the saved
results, read from the database together, as JSON and as CSV. What the API routes and the
/insights page both serve, built in one place."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field
from sqlmodel import Session

from advisor import db, usage_views
from advisor.content import Content
from advisor.usage_views import CsvLine, UsageViews


class InsightsReport(BaseModel):
    """What the insights show for one programme (None: every programme, summed)."""

    programme: str | None = Field(description="The programme's slug; None: every programme")
    programme_name: str = Field(description="The programme's name, or 'Every programme'")
    usage: UsageViews = Field(description="The anonymous counts, of published cells only")
    saved: db.Insights = Field(
        description="The saved results, counted in steps of 5 (all time, not the date range)"
    )


ALL_PROGRAMMES = "Every programme"


def report(
    session: Session,
    content: Content,
    *,
    programme: str | None,
    since: dt.date,
    until: dt.date,
) -> InsightsReport:
    """The insights of `programme` (a known slug, or None for the deployment-wide sum)."""
    first = since - dt.timedelta(days=since.weekday())
    cells = db.usage_cells(session=session, programme=programme, since=first, until=until)
    return InsightsReport(
        programme=programme,
        programme_name=ALL_PROGRAMMES if programme is None else content.programmes[programme].name,
        usage=usage_views.views(cells, content, programme=programme, since=since, until=until),
        saved=db.insights(
            session=session, programme=programme, default_programme=content.default_programme
        ),
    )


def saved_lines(data: db.Insights, content: Content) -> list[CsvLine]:
    """The saved results' part of the CSV: each dimension's ranges, with people's labels."""
    labels = {**dict(db.DIMENSIONS), "week": "Week saved"}
    section = "Saved results: {}".format
    lines = [
        CsvLine(
            section=section("total"),
            row="Saved results counted",
            count=data.total,
            suppressed="yes" if data.total_suppressed else "no",
        )
    ]
    for dimension in data.dimensions:
        if dimension.withheld:
            lines.append(
                CsvLine(
                    section=section(labels.get(dimension.id, dimension.label)),
                    row="",
                    count=None,
                    suppressed="withheld",
                )
            )
        for cell in dimension.cells:
            lines.append(
                CsvLine(
                    section=section(labels.get(dimension.id, dimension.label)),
                    row=saved_value_label(content, dimension.id, cell.value),
                    count=cell.count,
                    range=db.shown_count(cell, data.smallest_cell),
                    suppressed="yes" if cell.suppressed else "no",
                )
            )
    return lines


def saved_value_label(content: Content, dimension: str, value: str) -> str:
    if dimension == "origin" and value == db.OTHER:
        return f"Other sites, each with fewer than {db.SMALLEST_CELL}"
    return usage_views.value_label(content, dimension, value)


def report_csv(data: InsightsReport, content: Content) -> str:
    """The report as one CSV: the usage views, then the saved results."""
    return usage_views.csv_text(
        [*usage_views.csv_lines(data.usage), *saved_lines(data.saved, content)]
    )


def csv_filename(data: InsightsReport) -> str:
    """advisor-insights-<programme or all>-<since>-<until>.csv"""
    who = data.programme or "all"
    return f"advisor-insights-{who}-{data.usage.since}-{data.usage.until}.csv"
