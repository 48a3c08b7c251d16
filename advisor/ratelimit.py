"""Rate limits keyed by client: a bounded limiter and how a request's client key is derived."""

from __future__ import annotations

import dataclasses
import ipaddress
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

# Everyone behind one IPv6 /64 is usually one household or one machine rotating addresses: they
# share a key, or a single host could take a fresh budget with every address it owns.
IPV6_PREFIX = 64
# Keys the limiter remembers at most. Past this the key idle longest is forgotten first, so
# memory stays bounded however many addresses a client cycles through (the global limit below
# still counts every one of them).
MAX_KEYS = 10_000
GLOBAL_KEY = "*"


class RateLimiter:
    """At most `limit` events per `window` seconds per key, spread evenly (the generic cell rate
    algorithm: a token bucket of `limit` tokens refilled over `window`, one number per key).

    Safe to call from several threads (FastAPI runs sync routes in a pool): the lock is held for
    a dictionary update only, never across anything that waits.
    """

    def __init__(
        self,
        limit: int,
        window: float,
        *,
        max_keys: int = MAX_KEYS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit < 1 or window <= 0 or max_keys < 1:
            raise ValueError("a rate limit needs limit >= 1, window > 0 and max_keys >= 1")
        self.limit = limit
        self.window = window
        self._interval = window / limit
        # How far ahead of now a key's next free slot may run: a full bucket's worth.
        self._tolerance = window - self._interval
        self._max_keys = max_keys
        self._clock = clock
        # key -> when its bucket is full again ("theoretical arrival time"), oldest use first.
        self._due: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._due)

    def retry_after(self, key: str) -> float:
        """Seconds until `key` may act again; 0 when it may act now. Records nothing."""
        now = self._clock()
        with self._lock:
            due = self._due.get(key, now)
        return max(0.0, due - self._tolerance - now)

    def hit(self, key: str) -> float:
        """Count one event for `key` if it is allowed: 0 when counted, else the seconds to wait
        (nothing counted, so a refused client is not pushed further back by retrying)."""
        now = self._clock()
        with self._lock:
            due = max(self._due.get(key, now), now)
            wait = due - self._tolerance - now
            if wait > 0:
                return wait
            self._due[key] = due + self._interval
            self._due.move_to_end(key)
            while len(self._due) > self._max_keys:
                self._due.popitem(last=False)
            self._forget_full(now)
        return 0.0

    def _forget_full(self, now: float) -> None:
        # A key whose bucket has refilled says nothing a fresh key would not: drop the oldest
        # such keys so an idle limiter shrinks back (a few per call keeps each call cheap).
        for _ in range(2):
            oldest = next(iter(self._due.items()), None)
            if oldest is None or oldest[1] > now:
                return
            self._due.popitem(last=False)


@dataclasses.dataclass(frozen=True)
class Limits:
    """The advisor's limits, one process-wide set shared by the API and the web app."""

    saves: RateLimiter
    # New websocket connections: each one builds a session (a few milliseconds of the worker),
    # so a client opening them in a loop is slowed before it costs anyone else.
    connections: RateLimiter
    sign_in_failures: RateLimiter
    # Failed sign-ins of every client together: a guesser spread over many addresses.
    sign_in_failures_everyone: RateLimiter
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    @classmethod
    def create(
        cls,
        *,
        saves_per_minute: int,
        connections_per_minute: int = 120,
        sign_in_failures_per_10_minutes: int = 10,
        sign_in_failures_everyone_per_10_minutes: int = 100,
        trusted_proxies: str = "",
        clock: Callable[[], float] = time.monotonic,
    ) -> Limits:
        return cls(
            saves=RateLimiter(saves_per_minute, 60, clock=clock),
            connections=RateLimiter(connections_per_minute, 60, clock=clock),
            sign_in_failures=RateLimiter(sign_in_failures_per_10_minutes, 600, clock=clock),
            sign_in_failures_everyone=RateLimiter(
                sign_in_failures_everyone_per_10_minutes, 600, max_keys=1, clock=clock
            ),
            trusted_proxies=parse_networks(trusted_proxies),
        )

    def sign_in_retry_after(self, key: str) -> float:
        """Seconds before `key` may try a token again (0: now)."""
        return max(
            self.sign_in_failures.retry_after(key),
            self.sign_in_failures_everyone.retry_after(GLOBAL_KEY),
        )

    def sign_in_failed(self, key: str) -> None:
        self.sign_in_failures.hit(key)
        self.sign_in_failures_everyone.hit(GLOBAL_KEY)

    def key(self, peer: str | None, forwarded_for: str | None) -> str:
        return client_key(peer, forwarded_for, self.trusted_proxies)


def parse_networks(text: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """'10.0.0.1, 192.168.0.0/16' as networks; raises ValueError naming a malformed entry."""
    networks = []
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as e:
            raise ValueError(f"not an IP address or network: {entry!r}") from e
    return tuple(networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address, networks) -> bool:
    return any(address in network for network in networks)


def client_key(
    peer: str | None,
    forwarded_for: str | None,
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = (),
) -> str:
    """Who a request comes from, for counting: the peer's address, or, when the peer is one of
    `trusted_proxies`, the nearest address in X-Forwarded-For that is not a trusted proxy.

    X-Forwarded-For is read right to left because each proxy appends the address it saw: the
    entries on the left are whatever the client chose to send. An IPv6 address counts by its
    /64. A peer that is not an IP address at all (a test client, a Unix socket) is its own key.
    """
    address = _address(peer or "")
    if address is None:
        return f"peer:{(peer or 'unknown')[:64]}"
    if forwarded_for and _trusted(address, trusted_proxies):
        for hop in reversed(forwarded_for.split(",")[-32:]):
            hop_address = _address(hop)
            if hop_address is None:
                break  # a malformed entry: trust nothing further left
            address = hop_address
            if not _trusted(hop_address, trusted_proxies):
                break
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False))
    return str(address)


def retry_after_header(seconds: float) -> str:
    """Retry-After's value: whole seconds, rounded up so a client retrying then is let in."""
    return str(max(1, math.ceil(seconds)))
