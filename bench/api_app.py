"""The API benchmark's backend: the advisor's plus a bare endpoint, run as Reflex runs it.

`python -m bench.api_app PORT` starts the production backend the way `reflex run --env prod`
does: the app compiled first, then the server rxconfig.py chooses (advisor/server.py) started by
Reflex's own function for it: `run_uvicorn_backend_prod` (gunicorn, the app preloaded in the
arbiter, the advisor's uvicorn worker forked; WEB_CONCURRENCY=1 here), or
`run_granian_backend_prod` when REFLEX_USE_GRANIAN=true (the comparison bench/README.md shows).
The workers call `app()`, which returns the ASGI app Reflex builds from advisor/advisor.py (the
same `rx.App`, the same `api_transformer` chain: the FastAPI app with its routes, the body
limit and the security headers, inside Reflex's own Starlette app with its middleware) after
one route was added to that FastAPI app: `POST /bench/bare`, a constant JSON body of
BENCH_BARE_BYTES bytes, the request left unread. Both endpoints pass through the same server,
middleware and routing; the difference between them is what the recommendation endpoint itself
does (read, parse and validate the profile, run the engine, write the result as JSON).
"""

from __future__ import annotations

import os
import subprocess
import sys

from fastapi import FastAPI
from fastapi.responses import Response

BARE_PATH = "/bench/bare"
BARE_BYTES_ENV = "BENCH_BARE_BYTES"
TARGET = "bench.api_app:app"


def constant_body(size: int) -> bytes:
    """A JSON object of exactly `size` bytes."""
    frame = b'{"padding":""}'
    if size < len(frame):
        raise ValueError(f"a JSON body of {size} bytes is too small to hold {frame!r}")
    return frame[:-2] + b"x" * (size - len(frame)) + frame[-2:]


def _advisor_api() -> FastAPI:
    from advisor.advisor import api

    return api


def app():
    """The server's app factory, called in each worker: the advisor's backend with the bare
    route."""
    from advisor.advisor import app as advisor_app

    api = _advisor_api()
    if not any(getattr(route, "path", None) == BARE_PATH for route in api.routes):
        body = constant_body(int(os.environ[BARE_BYTES_ENV]))

        async def bare() -> Response:
            return Response(body, media_type="application/json")

        api.add_api_route(BARE_PATH, bare, methods=["POST"], include_in_schema=False)
    return advisor_app()  # Reflex's App.__call__: the composed backend ASGI app


# As `reflex run --env prod` compiles before it serves: in a process of its own (the server must
# not find the app imported), into REFLEX_WEB_WORKDIR; it leaves the list of stateful pages
# there, which is all the workers then evaluate.
COMPILE = """
import sys
from reflex.utils import prerequisites
sys.exit(0 if prerequisites.compile_or_validate_app(compile=True) else 1)
"""


def main(port: int) -> None:
    from reflex.utils.exec import (
        run_granian_backend_prod,
        run_uvicorn_backend_prod,
        should_use_granian,
    )
    from reflex_base.config import get_config
    from reflex_base.constants.base import LogLevel
    from reflex_base.environment import environment

    subprocess.run([sys.executable, "-c", COMPILE], check=True)
    environment.REFLEX_SKIP_COMPILE.set(True)  # as the prod CLI does for its backend
    get_config()  # rxconfig.py: it chooses the server, as for `make run`
    if should_use_granian():
        # As Reflex's supervisor does before forking: the app module imported once, so the
        # forked workers share its pages (run_granian_backend_prod then freezes the heap).
        _advisor_api()
        run_granian_backend_prod("127.0.0.1", port, LogLevel.ERROR, app_target=TARGET)
    else:
        # gunicorn imports the app itself (--preload) and forks the worker from that.
        run_uvicorn_backend_prod("127.0.0.1", port, LogLevel.ERROR, app_target=TARGET)


if __name__ == "__main__":
    main(int(sys.argv[1]))
