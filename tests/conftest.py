"""Shared fixtures, each defined once: the content, the real server started exactly as `make run`
starts it, PostgreSQL and Redis. Their helpers live in tests/utils/."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from advisor import db
from advisor.content import Content, load_content
from tests.utils import pg_cluster, redis_server
from tests.utils.servers import ROOT, TEST_SERVER_DIR, Server, running_server
from tests.utils.study import read_study, study_dir, study_missing

# Fixtures that start what `make test-fast` runs without: a test using one, directly or through
# another fixture, gets the marker that deselects it.
MARKER_OF_FIXTURE = {
    "live_server": "server",
    "app_server": "server",
    "postgres_cluster": "postgres",
    "postgres_url": "postgres",
    "redis_store": "redis",
}


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects anything
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for name in getattr(item, "fixturenames", ()):
            if name in MARKER_OF_FIXTURE:
                item.add_marker(MARKER_OF_FIXTURE[name])


@pytest.fixture(scope="session")
def content() -> Content:
    """The shipped content folder, loaded and checked once for the session."""
    return load_content(ROOT / "content")


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """A fresh SQLite database of the test's own at the newest schema, through the engine the
    app would use."""
    url = f"sqlite:///{tmp_path / 'advisor.db'}"
    db.migrate(url)
    yield db.engine_for(url)
    db.engine_for(url).dispose()


@pytest.fixture
def web_engine(sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """`sqlite_engine`, made the database the pages' event handlers read and write."""
    monkeypatch.setattr(db, "default_engine", lambda: sqlite_engine)
    return sqlite_engine


@pytest.fixture(scope="session")
def study_text() -> str:
    """The study's full text, for the tests that check the content against it."""
    folder = study_dir()
    text = read_study(folder)
    if text is None:
        fail, why = study_missing(folder)
        if fail:
            pytest.fail(why, pytrace=False)
        pytest.skip(why)
    return text


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app served as `make run` serves it, on a free port, for the tests of one module."""
    log_path = tmp_path_factory.mktemp("server") / "make-run.log"
    with running_server(log_path) as server:
        yield server


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app served as `make run` serves it, shared by every test that only reads from it.

    It builds in a folder of its own, so it can run beside a module's `live_server` (which the
    server tests stop on purpose).
    """
    log_path = tmp_path_factory.mktemp("app-server") / "make-run.log"
    with running_server(log_path, TEST_SERVER_DIR / "session") as server:
        yield server


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[pg_cluster.Cluster]:
    """A throwaway PostgreSQL cluster of the session's own (never the system's), stopped and
    removed afterwards. Fails, never skips, when PostgreSQL is missing: `make test` installs it."""
    problem = pg_cluster.missing()
    if problem:
        pytest.fail(problem, pytrace=False)
    with pg_cluster.running_cluster() as cluster:
        yield cluster


@pytest.fixture(scope="session")
def postgres_url(postgres_cluster: pg_cluster.Cluster) -> str:
    """The SQLAlchemy URL (postgresql+psycopg://...) of an empty database in that cluster."""
    return postgres_cluster.create_database("advisor")


@pytest.fixture(scope="module")
def redis_store() -> Iterator[redis_server.RedisServer]:
    """A throwaway redis-server of the module's own on a free port of 127.0.0.1, nothing saved to
    disk; stopped afterwards. Fails, never skips, when Redis is missing: `make test` installs it."""
    problem = redis_server.missing()
    if problem:
        pytest.fail(problem, pytrace=False)
    with redis_server.running_redis() as server:
        yield server
