"""The benchmarks leave the app's own build alone: every server they start builds elsewhere.

A benchmark server building in ROOT/.web rewrites the env.json of a `make run` serving from
there with its own port, and the open app loses its backend. No server is started here: the
process launch is intercepted, so the test reads what each server would be started with.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bench import pageload, server

ROOT = server.ROOT


class Launched(Exception):
    """Raised instead of starting the process: carries what it would have been given."""

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        super().__init__("launched")
        self.cwd = Path(cwd)
        self.env = env


@pytest.fixture
def intercepted(monkeypatch: pytest.MonkeyPatch) -> None:
    def launch(command, *, cwd, env, **_options):
        raise Launched(cwd, env)

    monkeypatch.setattr(subprocess, "Popen", launch)


def web_dir(launched: Launched) -> Path:
    return (launched.cwd / launched.env.get("REFLEX_WEB_WORKDIR", ".web")).resolve()


def states_dir(launched: Launched) -> Path:
    return (launched.cwd / launched.env.get("REFLEX_STATES_WORKDIR", ".states")).resolve()


def assert_own_folders(launched: Launched) -> None:
    assert web_dir(launched) != (ROOT / ".web").resolve()
    assert states_dir(launched) != (ROOT / ".states").resolve()
    assert not web_dir(launched).is_relative_to((ROOT / ".web").resolve())


@pytest.mark.parametrize(
    "env",
    [
        {},  # Reflex's defaults, relative to the folder it starts in: ROOT/.web
        {"REFLEX_WEB_WORKDIR": ".web"},
        {"REFLEX_WEB_WORKDIR": str(ROOT / ".web")},
        {"REFLEX_WEB_WORKDIR": str(ROOT / "bench" / ".." / ".web")},
        {"REFLEX_WEB_WORKDIR": str(ROOT / ".test-server" / "web")},  # only the states left
    ],
)
def test_a_server_building_in_the_apps_own_folders_is_refused(intercepted, tmp_path, env):
    with (
        pytest.raises(RuntimeError, match="the folder of the app's own `make run`"),
        server.serving(["true"], ROOT, env, tmp_path / "log", 1, "/"),
    ):
        pass


def test_a_server_in_folders_of_its_own_is_started(intercepted, tmp_path):
    env = {"REFLEX_WEB_WORKDIR": str(tmp_path / "web"), "REFLEX_STATES_WORKDIR": "states"}
    with (
        pytest.raises(Launched) as launched,
        server.serving(["true"], ROOT, env, tmp_path / "log", 1, "/"),
    ):
        pass
    assert_own_folders(launched.value)


def test_the_advisor_benchmark_server_builds_in_its_own_folder(intercepted, tmp_path):
    with pytest.raises(Launched) as launched, server.advisor(tmp_path / "log", tmp_path / "b"):
        pass
    assert launched.value.cwd == ROOT  # `make run`, as a developer starts it
    assert web_dir(launched.value) == (tmp_path / "b" / "web").resolve()
    assert_own_folders(launched.value)


def test_the_minimal_app_builds_in_its_own_folder(intercepted, tmp_path):
    with (
        pytest.raises(Launched) as launched,
        pageload.minimal_server(tmp_path, tmp_path / "log"),
    ):
        pass
    assert web_dir(launched.value) == (tmp_path / ".web").resolve()
    assert_own_folders(launched.value)
