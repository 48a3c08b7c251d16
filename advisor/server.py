"""Which server Reflex's production backend runs on: gunicorn with advisor.worker.Worker.

rxconfig.py calls `use_gunicorn()`, so every `reflex run --env prod` (hence `make run`, the
tests' servers and the benchmarks) serves the backend the same way. Reflex reads the choice from
the environment when it starts the backend (`should_use_granian`, `run_uvicorn_backend_prod`),
and passes GUNICORN_CMD_ARGS on to gunicorn. A deployer's own settings win: REFLEX_USE_GRANIAN
set either way is kept, and so is a worker class of their own in GUNICORN_CMD_ARGS.

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
_CHOOSES_WORKER = re.compile(r"(^|\s)(-k|--worker-class)(=|\s|$)")
_CHOOSES_COUNT = re.compile(r"(^|\s)(-w|--workers)(=|\s|$)")


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
