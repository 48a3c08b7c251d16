"""A throwaway Redis server for tests: started on a free port of 127.0.0.1, stopped, removed."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import redis

REDIS_SERVER = "redis-server"
MISSING = (
    "redis-server is not installed (not on the PATH). `make test` installs Debian's redis-server "
    "before it runs the tests; or run `apt-get install redis-server`."
)
# Redis runs happily as root, but it needs no privilege: as root, the server runs as the user
# Debian's package creates, owning nothing of ours but its temporary folder.
SERVER_USER = "redis"
START_TIMEOUT_S = 15.0
START_ATTEMPTS = 3


@dataclass
class RedisServer:
    """A running redis-server: TCP on 127.0.0.1 only, nothing written to disk."""

    process: subprocess.Popen[bytes]
    folder: Path
    port: int

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def log_path(self) -> Path:
        return self.folder / "redis.log"

    def client(self, timeout: float | None = 5.0) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=timeout)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def missing() -> str | None:
    """Why no Redis server can run here, or None."""
    return None if shutil.which(REDIS_SERVER) else MISSING


def _server_user() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        return None  # not Debian's package: root it is


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(folder: Path, user: pwd.struct_passwd | None) -> RedisServer:
    args = [
        shutil.which(REDIS_SERVER) or REDIS_SERVER,
        "--bind",
        "127.0.0.1",
        "--dir",
        str(folder),
        "--logfile",
        str(folder / "redis.log"),
        # A cache of sessions for one test run: no snapshots, no append-only file.
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
        "--protected-mode",
        "yes",
    ]
    as_user = {}
    if user is not None:
        as_user = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
    for attempt in range(1, START_ATTEMPTS + 1):
        port = _free_port()
        process = subprocess.Popen(
            [*args, "--port", str(port)],
            cwd=folder,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            **as_user,
        )
        server = RedisServer(process=process, folder=folder, port=port)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline and process.poll() is None:
            with contextlib.suppress(redis.RedisError), server.client() as client:
                if client.ping():
                    return server
            time.sleep(0.05)
        _stop(server)
        # Another process may take the port between choosing and binding it: try another.
        if attempt < START_ATTEMPTS and "in use" in server.log():
            continue
        raise RuntimeError(
            f"redis-server did not answer PING on port {port} within {START_TIMEOUT_S:.0f} s "
            f"(exit status {process.returncode}). Its log:\n{server.log()}"
        )
    raise AssertionError("unreachable")


def _stop(server: RedisServer) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


@contextlib.contextmanager
def running_redis() -> Iterator[RedisServer]:
    """Start redis-server in a temporary folder, yield it; stop it and remove the folder."""
    if problem := missing():
        raise RuntimeError(problem)
    user = _server_user()
    # Not pytest's tmp_path: its parents are private to root, and the server's user must reach
    # its folder.
    folder = Path(tempfile.mkdtemp(prefix="advisor-redis-"))
    server = None
    try:
        if user is not None:
            os.chown(folder, user.pw_uid, user.pw_gid)
        server = _start(folder, user)
        yield server
    finally:
        if server is not None:
            _stop(server)
        shutil.rmtree(folder, ignore_errors=True)
