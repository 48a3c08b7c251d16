"""Cross-origin rules for the advisor's HTTP answers: no credentials, and only the origins set.

Reflex wraps the whole backend in Starlette's CORS middleware with credentials allowed, so it
answers any origin with that origin echoed and `Access-Control-Allow-Credentials: true`. The
advisor has no cookies or other ambient credentials for a browser to send, so it never allows
them: `without_credentials` sits outside Reflex's middleware and rewrites its headers. With the
default `*` every origin may read the API's answers (as anonymous requests: `*`, never an echo);
with a list (ADVISOR_CORS_ORIGINS), only those origins get the CORS headers, and a browser on
any other site cannot read the answers. Websockets are left to Reflex: its Socket.IO server
checks their origin itself. Pure ASGI: no Reflex here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

Scope = dict[str, Any]
Message = dict[str, Any]
ASGIApp = Callable[
    [Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]
]

_CORS_PREFIX = b"access-control-"


def parse_origins(value: str) -> frozenset[str] | None:
    """`*` (None: every origin) or the origins of a space- or comma-separated list."""
    origins = {part.strip().rstrip("/").lower() for part in value.replace(",", " ").split()}
    if not origins or "*" in origins:
        return None
    return frozenset(origins)


def _origin(headers: Iterable[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name == b"origin":
            return value.decode("latin-1").strip().lower()
    return ""


def without_credentials(app: ASGIApp, allowed: frozenset[str] | None) -> ASGIApp:
    """`app` (Reflex's whole backend) with credentials never allowed, and the CORS headers kept
    only for `allowed` origins (None: any origin, answered with `*`)."""

    async def asgi(scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await app(scope, receive, send)
        origin = _origin(scope.get("headers", []))
        permitted = allowed is None or origin in allowed

        async def send_rewritten(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = []
                for name, value in message.get("headers", []):
                    lowered = name.lower()
                    if not lowered.startswith(_CORS_PREFIX):
                        headers.append((name, value))
                    elif not permitted or lowered == b"access-control-allow-credentials":
                        continue
                    elif lowered == b"access-control-allow-origin" and allowed is None:
                        headers.append((name, b"*"))
                    else:
                        headers.append((name, value))
                message = {**message, "headers": headers}
            await send(message)

        return await app(scope, receive, send_rewritten)

    return asgi
