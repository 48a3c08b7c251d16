"""The usage views: built from published cells only, whatever the small cells hold."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor import usage, usage_views
from advisor.content import Content
from advisor.usage import SMALLEST_CELL, UsageCell, UsageKey
from advisor.usage_views import Figure, csv_lines, csv_text, safe_cell, views

MONDAY = dt.date(2026, 10, 5)
WEEKS = [MONDAY + dt.timedelta(weeks=i) for i in range(4)]
PROGRAMMES = ("dundee", "other")
SITES = ("advisor", "api", "https://a.example", usage.OTHER_SITE)
RESULT_VALUES = {
    "recommended": ("certificate", "diploma", "masters", "none"),
    "confidence": ("high", "moderate", "low"),
    "role": ("trainee", "major_teaching"),
    "audience": ("self", "supervisor"),
}


def cell(
    n: int,
    *,
    week: dt.date = MONDAY,
    programme: str = "dundee",
    origin: str = "advisor",
    event: str = "started",
    **values: str | int | None,
) -> UsageCell:
    key = usage.key(at=week, programme=programme, origin=origin, event=event, **values)
    return UsageCell(key=key, n=n)


def result(n: int, recommended: str = "certificate", **where: str) -> UsageCell:
    values = {
        "recommended": recommended,
        "confidence": where.pop("confidence", "high"),
        "role": where.pop("role", "trainee"),
        "audience": where.pop("audience", "self"),
    }
    return cell(n, event="result", **values, **where)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# The property: what is under SMALLEST_CELL never shows


@st.composite
def details(draw: st.DrawFn, event: str) -> dict[str, str | int | None]:
    if event == "reached":
        return {"step": draw(st.sampled_from(["healthcare_background", "role", "review"]))}
    if event == "result":
        return {part: draw(st.sampled_from(values)) for part, values in RESULT_VALUES.items()}
    if event == "readiness":
        return {"score": draw(st.integers(0, 4))}
    return {}


@st.composite
def keys(draw: st.DrawFn) -> UsageKey:
    event = draw(st.sampled_from(list(usage.EVENTS)))
    return usage.key(
        at=draw(st.sampled_from(WEEKS)),
        programme=draw(st.sampled_from(PROGRAMMES)),
        origin=draw(st.sampled_from(SITES)),
        event=event,
        **draw(details(event)),
    )


tables = st.dictionaries(keys(), st.integers(0, 3 * SMALLEST_CELL), max_size=40)
ranges = st.tuples(
    st.dates(WEEKS[0] - dt.timedelta(days=9), WEEKS[-1] + dt.timedelta(days=9)),
    st.integers(0, 40),
).map(lambda start: (start[0], start[0] + dt.timedelta(days=start[1])))


def everything_shown(cells: list[UsageCell], content: Content, since: dt.date, until: dt.date):
    """Every view of every programme and of all, as JSON and as CSV."""
    shown = []
    for programme in (*PROGRAMMES, None):
        data = views(cells, content, programme=programme, since=since, until=until)
        shown.append((data.model_dump_json(), csv_text(csv_lines(data))))
    return shown


@settings(max_examples=150, deadline=None)
@given(table=tables, changes=st.data(), span=ranges)
def test_changing_or_deleting_a_small_cell_changes_no_view(content, table, changes, span):
    cells = [UsageCell(key=k, n=n) for k, n in table.items()]
    small = [c for c in cells if c.n < SMALLEST_CELL]
    changed = {
        c.key: changes.draw(st.one_of(st.none(), st.integers(0, SMALLEST_CELL - 1)))
        for c in small
        if changes.draw(st.booleans())
    }
    altered = [
        UsageCell(key=c.key, n=changed[c.key]) if c.key in changed else c
        for c in cells
        if not (c.key in changed and changed[c.key] is None)
    ]
    since, until = span
    assert everything_shown(altered, content, since, until) == everything_shown(
        cells, content, since, until
    )


@settings(max_examples=60, deadline=None)
@given(table=tables, span=ranges)
def test_every_number_is_a_sum_of_published_cells(content, table, span):
    """The totals of all programmes are the programmes' sums, and each is a lower bound."""
    cells = [UsageCell(key=k, n=n) for k, n in table.items()]
    since, until = span
    every = views(cells, content, programme=None, since=since, until=until)
    parts = [views(cells, content, programme=p, since=since, until=until) for p in PROGRAMMES]
    assert every.started.n == sum(p.started.n for p in parts)
    assert every.results.n == sum(p.results.n for p in parts)
    assert every.started.n == sum(w.started.n for w in every.weeks)
    raw = sum(
        c.n
        for c in cells
        if c.key.event == "started"
        and since - dt.timedelta(days=since.weekday()) <= c.key.week <= until
    )
    assert every.started.n <= raw
    for table_ in every.breakdowns:
        assert sum(c.count.n for c in table_.columns) == every.results.n


# ---------------------------------------------------------------------------------------------
# The views themselves


def test_the_funnel_runs_in_the_questionnaires_order_with_drop_off(content):
    cells = [
        cell(20),
        cell(16, event="reached", step=content.questions[0].id),
        cell(12, event="reached", step=content.questions[1].id),
        cell(3, event="reached", step=content.questions[2].id),  # suppressed
        result(10),
    ]
    data = views(cells, content, programme="dundee", since=MONDAY, until=MONDAY)
    steps = [step.id for step in data.funnel]
    assert steps == [
        "started",
        *[q.id for q in content.questions],
        "priorities",
        "review",
        "result",
    ]
    first, second, third = data.funnel[1:4]
    assert (first.reached.shown, first.drop_off, first.drop_off_percent) == ("at least 16", 4, 20.0)
    assert (second.drop_off, second.drop_off_percent) == (4, 25.0)
    assert third.reached.shown == "fewer than 5" and third.drop_off is None
    assert data.funnel[0].label == "Questionnaires started"
    assert data.funnel[1].label == content.questions[0].short
    assert data.completion_rate == 0.5


def test_a_sum_without_a_published_cell_reads_fewer_than_5_not_0(content):
    data = views([cell(4), result(4)], content, programme="dundee", since=MONDAY, until=MONDAY)
    assert data.started.shown == data.results.shown == "fewer than 5"
    assert data.started.suppressed and data.completion_rate is None
    assert Figure(n=0).model_dump() == {"n": 0, "suppressed": True, "shown": "fewer than 5"}


def test_weeks_sites_and_programmes_are_kept_apart(content):
    later = MONDAY + dt.timedelta(weeks=2)
    cells = [
        cell(6),
        cell(7, week=later, origin="https://a.example"),
        result(5, week=later, origin="https://a.example"),
        cell(9, programme="other"),
        cell(30, week=later + dt.timedelta(weeks=5)),  # outside the range
    ]
    data = views(cells, content, programme="dundee", since=MONDAY, until=later)
    assert [(w.week, w.started.n, w.results.n) for w in data.weeks] == [
        (MONDAY, 6, 0),
        (MONDAY + dt.timedelta(weeks=1), 0, 0),
        (later, 7, 5),
    ]
    assert data.weeks[0].label == "5 October 2026"
    assert [(s.site, s.label, s.started.n, s.results.n) for s in data.sites] == [
        ("advisor", "The advisor itself", 6, 0),
        ("https://a.example", "https://a.example", 7, 5),
    ]
    every = views(cells, content, programme=None, since=MONDAY, until=later)
    assert every.started.n == 6 + 7 + 9


def test_a_breakdown_sets_one_dimension_against_another_with_labels(content):
    cells = [
        result(6, "certificate", origin="advisor"),
        result(8, "diploma", origin="https://a.example", role="major_teaching"),
        result(2, "masters", origin="advisor"),  # suppressed: left out
    ]
    data = views(cells, content, programme="dundee", since=MONDAY, until=MONDAY)
    by_site = {b.id: b for b in data.breakdowns}["recommended-by-origin"]
    assert by_site.label == "Suggestion by site"
    assert [c.label for c in by_site.columns] == ["The advisor itself", "https://a.example"]
    rows = {row.label: [f.shown for f in row.cells] for row in by_site.rows}
    assert rows["Certificate"] == ["at least 6", "fewer than 5"]
    assert rows["Diploma"] == ["fewer than 5", "at least 8"]
    assert rows["Masters"] == ["fewer than 5", "fewer than 5"]  # listed, though never published
    by_role = {b.id: b for b in data.breakdowns}["recommended-by-role"]
    role = content.questions_by_id["role"]
    assert [c.label for c in by_role.columns] == [o.label for o in role.options]


def test_readiness_saves_and_plans_are_counted(content):
    cells = [
        cell(5, event="readiness", score=4),
        cell(7, event="readiness", score=2),
        cell(6, event="saved"),
        cell(1, event="plan"),
    ]
    data = views(cells, content, programme="dundee", since=MONDAY, until=MONDAY)
    items = len(content.readiness.items)
    assert [(r.label, r.count.n) for r in data.readiness] == [
        (f"2 of {items}", 7),
        (f"4 of {items}", 5),
    ]
    assert (data.saved.shown, data.plans.shown) == ("at least 6", "fewer than 5")


# ---------------------------------------------------------------------------------------------
# CSV


def test_the_csv_has_labels_and_marks_suppressed_cells_in_a_column_of_their_own(content):
    data = views([cell(6), result(3)], content, programme="dundee", since=MONDAY, until=MONDAY)
    rows = list(csv.DictReader(io.StringIO(csv_text(csv_lines(data)))))
    assert list(rows[0]) == list(usage_views.CSV_HEADER)
    totals = {row["row"]: row for row in rows if row["section"] == "Totals"}
    assert (
        totals["Questionnaires started"]["count"],
        totals["Questionnaires started"]["suppressed"],
    ) == ("6", "no")
    assert (totals["Results shown"]["count"], totals["Results shown"]["suppressed"]) == ("", "yes")
    assert all(row["count"].isdigit() or row["count"] == "" for row in rows)
    assert not any(row["row"] == "certificate" for row in rows)  # labels, not ids


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_starting_like_a_formula_is_kept_as_text(content, start):
    origin = f"{start}HYPERLINK(1)"
    assert safe_cell(origin) == "'" + origin
    # An origin is counted as it was named: the CSV keeps it from being run.
    key = UsageKey(week=MONDAY, programme="dundee", origin=origin, event="started")
    data = views([UsageCell(key=key, n=9)], content, programme="dundee", since=MONDAY, until=MONDAY)
    rows = list(csv.reader(io.StringIO(csv_text(csv_lines(data)), newline="")))
    assert ["Sites", "'" + origin, "Questionnaires started", "9", "", "no"] in rows
    assert not any(value.startswith(start) for row in rows for value in row if value)


def test_safe_cell_leaves_plain_text_alone():
    assert safe_cell("Certificate") == "Certificate"
    assert safe_cell("") == ""
