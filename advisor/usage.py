"""Anonymous counts of how the advisor is used: what is counted, and what may be published.

The advisor keeps no row per person. It keeps counts: how many times, in one week, on one
programme's pages, framed by one site, something happened ("a questionnaire was started", "a
result suggesting the Certificate with high confidence was shown to a clinician"). Each such
count is a *cell*: `UsageKey` names it, the database adds to it.

Publishing: a cell of fewer than SMALLEST_CELL is never shown, and nothing shown is worked out
from it. Every number a view shows (a total, a week, a site, one breakdown against another) is
a sum of published cells only, the cells of at least SMALLEST_CELL. So a view, or any
combination of views, is a function of the published cells alone: changing a suppressed cell
to any other count below SMALLEST_CELL changes nothing anyone can see, and subtracting one
view from another can only give a sum of published cells back. The price is that totals leave
the small cells out: the pages say so ("at least"). Pure: no Reflex, no database.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

SMALLEST_CELL = 5

# What is counted, in the order the funnel runs, and the parts of each one's detail.
EVENTS: dict[str, tuple[str, ...]] = {
    "started": (),  # the first question was answered
    "reached": ("step",),  # a step of the questionnaire was reached (each step once a run)
    "result": ("recommended", "confidence", "role", "audience"),
    "readiness": ("score",),  # the readiness check's score, when it was answered
    "saved": (),
    "plan": (),  # a plan together was started
}
EVENT_LABELS: dict[str, str] = {
    "started": "Questionnaires started",
    "reached": "Steps reached",
    "result": "Results shown",
    "readiness": "Readiness scores",
    "saved": "Results saved",
    "plan": "Plans started",
}
# A detail's values are the questionnaire's own (ids, levels, scores): short and plain.
_VALUE = re.compile(r"^[a-z0-9_-]{1,40}$")
MAX_DETAIL_CHARS = 200
MAX_ORIGIN_CHARS = 255
# Where an origin outside a programme's listed sites is counted: a bounded set of rows, whatever
# a browser claims.
OTHER_SITE = "other"

Slug = Annotated[str, StringConstraints(min_length=1, max_length=40)]


class UsageKey(BaseModel):
    """One counted cell: a week (its Monday, UTC), a programme, a site, an event and its detail."""

    model_config = ConfigDict(frozen=True)

    week: dt.date
    programme: Slug
    origin: Annotated[str, StringConstraints(min_length=1, max_length=MAX_ORIGIN_CHARS)]
    event: Annotated[str, Field(pattern="^(" + "|".join(EVENTS) + ")$")]
    detail: Annotated[str, StringConstraints(max_length=MAX_DETAIL_CHARS)] = ""


class UsageCell(BaseModel):
    """A cell with its count, as the database holds it."""

    model_config = ConfigDict(frozen=True)

    key: UsageKey
    n: int = Field(ge=0)


def week_of(day: dt.date | dt.datetime) -> dt.date:
    """The Monday (UTC) starting the week a day or a moment falls in."""
    if isinstance(day, dt.datetime):
        day = (day if day.tzinfo else day.replace(tzinfo=dt.UTC)).astimezone(dt.UTC).date()
    return day - dt.timedelta(days=day.weekday())


def detail_of(event: str, **values: str | int | None) -> str:
    """An event's detail as stored: `key=value` in EVENTS' order, joined by `;`.

    Raises ValueError for an unknown event, a missing or extra part, or a value that is not a
    short plain token: a count's key never carries free text."""
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")
    parts = EVENTS[event]
    if set(values) != set(parts):
        raise ValueError(f"{event} takes {parts}, not {tuple(values)}")
    shown = []
    for part in parts:
        value = "none" if values[part] is None else str(values[part])
        if not _VALUE.match(value):
            raise ValueError(f"{event}.{part}: {value[:40]!r} is not a plain value")
        shown.append(f"{part}={value}")
    return ";".join(shown)


def parse_detail(detail: str) -> dict[str, str]:
    """A stored detail back as its parts: {} for an event without any."""
    if not detail:
        return {}
    return dict(part.split("=", 1) for part in detail.split(";"))


def key(
    *,
    at: dt.date | dt.datetime,
    programme: str,
    origin: str,
    event: str,
    **values: str | int | None,
) -> UsageKey:
    """The cell one happening counts in."""
    return UsageKey(
        week=week_of(at),
        programme=programme,
        origin=origin,
        event=event,
        detail=detail_of(event, **values),
    )


def counted_origin(origin: str, allowed: Iterable[str]) -> str:
    """The site a happening is counted under: the advisor's own names ("advisor", "api") and
    the sites a programme lists as themselves, any other claimed origin as OTHER_SITE."""
    if origin in ("advisor", "api") or origin in set(allowed):
        return origin
    return OTHER_SITE


def published(cells: Iterable[UsageCell]) -> list[UsageCell]:
    """The cells that may be shown: those of at least SMALLEST_CELL. Every view is built from
    these alone (see the module's docstring)."""
    return [cell for cell in cells if cell.n >= SMALLEST_CELL]


def total(cells: Iterable[UsageCell], **where: str) -> int:
    """The sum of published cells matching `where` (key fields, or detail parts)."""
    return sum(cell.n for cell in published(cells) if matches(cell.key, where))


def matches(cell_key: UsageKey, where: Mapping[str, str]) -> bool:
    """Whether a cell's key has every field or detail part `where` names."""
    detail = parse_detail(cell_key.detail)
    for name, wanted in where.items():
        value = getattr(cell_key, name, None) if name in UsageKey.model_fields else detail.get(name)
        if str(value) != wanted:
            return False
    return True
