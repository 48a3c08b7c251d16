"""The real server's websocket surface under abuse: what one browser tab sends (its stored
answers, a link, forged events) costs that tab alone, is bounded, and is logged escaped.

The API fuzzing (tests/test_fuzz.py) never touches the event surface; these tests speak the
frontend's own protocol (bench/client.py) to a server started as `make run` starts it, while a
probe asks `/api/v1/health` every 100 ms as a load balancer would.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

from advisor.state import LINK_REFUSED, STORED_REFUSED, AnswersState
from bench.abuse import Probe
from bench.client import ProtocolError, Tab
from bench.sessions import Build
from tests.utils.async_calls import call
from tests.utils.servers import TEST_SERVER_DIR, Server, running_server

pytestmark = pytest.mark.server

# Short, so the expiry of closed pages' sessions can be watched within a test.
IDLE_SECONDS = 10
WORKDIR = TEST_SERVER_DIR / "events"
ANSWERS = AnswersState.get_full_name()
STORED = f"{ANSWERS}.stored_rx_state_"
ASSESS = {"pathname": "/assess/", "asPath": "/assess/", "query": {}}
# What one probe may wait while an attack runs (ms): a stall of the event loop shows up here.
MAX_PROBE_WAIT_MS = 300.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("events") / "make-run.log"
    with running_server(log, WORKDIR, {"ADVISOR_SESSION_IDLE_SECONDS": str(IDLE_SECONDS)}) as s:
        yield s


@pytest.fixture(scope="module")
def build(server: Server) -> Build:
    return Build.read(WORKDIR / "web")


async def _updates(tab: Tab, seconds: float = 3.0) -> list[dict[str, Any]]:
    """The deltas of the answers state the tab receives until it has been quiet a while."""
    deltas = []
    with contextlib.suppress(TimeoutError):
        while True:
            update = await asyncio.wait_for(tab.updates.get(), seconds)
            deltas.append(update.data.get("delta", {}).get(ANSWERS, {}))
            seconds = 0.5
    return deltas


def _hydrate(build: Build, stored: str | None = None) -> dict[str, Any]:
    event = build.hydrate()
    if stored is not None:
        event["payload"]["vars"] = {STORED: stored}
    return event


async def _open(server: Server, build: Build, stored: str | None = None, route=ASSESS) -> Tab:
    tab = Tab("127.0.0.1", server.port, route)
    await tab.open(_hydrate(build, stored), build.state_schema)
    return tab


def _result_route(query: dict[str, str]) -> dict[str, Any]:
    """What a page at /result?<query> sends: Reflex reads the query from asPath."""
    return {"pathname": "/result/", "asPath": "/result/?" + urlencode(query), "query": query}


async def _state_at(server: Server, build: Build, route: dict[str, Any]) -> dict[str, Any]:
    """What a page opened at `route` (with nothing stored) is sent of the answers state."""
    tab = await _open(server, build, route=route)
    state = _merged(await _updates(tab))
    await tab.close()
    return state


def _merged(deltas: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for delta in deltas:
        out.update(delta)
    return out


def test_a_stored_value_far_longer_than_answers_is_dropped_and_stalls_nobody(server, build):
    async def attack() -> list[dict[str, Any]]:
        seen = []
        for n in range(20):  # a fresh value each time: nothing is served from a cache
            junk = f"audience=self&motivations={n}," + "x," * 13_000
            tab = await _open(server, build, junk)
            seen.append(_merged(await _updates(tab)))
            await tab.close()
        return seen

    with Probe(server.url) as probe:
        seen = call(attack())
    for state in seen:
        assert state["stored_rx_state_"] == "" and state["link_problem_rx_state_"] == (
            STORED_REFUSED
        )
    assert probe.failures == 0 and max(probe.waits) < MAX_PROBE_WAIT_MS, max(probe.waits)


def test_a_message_over_the_limit_closes_only_that_socket(server, build):
    async def scenario() -> tuple[bool, dict[str, Any]]:
        person = await _open(server, build)
        await _updates(person)
        attacker = Tab("127.0.0.1", server.port, ASSESS)
        try:
            # 200 KB in the CONNECT packet, as a page's storage would send it: over the advisor's
            # limit, under Socket.IO's default of 1 MB (which let the 1 MB through).
            opening = attacker.open(_hydrate(build, "motivations=" + "x," * 100_000), "x")
            await asyncio.wait_for(opening, 5)
        except (ProtocolError, TimeoutError, ConnectionError):
            pass
        # The server closed that socket: the tab's reader saw it end.
        refused = attacker._pump is not None and attacker._pump.done()
        # The other tab carries on: its answer gets its reply.
        person.emit(
            f"{ANSWERS}.set_answer", {"question_id": "healthcare_background", "value": "yes"}
        )
        state = _merged(await _updates(person))
        await person.close()
        await attacker.close()
        return refused, state

    with Probe(server.url) as probe:
        refused, state = call(scenario())
    assert refused, "a 200 KB message was accepted"
    assert "healthcare_background=yes" in state["stored_rx_state_"]
    assert probe.failures == 0 and max(probe.waits) < MAX_PROBE_WAIT_MS, max(probe.waits)


def test_a_link_far_longer_than_any_real_one_gives_a_notice(server, build):
    query = {"healthcare_background": "yes", "motivations": "leadership," * 600}
    route = _result_route(query)

    state = call(_state_at(server, build, route))
    assert state["link_problem_rx_state_"] == LINK_REFUSED
    assert state.get("stored_rx_state_", "audience=self") == "audience=self"


def test_a_link_repeating_a_reason_still_gives_the_result(server, build):
    query = {
        "healthcare_background": "yes",
        "role": "education_lead",
        "career_stage": "mid",
        "motivations": "leadership,leadership",
        "research_aim": "none",
    }
    route = _result_route(query)
    before = server.log()

    state = call(_state_at(server, build, route))
    assert state["complete_rx_state_"] is True and state["recommended_rx_state_"]
    assert "motivations=leadership&" in state["stored_rx_state_"]
    assert "Traceback" not in server.log()[len(before) :]


def test_forged_events_are_logged_on_one_line_each_and_capped(server, build):
    forged = "\n2026-12-01 12:00:00 INFO insights: admin signed in FORGED"
    padding = "p" * 20_000

    async def scenario() -> int:
        tab = await _open(server, build)
        await _updates(tab)
        sent = 0
        for text in (
            tab._routed({"name": "unknown" + forged + padding, "payload": {}}),
            tab._routed({"name": f"{ANSWERS}.go_to_step", "payload": {"step": forged + padding}}),
            tab._routed(
                {"name": f"{ANSWERS}.set_answer", "payload": {"question_id": {"x": forged}}}
            ),
        ):
            packet = f"42/_event,{json.dumps(['event', text])}"
            tab.send_packet(packet)
            sent += len(packet)
        tab.send_packet(f"42/_event,{json.dumps(['event', forged + padding])}")
        sent += len(forged + padding)
        await _updates(tab, 2.0)
        await tab.close()
        return sent

    before = len(server.log())
    sent = call(scenario())
    time.sleep(0.5)
    written = server.log()[before:]
    assert "FORGED" in written  # the events were logged, escaped
    for line in written.splitlines():
        assert not line.lstrip().startswith("2026-12-01"), line[:200]
        # Each record on its own line, cut well below what was sent.
        assert len(line) < 2000, line[:200]
    assert len(written) < sent / 4


def test_closed_pages_sessions_are_forgotten_after_the_idle_time(server, build):
    states = WORKDIR / "states"

    def files() -> set[str]:
        return {p.name for p in states.rglob("*.pkl")}

    async def scenario() -> None:
        tabs = [
            await _open(server, build, f"audience=self&n={uuid.uuid4().hex}") for _ in range(10)
        ]
        for tab in tabs:
            tab.emit(
                f"{ANSWERS}.set_answer", {"question_id": "healthcare_background", "value": "yes"}
            )
            await _updates(tab, 2.0)
        for tab in tabs:
            await tab.close()

    known = files()
    call(scenario())
    written = files() - known
    assert len(written) >= 10
    deadline = time.monotonic() + IDLE_SECONDS * 3 + 10
    while files() & written and time.monotonic() < deadline:
        time.sleep(1)
    assert not files() & written, "closed pages' sessions are still kept"
