"""Saved assessments on SQLite and a real PostgreSQL: migrations, CRUD, purge, insights, API."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import datetime as dt
import io
import json
import os
import sqlite3
import subprocess
import sys
import uuid
import warnings
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, get_args

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, inspect, text
from sqlmodel import Session, SQLModel, select

from advisor import db, insights_report, rule_table, usage, usage_views
from advisor import profile as profile_model
from advisor.api import create_api
from advisor.content import Content
from advisor.engine import recommend
from advisor.profile import Profile
from advisor.ratelimit import Limits
from tests.utils.servers import serving_in_thread

with warnings.catch_warnings():
    # Starlette's TestClient warns that it will move to another HTTP client; it works as is.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
ASSESSMENTS = "/api/v1/assessments"
INSIGHTS = "/api/v1/insights"
ADMIN_TOKEN = "test-admin-token-of-some-length"
BASE = {
    "healthcare_background": True,
    "role": "major_teaching",
    "career_stage": "mid",
    "motivations": ["improve_teaching", "leadership"],
    "research_aim": "conduct_research",
    "workplace": "uk",
}
# Every column the table may have. A new column (a name, an IP address, free text) must be added
# here on purpose, after asking whether the advisor should keep it at all.
COLUMNS = {
    "id",
    "created_at",
    "answers",
    "recommended",
    "confidence",
    "evidence_version",
    "origin",
    "programme",
    "delete_token_hash",
}
# The result columns and the values each may hold.
ENUMERATED = {
    "recommended": {"certificate", "diploma", "masters", None},
    "confidence": set(rule_table.CONFIDENCES) | {None},
}
SMALL = db.SMALLEST_CELL


def answers(**changes: Any) -> dict[str, Any]:
    return {**BASE, **changes}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of the test's own: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'advisor.db'}"
        yield url
        db.engine_for(url).dispose()
        return
    cluster = request.getfixturevalue("postgres_cluster")
    name = f"test_{uuid.uuid4().hex[:16]}"
    url = cluster.create_database(name)
    yield url
    db.engine_for(url).dispose()
    cluster.drop_database(name)


@pytest.fixture
def engine(url: str) -> Engine:
    """The database at the newest schema, through the engine the app would use."""
    db.migrate(url)
    return db.engine_for(url)


def save(
    engine: Engine,
    content: Content,
    *,
    at: dt.datetime | None = None,
    origin: str = "advisor",
    programme: str | None = None,
    **changes: Any,
) -> tuple[db.SavedResult, str]:
    """Save one assessment as the app does, then (for tests of time) back-date it."""
    profile = Profile(**answers(**changes))
    with Session(engine, expire_on_commit=False) as session:
        record, token = db.save_result(
            session=session,
            profile=profile,
            result=recommend(profile, content.compiled_rules),
            origin=origin,
            programme=programme,
        )
        if at is not None:
            record.created_at = at
            session.add(record)
            session.commit()
            session.refresh(record)
        return record, token


def row_count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(db.SavedResult)).one()


def raw_rows(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(text("SELECT * FROM assessment"))]


def stored_answers(row: dict[str, Any]) -> dict[str, Any]:
    """A raw row's answers: JSON text from SQLite, already decoded from PostgreSQL."""
    value = row["answers"]
    return json.loads(value) if isinstance(value, str) else value


def cells(data: db.Insights, dimension: str) -> dict[str, tuple[int | None, bool]]:
    (found,) = [d for d in data.dimensions if d.id == dimension]
    return {cell.value: (cell.count, cell.suppressed) for cell in found.cells}


def shown(counts: dict[str, int]) -> dict[str, tuple[int | None, bool]]:
    """What the insights should show for these true counts: small cells suppressed."""
    return {value: (n if n >= SMALL else None, n < SMALL) for value, n in counts.items()}


def client(engine: Engine, content: Content, admin_token: str = ADMIN_TOKEN) -> TestClient:
    return TestClient(
        create_api(content, engine=engine, admin_token=admin_token),
        raise_server_exceptions=False,
    )


# ---------------------------------------------------------------------------------------------
# Migrations


def head_revision() -> str:
    config = db._alembic_config("sqlite://")
    return ScriptDirectory.from_config(config).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def test_migrate_creates_the_schema_on_an_empty_database(url):
    engine = db.engine_for(url)
    assert inspect(engine).get_table_names() == []
    db.migrate(url)
    inspector = inspect(engine)
    assert set(inspector.get_table_names()) == {
        "assessment",
        "plan",
        "usage_count",
        "alembic_version",
    }
    assert {ix["name"] for ix in inspector.get_indexes("plan")} == {"ix_plan_expires_at"}
    assert {ix["name"] for ix in inspector.get_indexes("assessment")} == {
        "ix_assessment_created_at",
        "ix_assessment_origin",
        "ix_assessment_programme",
    }
    assert current_revision(engine) == head_revision()


def test_migrating_twice_changes_nothing(engine, url, content):
    record, _ = save(engine, content)
    db.migrate(url)
    assert current_revision(engine) == head_revision()
    assert row_count(engine) == 1
    with Session(engine) as session:
        assert db.get_result(session=session, result_id=record.id) is not None


def test_migrated_schema_matches_the_models(engine):
    # What `alembic revision --autogenerate` would write: nothing, on either engine.
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert differences == []


# Rows as revision 0001 stored them, a column per answer.
OLD_ROWS = [
    {
        "audience": "supervisor",
        "healthcare_background": True,
        "role": "education_lead",
        "career_stage": "late",
        "motivations": "career_prospects,leadership",
        "research_aim": "doctorate",
        "workplace": "international",
        "recommended": "masters",
    },
    {
        "audience": "self",
        "healthcare_background": False,
        "role": None,
        "career_stage": None,
        "motivations": "",
        "research_aim": None,
        "workplace": None,
        "recommended": None,
    },
]


def test_answers_move_into_one_value_and_back(url):
    from alembic import command

    config = db._alembic_config(url)
    command.upgrade(config, "0001")
    engine = db.engine_for(url)
    ids = [uuid.uuid4() for _ in OLD_ROWS]
    with engine.begin() as conn:
        for row_id, row in zip(ids, OLD_ROWS, strict=True):
            conn.execute(
                text(
                    "INSERT INTO assessment (id, created_at, audience, healthcare_background, "
                    "role, career_stage, motivations, research_aim, workplace, recommended, "
                    "confidence, evidence_version, origin, delete_token_hash) VALUES (:id, "
                    ":at, :audience, :healthcare_background, :role, :career_stage, "
                    ":motivations, :research_aim, :workplace, :recommended, NULL, 'v', 'api', "
                    "'h')"
                ),
                {
                    **row,
                    "id": row_id if engine.dialect.name == "postgresql" else row_id.hex,
                    "at": db.utcnow(),
                },
            )
    db.migrate(url)
    with Session(engine) as session:
        profiles = [db.get_result(session=session, result_id=i).profile() for i in ids]
    assert profiles[0] == Profile(
        audience="supervisor",
        healthcare_background=True,
        role="education_lead",
        career_stage="late",
        motivations=("career_prospects", "leadership"),
        research_aim="doctorate",
        workplace="international",
    )
    assert profiles[1] == Profile(healthcare_background=False)
    # The way back restores each column as it was.
    command.downgrade(config, "0001")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM assessment")).mappings().all()
    columns = [k for k in OLD_ROWS[0] if k != "recommended"]
    back = sorted(({k: row[k] for k in columns} for row in rows), key=lambda r: r["audience"])
    expected = sorted(({k: r[k] for k in columns} for r in OLD_ROWS), key=lambda r: r["audience"])
    assert [{**r, "healthcare_background": bool(r["healthcare_background"])} for r in back] == (
        expected
    )


def test_sqlite_runs_in_wal_mode(tmp_path):
    path = tmp_path / "advisor.db"
    url = f"sqlite:///{path}"
    db.migrate(url)
    try:
        with db.engine_for(url).connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        db.engine_for(url).dispose()
    # WAL is a property of the file: a plain connection, without the engine's hook, sees it too.
    with contextlib.closing(sqlite3.connect(path)) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


# ---------------------------------------------------------------------------------------------
# Save, get, delete


def test_saved_assessment_reads_back(engine, content):
    record, token = save(engine, content, audience="supervisor", workplace="international")
    with Session(engine) as session:
        got = db.get_result(session=session, result_id=record.id)
    assert got is not None
    assert got.profile() == Profile(**answers(audience="supervisor", workplace="international"))
    assert got.recommended == recommend(got.profile(), content.compiled_rules).recommended
    assert got.origin == "advisor"
    assert got.created_utc().tzinfo is not None
    assert abs(got.created_utc() - db.utcnow()) < dt.timedelta(minutes=1)


def test_delete_needs_the_right_token(engine, content):
    record, token = save(engine, content)
    other, _ = save(engine, content)
    with Session(engine) as session:
        outcome = db.delete_result(session=session, result_id=record.id, token="wrong")
        assert outcome == "forbidden"
    with Session(engine) as session:
        assert db.get_result(session=session, result_id=record.id) is not None
        # Another record's token is as wrong as any other.
        _, other_token = save(engine, content)
        outcome = db.delete_result(session=session, result_id=record.id, token=other_token)
        assert outcome == "forbidden"
    with Session(engine) as session:
        assert db.delete_result(session=session, result_id=record.id, token=token) == ("deleted")
    with Session(engine) as session:
        assert db.get_result(session=session, result_id=record.id) is None
        assert db.get_result(session=session, result_id=other.id) is not None
        unknown = uuid.uuid4()
        assert db.delete_result(session=session, result_id=unknown, token=token) == ("not_found")
    assert row_count(engine) == 2


def test_only_enumerated_answers_are_stored(engine, content):
    _, token = save(engine, content, motivations=["leadership", "career_prospects"])
    save(engine, content, healthcare_background=False, role=None, career_stage=None,
         research_aim=None, workplace=None, motivations=[])  # fmt: skip
    assert {c["name"] for c in inspect(engine).get_columns("assessment")} == COLUMNS
    rows = raw_rows(engine)
    assert len(rows) == 2
    for row in rows:
        assert set(row) == COLUMNS
        for column, allowed in ENUMERATED.items():
            assert row[column] in allowed, column
        # The answers: exactly the profile's, each one of its question's options (or none).
        stored = stored_answers(row)
        assert set(stored) == set(profile_model.ANSWERS)
        for name, answer in profile_model.ANSWERS.items():
            value = stored[name]
            if answer.kind == "multiple":
                assert set(value) <= set(answer.values), name
            else:
                assert value in answer.values or (value is None and answer.need != "always"), name
        # The delete token itself is never stored, only its hash.
        assert token not in {str(value) for value in row.values()}
    assert {stored_answers(row)["healthcare_background"] for row in rows} == {True, False}


def test_ids_are_random_uuid4(engine, content):
    ids = [save(engine, content)[0].id for _ in range(20)]
    assert len(set(ids)) == 20
    assert {i.version for i in ids} == {4}


# ---------------------------------------------------------------------------------------------
# Purge


def test_purge_deletes_only_what_is_older_than_the_retention(engine, content):
    now = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)
    ages = {"old": 400, "just-old": 366, "just-kept": 364, "new": 1}
    ids = {
        name: save(engine, content, at=now - dt.timedelta(days=days))[0].id
        for name, days in ages.items()
    }
    with Session(engine) as session:
        assert db.purge(session=session, older_than_days=365, now=now) == 2
    with Session(engine) as session:
        kept = {name for name, i in ids.items() if db.get_result(session=session, result_id=i)}
    assert kept == {"just-kept", "new"}
    with Session(engine) as session:
        assert db.purge(session=session, older_than_days=365, now=now) == 0


# ---------------------------------------------------------------------------------------------
# Plans made together: the table, its migration, expiry and purge

# Every column a plan may have: the two seats' enumerated answers, when each was sent, hashes of
# the two tokens and the plan's own dates. A new one must be added here on purpose.
PLAN_COLUMNS = {
    "id",
    "created_at",
    "expires_at",
    "supervisor_token_hash",
    "colleague_token_hash",
    "supervisor_answers",
    "colleague_answers",
    "supervisor_done_at",
    "colleague_done_at",
}


def make_plan(engine: Engine, *, at: dt.datetime | None = None, days: int = 30):
    with Session(engine, expire_on_commit=False) as session:
        return db.create_plan(session=session, days=days, now=at)


def plan_ids(engine: Engine) -> set[uuid.UUID]:
    with Session(engine) as session:
        return set(session.exec(select(db.Plan.id)).all())


# A result as revision 0002 stored it, written in SQL: the models are the newest schema's.
ROW_0002 = "id, created_at, answers, recommended, confidence, evidence_version, origin, "
ROW_0002 += "delete_token_hash"
PLAN_ROW = "id, created_at, expires_at, supervisor_token_hash, colleague_token_hash"
PLAN_VALUES = "'00000000000000000000000000000001', '2026-01-01', '2026-02-01', 'a', 'b'"


SQL_TYPES = {"id": "UUID", "created_at": "TIMESTAMP WITH TIME ZONE", "answers": "JSON"}


def save_at_0002(engine, content) -> uuid.UUID:
    record_id = uuid.uuid4()
    profile = Profile(**BASE)
    result = recommend(profile, content.compiled_rules)
    values = {
        "id": record_id.hex,
        "created_at": db.utcnow(),
        "answers": json.dumps(profile.model_dump(mode="json")),
        "recommended": result.recommended,
        "confidence": result.confidence,
        "evidence_version": result.evidence_version,
        "origin": "api",
        "delete_token_hash": "0" * 64,
    }
    names = ", ".join(f"CAST(:{name} AS {SQL_TYPES.get(name, 'VARCHAR')})" for name in values)
    if engine.dialect.name == "sqlite":
        names = ", ".join(f":{name}" for name in values)
    with Session(engine) as session:
        session.exec(
            text(f"INSERT INTO assessment ({ROW_0002}) VALUES ({names})").bindparams(**values)
        )
        session.commit()
    return record_id


def test_plan_migration_goes_up_and_down(url, content):
    from alembic import command

    config = db._alembic_config(url)
    command.upgrade(config, "0002")
    engine = db.engine_for(url)
    assert "plan" not in inspect(engine).get_table_names()
    record_id = save_at_0002(engine, content)
    command.upgrade(config, "0003")
    inspector = inspect(engine)
    assert {c["name"] for c in inspector.get_columns("plan")} == PLAN_COLUMNS
    assert {ix["name"] for ix in inspector.get_indexes("plan")} == {"ix_plan_expires_at"}
    with Session(engine) as session:
        session.exec(text(f"INSERT INTO plan ({PLAN_ROW}) VALUES ({PLAN_VALUES})"))
        session.commit()
    # Down: the plans go, the saved assessments stay.
    command.downgrade(config, "0002")
    inspector = inspect(engine)
    assert "plan" not in inspector.get_table_names()
    assert current_revision(engine) == "0002"
    with engine.connect() as conn:
        kept = conn.execute(text("SELECT COUNT(*) FROM assessment")).scalar()
    assert kept == 1 and record_id
    # And up again, empty.
    db.migrate(url)
    assert current_revision(engine) == head_revision()
    assert plan_ids(engine) == set()


def test_a_plan_keeps_only_enumerated_answers_dates_and_token_hashes(engine):
    plan, tokens = make_plan(engine)
    supervisor = Profile(**answers(audience="supervisor"))
    with Session(engine, expire_on_commit=False) as session:
        db.put_plan_answers(session=session, plan_id=plan.id, seat="supervisor", profile=supervisor)
    with engine.connect() as conn:
        (row,) = conn.execute(text("SELECT * FROM plan")).mappings().all()
    assert set(row) == PLAN_COLUMNS
    assert stored_answers({"answers": row["supervisor_answers"]}) == supervisor.model_dump(
        mode="json"
    )
    # Not sent yet is SQL NULL, not JSON's null.
    with engine.connect() as conn:
        empty = conn.execute(text("SELECT COUNT(*) FROM plan WHERE colleague_answers IS NULL"))
        assert empty.scalar() == 1
    assert row["colleague_done_at"] is None and row["supervisor_done_at"] is not None
    for token in tokens.values():
        assert token not in {str(value) for value in row.values()}
    assert {row["supervisor_token_hash"], row["colleague_token_hash"]} == {
        db._hash(t) for t in tokens.values()
    }


def test_open_plan_knows_each_seat_and_nothing_else(engine):
    plan, tokens = make_plan(engine)
    other, other_tokens = make_plan(engine)
    with Session(engine) as session:
        for seat, token in tokens.items():
            opened = db.open_plan(session=session, plan_id=plan.id, token=token)
            assert opened is not None and opened[1] == seat
        for token in (*other_tokens.values(), "", None, "x" * 43, tokens["colleague"] * 2):
            assert db.open_plan(session=session, plan_id=plan.id, token=token) is None
        assert db.open_plan(session=session, plan_id=None, token=tokens["colleague"]) is None
        later = plan.expires_utc()
        gone = db.open_plan(session=session, plan_id=plan.id, token=tokens["colleague"], now=later)
        assert gone is None
        assert (
            db.open_plan(
                session=session,
                plan_id=plan.id,
                token=tokens["colleague"],
                now=later - dt.timedelta(microseconds=1),
            )
            is not None
        )
    assert other.id != plan.id


def test_purge_plans_removes_expired_plans_only(engine, content):
    now = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)
    plans = {
        "long-gone": make_plan(engine, at=now - dt.timedelta(days=90))[0].id,
        "just-expired": make_plan(engine, at=now - dt.timedelta(days=30))[0].id,
        "expires-soon": make_plan(engine, at=now - dt.timedelta(days=29))[0].id,
        "new": make_plan(engine, at=now)[0].id,
        "short": make_plan(engine, at=now - dt.timedelta(days=2), days=1)[0].id,
    }
    saved, _ = save(engine, content, at=now - dt.timedelta(days=100))
    with Session(engine) as session:
        assert db.purge_plans(session=session, now=now) == 3
    names = {name for name, i in plans.items() if i in plan_ids(engine)}
    assert names == {"expires-soon", "new"}
    with Session(engine) as session:
        assert db.purge_plans(session=session, now=now) == 0
        assert db.get_result(session=session, result_id=saved.id) is not None


def test_make_purge_removes_expired_plans_and_keeps_live_ones(engine, url, content):
    expired, _ = make_plan(engine, at=db.utcnow() - dt.timedelta(days=31))
    live, tokens = make_plan(engine)
    old, _ = save(engine, content, at=db.utcnow() - dt.timedelta(days=400))
    kept, _ = save(engine, content)
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("ADVISOR_")},
        "ADVISOR_DATABASE_URL": url,
        "ADVISOR_PLAN_DAYS": "30",
    }
    done = subprocess.run(
        [sys.executable, "-m", "advisor.db", "purge"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Deleted 1 plan(s) past their expiry" in done.stdout
    assert "Deleted 1 assessment(s)" in done.stdout
    assert plan_ids(engine) == {live.id}
    with Session(engine) as session:
        assert db.get_result(session=session, result_id=old.id) is None
        assert db.get_result(session=session, result_id=kept.id) is not None
        assert db.open_plan(session=session, plan_id=live.id, token=tokens["colleague"])


def test_plan_days_come_from_the_environment(monkeypatch):
    from pydantic import ValidationError

    from advisor.settings import Settings

    monkeypatch.delenv("ADVISOR_PLAN_DAYS", raising=False)
    assert Settings().plan_days == 30
    monkeypatch.setenv("ADVISOR_PLAN_DAYS", "7")
    assert Settings().plan_days == 7
    for wrong in ("0", "-3", "seven", "100000"):
        monkeypatch.setenv("ADVISOR_PLAN_DAYS", wrong)
        with pytest.raises(ValidationError):
            Settings()


# ---------------------------------------------------------------------------------------------
# Insights


def true_counts(monkeypatch) -> list[tuple[int, dict[str, dict[str, int]]]]:
    """What db.insights hands to db.publish: the exact counts, before any range is applied."""
    seen: list[tuple[int, dict[str, dict[str, int]]]] = []
    publish = db.publish

    def spy(total: int, counts: dict[str, dict[str, int]]) -> db.Insights:
        seen.append((total, counts))
        return publish(total, counts)

    monkeypatch.setattr(db, "publish", spy)
    return seen


def test_insights_count_the_oldest_whole_steps_and_show_ranges(engine, content, monkeypatch):
    start = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    made = (
        [answers()] * 6
        + [answers(role="trainee", career_stage="early")] * 2
        + [answers(audience="supervisor", role="education_lead", career_stage="late")]
        + [answers()]
        # The two newest wait for three more saves before they are counted.
        + [answers(role="trainee", career_stage="early")] * 2
    )
    origins = ["advisor"] * 7 + ["https://www.example.ac.uk"] * 5
    for i, (body, origin) in enumerate(zip(made, origins, strict=True)):
        save(engine, content, origin=origin, at=start + dt.timedelta(minutes=i), **body)
    seen = true_counts(monkeypatch)
    with Session(engine) as session:
        data = db.insights(session=session)

    assert (data.total, data.total_suppressed, data.step) == (10, False, 5)
    counted = [Profile(**body) for body in made[:10]]
    total, counts = seen[-1]
    assert total == 10
    assert counts["role"] == dict(Counter(p.role for p in counted))
    assert counts["origin"] == {"advisor": 7, "https://www.example.ac.uk": 3}
    assert counts["week"] == {"2026-03-02": 10}
    # Spelled out once, so a test cannot pass by computing the same mistake as the code.
    assert cells(data, "role") == {
        "trainee": (None, True),
        "minor_teaching": (None, True),
        "major_teaching": (5, False),
        "education_lead": (None, True),
        "education_researcher": (None, True),
        "none": (None, True),
    }
    assert cells(data, "origin") == {"advisor": (5, False), "other": (None, True)}
    (role,) = [d for d in data.dimensions if d.id == "role"]
    assert [cell.at_most for cell in role.cells] == [4, 4, 9, 4, 4, 4]


def test_a_small_total_is_suppressed(engine, content):
    for _ in range(SMALL - 1):
        save(engine, content)
    with Session(engine) as session:
        data = db.insights(session=session)
    assert (data.total, data.total_suppressed) == (None, True)
    assert data.dimensions == []  # nothing is counted before the first whole step


def test_weeks_start_on_monday_in_utc(engine, content, monkeypatch):
    monday = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    assert monday.weekday() == 0
    times = [
        monday + dt.timedelta(hours=10),
        monday + dt.timedelta(hours=11),
        monday + dt.timedelta(days=2, hours=9),
        monday + dt.timedelta(days=2, hours=15),
        # The last minutes of Sunday (UTC) belong to the week that began on the Monday before;
        # on a server whose clock is not UTC, the next two are still Sunday in local time.
        monday + dt.timedelta(days=6, hours=23, minutes=30),
        monday + dt.timedelta(days=7, minutes=30),
        monday + dt.timedelta(days=11, hours=12),
    ]
    times += [monday + dt.timedelta(days=12, hours=h) for h in range(3)]
    for at in times:
        save(engine, content, at=at)
    seen = true_counts(monkeypatch)
    with Session(engine) as session:
        data = db.insights(session=session)
    assert seen[-1][1]["week"] == {"2026-03-02": 5, "2026-03-09": 5}
    # Exactly 5 and 5 would show as "5 to 9" twice and an empty "other": pinned, so withheld.
    (week,) = [d for d in data.dimensions if d.id == "week"]
    assert week.withheld and week.cells == []


def test_csv_says_which_cells_are_suppressed(engine, content):
    for body in [answers()] * 7 + [answers(role="trainee", career_stage="early")] * 3:
        save(engine, content, **body)
    with Session(engine) as session:
        lines = insights_report.saved_lines(db.insights(session=session), content)
    table = list(csv.reader(io.StringIO(usage_views.csv_text(lines), newline="")))
    assert table[0] == list(usage_views.CSV_HEADER)
    by_cell = {
        (section, row): (count, shown, mark) for section, row, _, count, shown, mark in table[1:]
    }
    role = "Saved results: " + dict(db.DIMENSIONS)["role"]
    stage = "Saved results: " + dict(db.DIMENSIONS)["career_stage"]
    assert by_cell[(role, "A large teaching role")] == ("5", "5 to 9", "no")
    assert by_cell[(role, "Trainee who teaches")] == ("", f"fewer than {SMALL}", "yes")
    assert by_cell[(stage, "Early")] == ("", f"fewer than {SMALL}", "yes")
    # Every one from the advisor: "10 to 14" beside an empty "other" would say exactly 10.
    assert by_cell[("Saved results: " + dict(db.DIMENSIONS)["origin"], "")][2] == "withheld"
    assert by_cell[("Saved results: total", "Saved results counted")] == ("10", "", "no")


# ---------------------------------------------------------------------------------------------
# The API in-process, against each engine


def test_api_saves_reads_and_deletes(engine, content):
    api = client(engine, content)
    response = api.post(ASSESSMENTS, json=answers())
    assert response.status_code == 201, response.text
    saved = response.json()
    assessment_id = saved["id"]
    assert uuid.UUID(assessment_id).version == 4
    assert saved["share_path"] == f"/r/{assessment_id}"
    assert saved["delete_token"]
    assert (
        saved["result"]["recommended"]
        == recommend(Profile(**answers()), content.compiled_rules).recommended
    )

    got = api.get(f"{ASSESSMENTS}/{assessment_id}")
    assert got.status_code == 200
    assert got.json()["answers"] == Profile(**answers()).model_dump(mode="json")

    path = f"{ASSESSMENTS}/{assessment_id}"
    assert api.delete(path).status_code == 403
    assert api.delete(path, headers={"X-Delete-Token": "wrong"}).status_code == 403
    assert api.get(path).status_code == 200
    assert row_count(engine) == 1
    assert api.delete(path, headers={"X-Delete-Token": saved["delete_token"]}).status_code == 204
    assert api.get(path).status_code == 404
    assert api.delete(path, headers={"X-Delete-Token": saved["delete_token"]}).status_code == 404
    assert row_count(engine) == 0


def test_api_delete_accepts_the_token_in_the_query(engine, content):
    api = client(engine, content)
    saved = api.post(ASSESSMENTS, json=answers()).json()
    path = f"{ASSESSMENTS}/{saved['id']}"
    assert api.delete(path, params={"token": "wrong"}).status_code == 403
    assert api.delete(path, params={"token": saved["delete_token"]}).status_code == 204
    assert row_count(engine) == 0


def test_api_names_an_invalid_id(engine, content):
    response = client(engine, content).get(f"{ASSESSMENTS}/not-a-uuid")
    assert response.status_code == 422
    assert [problem["field"] for problem in response.json()["detail"]] == ["assessment_id"]


def test_api_refuses_anything_but_the_answers(engine, content):
    response = client(engine, content).post(ASSESSMENTS, json=answers(name="Dr A. Person"))
    assert response.status_code == 422
    assert [problem["field"] for problem in response.json()["detail"]] == ["name"]
    assert row_count(engine) == 0


@pytest.mark.parametrize(
    ("header", "recorded"),
    [
        ("https://www.example.ac.uk", "https://www.example.ac.uk"),
        ("http://localhost:3000", "http://localhost:3000"),
        ("https://Apply.Example.AC.UK", "https://apply.example.ac.uk"),
        (None, "api"),
        ("null", "api"),
        ("https://www.example.ac.uk/path", "api"),
        ("javascript:alert(1)", "api"),
        ("https://" + "a" * 260 + ".org", "api"),
    ],
)
def test_api_records_a_valid_origin_or_api(engine, content, header, recorded):
    headers = {"Origin": header} if header is not None else {}
    response = client(engine, content).post(ASSESSMENTS, json=answers(), headers=headers)
    assert response.status_code == 201
    assert [row["origin"] for row in raw_rows(engine)] == [recorded]


def test_insights_api_is_disabled_without_a_token(engine, content):
    api = client(engine, content, admin_token="")
    for path in (INSIGHTS, f"{INSIGHTS}.csv"):
        response = api.get(path, headers={"Authorization": "Bearer anything"})
        assert response.status_code == 503
        assert "ADVISOR_ADMIN_TOKEN" in response.json()["detail"]


def test_insights_api_needs_the_token(engine, content):
    api = client(engine, content)
    for _ in range(7):
        assert api.post(ASSESSMENTS, json=answers()).status_code == 201
    for _ in range(3):
        assert api.post(ASSESSMENTS, json=answers(role="trainee")).status_code == 201
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": ADMIN_TOKEN}):
        for path in (INSIGHTS, f"{INSIGHTS}.csv"):
            assert api.get(path, headers=headers).status_code == 401, (path, headers)

    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    response = api.get(INSIGHTS, headers=admin)
    assert response.status_code == 200
    data = db.Insights.model_validate(response.json()["saved"])
    assert (data.total, data.total_suppressed) == (10, False)
    role = cells(data, "role")
    assert role["major_teaching"] == (5, False) and role["trainee"] == (None, True)
    (origin,) = [d for d in data.dimensions if d.id == "origin"]
    assert origin.withheld and origin.cells == []

    response = api.get(f"{INSIGHTS}.csv", headers=admin)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.text)))
    role = "Saved results: " + dict(db.DIMENSIONS)["role"]
    assert [role, "A large teaching role", "", "5", "5 to 9", "no"] in lines
    assert [role, "Trainee who teaches", "", "", f"fewer than {SMALL}", "yes"] in lines


# ---------------------------------------------------------------------------------------------
# Concurrent saves through a real server

CONCURRENT = 50


async def post_all(base: str, bodies: list[dict[str, Any]]) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=len(bodies))
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        return await asyncio.gather(*(http.post(ASSESSMENTS, json=body) for body in bodies))


# ---------------------------------------------------------------------------------------------
# Programmes and the anonymous counts, on both databases


def test_counts_add_up_per_programme_and_week_from_threads_at_once(engine):
    monday = dt.date(2026, 3, 2)
    counts = {
        usage.key(at=monday, programme="dundee", origin="advisor", event="started"): 1,
        usage.key(at=monday, programme="northfield", origin="advisor", event="started"): 2,
        usage.key(
            at=monday + dt.timedelta(days=7),
            programme="dundee",
            origin="api",
            event="reached",
            step="role",
        ): 3,
    }

    def add(_: int) -> None:
        for _ in range(10):
            db.in_session(lambda s: db.add_counts(session=s, counts=counts), engine)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(add, range(4)))

    def found(**filters: Any) -> dict[tuple[str, str, str], int]:
        cells = db.in_session(lambda s: db.usage_cells(session=s, **filters), engine)
        return {(c.key.week.isoformat(), c.key.programme, c.key.event): c.n for c in cells}

    assert found() == {
        ("2026-03-02", "dundee", "started"): 40,
        ("2026-03-02", "northfield", "started"): 80,
        ("2026-03-09", "dundee", "reached"): 120,
    }
    assert found(programme="northfield") == {("2026-03-02", "northfield", "started"): 80}
    assert found(programme="dundee", since=monday + dt.timedelta(days=7)) == {
        ("2026-03-09", "dundee", "reached"): 120
    }
    assert found(until=monday, programme="dundee") == {("2026-03-02", "dundee", "started"): 40}


def test_saved_results_count_per_programme_and_unnamed_ones_are_the_defaults(engine, content):
    for programme in [None] * 3 + ["dundee"] * 2 + ["northfield"] * 6:
        save(engine, content, programme=programme)

    def total(programme: str | None) -> int | None:
        with Session(engine) as session:
            data = db.insights(session=session, programme=programme, default_programme="dundee")
        return data.total

    # The three saved before programmes were belong to the default: 5 in all, one step.
    assert total("dundee") == 5
    assert total("northfield") == 5  # 6 counts as one whole step
    assert total("elsewhere") is None
    assert total(None) == 10  # every programme's 11, in whole steps


def test_concurrent_saves_all_land(engine, content):
    roles = get_args(profile_model.Role)
    bodies = [answers(role=roles[i % len(roles)]) for i in range(CONCURRENT)]
    # All from one address, as fast as it can: more than one client's allowance.
    api = create_api(
        content,
        engine=engine,
        admin_token=ADMIN_TOKEN,
        limits=Limits.create(saves_per_minute=CONCURRENT),
    )
    with serving_in_thread(api) as base:
        # In a thread of its own: the browser tests' sync Playwright keeps an event loop running
        # in the main thread for the whole session, and asyncio.run refuses to nest in it.
        with ThreadPoolExecutor(1) as pool:
            responses = pool.submit(asyncio.run, post_all(base, bodies)).result()
        assert [r.status_code for r in responses] == [201] * CONCURRENT, [
            r.text for r in responses if r.status_code != 201
        ]
        ids = {r.json()["id"] for r in responses}
        assert len(ids) == CONCURRENT
        with httpx.Client(base_url=base, timeout=30) as http:
            for i in ids:
                assert http.get(f"{ASSESSMENTS}/{i}").status_code == 200
    assert row_count(engine) == CONCURRENT
    stored = Counter(stored_answers(row)["role"] for row in raw_rows(engine))
    assert stored == Counter(b["role"] for b in bodies)
