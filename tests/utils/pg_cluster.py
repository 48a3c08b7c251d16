"""A throwaway PostgreSQL cluster for tests and load tests: initdb, start, databases, stop."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

# Debian's layout: /usr/lib/postgresql/<major>/bin holds the server programs, off the PATH.
DEBIAN_INITDB = "/usr/lib/postgresql/*/bin/initdb"
MISSING = (
    "PostgreSQL is not installed (no {pattern} and no initdb on the PATH). `make test` installs "
    "Debian's postgresql before it runs the tests; or run `apt-get install postgresql`."
)
# The server refuses to run as root; as root, the cluster runs as the user Debian's package
# creates (it owns nothing of ours but the cluster's temporary folder).
SERVER_USER = "postgres"
SUPERUSER = "advisor"
START_TIMEOUT_S = 60
START_ATTEMPTS = 3
# Never keep a test run waiting on the disk: a crash loses only a cluster that is thrown away.
# The time zone is deliberately not UTC, as on many real servers, so code that must work in UTC
# has to say so.
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "timezone": "'America/New_York'",
}


class PostgresMissing(RuntimeError):
    """No PostgreSQL server programs on this machine."""


def find_bindir() -> Path:
    """The newest installed PostgreSQL's bin folder (Debian's, else the one on the PATH)."""

    def major(initdb: Path) -> int:
        version = initdb.parent.parent.name
        return int(version) if version.isdigit() else 0

    debian = sorted((Path(p) for p in glob.glob(DEBIAN_INITDB)), key=major)
    if debian:
        return debian[-1].parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent
    raise PostgresMissing(MISSING.format(pattern=DEBIAN_INITDB))


def missing() -> str | None:
    """Why no cluster can run here (PostgreSQL or its system user missing), or None."""
    try:
        find_bindir()
        _server_user()
    except PostgresMissing as problem:
        return str(problem)
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Cluster:
    """A running cluster: TCP on 127.0.0.1 only, a password-protected superuser."""

    bindir: Path
    folder: Path
    port: int
    password: str
    user: str = SUPERUSER

    @property
    def datadir(self) -> Path:
        return self.folder / "data"

    @property
    def log_path(self) -> Path:
        return self.folder / "server.log"

    def url(self, database: str = "postgres") -> str:
        """A SQLAlchemy URL for psycopg 3 (plain postgresql:// would ask for psycopg2)."""
        return f"postgresql+psycopg://{self.user}:{self.password}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=self.user,
            password=self.password,
            dbname=database,
            autocommit=True,
            connect_timeout=10,
        )

    def create_database(self, name: str) -> str:
        """Create an empty database; return its SQLAlchemy URL."""
        with self.connect() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, closing whatever connections to it are left."""
        with self.connect() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def _server_user() -> pwd.struct_passwd | None:
    """Whom to run the server programs as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        raise PostgresMissing(
            f"Running as root, the test cluster needs the system user {SERVER_USER!r} that "
            "Debian's postgresql package creates; `make test` installs that package."
        ) from None


def _run(args: list[str], *, folder: Path, user: pwd.struct_passwd | None) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C"
    as_user = {}
    if user is not None:
        env["HOME"] = str(folder)
        as_user = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
    done = subprocess.run(
        args,
        cwd=folder,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        **as_user,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(args)} exited with {done.returncode}:\n{done.stdout}{done.stderr}"
        )
    return done.stdout


def _configure(cluster: Cluster) -> None:
    lines = [f"{key} = {value}" for key, value in SETTINGS.items()]
    lines.append(f"unix_socket_directories = '{cluster.folder}'")
    with (cluster.datadir / "postgresql.conf").open("a") as conf:
        conf.write("\n# The test cluster's own settings\n" + "\n".join(lines) + "\n")


def _start(cluster: Cluster, user: pwd.struct_passwd | None) -> None:
    """Start on a free port; another process may take the port first, so try a few."""
    pg_ctl = str(cluster.bindir / "pg_ctl")
    for attempt in range(1, START_ATTEMPTS + 1):
        cluster.port = free_port()
        try:
            _run(
                [pg_ctl, "-D", str(cluster.datadir), "-l", str(cluster.log_path)]
                + ["-o", f"-p {cluster.port}", "-w", "-t", str(START_TIMEOUT_S), "start"],
                folder=cluster.folder,
                user=user,
            )
        except RuntimeError as error:
            if attempt < START_ATTEMPTS and re.search(r"could not bind|in use", cluster.log()):
                continue
            raise RuntimeError(f"{error}\nServer log:\n{cluster.log()}") from None
        with cluster.connect():  # accepts connections, with the password
            return


def _stop(cluster: Cluster, user: pwd.struct_passwd | None) -> None:
    pg_ctl = str(cluster.bindir / "pg_ctl")
    try:
        _run(
            [pg_ctl, "-D", str(cluster.datadir), "-m", "fast", "-w", "-t", "30", "stop"],
            folder=cluster.folder,
            user=user,
        )
    except RuntimeError:
        # Last resort, so a test run never leaves a server behind: immediate shutdown.
        pid_file = cluster.datadir / "postmaster.pid"
        with contextlib.suppress(OSError, ValueError):
            os.kill(int(pid_file.read_text().split()[0]), signal.SIGQUIT)


@contextlib.contextmanager
def running_cluster(bindir: Path | None = None) -> Iterator[Cluster]:
    """initdb into a temporary folder, start the server, yield it; stop it and remove the folder.

    Raises PostgresMissing when no PostgreSQL is installed.
    """
    bindir = bindir or find_bindir()
    user = _server_user()
    # Not pytest's tmp_path: its parents are private to root, and the server's user must reach
    # its folder.
    folder = Path(tempfile.mkdtemp(prefix="advisor-pg-"))
    cluster = Cluster(bindir=bindir, folder=folder, port=0, password=secrets.token_hex(16))
    started = False
    try:
        if user is not None:
            os.chown(folder, user.pw_uid, user.pw_gid)
        password_file = folder / "password"
        password_file.write_text(cluster.password + "\n")
        if user is not None:
            os.chown(password_file, user.pw_uid, user.pw_gid)
        _run(
            [str(bindir / "initdb"), "-D", str(cluster.datadir), "-U", cluster.user]
            + [f"--pwfile={password_file}", "--auth-host=scram-sha-256", "--auth-local=peer"]
            + ["--encoding=UTF8", "--locale=C", "--no-sync"],
            folder=folder,
            user=user,
        )
        password_file.unlink()
        _configure(cluster)
        _start(cluster, user)
        started = True
        yield cluster
    finally:
        if started or (cluster.datadir / "postmaster.pid").exists():
            _stop(cluster, user)
        shutil.rmtree(folder, ignore_errors=True)
