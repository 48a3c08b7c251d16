"""How Reflex's production backend runs: on gunicorn with advisor.worker.Worker, and writing
each session's state to disk as soon as it changes.

rxconfig.py calls `use_gunicorn()` and `write_states_at_once()`, so every
`reflex run --env prod` (hence `make run`, the tests' servers and the benchmarks) serves the
backend the same way. Reflex reads both from the environment when it starts the backend
(`should_use_granian`, `run_uvicorn_backend_prod`, the disk state manager), and passes
GUNICORN_CMD_ARGS on to gunicorn. A deployer's own settings win: REFLEX_USE_GRANIAN set either
way is kept, and so are a worker class of their own in GUNICORN_CMD_ARGS and a debounce of
their own for the state manager.

Workers: gunicorn starts WEB_CONCURRENCY of them (its own variable; default 1). As Reflex does
for granian, several are started only when sessions are shared through Redis
(REFLEX_REDIS_URL): with the in-process state manager a websocket reconnecting to another worker
would find no session.
"""

from __future__ import annotations

import os
import re
from collections.abc import MutableMapping

WORKER_CLASS = "advisor.worker.Worker"
# gunicorn's options: `-k X`, `-kX`, `--worker-class X`, `--worker-class=X` (and -w, --workers).
_CHOOSES_WORKER = re.compile(r"(^|\s)(-k|--worker-class(=|\s|$))")
_CHOOSES_COUNT = re.compile(r"(^|\s)(-w|--workers(=|\s|$))")


def default_workers(cores: int | None) -> int:
    """Reflex's own default for granian with Redis: two per core, plus one."""
    return (cores or 1) * 2 + 1


def use_gunicorn(environ: MutableMapping[str, str] = os.environ) -> None:
    """Point Reflex's production backend at gunicorn and the advisor's uvicorn worker."""
    environ.setdefault("REFLEX_USE_GRANIAN", "false")
    args = environ.get("GUNICORN_CMD_ARGS", "").strip()
    if not _CHOOSES_WORKER.search(args):
        args = f"--worker-class {WORKER_CLASS} {args}".strip()
    if (
        environ.get("REFLEX_REDIS_URL")
        and "WEB_CONCURRENCY" not in environ
        and not _CHOOSES_COUNT.search(args)
    ):
        environ["WEB_CONCURRENCY"] = str(default_workers(os.cpu_count()))
    environ["GUNICORN_CMD_ARGS"] = args


DEBOUNCE = "REFLEX_STATE_MANAGER_DISK_DEBOUNCE"
DEBOUNCE_SECONDS = "REFLEX_STATE_MANAGER_DISK_DEBOUNCE_SECONDS"  # its older, deprecated name


def write_states_at_once(environ: MutableMapping[str, str] = os.environ) -> None:
    """Have Reflex's disk state manager (the default on one host; Redis replaces it) write a
    session's state when an event changed it, rather than batching every change of the last 2 s.

    The batch is pickled on the event loop in one go: with 100 people answering, every page
    waited for it, and an answer's round trip had a p90 of 27-116 ms; written at once, each
    event pickles only its own state, and the p90 is about 1.3 ms (`make bench`, sessions).
    A deployer's own setting of either variable is kept."""
    if DEBOUNCE not in environ and DEBOUNCE_SECONDS not in environ:
        environ[DEBOUNCE] = "0s"


# The largest websocket message a browser may send. The frontend's biggest, the hydrate event a
# page sends when it connects (its address, its stored answers, a hash per state), is a few
# kilobytes; anything much larger is refused by the server before it is parsed (uvicorn closes
# the socket with 1009, and Engine.IO refuses the packet under granian).
MAX_EVENT_BYTES = 32 * 1024
SOCKET_BUFFER = "REFLEX_SOCKET_MAX_HTTP_BUFFER_SIZE"


def bound_socket_messages(environ: MutableMapping[str, str] = os.environ) -> None:
    """Have Reflex's Socket.IO server refuse messages over MAX_EVENT_BYTES (its default is
    1 MB). A deployer's own setting is kept."""
    environ.setdefault(SOCKET_BUFFER, str(MAX_EVENT_BYTES))


# Reflex's log handler prints through rich, which wraps a long record into lines the width of
# the terminal, 80 characters without one. A client could then pad what it sends so that a
# wrapped line begins with text of its choosing, a forged log line. As wide as this, a record
# stays on its own line (advisor.logs caps it well below).
LOG_COLUMNS = "100000"


def unwrapped_logs(environ: MutableMapping[str, str] = os.environ) -> None:
    """Have this process print each log record on one line. Called by advisor.worker, so only
    the backend's processes are affected: the reflex command's own banners and progress bars
    keep the terminal's width."""
    environ["COLUMNS"] = LOG_COLUMNS
