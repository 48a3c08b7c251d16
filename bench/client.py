"""A browser tab's Reflex connection, minus the browser: Socket.IO over a websocket at /_event.

Speaks what Reflex 0.10's frontend (`.web/utils/state.js`) speaks: Engine.IO 4 / Socket.IO 5
over a websocket only (`transports: ["websocket"]`), the session token in the query string, the
hydrate event in the Socket.IO CONNECT packet's auth (`{"event": ..., "state_schema": ...}`),
later events as `["event", {name, payload, router_data}]`, updates back as `["event", update]`.

Written on wsproto (which Reflex's own Socket.IO stack installs) rather than python-socketio's
client, which needs aiohttp: one asyncio task per tab keeps hundreds of tabs cheap for a client
that shares two cores with the server it measures.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import Any

from wsproto import ConnectionType, WSConnection
from wsproto.events import (
    AcceptConnection,
    CloseConnection,
    Message,
    Ping,
    RejectConnection,
    Request,
    TextMessage,
)
from wsproto.extensions import PerMessageDeflate
from wsproto.utilities import LocalProtocolError

EVENT_PATH = "/_event/"
# Reflex's Socket.IO namespace is its endpoint's path, not the default "/".
NAMESPACE = "/_event"
STATE = "reflex___state____state"
# What a browser's upgrade request carries beside the websocket's own headers: the backend
# keeps the headers in every session's router state, so they count in its memory.
BROWSER_HEADERS = [
    (
        "user-agent",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
    ),
    ("accept-encoding", "gzip, deflate, br, zstd"),
    ("accept-language", "en-GB,en;q=0.9"),
    ("cache-control", "no-cache"),
    ("pragma", "no-cache"),
]
# A browser offers permessage-deflate and compresses when the server accepts it (uvicorn does,
# granian does not): offered through wsproto, so an acceptance is understood (a bare header would
# make wsproto refuse the server's answer) and the server keeps the compressor it would keep for
# a browser.
EXTENSIONS = (PerMessageDeflate,)
# The frontend offers Reflex's version as the websocket subprotocol.
SUBPROTOCOL = version("reflex")
# Engine.IO packet types (first character of a websocket text frame).
EIO_OPEN, EIO_CLOSE, EIO_PING, EIO_PONG, EIO_MESSAGE = "0", "1", "2", "3", "4"
# Socket.IO packet types (second character, after EIO_MESSAGE).
SIO_CONNECT, SIO_EVENT = "0", "2"


class ProtocolError(RuntimeError):
    """The server answered something a browser tab would not have accepted."""


@dataclass
class Update:
    """One `event` message from the backend: a state delta and/or events for the frontend."""

    received: float  # time.perf_counter()
    data: dict[str, Any]


@dataclass
class Tab:
    """One browser tab connected to the backend: its token, its socket and what it received."""

    host: str
    port: int
    router_data: dict[str, Any]
    token: str = field(default_factory=lambda: str(uuid.uuid4()))
    # Sent with the upgrade request besides a browser's own: X-Forwarded-For, say, to stand for
    # a visitor behind a proxy.
    headers: list[tuple[str, str]] = field(default_factory=list)
    updates: asyncio.Queue[Update] = field(default_factory=asyncio.Queue)
    pongs: asyncio.Queue[float] = field(default_factory=asyncio.Queue)
    _reader: asyncio.StreamReader | None = None
    _writer: asyncio.StreamWriter | None = None
    _ws: WSConnection = field(default_factory=lambda: WSConnection(ConnectionType.CLIENT))
    _pump: asyncio.Task[None] | None = None
    _frames: asyncio.Queue[str] = field(default_factory=asyncio.Queue)

    async def open(self, hydrate: dict[str, Any], state_schema: str) -> None:
        """Connect as the frontend does on page load: websocket, Engine.IO open, then the
        Socket.IO CONNECT carrying the hydrate event. Returns once the namespace is joined."""
        self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        target = f"{EVENT_PATH}?EIO=4&transport=websocket&token={self.token}"
        origin = f"http://{self.host}:{self.port}"
        self._send(
            Request(
                host=f"{self.host}:{self.port}",
                target=target,
                subprotocols=[SUBPROTOCOL],
                extensions=[extension() for extension in EXTENSIONS],
                extra_headers=[("origin", origin), *BROWSER_HEADERS, *self.headers],
            )
        )
        await self._handshake()
        self._pump = asyncio.create_task(self._read_forever(), name=f"tab-{self.token}")
        opened = await self._frame()
        if not opened.startswith(EIO_OPEN):
            raise ProtocolError(f"expected the Engine.IO open packet, got {opened[:200]!r}")
        auth = {"event": self._routed(hydrate), "state_schema": state_schema}
        self._send_text(f"{EIO_MESSAGE}{SIO_CONNECT}{NAMESPACE},{json.dumps(auth)}")
        joined = await self._frame()
        if not joined.startswith(f"{EIO_MESSAGE}{SIO_CONNECT}{NAMESPACE},"):
            raise ProtocolError(f"the namespace connect was refused: {joined[:200]!r}")

    def emit(self, name: str, payload: dict[str, Any] | None = None) -> float:
        """Send one event as a click would; return when it left (time.perf_counter())."""
        event = {"name": name, "payload": payload or {}}
        packet = f"{EIO_MESSAGE}{SIO_EVENT}{NAMESPACE},{json.dumps(['event', self._routed(event)])}"
        sent = time.perf_counter()
        self._send_text(packet)
        return sent

    def ping(self) -> float:
        """Send Reflex's Socket.IO `ping` event, which the backend answers at once (a `ping`
        event carrying "pong") without touching any state."""
        sent = time.perf_counter()
        self._send_text(f"{EIO_MESSAGE}{SIO_EVENT}{NAMESPACE},{json.dumps(['ping'])}")
        return sent

    def send_packet(self, text: str) -> None:
        """Send one Engine.IO text frame exactly as given: how a forged or malformed message is
        sent (the reliability tests send them)."""
        self._send_text(text)

    async def close(self) -> None:
        if self._writer is None:
            return
        if self._pump is not None:
            self._pump.cancel()
        # A socket the server closed (an oversized message, say) is half-closed already.
        with contextlib.suppress(ConnectionError, RuntimeError, LocalProtocolError):
            self._send_text(EIO_CLOSE)
            self._send(CloseConnection(code=1000))
            await self._writer.drain()
        self._writer.close()
        with contextlib.suppress(ConnectionError):
            await self._writer.wait_closed()
        self._writer = None

    # --- the wire -----------------------------------------------------------------------------

    def _routed(self, event: dict[str, Any]) -> dict[str, Any]:
        return {**event, "router_data": self.router_data}

    def _send(self, event: Any) -> None:
        assert self._writer is not None  # noqa: S101 - open() first
        self._writer.write(self._ws.send(event))

    def _send_text(self, text: str) -> None:
        self._send(Message(data=text))

    async def _handshake(self) -> None:
        assert self._reader is not None  # noqa: S101
        while True:
            data = await self._reader.read(65536)
            if not data:
                raise ProtocolError("the server closed the connection during the handshake")
            self._ws.receive_data(data)
            for event in self._ws.events():
                if isinstance(event, AcceptConnection):
                    return
                if isinstance(event, RejectConnection):
                    raise ProtocolError(f"websocket upgrade refused: {event.status_code}")

    async def _frame(self, timeout: float = 30.0) -> str:
        return await asyncio.wait_for(self._frames.get(), timeout)

    async def _read_forever(self) -> None:
        """Answer pings, collect text frames; `event` packets become Updates."""
        assert self._reader is not None and self._writer is not None  # noqa: S101
        parts: list[str] = []
        # The first frames may have come in with the handshake's response: handle them first.
        data = b""
        while True:
            received = time.perf_counter()
            self._ws.receive_data(data)
            for event in self._ws.events():
                if isinstance(event, TextMessage):
                    parts.append(event.data)
                    if event.message_finished:
                        self._dispatch("".join(parts), received)
                        parts.clear()
                elif isinstance(event, Ping):
                    self._send(event.response())
                elif isinstance(event, CloseConnection):
                    return
            await self._writer.drain()
            data = await self._reader.read(65536)
            if not data:
                return

    def _dispatch(self, text: str, received: float) -> None:
        if text == EIO_PING:
            self._send_text(EIO_PONG)  # Engine.IO heartbeat, every pingInterval
        elif text.startswith(prefix := f"{EIO_MESSAGE}{SIO_EVENT}{NAMESPACE},"):
            name, *args = json.loads(text[len(prefix) :])
            if name == "event" and args:
                self.updates.put_nowait(Update(received, args[0]))
            elif name == "ping":  # the backend's answer to a `ping` event ("pong" its data)
                self.pongs.put_nowait(received)
        else:  # open, connect ack or connect error: open() reads them
            self._frames.put_nowait(text)
