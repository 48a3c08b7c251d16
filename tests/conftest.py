"""Shared fixtures: the real server, started exactly as `make run` starts it, PostgreSQL and
Redis."""

import contextlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pg_cluster
import pytest
import redis_server
from servers import (  # noqa: F401 - re-exported for fixtures in tests/e2e
    DATABASE_URL_NAMES,
    ROOT,
    START_TIMEOUT_S,
    STOP_TIMEOUT_S,
    TEST_ADMIN_TOKEN,
    TEST_SERVER_DIR,
    Server,
    free_port,
    running_server,
    start_server,
)
from study import read_study, study_dir, study_missing


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


@pytest.fixture(scope="session")
def serve_app() -> Callable[..., contextlib.AbstractContextManager[Server]]:
    """`running_server` for modules that cannot import it (under tests/e2e, `conftest` names that
    folder's own): `serve_app(name, log_path, extra_env)` builds in TEST_SERVER_DIR / name."""

    def serve(
        name: str, log_path: Path, extra_env: Mapping[str, str] | None = None
    ) -> contextlib.AbstractContextManager[Server]:
        return running_server(log_path, TEST_SERVER_DIR / name, extra_env)

    return serve


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
