"""Which server `reflex run --env prod` uses: rxconfig.py points Reflex at gunicorn with the
advisor's uvicorn worker, and leaves a deployer's own choices alone."""

from __future__ import annotations

import os
import shlex

import pytest

from advisor.server import (
    DEBOUNCE,
    DEBOUNCE_SECONDS,
    WORKER_CLASS,
    default_workers,
    use_gunicorn,
    write_states_at_once,
)


def _args(env: dict[str, str]) -> list[str]:
    return shlex.split(env["GUNICORN_CMD_ARGS"])


def test_by_default_reflex_runs_gunicorn_with_the_advisor_worker() -> None:
    env: dict[str, str] = {}
    use_gunicorn(env)
    assert env["REFLEX_USE_GRANIAN"] == "false"
    assert _args(env) == ["--worker-class", WORKER_CLASS]
    assert "WEB_CONCURRENCY" not in env  # one worker: sessions live in the process


def test_a_deployers_gunicorn_arguments_are_kept_after_the_worker_class() -> None:
    # --keep-alive and --worker-connections name no worker class and no worker count.
    env = {"GUNICORN_CMD_ARGS": "--keep-alive 5 --worker-connections 100 --timeout 60"}
    use_gunicorn(env)
    assert _args(env) == [
        "--worker-class",
        WORKER_CLASS,
        *shlex.split("--keep-alive 5 --worker-connections 100 --timeout 60"),
    ]


@pytest.mark.parametrize(
    "given", ["-k gthread", "-kgthread", "--worker-class=mine.Worker", "--worker-class x"]
)
def test_a_deployers_own_worker_class_wins(given: str) -> None:
    env = {"GUNICORN_CMD_ARGS": given}
    use_gunicorn(env)
    assert env["GUNICORN_CMD_ARGS"] == given


def test_a_deployer_can_go_back_to_granian() -> None:
    env = {"REFLEX_USE_GRANIAN": "true"}
    use_gunicorn(env)
    assert env["REFLEX_USE_GRANIAN"] == "true"


def test_with_redis_several_workers_start_unless_the_deployer_says_how_many() -> None:
    env = {"REFLEX_REDIS_URL": "redis://localhost:6379/0"}
    use_gunicorn(env)
    assert int(env["WEB_CONCURRENCY"]) == default_workers(os.cpu_count()) >= 3

    for chosen in (
        {"WEB_CONCURRENCY": "2"},
        {"GUNICORN_CMD_ARGS": "-w 2"},
        {"GUNICORN_CMD_ARGS": "-w2"},
        {"GUNICORN_CMD_ARGS": "--workers=2"},
    ):
        env = {"REFLEX_REDIS_URL": "redis://localhost:6379/0", **chosen}
        use_gunicorn(env)
        assert env.get("WEB_CONCURRENCY") == chosen.get("WEB_CONCURRENCY"), chosen


def test_calling_it_again_changes_nothing() -> None:
    # rxconfig.py is imported by the reflex command, gunicorn's arbiter and every worker.
    env = {"REFLEX_REDIS_URL": "redis://r", "GUNICORN_CMD_ARGS": "--timeout 60"}
    use_gunicorn(env)
    once = dict(env)
    use_gunicorn(env)
    assert env == once


def test_the_worker_class_named_is_importable() -> None:
    # gunicorn imports it by this name in every worker (tests/test_server.py sees it serve).
    from advisor.worker import Worker

    assert f"{Worker.__module__}.{Worker.__qualname__}" == WORKER_CLASS


def test_states_are_written_when_they_change_unless_the_deployer_says_otherwise() -> None:
    from datetime import timedelta

    from reflex_base.environment import environment, state_manager_disk_debounce

    env: dict[str, str] = {}
    write_states_at_once(env)
    assert env == {DEBOUNCE: "0s"}
    # ... in a form Reflex reads as no delay at all.
    old = os.environ.get(DEBOUNCE)
    os.environ[DEBOUNCE] = env[DEBOUNCE]
    try:
        assert not environment.REFLEX_STATE_MANAGER_DISK_DEBOUNCE_SECONDS.is_set()
        assert state_manager_disk_debounce() == timedelta(0)
    finally:
        if old is None:
            del os.environ[DEBOUNCE]
        else:
            os.environ[DEBOUNCE] = old

    for chosen in ({DEBOUNCE: "5s"}, {DEBOUNCE_SECONDS: "1.5"}):
        env = dict(chosen)
        write_states_at_once(env)
        assert env == chosen


def test_websocket_messages_are_bounded_by_the_worker_and_by_socketio() -> None:
    from reflex_base.environment import environment

    from advisor.server import MAX_EVENT_BYTES, SOCKET_BUFFER, bound_socket_messages
    from advisor.worker import Worker

    env: dict[str, str] = {}
    bound_socket_messages(env)
    assert env == {SOCKET_BUFFER: str(MAX_EVENT_BYTES)}
    # Reflex reads it under this name (reflex.app passes it to Socket.IO's AsyncServer).
    old = os.environ.get(SOCKET_BUFFER)
    os.environ[SOCKET_BUFFER] = env[SOCKET_BUFFER]
    try:
        assert environment.REFLEX_SOCKET_MAX_HTTP_BUFFER_SIZE.get() == MAX_EVENT_BYTES
    finally:
        if old is None:
            del os.environ[SOCKET_BUFFER]
        else:
            os.environ[SOCKET_BUFFER] = old
    # uvicorn refuses a larger message as it arrives, before Socket.IO sees it.
    assert Worker.CONFIG_KWARGS["ws_max_size"] == MAX_EVENT_BYTES
    mine = {SOCKET_BUFFER: "500000"}
    bound_socket_messages(mine)
    assert mine == {SOCKET_BUFFER: "500000"}


def test_idle_sessions_expire_after_the_configured_time(monkeypatch) -> None:
    import importlib

    import rxconfig
    from advisor import settings as settings_module

    monkeypatch.setenv("ADVISOR_SESSION_IDLE_SECONDS", "180")
    monkeypatch.setattr(settings_module, "settings", settings_module.Settings())
    try:
        assert importlib.reload(rxconfig).config.redis_token_expiration == 180
    finally:
        monkeypatch.undo()
        importlib.reload(rxconfig)
    assert rxconfig.config.redis_token_expiration == 10 * 60
