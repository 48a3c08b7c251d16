"""Servers for the tests: the real one as `make run` starts it, and an ASGI app in a thread."""

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
import uvicorn

ROOT = Path(__file__).resolve().parents[2]

# The admin token the test servers run with: the insights page and API are enabled in tests.
TEST_ADMIN_TOKEN = "test-admin-token-for-the-browser-tests"
# The default programme's own insights token (content/programmes/dundee.yaml names the variable).
TEST_PROGRAMME_TOKEN = "test-dundee-insights-token-for-the-browser-tests"

# The first build of a fresh clone installs the frontend packages: allow for a slow machine.
START_TIMEOUT_S = 240.0
STOP_TIMEOUT_S = 30.0

# Where the test servers build their frontend and keep their state. Two Reflex servers sharing a
# .web clobber each other (the build bakes in the port), so tests never touch the .web of a
# developer's running `make run`. Kept between runs so later builds start warm.
TEST_SERVER_DIR = ROOT / ".test-server"


# Every name advisor.settings reads the database URL from.
DATABASE_URL_NAMES = frozenset({"DATABASE_URL", "REFLEX_DB_URL", "ADVISOR_DATABASE_URL"})


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("", 0))
        return sock.getsockname()[1]


def _default_sigint() -> None:
    # A shell without job control starts background jobs with SIGINT ignored, and children
    # inherit that (CI may start us so). Restore the default, so the server meets SIGINT as it
    # would meet Ctrl-C in a terminal, whatever started the tests.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@dataclass
class Server:
    """A `make run` process group and where to reach it."""

    port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    # The database it saves into (tests seed counts there directly).
    database_url: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pgid(self) -> int:
        return self.process.pid  # the process leads its own group (start_new_session)

    def is_listening(self) -> bool:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(1.0)
            return sock.connect_ex(("127.0.0.1", self.port)) == 0

    def group_is_alive(self) -> bool:
        """Whether any process of the group (make, reflex, gunicorn's arbiter and worker) is
        still running. A zombie is not: it has exited and holds nothing, and only waits to be
        reaped (gunicorn's arbiter outlives the reflex command by a moment, so init reaps it,
        which a container's init may do seconds later)."""
        for process in psutil.process_iter(["status"]):
            with contextlib.suppress(psutil.Error, OSError):
                if os.getpgid(process.pid) != self.pgid:
                    continue
                if process.info["status"] != psutil.STATUS_ZOMBIE:
                    return True
        return False

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_until_ready(self, timeout: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(
                    f"`make run` exited with {self.process.returncode} before serving:\n"
                    f"{self.log()}"
                )
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/api/v1/health", timeout=2.0).status_code == 200:
                    return
            time.sleep(0.5)
        self.kill()
        pytest.fail(f"`make run` did not answer within {timeout:.0f} s:\n{self.log()}")

    def interrupt(self, timeout: float = STOP_TIMEOUT_S) -> int | None:
        """Send SIGINT to the whole group, as Ctrl-C in a terminal does; return make's status."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pgid, signal.SIGINT)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self) -> None:
        """Last resort, so a failing test never leaves a server behind."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pgid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)


def start_server(
    port: int,
    log_path: Path,
    workdir: Path = TEST_SERVER_DIR,
    fresh_database: bool = True,
    extra_env: Mapping[str, str] | None = None,
) -> Server:
    """Start `make run PORT=<port>` in its own process group, with no stdin.

    `workdir` holds the server's frontend build and states: two servers running at once need
    two folders. `fresh_database=False` keeps the SQLite file of an earlier run (a restart).
    `extra_env` is set last, e.g. REFLEX_REDIS_URL and a DATABASE_URL for a scaled-out server;
    a database URL there replaces the SQLite file.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        # A make started by `make test` would otherwise inherit the outer make's flags; HOST
        # is `make run`'s own choice (loopback) unless a test passes it.
        if key not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "HOST"}
    }
    env["REFLEX_WEB_WORKDIR"] = str(workdir / "web")
    env["REFLEX_STATES_WORKDIR"] = str(workdir / "states")
    # Each test server saves into its own fresh SQLite file, never the developer's data/.
    database = workdir / "advisor.db"
    if fresh_database:
        for stale in workdir.glob("advisor.db*"):
            stale.unlink()
    for name in ("DATABASE_URL", "REFLEX_DB_URL"):
        env.pop(name, None)
    env.setdefault("ADVISOR_DATABASE_URL", f"sqlite:///{database}")
    env["ADVISOR_ADMIN_TOKEN"] = TEST_ADMIN_TOKEN
    env["ADVISOR_INSIGHTS_TOKEN_DUNDEE"] = TEST_PROGRAMME_TOKEN
    # Every test client is 127.0.0.1: the bursts of saves in the reliability tests are one
    # "client" far past a person's allowance. The limit itself is tested in-process.
    env.setdefault("ADVISOR_SAVES_PER_MINUTE", "100000")
    env.setdefault("ADVISOR_CONNECTIONS_PER_MINUTE", "100000")
    if extra_env:
        if DATABASE_URL_NAMES & extra_env.keys():
            env.pop("ADVISOR_DATABASE_URL")
        env.update(extra_env)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "run", f"PORT={port}"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_default_sigint,
        )
    database_url = next(env[name] for name in DATABASE_URL_NAMES if name in env)
    return Server(port=port, process=process, log_path=log_path, database_url=database_url)


@contextlib.contextmanager
def running_server(
    log_path: Path, workdir: Path = TEST_SERVER_DIR, extra_env: Mapping[str, str] | None = None
) -> Iterator[Server]:
    """A started, answering server; stopped (and if need be killed) afterwards."""
    server = start_server(free_port(), log_path, workdir, extra_env=extra_env)
    try:
        server.wait_until_ready()
        yield server
    finally:
        if server.interrupt() is None or server.group_is_alive():
            server.kill()


@contextlib.contextmanager
def serving_in_thread(app: Any, **options: Any) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on a free port of 127.0.0.1, in a thread of this process,
    and yield its URL; stop it afterwards. `options` go to uvicorn.Config. No build, no
    subprocess: cheap enough for the fast tests."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, log_level="warning", lifespan="off", **options
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
