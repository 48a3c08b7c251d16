"""A database in trouble, for real: locked by another process, read-only for a while, deleted
under the app. Saves never hold the event loop, answer "busy" within seconds, recover without a
restart, and are acknowledged only once they are in the file the app reads later."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import shutil
import sqlite3
import time
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from reflex.istate.data import RouterData
from sqlalchemy import Engine, event
from sqlmodel import Session

from advisor import db
from advisor.api import create_api
from advisor.engine import recommend
from advisor.pages.saved import DeleteState, SavedState
from advisor.profile import Profile
from advisor.runtime import CONTENT
from advisor.settings import settings
from advisor.state import BUSY, AnswersState
from tests.utils.async_calls import call
from tests.utils.db_faults import postgresql_table_locked, read_only, sqlite_locked
from tests.utils.servers import free_port

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ASSESSMENTS = "/api/v1/assessments"
READY = "/api/v1/ready"
BODY = {
    "healthcare_background": True,
    "role": "major_teaching",
    "career_stage": "mid",
    "motivations": ["improve_teaching"],
    "research_aim": "apply_evidence",
    "workplace": "uk",
}
ANSWERS = (
    "audience=self&healthcare_background=yes&role=major_teaching&career_stage=mid"
    "&motivations=improve_teaching&research_aim=apply_evidence&workplace=uk"
)
# "Within a few seconds": the busy timeout (3 s by default) and a margin for a slow machine.
BUSY_WITHIN_S = settings.database_busy_timeout + 2.0


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Iterator[Path]:
    """A migrated SQLite file in a folder of its own, as data/advisor.db is."""
    path = tmp_path / "data" / "advisor.db"
    db.migrate(f"sqlite:///{path}")
    # `make run` migrates in a process of its own: the app starts with no connection open.
    db.engine_for(f"sqlite:///{path}").dispose()
    yield path
    db.engine_for(f"sqlite:///{path}").dispose()


def engine_of(path: Path) -> Engine:
    return db.engine_for(f"sqlite:///{path}")


def api(engine: Engine) -> TestClient:
    return TestClient(create_api(CONTENT, engine=engine), raise_server_exceptions=False)


def rows_in(path: Path) -> set[str]:
    """The ids saved in the file at `path`, read with a connection of its own."""
    with contextlib.closing(sqlite3.connect(path)) as raw:
        return {uuid.UUID(row[0]).hex for row in raw.execute("SELECT id FROM assessment")}


def timed(call_it):
    began = time.monotonic()
    outcome = call_it()
    return outcome, time.monotonic() - began


def assert_unavailable(response, *words: str) -> None:
    assert response.status_code == 503, (response.status_code, response.text)
    assert int(response.headers["retry-after"]) > 0
    detail = response.json()["detail"]
    for word in words:
        assert word in detail, detail


# --- Point 4: a locked database is "busy" within seconds, off the event loop ----------------


async def save_while_the_loop_ticks(state: AnswersState) -> float:
    """Run the save handler as Reflex runs it, on the event loop, beside a ticker; return the
    longest the loop went without ticking (what every other open page would have waited)."""
    longest, ticking = 0.0, True

    async def tick() -> None:
        nonlocal longest
        last = time.monotonic()
        while ticking:
            await asyncio.sleep(0.02)
            now = time.monotonic()
            longest, last = max(longest, now - last), now

    ticker = asyncio.create_task(tick())
    await asyncio.sleep(0.05)
    try:
        outcome = state.save_result()
        if inspect.isawaitable(outcome):  # a sync handler has already done its work, on the loop
            await outcome
    finally:
        ticking = False
        await ticker
    return longest


@pytest.mark.slow
def test_the_web_save_of_a_locked_database_says_busy_without_holding_the_loop(
    sqlite_file, monkeypatch
):
    monkeypatch.setattr(db, "default_engine", lambda: engine_of(sqlite_file))
    state = AnswersState()
    state.stored = ANSWERS

    with sqlite_locked(sqlite_file):
        stalled, took = timed(lambda: call(save_while_the_loop_ticks(state)))

    assert stalled < 0.5, f"the event loop stood still for {stalled:.1f} s"
    assert took < BUSY_WITHIN_S, f"the person waited {took:.1f} s for 'busy'"
    assert state.save_error == BUSY and state.saved_id == ""
    # Once the lock is gone, the same click saves.
    call(state.save_result())
    assert state.saved_id and state.save_error == ""
    assert uuid.UUID(state.saved_id).hex in rows_in(sqlite_file)


@pytest.mark.slow
def test_the_api_answers_503_busy_within_seconds_while_another_process_writes(sqlite_file):
    client = api(engine_of(sqlite_file))
    saved = client.post(ASSESSMENTS, json=BODY).json()
    with sqlite_locked(sqlite_file):
        response, took = timed(lambda: client.post(ASSESSMENTS, json=BODY))
        assert_unavailable(response, "could not be saved", "busy")
        assert response.headers["retry-after"] == "2"
        assert took < BUSY_WITHIN_S, took
        delete, took = timed(
            lambda: client.delete(
                f"{ASSESSMENTS}/{saved['id']}", headers={"X-Delete-Token": saved["delete_token"]}
            )
        )
        assert_unavailable(delete, "could not be deleted", "busy")
        assert took < BUSY_WITHIN_S, took
        ready = client.get(READY)
        assert_unavailable(ready, "busy")
        # WAL: readers go on while the writer holds its lock.
        assert client.get(f"{ASSESSMENTS}/{saved['id']}").status_code == 200
    assert client.post(ASSESSMENTS, json=BODY).status_code == 201
    assert client.get(READY).json()["status"] == "ready"


# --- Point 5: read-only for a while, then writable again: the next save works ---------------


def test_after_the_file_was_read_only_the_next_save_works(sqlite_file):
    engine = engine_of(sqlite_file)
    client = api(engine)
    with read_only(sqlite_file):
        # Every connection opened now opens the file read-only (a worker started meanwhile).
        refused = client.post(ASSESSMENTS, json=BODY)
        assert_unavailable(refused, "could not be saved", "read-only")
        assert_unavailable(client.get(READY), "read-only")
        # Reads still work from a read-only file, and leave their connection in the pool.
        assert client.get(f"{ASSESSMENTS}/{uuid.uuid4()}").status_code == 404
    response = client.post(ASSESSMENTS, json=BODY)
    assert response.status_code == 201, response.text
    assert uuid.UUID(response.json()["id"]).hex in rows_in(sqlite_file)
    assert client.get(READY).status_code == 200


def test_the_web_save_says_read_only_and_then_works(sqlite_file, monkeypatch):
    monkeypatch.setattr(db, "default_engine", lambda: engine_of(sqlite_file))
    state = AnswersState()
    state.stored = ANSWERS
    with read_only(sqlite_file):
        call(state.save_result())
        assert "read-only" in state.save_error and state.saved_id == ""
    call(state.save_result())
    assert state.saved_id and state.save_error == ""


def test_a_saved_result_stays_on_show_when_an_answer_changes_after_saving(sqlite_file, monkeypatch):
    # The delete link is shown once: answering the readiness check (or changing any answer)
    # after saving must not take it away; the panel says it is older, and saving again works.
    monkeypatch.setattr(db, "default_engine", lambda: engine_of(sqlite_file))
    state = AnswersState()
    state.stored = ANSWERS
    call(state.save_result())
    first, token = state.saved_id, state.saved_token
    assert first and not state.saved_outdated
    call(state.save_result())  # the same answers again: nothing new is saved
    assert (state.saved_id, state.saved_token) == (first, token)
    state.set_readiness("support", "no")
    assert (state.saved_id, state.saved_token) == (first, token)
    assert state.saved_outdated
    call(state.save_result())
    assert state.saved_id not in ("", first) and not state.saved_outdated
    assert rows_in(sqlite_file) == {uuid.UUID(first).hex, uuid.UUID(state.saved_id).hex}


# --- Point 6: acknowledged only when durable --------------------------------------------------


def test_a_save_into_a_deleted_folder_is_refused_until_it_is_restored(sqlite_file):
    client = api(engine_of(sqlite_file))
    assert client.post(ASSESSMENTS, json=BODY).status_code == 201  # a connection is pooled
    shutil.rmtree(sqlite_file.parent)

    response = client.post(ASSESSMENTS, json=BODY)
    assert_unavailable(response, "could not be saved")
    assert_unavailable(client.get(READY), "cannot be opened")
    assert not sqlite_file.parent.exists(), "the app must not quietly start an empty database"

    # Whoever restores it (here: the migrations, as `make run` applies them) ends the outage.
    db.migrate(f"sqlite:///{sqlite_file}")
    assert client.get(READY).status_code == 200
    response = client.post(ASSESSMENTS, json=BODY)
    assert response.status_code == 201, response.text
    assert rows_in(sqlite_file) == {uuid.UUID(response.json()["id"]).hex}


def test_a_save_whose_file_is_deleted_before_its_commit_is_not_acknowledged(sqlite_file):
    engine = engine_of(sqlite_file)
    profile = Profile(**BODY)
    with Session(engine, expire_on_commit=False) as session:
        event.listen(session, "before_commit", lambda _: shutil.rmtree(sqlite_file.parent))
        with pytest.raises(db.DatabaseUnavailable) as raised:
            db.save_result(
                session=session,
                profile=profile,
                result=recommend(profile, CONTENT.compiled_rules),
                origin="api",
            )
    assert raised.value.fault == "gone"


def test_sqlite_syncs_every_commit():
    # FULL: a committed save survives a power cut in WAL mode, not only a crash of the process.
    with db.engine_for("sqlite://").connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2


# --- PostgreSQL ------------------------------------------------------------------------------


@pytest.fixture
def postgresql_database(postgres_cluster) -> Iterator[str]:
    name = f"faults_{uuid.uuid4().hex[:12]}"
    url = postgres_cluster.create_database(name)
    db.migrate(url)
    db.engine_for(url).dispose()
    yield url
    db.engine_for(url).dispose()
    postgres_cluster.drop_database(name)


def test_a_locked_postgresql_table_answers_busy_within_seconds(postgresql_database):
    client = api(db.engine_for(postgresql_database))
    assert client.post(ASSESSMENTS, json=BODY).status_code == 201
    with postgresql_table_locked(postgresql_database, "assessment", hold_s=15):
        response, took = timed(lambda: client.post(ASSESSMENTS, json=BODY))
        assert_unavailable(response, "could not be saved", "busy")
        assert took < BUSY_WITHIN_S, took
    assert client.post(ASSESSMENTS, json=BODY).status_code == 201


def test_after_postgresql_was_read_only_the_next_save_works(postgresql_database, postgres_cluster):
    name = postgresql_database.rsplit("/", 1)[1]
    client = api(db.engine_for(postgresql_database))

    def read_only(on: bool) -> None:
        with postgres_cluster.connect() as admin:
            value = "on" if on else "off"
            admin.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = {value}')

    read_only(True)
    try:
        assert_unavailable(client.post(ASSESSMENTS, json=BODY), "could not be saved", "read-only")
        assert_unavailable(client.get(READY), "read-only")
    finally:
        read_only(False)
    response = client.post(ASSESSMENTS, json=BODY)
    assert response.status_code == 201, response.text
    assert client.get(READY).json()["database"] == "postgresql"


# --- The saved-result pages and the readiness route -----------------------------------------


def routed(state, path: str):
    """`state` as a page at `path` (query string included) sees it."""
    state.router = RouterData.from_router_data({"pathname": path.split("?")[0], "asPath": path})
    return state


def saved_by_api(path: Path) -> dict:
    return api(engine_of(path)).post(ASSESSMENTS, json=BODY).json()


@pytest.mark.slow
def test_deleting_from_a_locked_database_says_busy_and_keeps_the_result(sqlite_file, monkeypatch):
    monkeypatch.setattr(db, "default_engine", lambda: engine_of(sqlite_file))
    saved = saved_by_api(sqlite_file)
    state = routed(DeleteState(), saved["delete_path"])
    with sqlite_locked(sqlite_file):
        _, took = timed(lambda: call(state.confirm()))
    assert took < BUSY_WITHIN_S, took
    assert state.outcome == "unavailable" and state.problem == BUSY
    assert uuid.UUID(saved["id"]).hex in rows_in(sqlite_file)
    call(state.confirm())
    assert state.outcome == "deleted" and rows_in(sqlite_file) == set()


def test_a_saved_result_page_says_when_the_database_cannot_be_opened(sqlite_file, monkeypatch):
    monkeypatch.setattr(db, "default_engine", lambda: engine_of(sqlite_file))
    saved = saved_by_api(sqlite_file)
    shutil.rmtree(sqlite_file.parent)
    state = routed(SavedState(), saved["share_path"])
    call(state.load())
    assert state.loaded and not state.found
    assert "could not be opened just now" in state.problem, state.problem


def test_readiness_is_documented_beside_liveness():
    spec = api(db.engine_for("sqlite://")).get("/api/v1/openapi.json").json()
    ready = spec["paths"][READY]["get"]
    assert ready["tags"] == ["service"] and {"200", "503"} <= set(ready["responses"])
    assert spec["paths"]["/api/v1/health"]["get"]["tags"] == ["service"]


def test_an_unreachable_postgresql_answers_503_within_seconds():
    # Nothing listens on this loopback port: the server is down.
    engine = db.make_engine(f"postgresql+psycopg://advisor:x@127.0.0.1:{free_port()}/advisor")
    client = api(engine)
    response, took = timed(lambda: client.post(ASSESSMENTS, json=BODY))
    assert_unavailable(response, "could not be saved", "cannot be opened")
    assert took < BUSY_WITHIN_S, took
    assert_unavailable(client.get(READY), "cannot be opened")
    assert client.get("/api/v1/health").status_code == 200  # liveness: the process is fine
    engine.dispose()
