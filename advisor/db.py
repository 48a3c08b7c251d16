"""Saved assessments: the SQLModel table, the engine, migrations, and small typed functions."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import hmac
import secrets
import sys
import uuid
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel
from pydantic import Field as Described
from sqlalchemy import Column, DateTime, Engine, event, func
from sqlalchemy.engine import make_url
from sqlmodel import Field, Session, SQLModel, create_engine, delete, select

from advisor.rules import Audience, CareerStage, Profile, Recommendation, Role

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Cells of the insights smaller than this are suppressed so no individual can be singled out.
SMALLEST_CELL = 5


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Assessment(SQLModel, table=True):
    """One saved result. Only the questionnaire's enumerated answers: no free text, no names,
    no IP address. The id is a random uuid4, so a share link cannot be guessed."""

    __tablename__ = "assessment"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    created_at: dt.datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True),
    )
    audience: str = Field(max_length=16)
    healthcare_background: bool
    role: str | None = Field(default=None, max_length=32)
    career_stage: str | None = Field(default=None, max_length=16)
    # The chosen reasons for studying, comma-separated, in the questionnaire's order.
    motivations: str = Field(default="", max_length=400)
    research_aim: str | None = Field(default=None, max_length=32)
    workplace: str | None = Field(default=None, max_length=16)
    recommended: str | None = Field(default=None, max_length=16)
    confidence: str | None = Field(default=None, max_length=16)
    evidence_version: str = Field(max_length=64)
    # "advisor" for the advisor's own pages, "api" for API clients, or an embedding site's
    # origin (scheme://host[:port]).
    origin: str = Field(max_length=255, index=True)
    # Only a hash is kept: the token itself is shown once, to whoever saved the result.
    delete_token_hash: str = Field(max_length=64)

    def profile(self) -> Profile:
        return Profile(
            audience=self.audience,
            healthcare_background=self.healthcare_background,
            role=self.role,
            career_stage=self.career_stage,
            motivations=tuple(m for m in self.motivations.split(",") if m),
            research_aim=self.research_aim,
            workplace=self.workplace,
        )

    def created_utc(self) -> dt.datetime:
        # SQLite hands timestamps back without their zone; they were written in UTC.
        at = self.created_at
        return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


# ---------------------------------------------------------------------------------------------
# Engine and migrations


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL: readers never block the writer; a crash loses no committed transaction.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for a database URL: a SQLite file (its folder created) or PostgreSQL."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        # Plain postgresql:// would ask for psycopg2; the project ships psycopg 3.
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    return make_engine(url)


def default_engine() -> Engine:
    from advisor.settings import settings

    return engine_for(settings.database_url)


def _alembic_config(url: str):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine_for(url)
    return config


def migrate(url: str) -> None:
    """Bring the database at `url` to the newest schema (run by `make run`, never at import)."""
    from alembic import command

    command.upgrade(_alembic_config(url), "head")


# ---------------------------------------------------------------------------------------------
# Saved assessments


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def save_assessment(
    *, session: Session, profile: Profile, result: Recommendation, origin: str
) -> tuple[Assessment, str]:
    """Store one result; return the record and its delete token (shown once, never stored).

    Open the session with expire_on_commit=False to read the returned record after the commit
    (or after the session closes) without another query.
    """
    token = secrets.token_urlsafe(24)
    record = Assessment(
        audience=profile.audience,
        healthcare_background=profile.healthcare_background,
        role=profile.role,
        career_stage=profile.career_stage,
        motivations=",".join(profile.motivations),
        research_aim=profile.research_aim,
        workplace=profile.workplace,
        recommended=result.recommended,
        confidence=result.confidence,
        evidence_version=result.evidence_version,
        origin=origin,
        delete_token_hash=_hash(token),
    )
    session.add(record)
    session.commit()
    # No refresh: id and created_at were set in Python before the insert, so a session opened
    # with expire_on_commit=False answers from the object without another SELECT.
    return record, token


def get_assessment(*, session: Session, assessment_id: uuid.UUID) -> Assessment | None:
    return session.get(Assessment, assessment_id)


def delete_assessment(
    *, session: Session, assessment_id: uuid.UUID, token: str
) -> Literal["deleted", "not_found", "forbidden"]:
    record = session.get(Assessment, assessment_id)
    if record is None:
        return "not_found"
    if not hmac.compare_digest(record.delete_token_hash, _hash(token)):
        return "forbidden"
    session.delete(record)
    session.commit()
    return "deleted"


def purge(*, session: Session, older_than_days: int, now: dt.datetime | None = None) -> int:
    """Delete every assessment saved more than `older_than_days` ago; return how many."""
    cutoff = (now or utcnow()) - dt.timedelta(days=older_than_days)
    result = session.exec(delete(Assessment).where(Assessment.created_at < cutoff))
    session.commit()
    return result.rowcount or 0


# ---------------------------------------------------------------------------------------------
# Insights: aggregate counts only, published so that no small number can be worked out
#
# Hiding the cells under 5 is not enough: with the total and the other cells of a dimension
# shown, subtraction gives the hidden one back, and reading the counts before and after one
# person's save shows which cells that person added to. So:
# 1. Counting in steps of STEP: only the oldest STEP * (n // STEP) of the n saved results are
#    counted. One more save changes nothing until it completes a step, and then the change is
#    that of STEP people together, never of one.
# 2. Every count of a dimension is shown as its range of STEP (10 to 14), the smallest ones as
#    "fewer than 5"; every option of the questionnaire is listed, none or not, and an origin or
#    week with fewer than STEP results goes into one "other" line, so neither being listed nor
#    missing says anything.
# 3. The total counted is exact (a multiple of STEP), so within one dimension the remainders
#    above each range's start add up to a known number. That pins the cells only when every
#    cell sits at the bottom of its range (a known sum of 0) or every one at the top (4 per
#    cell): such a dimension is withheld until the counts move on.
# tests/test_insights_scheme.py checks these by brute force over every table of counts that
# fits what is published, alone and before and after one save.


class Cell(BaseModel):
    value: str
    count: int | None = Described(
        description="The start of the cell's range (a multiple of 5): between count and "
        "at_most results. None when there are fewer than 5 (suppressed)."
    )
    suppressed: bool
    at_most: int = Described(description="The end of the cell's range (count + 4, or 4)")


class Dimension(BaseModel):
    id: str
    label: str
    cells: list[Cell]
    withheld: bool = Described(
        default=False,
        description="True when showing this dimension's ranges now would let a small count be "
        "worked out; its cells are then left out until more results are saved",
    )


class Insights(BaseModel):
    total: int | None = Described(
        description="Saved results counted: a multiple of 5 (the newest, up to 4, wait for the "
        "next step); None while fewer than 5"
    )
    total_suppressed: bool
    smallest_cell: int
    step: int = Described(
        description="Counts grow in steps of this many results and cells are ranges of this width"
    )
    dimensions: list[Dimension]


STEP = SMALLEST_CELL
OTHER = "other"  # the line holding every origin or week with fewer than STEP results

DIMENSIONS: list[tuple[str, str]] = [
    ("recommended", "Recommended exit point"),
    ("role", "Role in education"),
    ("career_stage", "Career stage"),
    ("audience", "Who answered"),
    ("origin", "Where it was used"),
]
# Every value a dimension with a fixed set of answers can hold ("none": the question was not
# asked, or no recommendation was made). Origins and weeks are open-ended.
FIXED_VALUES: dict[str, list[str]] = {
    "recommended": ["certificate", "diploma", "masters", "none"],
    "role": [*get_args(Role), "none"],
    "career_stage": [*get_args(CareerStage), "none"],
    "audience": list(get_args(Audience)),
}


def counted(saved: int) -> int:
    """How many of `saved` results the insights count: whole steps only."""
    return saved - saved % STEP


def publish_dimension(dimension: str, label: str, counts: dict[str, int]) -> Dimension:
    """One dimension's published cells for the true `counts` of the counted results."""
    if dimension in FIXED_VALUES:
        # Listed whatever they hold; a value outside the list (an older questionnaire's) as is.
        known = FIXED_VALUES[dimension]
        values = {value: counts.get(value, 0) for value in known}
        values |= {value: n for value, n in sorted(counts.items()) if value not in values}
    else:
        large = {value: n for value, n in counts.items() if n >= STEP}
        order = (
            sorted(large) if dimension == "week" else sorted(large, key=lambda k: (-large[k], k))
        )
        values = {value: large[value] for value in order}
        values[OTHER] = sum(n for n in counts.values() if n < STEP)
    cells = [
        Cell(
            value=value,
            count=None if n < STEP else n - n % STEP,
            suppressed=n < STEP,
            at_most=n - n % STEP + STEP - 1,
        )
        for value, n in values.items()
    ]
    # The remainders above the ranges' starts add up to a number anyone can work out (the total
    # minus the starts). Only when they are all 0 or all 4 does that pin each cell: withheld.
    remainders = {n % STEP for n in values.values()}
    if remainders in ({0}, {STEP - 1}):
        return Dimension(id=dimension, label=label, cells=[], withheld=True)
    return Dimension(id=dimension, label=label, cells=cells)


def publish(total: int, counts: dict[str, dict[str, int]]) -> Insights:
    """What the insights show for the true `counts` (dimension -> value -> n) of `total`
    counted results (a multiple of STEP). Pure, so the scheme can be checked exhaustively."""
    labels = {**dict(DIMENSIONS), "week": "Week starting"}
    dimensions = (
        [publish_dimension(d, labels[d], counts.get(d, {})) for d in labels] if total else []
    )
    return Insights(
        total=total if total >= SMALLEST_CELL else None,
        total_suppressed=total < SMALLEST_CELL,
        smallest_cell=SMALLEST_CELL,
        step=STEP,
        dimensions=dimensions,
    )


def insights(*, session: Session) -> Insights:
    """Counts of saved assessments by exit point, role, stage, audience, origin and week."""
    saved = session.exec(select(func.count()).select_from(Assessment)).one()
    total = counted(saved)
    # The oldest `total` results: a newer save joins the counts only with a whole step.
    oldest = (
        select(Assessment.id)
        .order_by(Assessment.created_at, Assessment.id)
        .limit(total)
        .scalar_subquery()
    )
    included = Assessment.id.in_(oldest)
    counts: dict[str, dict[str, int]] = {}
    for field, _label in DIMENSIONS:
        column = getattr(Assessment, field)
        rows = session.exec(select(column, func.count()).where(included).group_by(column)).all()
        counts[field] = {(value if value is not None else "none"): n for value, n in rows}
    # Weeks (starting Monday, UTC), from per-day counts: portable across SQLite and PostgreSQL.
    created = Assessment.created_at
    if session.get_bind().dialect.name == "postgresql":
        # PostgreSQL's date() of a timestamptz uses the session's time zone, the server's by
        # default: name UTC, or a Monday 00:30 UTC counts as Sunday on a server in America.
        created = func.timezone("UTC", created)
    day = func.date(created)
    weeks: dict[str, int] = defaultdict(int)
    for value, n in session.exec(select(day, func.count()).where(included).group_by(day)).all():
        date = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        weeks[(date - dt.timedelta(days=date.weekday())).isoformat()] += n
    counts["week"] = dict(weeks)
    return publish(total if saved else 0, counts)


def shown_count(cell: Cell, smallest_cell: int = SMALLEST_CELL) -> str:
    """A cell as people read it: "fewer than 5" or "10 to 14"."""
    if cell.suppressed or cell.count is None:
        return f"fewer than {smallest_cell}"
    return f"{cell.count} to {cell.at_most}"


def insights_csv(data: Insights) -> str:
    """The insights as CSV: dimension, value, count (a range, or "fewer than 5", or withheld)."""
    lines = ["dimension,value,count"]
    for dimension in data.dimensions:
        if dimension.withheld:
            lines.append(f'{dimension.id},"",withheld')
        for cell in dimension.cells:
            value = cell.value.replace('"', '""')
            lines.append(f'{dimension.id},"{value}",{shown_count(cell, data.smallest_cell)}')
    total = f"fewer than {data.smallest_cell}" if data.total_suppressed else str(data.total)
    lines.append(f"total,all,{total}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """`python -m advisor.db migrate|purge`: the database chores `make run` and `make purge` do."""
    from advisor.settings import settings

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("command", choices=["migrate", "purge"])
    args = parser.parse_args(argv)
    url = settings.database_url
    shown = make_url(url).render_as_string(hide_password=True)
    if args.command == "migrate":
        migrate(url)
        print(f"Database {shown} is at the newest schema.")
        return 0
    with Session(engine_for(url)) as session:
        removed = purge(session=session, older_than_days=settings.retention_days)
    days = settings.retention_days
    print(f"Deleted {removed} assessment(s) older than {days} days from {shown}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
