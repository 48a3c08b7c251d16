"""One client against everyone else: while an attacker runs, do other people notice?

The advisor runs as `make run` serves it (one worker), with its sessions expiring after
IDLE_SECONDS so that their memory can be seen coming back. Twenty visitors (simulated tabs,
bench/client.py) sit on /assess and each change an answer once a second; a probe asks
`/api/v1/health` every 100 ms, as a load balancer would. Then, for WINDOW_S each, an attacker in
a process of its own runs one of the attacks the advisor was hardened against, at the pace it
was reported at or faster:

1. stored answers and links: every 0.25 s a new connection carrying a stored value as large as
   one websocket message can, or opening /result with a link far longer than a real one;
2. invalid API bodies: 16 at once every second, each 64 KB of 12,900 unknown motivations;
3. throwaway sessions: 20 a second, each opened with a large stored value and closed.

Figures, beside the same figures with no attacker (the baseline, measured in the same run): the
probe's longest wait, and the visitors' answer round trip (p50, p90, and each visitor's median
against their own median without the attacker). Targets: the probe never waits over 200 ms, and
no visitor's median round trip doubles. Then the worker's memory and the session files on disk:
before 500 ordinary sessions (each answers the whole questionnaire, then closes), when they have
closed, once their idle time has passed, and the same for a second wave.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import statistics
import threading
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from bench import server
from bench.client import Tab
from bench.sessions import Build, _reply, _workers, questionnaire

BUILD_DIR = server.BUILD_ROOT / "bench-abuse"
VISITORS = 20
WINDOW_S = 10.0
IDLE_SECONDS = 15
PROBE_EVERY_S = 0.1
TARGET_PROBE_MS = 200.0
TARGET_ROUND_TRIP_RATIO = 2.0
# The second memory figure: 500 ordinary sessions left 44 MB behind after closing.
MEMORY_SESSIONS = 500
ASSESS = {"pathname": "/assess/", "asPath": "/assess/", "query": {}}
EVENT_TIMEOUT_S = 30.0


def _answers_state() -> str:
    from advisor.state import AnswersState

    return AnswersState.get_full_name()


# --- the attacks, each in a process of its own --------------------------------------------------


def _big_stored(n: int) -> str:
    # Just under the websocket message limit, with the hydrate event around it.
    return f"audience=self&motivations={n}," + "x," * 13_000


# Everyone reaches the server through a "proxy" on 127.0.0.1 (ADVISOR_TRUSTED_PROXIES), which
# names each client in X-Forwarded-For, as nginx would: the attacker is one client, and each
# visitor another. The addresses are documentation ranges: only headers, nothing is sent there.
ATTACKER = "203.0.113.66"


def _visitor(i: int) -> str:
    return f"198.51.100.{i + 1}"


def _throwaway(n: int) -> str:
    return f"192.0.2.{n % 250 + 1}"


async def _open(
    port: int, build: Build, route: dict[str, Any], stored: str | None, client: str = ATTACKER
) -> Tab:
    tab = Tab("127.0.0.1", port, route, headers=[("x-forwarded-for", client)])
    event = build.hydrate()
    if stored is not None:
        event["payload"]["vars"] = {f"{_answers_state()}.stored_rx_state_": stored}
    await tab.open(event, build.state_schema)
    return tab


async def _first_update(tab: Tab) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(tab.updates.get(), EVENT_TIMEOUT_S)


async def _paced(every_s: float, until: float, once) -> int:
    """Start `once(n)` every `every_s` seconds until `until`; wait for them all."""
    started: list[asyncio.Task] = []
    while time.monotonic() < until:
        started.append(asyncio.create_task(once(len(started))))
        await asyncio.sleep(every_s)
    await asyncio.gather(*started, return_exceptions=True)
    return len(started)


async def _stored_and_links(port: int, build: Build, until: float) -> int:
    """Attack 1, four times the issue's pace: a new storage value (or link) every 0.25 s."""

    async def once(n: int) -> None:
        if n % 2:
            tab = await _open(port, build, ASSESS, _big_stored(n))
        else:
            query = {"healthcare_background": "yes", "motivations": f"{n}," + "x," * 3_000}
            route = {"pathname": "/result/", "asPath": "/result/?" + urlencode(query)}
            tab = await _open(port, build, {**route, "query": query}, None)
        await _first_update(tab)
        await tab.close()

    return await _paced(0.25, until, once)


def _invalid_body() -> bytes:
    return json.dumps(
        {
            "healthcare_background": True,
            "role": "trainee",
            "career_stage": "early",
            "research_aim": "none",
            "motivations": ["x"] * 12_900,
        }
    ).encode()


async def _invalid_bodies(port: int, until: float) -> int:
    """Attack 2: the issue's 16 requests of 64 KB invalid bodies, at once, every second."""
    body = _invalid_body()
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}",
        timeout=30,
        limits=httpx.Limits(max_connections=16),
        headers={"x-forwarded-for": ATTACKER},
    ) as http:

        async def once(_: int) -> None:
            await asyncio.gather(
                *(
                    http.post(
                        "/api/v1/recommendations",
                        content=body,
                        headers={"content-type": "application/json"},
                    )
                    for _ in range(16)
                )
            )

        return await _paced(1.0, until, once)


async def _throwaway_sessions(port: int, build: Build, until: float, count: int | None) -> int:
    """Attack 3: sessions with large stored values opened and closed, 20 a second by one
    client; or, for the memory figures, `count` ordinary sessions (the whole questionnaire
    answered, then closed) as fast as 25 at a time allow, from many clients (none refused)."""

    async def once(n: int) -> None:
        client = ATTACKER if count is None else _throwaway(n)
        tab = await _open(port, build, ASSESS, _big_stored(n) + uuid.uuid4().hex, client)
        await _first_update(tab)
        await tab.close()

    if count is None:
        return await _paced(0.05, until, once)
    limit = asyncio.Semaphore(25)
    state = _answers_state()

    async def ordinary(n: int) -> None:
        # A person's whole questionnaire, then the page is closed.
        tab = await _open(port, build, ASSESS, None, _throwaway(n))
        await _first_update(tab)
        for handler, payload in questionnaire(n):
            tab.emit(f"{state}.{handler}", payload)
            await _reply(tab)
        await tab.close()

    async def limited(n: int) -> None:
        async with limit:
            await ordinary(n)

    await asyncio.gather(*(limited(n) for n in range(count)), return_exceptions=True)
    return count


def _attack(kind: str, port: int, web_dir: str, seconds: float, count: int | None) -> None:
    build = Build.read(Path(web_dir))
    until = time.monotonic() + seconds
    if kind == "stored":
        asyncio.run(_stored_and_links(port, build, until))
    elif kind == "api":
        asyncio.run(_invalid_bodies(port, until))
    else:
        asyncio.run(_throwaway_sessions(port, build, until, count))


# --- what everyone else sees -------------------------------------------------------------------


class Probe:
    """/api/v1/health every PROBE_EVERY_S from a thread; the longest wait in ms."""

    def __init__(self, url: str) -> None:
        self.url = f"{url}/api/v1/health"
        self.waits: list[float] = []
        self.failures = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(timeout=30) as http:
            while not self._stop.is_set():
                started = time.perf_counter()
                try:
                    self.failures += http.get(self.url).status_code != 200
                except httpx.HTTPError:
                    self.failures += 1
                self.waits.append((time.perf_counter() - started) * 1000)
                self._stop.wait(PROBE_EVERY_S)

    def __enter__(self) -> Probe:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=60)


async def _answer(tab: Tab, state: str, value: str) -> float:
    sent = tab.emit(f"{state}.set_answer", {"question_id": "role", "value": value})
    first = await asyncio.wait_for(tab.updates.get(), EVENT_TIMEOUT_S)
    with contextlib.suppress(TimeoutError):
        while True:
            await asyncio.wait_for(tab.updates.get(), 0.02)
    return (first.received - sent) * 1000


async def _visitors_answer(tabs: list[Tab], seconds: float) -> list[list[float]]:
    """Each visitor changes an answer once a second, the visitors evenly spread in time; each
    visitor's round trips in ms."""
    state = _answers_state()
    trips: list[list[float]] = [[] for _ in tabs]
    until = time.monotonic() + seconds

    async def visitor(i: int, tab: Tab) -> None:
        await asyncio.sleep(i / len(tabs))
        n = 0
        while time.monotonic() < until:
            started = time.monotonic()
            n += 1
            trips[i].append(await _answer(tab, state, "trainee" if n % 2 else "minor_teaching"))
            await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - started)))

    await asyncio.gather(*(visitor(i, tab) for i, tab in enumerate(tabs)))
    return trips


def _window(
    running: server.Running, tabs: list[Tab], loop: asyncio.AbstractEventLoop, kind: str | None
) -> dict[str, Any]:
    attacker = None
    if kind is not None:
        attacker = multiprocessing.get_context("spawn").Process(
            target=_attack,
            args=(kind, running.port, str(BUILD_DIR / "web"), WINDOW_S + 2, None),
            daemon=True,
        )
        attacker.start()
        time.sleep(1.5)  # the attacker's own start-up is no part of the window
    with Probe(running.url) as probe:
        per_visitor = loop.run_until_complete(_visitors_answer(tabs, WINDOW_S))
    if attacker is not None:
        attacker.join(timeout=WINDOW_S + 60)
        if attacker.is_alive():
            attacker.kill()
    trips = sorted(t for visitor in per_visitor for t in visitor)
    return {
        "probe_max_ms": round(max(probe.waits), 1),
        "probe_failures": probe.failures,
        "round_trip_p50_ms": round(statistics.median(trips), 2),
        "round_trip_p90_ms": round(trips[int(len(trips) * 0.9)], 2),
        "visitor_medians_ms": [round(statistics.median(v), 2) for v in per_visitor],
        "answers": len(trips),
    }


def _memory_returns(running: server.Running, states: Path) -> dict[str, Any]:
    """Worker RSS (MB) and session files on disk: before MEMORY_SESSIONS sessions, once
    they closed, once their idle time has passed; then the same for a second wave, which must
    find the memory of the first one free again rather than add to it."""

    def rss() -> float:
        return round(sum(server.rss_kb(pid) for pid in _workers(running)) / 1024, 1)

    def files() -> int:
        return sum(1 for _ in states.rglob("*.pkl"))

    figures: dict[str, Any] = {"before": {"rss_mb": rss(), "state_files": files()}}
    for wave in ("first", "second"):
        attacker = multiprocessing.get_context("spawn").Process(
            target=_attack,
            args=("sessions", running.port, str(BUILD_DIR / "web"), 300.0, MEMORY_SESSIONS),
        )
        attacker.start()
        attacker.join(timeout=300)
        figures[f"{wave} wave closed"] = {"rss_mb": rss(), "state_files": files()}
        time.sleep(IDLE_SECONDS + 15)
        figures[f"{wave} wave expired"] = {"rss_mb": rss(), "state_files": files()}
    return figures


def run() -> dict[str, Any]:
    log = BUILD_DIR / "abuse.log"
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    loop = asyncio.new_event_loop()
    with server.advisor(
        log,
        BUILD_DIR,
        database_url=f"sqlite:///{BUILD_DIR / 'advisor.db'}",
        extra={
            "ADVISOR_SESSION_IDLE_SECONDS": str(IDLE_SECONDS),
            "ADVISOR_TRUSTED_PROXIES": "127.0.0.1",
            # The advisor's own defaults, not the other benchmarks' unlimited ones.
            "ADVISOR_CONNECTIONS_PER_MINUTE": "120",
            "ADVISOR_SAVES_PER_MINUTE": "30",
        },
    ) as running:
        build = Build.read(BUILD_DIR / "web")

        async def open_all() -> list[Tab]:
            tabs = [
                await _open(running.port, build, ASSESS, None, _visitor(i)) for i in range(VISITORS)
            ]
            for tab in tabs:
                await _first_update(tab)
            return tabs

        tabs = loop.run_until_complete(open_all())
        windows = {"baseline": _window(running, tabs, loop, None)}
        for kind in ("stored", "api", "sessions"):
            windows[kind] = _window(running, tabs, loop, kind)
        for tab in tabs:
            loop.run_until_complete(tab.close())
        memory = _memory_returns(running, BUILD_DIR / "states")
    loop.close()
    base = windows["baseline"]
    for figures in windows.values():
        figures["round_trip_p50_ratio"] = round(
            figures["round_trip_p50_ms"] / base["round_trip_p50_ms"], 2
        )
        # Each visitor against themselves without an attacker: the worst of them.
        figures["worst_visitor_ratio"] = round(
            max(
                mine / theirs
                for mine, theirs in zip(
                    figures["visitor_medians_ms"], base["visitor_medians_ms"], strict=True
                )
            ),
            2,
        )
    attacks = [windows[k] for k in ("stored", "api", "sessions")]
    return {
        "visitors": VISITORS,
        "window_s": WINDOW_S,
        "windows": windows,
        "memory": memory,
        "memory_sessions": MEMORY_SESSIONS,
        "target_probe_ms": TARGET_PROBE_MS,
        "target_round_trip_ratio": TARGET_ROUND_TRIP_RATIO,
        "meets_probe_target": all(w["probe_max_ms"] < TARGET_PROBE_MS for w in attacks),
        "meets_round_trip_target": all(
            w["worst_visitor_ratio"] < TARGET_ROUND_TRIP_RATIO for w in attacks
        ),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
