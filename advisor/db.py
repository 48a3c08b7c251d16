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
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import Column, DateTime, Engine, event, func
from sqlalchemy.engine import make_url
from sqlmodel import Field, Session, SQLModel, create_engine, delete, select

from advisor.rules import Profile, Recommendation

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
# Insights: aggregate counts only, small cells suppressed


class Cell(BaseModel):
    value: str
    count: int | None  # None when suppressed
    suppressed: bool


class Dimension(BaseModel):
    id: str
    label: str
    cells: list[Cell]


class Insights(BaseModel):
    total: int | None
    total_suppressed: bool
    smallest_cell: int
    dimensions: list[Dimension]


DIMENSIONS: list[tuple[str, str]] = [
    ("recommended", "Recommended exit point"),
    ("role", "Role in education"),
    ("career_stage", "Career stage"),
    ("audience", "Who answered"),
    ("origin", "Where it was used"),
]


def _cells(counts: dict[str, int], order: list[str] | None = None) -> list[Cell]:
    keys = order if order is not None else sorted(counts, key=lambda k: (-counts[k], k))
    return [
        Cell(
            value=key,
            count=counts[key] if counts[key] >= SMALLEST_CELL else None,
            suppressed=counts[key] < SMALLEST_CELL,
        )
        for key in keys
        if counts.get(key)
    ]


def insights(*, session: Session) -> Insights:
    """Counts of saved assessments by exit point, role, stage, audience, origin and week."""
    dimensions = []
    total = session.exec(select(func.count()).select_from(Assessment)).one()
    for field, label in DIMENSIONS:
        column = getattr(Assessment, field)
        rows = session.exec(select(column, func.count()).group_by(column)).all()
        counts = {(value if value is not None else "none"): count for value, count in rows}
        dimensions.append(Dimension(id=field, label=label, cells=_cells(counts)))
    # Weeks (starting Monday, UTC), from per-day counts: portable across SQLite and PostgreSQL.
    created = Assessment.created_at
    if session.get_bind().dialect.name == "postgresql":
        # PostgreSQL's date() of a timestamptz uses the session's time zone, the server's by
        # default: name UTC, or a Monday 00:30 UTC counts as Sunday on a server in America.
        created = func.timezone("UTC", created)
    day = func.date(created)
    weeks: dict[str, int] = defaultdict(int)
    for value, count in session.exec(select(day, func.count()).group_by(day)).all():
        date = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        weeks[(date - dt.timedelta(days=date.weekday())).isoformat()] += count
    dimensions.append(
        Dimension(id="week", label="Week starting", cells=_cells(weeks, sorted(weeks)))
    )
    return Insights(
        total=total if total >= SMALLEST_CELL else None,
        total_suppressed=total < SMALLEST_CELL,
        smallest_cell=SMALLEST_CELL,
        dimensions=dimensions,
    )


def insights_csv(data: Insights) -> str:
    """The insights as CSV: dimension, value, count (suppressed cells say so)."""
    lines = ["dimension,value,count"]
    for dimension in data.dimensions:
        for cell in dimension.cells:
            count = f"fewer than {data.smallest_cell}" if cell.suppressed else str(cell.count)
            value = cell.value.replace('"', '""')
            lines.append(f'{dimension.id},"{value}",{count}')
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
