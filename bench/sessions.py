"""Backend memory per questionnaire session, and an answer's round trip among 100 sessions.

The advisor runs as `make run` serves it (prod build, one port, one worker process, Reflex's
default state manager). Simulated browser tabs (bench/client.py) speak the frontend's real
protocol: each opens the websocket with the hydrate event for /assess, waits for the hydration,
then answers the whole questionnaire as a person would, one event at a time, each sent once the
backend has answered the previous one and gone quiet (set_answer / toggle_choice /
next_step, ending on the review), with answers that differ between tabs. The tabs then stay
connected.

Memory: the resident set (VmRSS) of the backend's worker with 0, 100 and 500 tabs held
open; per session = (RSS(n) - RSS(0)) / n. RSS(0) is taken after a few tabs have warmed the
server up (first-use imports and caches), so the figure is what one more session costs.
Baseline in the same run: the same figure for a one-counter Reflex app (the page-load
benchmark's minimal app, on the same server), whose tabs hydrate and press its button: Reflex's
own floor.

Round trip: with 100 tabs connected, each sends one answer (a set_answer that changes its
stored answers), the tabs taking turns evenly so the server receives 100 answers a second (as
if every one of the 100 people clicked once a second); time from sending the event to receiving
its delta, over ROUNDS rounds. Baseline in the same run, on the same sockets at the same pace:
Reflex's Socket.IO `ping` event, answered with `pong` without touching any state. Also shown:
the same 100 answers sent all at once (a burst: the queueing a simultaneous click of everyone
costs).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import shutil
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from bench import api, pageload, server
from bench.client import STATE, Tab

BUILD_DIR = server.BUILD_ROOT / "bench-sessions"
COUNTS = (100, 500)
ROUND_TRIP_SESSIONS = 100
ROUNDS = 3
EVENTS_PER_SECOND = 100
WARMUP_SESSIONS = 10
OPEN_CONCURRENCY = 25
SETTLE_S = 1.0
EVENT_TIMEOUT_S = 30.0
# After an event's first update, how long the socket must stay silent for the event to be done.
QUIET_S = 0.02
TARGET_KB = 50.0
TARGET_ROUND_TRIP_MS = 20.0

HYDRATE = f"{STATE}.hydrate_and_load"
ASSESS = {"pathname": "/assess/", "asPath": "/assess/?for=self", "query": {"for": "self"}}
MINIMAL = {"pathname": "/", "asPath": "/"}
MINIMAL_STATE = f"{STATE}.minimal___minimal____counter_state"  # CounterState of minimal.minimal


@dataclass(frozen=True)
class Build:
    """What the compiled frontend sends in its hydrate event (from .web/utils/context.jsx)."""

    state_schema: str
    hashes: list[str]

    @classmethod
    def read(cls, web_dir: Path) -> Build:
        context = (web_dir / "utils" / "context.jsx").read_text()
        schema = re.search(r"export const stateSchema = (\".*?\")", context)
        hashes = re.search(r"export const initialStateHashes = (\[.*?\])", context)
        if schema is None or hashes is None:
            raise RuntimeError(f"no state schema or hashes in {web_dir}/utils/context.jsx")
        return cls(json.loads(schema.group(1)), json.loads(hashes.group(1)))

    def hydrate(self) -> dict[str, Any]:
        return {"name": HYDRATE, "payload": {"hashes": self.hashes}}


# --- what a person does -----------------------------------------------------------------------


def _answers_state() -> str:
    from advisor.state import AnswersState

    return AnswersState.get_full_name()


def questionnaire(seed: int) -> list[tuple[str, dict[str, Any]]]:
    """One person's way through the questionnaire to the review: (handler, payload) pairs.

    Eligible, with answers drawn from the rules' own value sets, so tabs differ."""
    from advisor.profile import (
        IMPORTANCES,
        PRIORITY_IDS,
        CareerStage,
        Motivation,
        ResearchAim,
        Role,
        Workplace,
    )

    pick = random.Random(seed)
    motivations = pick.sample(get_args(Motivation), pick.randint(1, 3))
    return [
        ("set_answer", {"question_id": "healthcare_background", "value": "yes"}),
        ("next_step", {}),
        ("set_answer", {"question_id": "role", "value": pick.choice(get_args(Role))}),
        ("next_step", {}),
        (
            "set_answer",
            {"question_id": "career_stage", "value": pick.choice(get_args(CareerStage))},
        ),
        ("next_step", {}),
        *(("toggle_choice", {"question_id": "motivations", "value": m}) for m in motivations),
        ("next_step", {}),
        (
            "set_answer",
            {"question_id": "research_aim", "value": pick.choice(get_args(ResearchAim))},
        ),
        ("next_step", {}),
        ("set_answer", {"question_id": "workplace", "value": pick.choice(get_args(Workplace))}),
        ("next_step", {}),
        # The priorities step: two rated, then on to the review.
        *(
            ("set_priority", {"item": item, "level": pick.choice(IMPORTANCES)})
            for item in pick.sample(PRIORITY_IDS, 2)
        ),
        ("next_step", {}),
    ]


async def _hydrated(tab: Tab) -> None:
    while True:
        update = await asyncio.wait_for(tab.updates.get(), EVENT_TIMEOUT_S)
        if update.data.get("delta", {}).get(STATE, {}).get("is_hydrated_rx_state_"):
            return


async def _reply(tab: Tab) -> float:
    """Wait for the backend's first update after an event, then until the socket is quiet (an
    event may bring several: a delta, then the events it queued); return when the first came."""
    first = await asyncio.wait_for(tab.updates.get(), EVENT_TIMEOUT_S)
    with contextlib.suppress(TimeoutError):
        while True:
            await asyncio.wait_for(tab.updates.get(), QUIET_S)
    return first.received


@dataclass
class Site:
    """A running server and how its tabs behave."""

    running: server.Running
    build: Build
    router_data: dict[str, Any]
    state: str  # the full name of the state the steps' handlers belong to
    steps: Callable[[int], list[tuple[str, dict[str, Any]]]]
    # Each tab's answers so far (set_answer payloads): question id -> value.
    answers: dict[str, dict[str, str]] = field(default_factory=dict)

    async def open(self, seed: int) -> Tab:
        tab = Tab("127.0.0.1", self.running.port, self.router_data)
        await tab.open(self.build.hydrate(), self.build.state_schema)
        await _hydrated(tab)
        for handler, payload in self.steps(seed):
            await self.send(tab, handler, payload)
        return tab

    async def send(self, tab: Tab, handler: str, payload: dict[str, Any]) -> float:
        """Send one event and wait for the backend's reply: the round trip in milliseconds."""
        sent = tab.emit(f"{self.state}.{handler}", payload)
        arrived = await _reply(tab)
        if handler == "set_answer":
            self.answers.setdefault(tab.token, {})[payload["question_id"]] = payload["value"]
        return (arrived - sent) * 1000

    async def open_many(self, first_seed: int, count: int) -> list[Tab]:
        limit = asyncio.Semaphore(OPEN_CONCURRENCY)

        async def one(seed: int) -> Tab:
            async with limit:
                return await self.open(seed)

        return list(await asyncio.gather(*(one(first_seed + i) for i in range(count))))

    def worker_rss_kb(self) -> int:
        return sum(server.rss_kb(pid) for pid in _workers(self.running))


def _workers(running: server.Running) -> list[int]:
    """The backend's worker processes: the Python processes of the group forked by another one
    that fork none themselves (granian's workers under the reflex process; gunicorn's workers
    under its arbiter, itself a child of the reflex process), or the lone Python process when
    there is no supervisor."""
    python = {}
    for pid in running.pids():
        with contextlib.suppress(OSError):
            argv = server.command_line(pid)
            if argv and Path(argv[0]).name.startswith("python"):
                python[pid] = server.parent(pid)
    parents = set(python.values())
    workers = [pid for pid, ppid in python.items() if ppid in python and pid not in parents]
    if not workers and len(python) != 1:
        raise RuntimeError(f"cannot tell the backend's worker among {sorted(python)}")
    return workers or list(python)


async def _settled_rss(site: Site) -> int:
    await asyncio.sleep(SETTLE_S)
    return site.worker_rss_kb()


async def _memory(site: Site) -> tuple[dict[str, Any], list[Tab]]:
    """RSS with 0, then COUNTS[i] tabs held open; the tabs are returned still open."""
    for tab in await site.open_many(10_000, WARMUP_SESSIONS):
        await tab.close()
    rss = {0: await _settled_rss(site)}
    tabs: list[Tab] = []
    for count in COUNTS:
        tabs += await site.open_many(len(tabs), count - len(tabs))
        rss[count] = await _settled_rss(site)
    per_session = {n: (rss[n] - rss[0]) / n for n in COUNTS}
    return {
        "rss_kb": {str(n): kb for n, kb in rss.items()},
        "per_session_kb": {str(n): round(kb, 1) for n, kb in per_session.items()},
        "workers": len(_workers(site.running)),
    }, tabs


async def _paced(tabs: list[Tab], action: Callable[[Tab], Awaitable[float]]) -> list[float]:
    """Every tab acts once, the tabs taking turns at EVENTS_PER_SECOND."""
    gap = 1 / EVENTS_PER_SECOND
    start = time.perf_counter()

    async def at(i: int, tab: Tab) -> float:
        await asyncio.sleep(max(0.0, start + i * gap - time.perf_counter()))
        return await action(tab)

    return list(await asyncio.gather(*(at(i, tab) for i, tab in enumerate(tabs))))


def _answer(site: Site) -> Callable[[Tab], Awaitable[float]]:
    """One answer event: the research aim changed to the next value, so the stored answers and
    the result change."""
    from advisor.profile import ResearchAim

    aims = get_args(ResearchAim)

    async def answer(tab: Tab) -> float:
        held = site.answers[tab.token]["research_aim"]
        value = aims[(aims.index(held) + 1) % len(aims)]
        return await site.send(tab, "set_answer", {"question_id": "research_aim", "value": value})

    return answer


async def _ping(tab: Tab) -> float:
    while not tab.pongs.empty():
        tab.pongs.get_nowait()
    sent = tab.ping()
    return (await asyncio.wait_for(tab.pongs.get(), EVENT_TIMEOUT_S) - sent) * 1000


def _summary(samples: list[float]) -> dict[str, Any]:
    ordered = sorted(samples)
    return {
        "samples": len(ordered),
        "median_ms": round(statistics.median(ordered), 2),
        "p90_ms": round(ordered[int(len(ordered) * 0.9)], 2),
        "max_ms": round(ordered[-1], 2),
    }


async def _round_trips(site: Site, tabs: list[Tab]) -> dict[str, Any]:
    answer = _answer(site)
    answers: list[float] = []
    pings: list[float] = []
    for _ in range(ROUNDS):  # interleaved, so a drift of the machine hits both alike
        answers += await _paced(tabs, answer)
        pings += await _paced(tabs, _ping)
    burst = await asyncio.gather(*(answer(tab) for tab in tabs))
    return {
        "sessions": len(tabs),
        "events_per_second": EVENTS_PER_SECOND,
        "answer": _summary(answers),
        "ping": _summary(pings),
        "burst": _summary(list(burst)),
    }


async def _close(tabs: list[Tab]) -> None:
    await asyncio.gather(*(tab.close() for tab in tabs), return_exceptions=True)


async def _measure_advisor(site: Site) -> dict[str, Any]:
    memory, tabs = await _memory(site)
    try:
        round_trips = await _round_trips(site, tabs[:ROUND_TRIP_SESSIONS])
    finally:
        await _close(tabs)
    return {"memory": memory, "round_trip": round_trips}


async def _measure_minimal(site: Site) -> dict[str, Any]:
    memory, tabs = await _memory(site)
    await _close(tabs)
    return {"memory": memory}


def _minimal_steps(_seed: int) -> list[tuple[str, dict[str, Any]]]:
    return [("increment", {})] * 3


def run() -> dict[str, Any]:
    started = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="advisor-bench-sessions-"))
    try:
        with server.advisor(
            scratch / "app.log", BUILD_DIR, database_url=f"sqlite:///{scratch / 'advisor.db'}"
        ) as running:
            build = Build.read(BUILD_DIR / "web")
            site = Site(running, build, ASSESS, _answers_state(), questionnaire)
            advisor = asyncio.run(_measure_advisor(site))
        folder = scratch / "minimal-app"
        folder.mkdir()
        with pageload.minimal_server(folder, scratch / "minimal.log") as running:
            build = Build.read(folder / ".web")
            site = Site(running, build, MINIMAL, MINIMAL_STATE, _minimal_steps)
            minimal = asyncio.run(_measure_minimal(site))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    per_session = advisor["memory"]["per_session_kb"]
    largest = str(COUNTS[-1])
    baseline_kb = minimal["memory"]["per_session_kb"][largest]
    trips = advisor["round_trip"]
    return {
        "server": api.server_name(),
        "counts": list(COUNTS),
        "advisor": advisor,
        "minimal": minimal,
        "per_session_kb_ratio": round(per_session[largest] / baseline_kb, 2)
        if baseline_kb > 0
        else None,
        "round_trip_ratio": round(trips["answer"]["median_ms"] / trips["ping"]["median_ms"], 2),
        "target_kb": TARGET_KB,
        "target_round_trip_ms": TARGET_ROUND_TRIP_MS,
        "meets_memory_target": all(kb < TARGET_KB for kb in per_session.values()),
        "meets_round_trip_target": trips["answer"]["median_ms"] < TARGET_ROUND_TRIP_MS,
        "seconds": round(time.monotonic() - started, 1),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
