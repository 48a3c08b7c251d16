"""The advisor's production worker: uvicorn under gunicorn, as `make run` serves the app.

Reflex serves its production backend with granian unless told otherwise (advisor/server.py tells
it otherwise). Measured by `make bench` on this project (bench/README.md):

- granian holds about 150 kB of native memory per open websocket, so a questionnaire session
  costs about 210 kB of the worker's memory; under this worker it costs about 80 kB;
- granian hands a request's body to Python slowly (reading a 178-byte body cost about 60 µs per
  request), so the recommendations API serves more requests per second under this worker.

The settings: uvloop and httptools (compiled event loop and HTTP parser: as fast as granian on
the bare endpoint), wsproto for websockets (the smallest per connection), and no per-message
compression of websocket frames (granian never compressed them; with it, uvicorn keeps a
compressor and a decompressor per connection, about 190 kB).
"""

from __future__ import annotations

import gc
from typing import Any

from uvicorn_worker import UvicornWorker

from advisor.ratelimit import parse_networks
from advisor.server import MAX_EVENT_BYTES, unwrapped_logs
from advisor.settings import settings


def _forwarded_headers(trusted_proxies: str) -> dict[str, Any]:
    """Whose X-Forwarded-For (and -Proto) uvicorn believes: ADVISOR_TRUSTED_PROXIES' only.

    Left to gunicorn's default, uvicorn believes them from any client on 127.0.0.1, so a local
    client could name a new address with every request and the rate limits would count each
    apart.
    """
    networks = parse_networks(trusted_proxies)
    if not networks:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": ",".join(map(str, networks))}


class Worker(UvicornWorker):
    CONFIG_KWARGS: dict[str, Any] = {
        "loop": "uvloop",
        "http": "httptools",
        "ws": "wsproto",
        "ws_per_message_deflate": False,
        "server_header": False,  # no "server: uvicorn" on every response: nothing to advertise
        # A browser's events are small; a larger message is refused as it arrives, before
        # anything parses it (uvicorn's default allows 16 MB).
        "ws_max_size": MAX_EVENT_BYTES,
        **_forwarded_headers(settings.trusted_proxies),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Before the fork, so the worker prints each log record on one line (rich reads the
        # width from the environment whenever it prints, unless it was set when it started).
        unwrapped_logs()
        # gunicorn builds the worker in its arbiter, where the app is already imported
        # (--preload), and forks right after. As Reflex does before forking granian's workers:
        # collect, then freeze what is left, so the worker's garbage collector never walks the
        # app's inherited objects (about 246,000; a full collection over them takes 100 ms or
        # more, during which no page gets an answer) and never writes to their pages, which
        # stay shared with the arbiter.
        gc.collect()
        gc.freeze()
