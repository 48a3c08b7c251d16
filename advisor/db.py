"""Saved assessments: the SQLModel table, the engine, migrations, and small typed functions."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import hmac
import math
import os
import secrets
import sys
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel
from pydantic import Field as Described
from sqlalchemy import JSON, Column, DateTime, Engine, event, func, or_, true
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InvalidatePoolError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from sqlmodel import Field, Session, SQLModel, create_engine, delete, select, update

from advisor.evidence import EXIT_POINTS
from advisor.profile import ANSWERS, Profile
from advisor.recommendation import Recommendation
from advisor.usage import UsageCell, UsageKey

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Cells of the insights smaller than this are suppressed so no individual can be singled out.
SMALLEST_CELL = 5
T = TypeVar("T")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class SavedResult(SQLModel, table=True):
    """One saved result. Only the questionnaire's enumerated answers: no free text, no names,
    no IP address. The id is a random uuid4, so a share link cannot be guessed."""

    # The table kept the name it had when a saved result was called an assessment.
    __tablename__ = "assessment"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    created_at: dt.datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True),
    )
    # The profile whole, as the API writes it: a question added to Profile is saved, counted
    # and read back without a column or a migration of its own.
    answers: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    recommended: str | None = Field(default=None, max_length=16)
    confidence: str | None = Field(default=None, max_length=16)
    evidence_version: str = Field(max_length=64)
    # "advisor" for the advisor's own pages, "api" for API clients, or an embedding site's
    # origin (scheme://host[:port]).
    origin: str = Field(max_length=255, index=True)
    # The programme (content/programmes/<slug>.yaml) the result was shown for. None: saved
    # before programmes were, which was the default programme's.
    programme: str | None = Field(default=None, max_length=40, index=True)
    # Only a hash is kept: the token itself is shown once, to whoever saved the result.
    delete_token_hash: str = Field(max_length=64)

    def profile(self) -> Profile:
        return Profile.model_validate(self.answers)

    def created_utc(self) -> dt.datetime:
        # SQLite hands timestamps back without their zone; they were written in UTC.
        at = self.created_at
        return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


class Plan(SQLModel, table=True):
    """A plan made together: the supervisor's answers about a colleague and the colleague's own,
    each with when it was sent. Only enumerated answers, their timestamps and hashes of the two
    seats' tokens: no names, no free text, no address. The id is a random uuid4."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    expires_at: dt.datetime = Field(
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True)
    )
    supervisor_token_hash: str = Field(max_length=64)
    colleague_token_hash: str = Field(max_length=64)
    # Not sent yet is SQL NULL (`IS NULL` finds it), not the JSON text 'null' that a plain JSON
    # column writes for None.
    supervisor_answers: dict[str, Any] | None = Field(
        default=None, sa_column=Column(JSON(none_as_null=True), nullable=True)
    )
    colleague_answers: dict[str, Any] | None = Field(
        default=None, sa_column=Column(JSON(none_as_null=True), nullable=True)
    )
    supervisor_done_at: dt.datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    colleague_done_at: dt.datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )

    def answers_of(self, seat: str) -> Profile | None:
        stored = getattr(self, f"{seat}_answers")
        return None if stored is None else Profile.model_validate(stored)

    def done(self, seat: str) -> bool:
        return getattr(self, f"{seat}_done_at") is not None

    def expires_utc(self) -> dt.datetime:
        return _utc(self.expires_at)


class UsageCount(SQLModel, table=True):
    """One count of how the advisor was used (advisor.usage): how many times an event
    happened in one week, for one programme, on one site. A count, never a person: no time
    finer than the week, no id, no address, no answers but the event's few plain values."""

    __tablename__ = "usage_count"

    week: dt.date = Field(primary_key=True)
    programme: str = Field(primary_key=True, max_length=40)
    origin: str = Field(primary_key=True, max_length=255)
    event: str = Field(primary_key=True, max_length=16)
    detail: str = Field(default="", primary_key=True, max_length=200)
    n: int = Field(default=0)


def _utc(at: dt.datetime) -> dt.datetime:
    # SQLite hands timestamps back without their zone; they were written in UTC.
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


# ---------------------------------------------------------------------------------------------
# Engine and migrations

# The purge and other chores run beside the app and may wait for it; the app itself must not.
CHORE_BUSY_TIMEOUT_S = 30.0
# Recorded on each SQLite connection when it opens: which file it opened (device, inode).
_OPENED_PATH, _OPENED_FILE = "advisor_opened_path", "advisor_opened_file"
_OPENED_READ_ONLY = "advisor_opened_read_only"
# Per SQLite file: the lock its writers in this process take turns on, and how long one waits.
_WRITE_TURNS: dict[str, tuple[threading.Lock, float]] = {}
# SQLite's primary result codes (sqlite3.Error.sqlite_errorcode & 0xFF).
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY = 5, 6, 8
_SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN = 10, 11, 13, 14
_SQLITE_NOTADB = 26
# A connection that met one of these is useless afterwards even once the fault is gone (opened
# while the file was read-only, SQLite keeps it read-only for good), and so, probably, is every
# other pooled connection: the pool starts afresh.
_SQLITE_STALE = {_SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_CORRUPT, _SQLITE_CANTOPEN, _SQLITE_NOTADB}

Fault = Literal["busy", "read_only", "gone", "unavailable"]
_FAULT_REASONS: dict[Fault, str] = {
    "busy": "the database is busy",
    "read_only": "the database is read-only",
    "gone": "the database file was deleted or replaced while the advisor was running",
    "unavailable": "the database cannot be opened or written (missing, unreachable, full, "
    "or without its tables)",
}
# Seconds a client should wait before trying again: a lock passes quickly, the rest needs
# someone to act.
_RETRY_AFTER_S: dict[Fault, int] = {"busy": 2, "read_only": 30, "gone": 30, "unavailable": 30}


class DatabaseUnavailable(SQLAlchemyError):
    """The database cannot do this now (busy, read-only, gone, unreachable): nothing was stored,
    and the same request may work later. Not a bug and not the client's fault: a 503."""

    def __init__(self, fault: Fault) -> None:
        super().__init__(_FAULT_REASONS[fault])
        self.fault: Fault = fault
        self.reason = _FAULT_REASONS[fault]
        self.retry_after = _RETRY_AFTER_S[fault]


def _sqlite_code(error: BaseException) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def database_fault(error: BaseException) -> DatabaseUnavailable | None:
    """What a database error means for the person waiting, or None for a bug (a 500)."""
    if isinstance(error, DatabaseUnavailable):
        return error
    if isinstance(error, SQLAlchemyTimeoutError):  # every pooled connection in use, and kept
        return DatabaseUnavailable("busy")
    original = getattr(error, "orig", None) or error
    code = _sqlite_code(original)
    if code is not None:
        if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
            return DatabaseUnavailable("busy")
        if code == _SQLITE_READONLY:
            return DatabaseUnavailable("read_only")
        if code in _SQLITE_STALE | {_SQLITE_FULL}:
            return DatabaseUnavailable("unavailable")
        if "no such table" in str(original):  # a new, empty file: never migrated
            return DatabaseUnavailable("unavailable")
        return None
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate is not None:  # psycopg
        if sqlstate in ("55P03", "57014", "40001", "40P01", "53300"):
            return DatabaseUnavailable("busy")  # lock or statement timeout, conflicts, no slots
        if sqlstate == "25006":
            return DatabaseUnavailable("read_only")
        if sqlstate[:2] in ("08", "53", "57", "3D") or sqlstate == "42P01":
            return DatabaseUnavailable("unavailable")
        return None
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return DatabaseUnavailable("unavailable")  # the server went away or never answered
    if isinstance(error, OperationalError):
        return DatabaseUnavailable("unavailable")
    return None


def _file_identity(path: str) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _writable(path: str) -> bool:
    """Whether SQLite would open the file for writing. Never by opening it: closing any
    descriptor of a file drops every POSIX lock the process holds on it, SQLite's included.
    The kernel's answer covers a file's mode, its immutable flag and a read-only mount."""
    return os.access(path, os.W_OK)


def _sqlite_hooks(engine: Engine, path: str | None, busy_timeout_s: float) -> None:
    def on_connect(dbapi_connection: Any, record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # First: every later statement, these pragmas included, waits at most this long for
        # another process's lock, then fails as "busy" instead of holding its caller.
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
        # WAL: readers never block the writer. FULL: WAL is synced at every commit, so a
        # committed (acknowledged) save survives a power cut, not only a crash of the process.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()
        if path is not None:
            record.info[_OPENED_PATH] = path
            record.info[_OPENED_FILE] = _file_identity(path)
            # SQLite opens a file it may not write read-only, and keeps it so for good.
            record.info[_OPENED_READ_ONLY] = not _writable(path)

    def on_checkout(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if path is None:
            return
        # A connection keeps writing into the file it opened, even after that file was deleted
        # or replaced: whatever it stored would be lost. Open the file the path names now.
        if record.info.get(_OPENED_FILE) != _file_identity(path):
            raise InvalidatePoolError("the database file was deleted or replaced")
        # Opened while the file was read-only: reopen once it is writable again.
        if record.info.get(_OPENED_READ_ONLY) and _writable(path):
            raise InvalidatePoolError("the database file is writable again")

    def on_error(context: Any) -> None:
        if _sqlite_code(context.original_exception) in _SQLITE_STALE:
            context.is_disconnect = True  # the connection is discarded, and the pool with it

    event.listen(engine, "connect", on_connect)
    event.listen(engine, "checkout", on_checkout)
    event.listen(engine, "handle_error", on_error)


def _make_folder(url: str) -> str | None:
    """A SQLite file's folder, created if missing; the file's absolute path (None if none)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    return os.path.abspath(parsed.database)


def make_engine(url: str, *, busy_timeout_s: float | None = None) -> Engine:
    """An engine for a database URL: a SQLite file (its folder created) or PostgreSQL.

    No statement waits longer than `busy_timeout_s` (default: the settings') for a lock or a
    pooled connection: a busy database fails fast, as DatabaseUnavailable("busy").
    """
    if busy_timeout_s is None:
        from advisor.settings import settings

        busy_timeout_s = settings.database_busy_timeout
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = _make_folder(url)
        # A file has a queue of pooled connections, and waits for a free one at most as long.
        pooled = {"pool_timeout": busy_timeout_s} if path is not None else {}
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": busy_timeout_s}, **pooled
        )
        _sqlite_hooks(engine, path, busy_timeout_s)
        if path is not None:
            _WRITE_TURNS.setdefault(path, (threading.Lock(), busy_timeout_s))
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        # Plain postgresql:// would ask for psycopg2; the project ships psycopg 3.
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    engine = create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        pool_timeout=busy_timeout_s,
        connect_args={
            "connect_timeout": max(2, math.ceil(busy_timeout_s)),  # libpq's smallest
            "options": f"-c lock_timeout={int(busy_timeout_s * 1000)}",
        },
    )
    event.listen(engine, "handle_error", _discard_read_only_postgresql)
    return engine


def _discard_read_only_postgresql(context: Any) -> None:
    # A connection opened while the database was read-only (default_transaction_read_only, a
    # standby) stays so after the database is writable again: open new ones.
    if getattr(context.original_exception, "sqlstate", None) == "25006":
        context.is_disconnect = True


@lru_cache(maxsize=8)
def engine_for(url: str, busy_timeout_s: float | None = None) -> Engine:
    return make_engine(url, busy_timeout_s=busy_timeout_s)


def default_engine() -> Engine:
    from advisor.settings import settings

    return engine_for(settings.database_url)


def in_session(work: Callable[[Session], T], engine: Engine | None = None) -> T:
    """`work(session)` in a session of its own (expire_on_commit=False); a database fault
    comes out as DatabaseUnavailable."""
    with Session(engine or default_engine(), expire_on_commit=False) as session:
        try:
            return work(session)
        except SQLAlchemyError as error:
            fault = database_fault(error)
            if fault is None or fault is error:
                raise
            raise fault from error


async def run(work: Callable[[Session], T], engine: Engine | None = None) -> T:
    """`in_session(work)` in a worker thread, for event handlers: the event loop serves
    everyone else while this one waits for the database (at most the busy timeout)."""
    return await asyncio.to_thread(in_session, work, engine)


def check_ready(engine: Engine) -> str:
    """Raise DatabaseUnavailable unless the database answers a read of the saved results and
    would take a write now; return the dialect's name. Writes nothing."""
    with engine.connect() as connection:
        connection.execute(select(SavedResult.id).limit(1))
        if connection.connection.info.get(_OPENED_READ_ONLY):
            raise DatabaseUnavailable("read_only")
        if engine.dialect.name == "sqlite":
            # Takes the write lock and lets it go, writing nothing: fails if someone holds it.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            connection.exec_driver_sql("ROLLBACK")
        elif connection.exec_driver_sql("SHOW transaction_read_only").scalar() == "on":
            connection.invalidate()  # or a save would meet it once the database is writable
            raise DatabaseUnavailable("read_only")
        connection.rollback()
    return engine.dialect.name


def _alembic_config(url: str):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine_for(url)
    return config


def migrate(url: str) -> None:
    """Bring the database at `url` to the newest schema (run by `make run`, never at import).

    Also how a SQLite database deleted under a running app comes back: the app reports itself
    not ready, and refuses saves, until this (or a restored backup) puts a file there again."""
    from alembic import command

    _make_folder(url)

    command.upgrade(_alembic_config(url), "head")


# ---------------------------------------------------------------------------------------------
# Saved assessments


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def commit_durably(session: Session) -> None:
    """Commit, then make sure the commit landed in the file the app will read later: a SQLite
    file deleted or replaced under a connection takes its writes with it. If so, raise
    DatabaseUnavailable("gone") (the caller must not acknowledge) and start the pool afresh."""
    opened = session.connection().connection.info
    path = opened.get(_OPENED_PATH)
    turn = _WRITE_TURNS.get(path) if path is not None else None
    if turn is None:
        session.commit()
    else:
        # SQLite has one writer at a time, and its busy handler polls: under a burst of saves
        # an unlucky one could poll past the busy timeout while others got in. Writers of this
        # process queue on a lock instead; only another process's lock makes a save wait.
        lock, timeout_s = turn
        if not lock.acquire(timeout=timeout_s):
            raise DatabaseUnavailable("busy")
        try:
            session.commit()
        finally:
            lock.release()
    if path is not None and opened.get(_OPENED_FILE) != _file_identity(path):
        session.get_bind().dispose()
        raise DatabaseUnavailable("gone")


def save_result(
    *,
    session: Session,
    profile: Profile,
    result: Recommendation,
    origin: str,
    programme: str | None = None,
) -> tuple[SavedResult, str]:
    """Store one result; return the record and its delete token (shown once, never stored).

    Open the session with expire_on_commit=False to read the returned record after the commit
    (or after the session closes) without another query.
    """
    token = secrets.token_urlsafe(24)
    record = SavedResult(
        answers=profile.model_dump(mode="json"),
        recommended=result.recommended,
        confidence=result.confidence,
        evidence_version=result.evidence_version,
        origin=origin,
        programme=programme,
        delete_token_hash=_hash(token),
    )
    session.add(record)
    commit_durably(session)
    # No refresh: id and created_at were set in Python before the insert, so a session opened
    # with expire_on_commit=False answers from the object without another SELECT.
    return record, token


def get_result(*, session: Session, result_id: uuid.UUID) -> SavedResult | None:
    return session.get(SavedResult, result_id)


def delete_result(
    *, session: Session, result_id: uuid.UUID, token: str
) -> Literal["deleted", "not_found", "forbidden"]:
    record = session.get(SavedResult, result_id)
    if record is None:
        return "not_found"
    if not hmac.compare_digest(record.delete_token_hash, _hash(token)):
        return "forbidden"
    session.delete(record)
    commit_durably(session)
    return "deleted"


def purge(*, session: Session, older_than_days: int, now: dt.datetime | None = None) -> int:
    """Delete every result saved more than `older_than_days` ago; return how many."""
    cutoff = (now or utcnow()) - dt.timedelta(days=older_than_days)
    result = session.exec(delete(SavedResult).where(SavedResult.created_at < cutoff))
    session.commit()
    return result.rowcount or 0


# ---------------------------------------------------------------------------------------------
# Plans made together (advisor.plans compares them)

PLAN_SEATS = ("supervisor", "colleague")
# A plan's token is 32 random bytes in base64url: 43 characters. Anything much longer is not one,
# and is refused before it is hashed.
MAX_PLAN_TOKEN_CHARS = 64


def create_plan(
    *, session: Session, days: int, now: dt.datetime | None = None
) -> tuple[Plan, dict[str, str]]:
    """A new, empty plan and each seat's token (shown once, in its link; only hashes are kept)."""
    created = now or utcnow()
    tokens = {seat: secrets.token_urlsafe(32) for seat in PLAN_SEATS}
    plan = Plan(
        created_at=created,
        expires_at=created + dt.timedelta(days=days),
        supervisor_token_hash=_hash(tokens["supervisor"]),
        colleague_token_hash=_hash(tokens["colleague"]),
    )
    session.add(plan)
    commit_durably(session)
    return plan, tokens


def parse_plan_id(text: str) -> uuid.UUID | None:
    """A plan id from a path, or None for anything that is not one (never an error)."""
    if not isinstance(text, str) or len(text) > 36:
        return None
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def open_plan(
    *,
    session: Session,
    plan_id: uuid.UUID | None,
    token: str | None,
    now: dt.datetime | None = None,
) -> tuple[Plan, str] | None:
    """The plan and the seat whose token this is; None for no such plan, an expired one, a
    missing or wrong token: the same None, so a caller cannot tell which."""
    if plan_id is None or not token or len(token) > MAX_PLAN_TOKEN_CHARS:
        return None
    # Hashed first, whether or not the plan is there: no plan costs the same as a wrong token.
    given = _hash(token)
    plan = session.get(Plan, plan_id)
    if plan is None or plan.expires_utc() <= (now or utcnow()):
        return None
    seat = None
    # Both compared, in constant time, whichever matches.
    for candidate in PLAN_SEATS:
        if hmac.compare_digest(getattr(plan, f"{candidate}_token_hash"), given):
            seat = candidate
    return (plan, seat) if seat is not None else None


def put_plan_answers(
    *, session: Session, plan_id: uuid.UUID, seat: str, profile: Profile
) -> Plan | None:
    """Store one seat's answers (replacing any it sent before); the plan as it is now, or None
    if it was deleted meanwhile. Only that seat's columns are written, so the two seats sending
    at once both land."""
    if seat not in PLAN_SEATS:
        raise ValueError(f"no seat {seat!r}")
    values = {f"{seat}_answers": profile.model_dump(mode="json"), f"{seat}_done_at": utcnow()}
    result = session.exec(update(Plan).where(Plan.id == plan_id).values(**values))
    if not result.rowcount:
        session.rollback()
        return None
    commit_durably(session)
    session.expire_all()
    return session.get(Plan, plan_id)


def delete_plan(*, session: Session, plan_id: uuid.UUID) -> bool:
    """Delete a plan (its token was checked by open_plan); whether it was still there."""
    result = session.exec(delete(Plan).where(Plan.id == plan_id))
    commit_durably(session)
    return bool(result.rowcount)


def purge_plans(*, session: Session, now: dt.datetime | None = None) -> int:
    """Delete every plan past its expiry; return how many."""
    result = session.exec(delete(Plan).where(Plan.expires_at <= (now or utcnow())))
    session.commit()
    return result.rowcount or 0


# ---------------------------------------------------------------------------------------------
# Usage counts


def add_counts(*, session: Session, counts: Mapping[UsageKey, int]) -> None:
    """Add `counts` to their cells in one transaction: a cell is created at its first count,
    added to after (INSERT ... ON CONFLICT DO UPDATE, atomic on SQLite and PostgreSQL, so
    workers counting at once all land)."""
    if not counts:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    table = UsageCount.__table__  # type: ignore[attr-defined]
    # In a fixed order, so two workers' transactions take the rows' locks in the same order.
    for cell_key, n in sorted(counts.items(), key=lambda item: _key_order(item[0])):
        if n <= 0:
            continue
        statement = insert(table).values(**cell_key.model_dump(), n=n)
        statement = statement.on_conflict_do_update(
            index_elements=["week", "programme", "origin", "event", "detail"],
            set_={"n": table.c.n + statement.excluded.n},
        )
        session.exec(statement)  # type: ignore[call-overload]
    session.commit()


def _key_order(cell_key: UsageKey) -> tuple[str, ...]:
    return (
        cell_key.week.isoformat(),
        cell_key.programme,
        cell_key.origin,
        cell_key.event,
        cell_key.detail,
    )


def usage_cells(
    *,
    session: Session,
    programme: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[UsageCell]:
    """The counts of one programme (None: every programme) for the weeks from `since` to
    `until` (each a Monday, both included), oldest first."""
    query = select(UsageCount)
    if programme is not None:
        query = query.where(UsageCount.programme == programme)
    if since is not None:
        query = query.where(UsageCount.week >= since)
    if until is not None:
        query = query.where(UsageCount.week <= until)
    rows = session.exec(query.order_by(UsageCount.week, UsageCount.origin)).all()
    return [
        UsageCell(
            key=UsageKey(
                week=row.week,
                programme=row.programme,
                origin=row.origin,
                event=row.event,
                detail=row.detail,
            ),
            n=row.n,
        )
        for row in rows
    ]


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


def _dimensions() -> tuple[list[tuple[str, str]], dict[str, list[str]]]:
    """The insights' dimensions and the values of those with a fixed set of answers, from the
    profile's counted answers: what was recommended, what people answered, who answered, where.
    ("none": the question was not asked, or no recommendation was made.)"""
    counted = [a for a in ANSWERS.values() if a.counted_as is not None]
    ordered = [a for a in counted if a.question] + [a for a in counted if not a.question]
    dimensions = [("recommended", "Recommended exit point")]
    dimensions += [(a.id, a.counted_as) for a in ordered]  # type: ignore[misc]
    dimensions.append(("origin", "Where it was used"))
    fixed = {"recommended": [*EXIT_POINTS, "none"]}
    fixed |= {a.id: [*a.values, *(["none"] if a.need != "always" else [])] for a in ordered}
    return dimensions, fixed


# (id, label) of each dimension, weeks aside.
DIMENSIONS, FIXED_VALUES = _dimensions()
ANSWER_DIMENSIONS = frozenset(FIXED_VALUES) - {"recommended"}


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


def _of_programme(programme: str | None, default_programme: str | None) -> Any:
    """The saved results of `programme` (None: every one's); a result saved with no programme
    was the default programme's."""
    if programme is None:
        return true()
    if programme == default_programme:
        return or_(SavedResult.programme == programme, SavedResult.programme.is_(None))  # type: ignore[union-attr]
    return SavedResult.programme == programme


def insights(
    *, session: Session, programme: str | None = None, default_programme: str | None = None
) -> Insights:
    """Counts of saved assessments by exit point, role, stage, audience, origin and week, of
    one programme (None: every programme's); `default_programme` also takes the results saved
    before programmes were (their programme is NULL). The steps of STEP run per programme."""
    of_programme = _of_programme(programme, default_programme)
    saved = session.exec(select(func.count()).select_from(SavedResult).where(of_programme)).one()
    total = counted(saved)
    # The oldest `total` results: a newer save joins the counts only with a whole step.
    oldest = (
        select(SavedResult.id)
        .where(of_programme)
        .order_by(SavedResult.created_at, SavedResult.id)
        .limit(total)
        .scalar_subquery()
    )
    included = SavedResult.id.in_(oldest)
    counts: dict[str, dict[str, int]] = {}
    for field, _label in DIMENSIONS:
        column = (
            SavedResult.answers[field].as_string()
            if field in ANSWER_DIMENSIONS
            else getattr(SavedResult, field)
        )
        rows = session.exec(select(column, func.count()).where(included).group_by(column)).all()
        counts[field] = {(value if value is not None else "none"): n for value, n in rows}
    # Weeks (starting Monday, UTC), from per-day counts: portable across SQLite and PostgreSQL.
    created = SavedResult.created_at
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
    with Session(engine_for(url, CHORE_BUSY_TIMEOUT_S)) as session:
        removed = purge(session=session, older_than_days=settings.retention_days)
        plans = purge_plans(session=session)
    days = settings.retention_days
    print(f"Deleted {removed} assessment(s) older than {days} days from {shown}.")
    print(f"Deleted {plans} plan(s) past their expiry ({settings.plan_days} days) from {shown}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
