"""Servers the benchmarks start and always stop: the advisor as `make run` serves it, and others."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
# Build folders of the benchmarks' servers, kept between runs so builds start warm; `make clean`
# removes them. Two Reflex servers sharing a build folder clobber each other's build.
BUILD_ROOT = ROOT / ".test-server"
# The folders of the developer's own `make run`: a benchmark server building there would bake
# its port into the open app's env.json ("Cannot connect to server" until a restart).
APP_FOLDERS = {"REFLEX_WEB_WORKDIR": ".web", "REFLEX_STATES_WORKDIR": ".states"}
START_TIMEOUT_S = 300.0
STOP_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Running:
    """A started server: where it answers and the process group it runs in."""

    url: str
    port: int
    pgid: int

    def pids(self) -> list[int]:
        """Every live process of the server's group (make, reflex, gunicorn and its workers)."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError, IndexError, ValueError):
                # Fields after the command's closing parenthesis: state, ppid, pgrp, ...
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[2]) == self.pgid:
                    found.append(int(entry.name))
        return sorted(found)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _default_sigint() -> None:
    # Background jobs of a shell without job control ignore SIGINT; Reflex must not.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def environment(**extra: str) -> dict[str, str]:
    """Our environment for a server, minus an outer make's flags, plus ADVISOR_ROOT."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}
    }
    env["ADVISOR_ROOT"] = str(ROOT)
    # Every benchmark client is 127.0.0.1, hundreds of sessions and saves from one "client":
    # the limits meant for one person would refuse them (bench.abuse sets its own).
    env.setdefault("ADVISOR_SAVES_PER_MINUTE", "1000000")
    env.setdefault("ADVISOR_CONNECTIONS_PER_MINUTE", "1000000")
    env.update(extra)
    return env


def check_own_folders(cwd: Path, env: Mapping[str, str]) -> None:
    """Refuse a server whose frontend build or session states would land in ROOT's own .web or
    .states (Reflex's defaults, relative to the folder it starts in): every benchmark server
    names folders of its own."""
    for name, default in APP_FOLDERS.items():
        where = (cwd / env.get(name, default)).resolve()
        if where == (ROOT / default).resolve():
            raise RuntimeError(
                f"a benchmark server would use {where}, the folder of the app's own `make run`:"
                f" set {name} to a folder of the benchmark's"
            )


@contextlib.contextmanager
def serving(
    command: list[str], cwd: Path, env: dict[str, str], log: Path, port: int, ready_path: str
) -> Iterator[Running]:
    """Run a server in its own process group until the block ends (SIGINT, then SIGKILL to
    whatever outlived it); yield once `ready_path` answers 200."""
    check_own_folders(cwd, env)
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_default_sigint,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{command[0]} exited before serving:\n{log.read_text()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url + ready_path, timeout=2.0).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"no answer on {url} in {START_TIMEOUT_S:.0f} s:\n{log.read_text()}"
                )
            time.sleep(0.25)
        yield Running(url=url, port=port, pgid=process.pid)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=STOP_TIMEOUT_S)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # whatever outlived make (the server's workers)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)


def advisor(
    log: Path,
    build_dir: Path,
    database_url: str | None = None,
    extra: dict[str, str] | None = None,
) -> contextlib.AbstractContextManager[Running]:
    """The advisor, started exactly as `make run` starts it, building in `build_dir`; `extra`
    is added to its environment."""
    port = free_port()
    env = environment(
        REFLEX_WEB_WORKDIR=str(build_dir / "web"),
        REFLEX_STATES_WORKDIR=str(build_dir / "states"),
        **(extra or {}),
    )
    if database_url is not None:
        for name in ("DATABASE_URL", "REFLEX_DB_URL"):
            env.pop(name, None)
        env["ADVISOR_DATABASE_URL"] = database_url
    command = ["make", "--no-print-directory", "run", f"PORT={port}"]
    return serving(command, ROOT, env, log, port, "/api/v1/health")


def rss_kb(pid: int) -> int:
    """A process's resident set size in kB (/proc/<pid>/status, VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def command_line(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_text().split("\0")[:-1]


def parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
