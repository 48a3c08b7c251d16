"""Faults a database meets in service, caused for real: another process holding SQLite's write
lock, a file that cannot be written, a PostgreSQL table locked by another session."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

# Longest any fault is held, whatever the test does: a failing test never leaves a lock behind.
HOLD_AT_MOST_S = 20.0

_LOCKER = textwrap.dedent(
    """
    import select, sqlite3, sys
    connection = sqlite3.connect(sys.argv[1], isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")  # the write lock, as a long purge or a shell holds it
    print("locked", flush=True)
    select.select([sys.stdin], [], [], float(sys.argv[2]))  # until stdin closes, or time is up
    connection.execute("ROLLBACK")
    """
)


@contextlib.contextmanager
def sqlite_locked(path: Path, hold_s: float = HOLD_AT_MOST_S) -> Iterator[None]:
    """SQLite's write lock on `path`, held by another process until the block ends (or
    `hold_s` passes)."""
    process = subprocess.Popen(
        [sys.executable, "-c", _LOCKER, str(path), str(hold_s)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "locked"
        yield
    finally:
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _immutable(path: Path, on: bool) -> None:
    # Root writes through any file mode; only the immutable flag (ext4, xfs, btrfs) stops it.
    done = subprocess.run(
        ["chattr", "+i" if on else "-i", str(path)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        pytest.fail(f"cannot make {path} read-only for root: chattr says {done.stderr.strip()}")


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """`path` cannot be opened for writing, even by root, until the block ends."""
    if os.geteuid() == 0:
        _immutable(path, True)
        try:
            yield
        finally:
            _immutable(path, False)
        return
    mode = path.stat().st_mode
    path.chmod(0o444)
    try:
        yield
    finally:
        path.chmod(mode)


@contextlib.contextmanager
def postgresql_table_locked(url: str, table: str, hold_s: float) -> Iterator[None]:
    """Another session's ACCESS EXCLUSIVE lock on `table`, released when the block ends or, at
    the latest, once that session has sat `hold_s` in its transaction (the server ends it)."""
    conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(conninfo) as holder:
        holder.execute(f"SET idle_in_transaction_session_timeout = '{int(hold_s * 1000)}ms'")
        holder.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        try:
            yield
        finally:
            with contextlib.suppress(psycopg.Error):
                holder.rollback()
