"""Rate limits: the limiter and client keys, and their use on sign-ins and saves (API and web)."""

from __future__ import annotations

import contextlib
import time
import warnings
from pathlib import Path

import httpx
import pytest
from reflex import constants
from reflex.istate.data import RouterData

from advisor import api as api_module
from advisor import ratelimit, worker
from advisor import state as state_module
from advisor.api import create_api
from advisor.pages import insights as insights_page
from advisor.pages.insights import InsightsState
from advisor.pages.plan_start import PlanStartState
from advisor.ratelimit import Limits, RateLimiter, client_key, parse_networks
from advisor.settings import MIN_ADMIN_TOKEN_LENGTH, Settings, settings
from advisor.state import AnswersState
from advisor.worker import Worker
from tests.utils.async_calls import call
from tests.utils.servers import serving_in_thread

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "a-long-random-admin-token-for-the-rate-limit-tests"
INSIGHTS = "/api/v1/insights"
ASSESSMENTS = "/api/v1/assessments"
BODY = {
    "healthcare_background": True,
    "role": "trainee",
    "career_stage": "early",
    "motivations": ["improve_teaching"],
    "research_aim": "none",
}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# ---------------------------------------------------------------------------------------------
# The limiter


def test_a_burst_up_to_the_limit_passes_then_waits_are_named():
    clock = Clock()
    limiter = RateLimiter(5, 60, clock=clock)

    assert [limiter.hit("a") for _ in range(5)] == [0.0] * 5
    wait = limiter.hit("a")

    assert wait == pytest.approx(12.0)  # one slot every 60 / 5 seconds
    assert limiter.retry_after("a") == pytest.approx(12.0)
    assert limiter.hit("b") == 0.0  # another client is not held up
    clock.now += 12
    assert limiter.hit("a") == 0.0
    assert limiter.hit("a") > 0


def test_refused_attempts_do_not_push_the_wait_further():
    clock = Clock()
    limiter = RateLimiter(2, 10, clock=clock)
    limiter.hit("a"), limiter.hit("a")
    waits = [limiter.hit("a") for _ in range(100)]
    assert max(waits) == pytest.approx(5.0)


def test_memory_stays_bounded_under_many_client_keys():
    clock = Clock()
    limiter = RateLimiter(3, 60, max_keys=1000, clock=clock)
    for i in range(50_000):
        limiter.hit(f"10.{i // 65536}.{i // 256 % 256}.{i % 256}")
    assert len(limiter) <= 1000


def test_an_idle_limiter_forgets_clients_whose_allowance_is_back():
    clock = Clock()
    limiter = RateLimiter(3, 60, clock=clock)
    for i in range(100):
        limiter.hit(f"client-{i}")
    clock.now += 61
    for _ in range(60):
        limiter.hit("someone-new")
    assert len(limiter) < 100


def test_the_global_limit_counts_failures_from_every_address():
    clock = Clock()
    limits = Limits.create(
        saves_per_minute=30,
        sign_in_failures_per_10_minutes=10,
        sign_in_failures_everyone_per_10_minutes=20,
        clock=clock,
    )
    for i in range(20):
        limits.sign_in_failed(f"198.51.100.{i}")  # one failure each: none over its own limit
    assert limits.sign_in_retry_after("203.0.113.1") > 0


# ---------------------------------------------------------------------------------------------
# Client keys


PROXY = parse_networks("10.0.0.1, 192.168.0.0/16")


@pytest.mark.parametrize(
    ("peer", "forwarded", "key"),
    [
        ("203.0.113.7", None, "203.0.113.7"),
        # Anyone may send X-Forwarded-For: from a peer that is not a trusted proxy it is ignored.
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),
        ("10.0.0.1", "198.51.100.1", "198.51.100.1"),
        # Only the entries the trusted proxies appended count; the client wrote the leftmost.
        ("10.0.0.1", "1.1.1.1, 198.51.100.1", "198.51.100.1"),
        ("10.0.0.1", "1.1.1.1, 198.51.100.1, 192.168.3.4", "198.51.100.1"),
        ("10.0.0.1", "1.1.1.1, not-an-address, 192.168.3.4", "192.168.3.4"),
        ("10.0.0.1", None, "10.0.0.1"),
        # One IPv6 host rotating addresses in its /64 stays one client.
        ("2001:db8:1:2:aaaa::1", None, "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::9", None, "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", None, "203.0.113.7"),
        ("testclient", None, "peer:testclient"),
        (None, "198.51.100.1", "peer:unknown"),
    ],
)
def test_client_key(peer, forwarded, key):
    assert client_key(peer, forwarded, PROXY) == key


def test_a_malformed_trusted_proxy_setting_is_refused_by_name():
    with pytest.raises(ValueError, match="(?s)trusted_proxies.*'10.0.0.300'"):
        Settings(trusted_proxies="10.0.0.1, 10.0.0.300")


# ---------------------------------------------------------------------------------------------
# The API


def client_for(app, host="203.0.113.7") -> TestClient:
    return TestClient(app, raise_server_exceptions=False, client=(host, 50000))


def test_wrong_api_tokens_are_slowed_down_with_retry_after(content, sqlite_engine):
    limits = Limits.create(saves_per_minute=30, sign_in_failures_per_10_minutes=5)
    app = create_api(content, engine=sqlite_engine, admin_token=TOKEN, limits=limits)
    guesser, admin = client_for(app), client_for(app, "198.51.100.2")
    wrong = {"Authorization": "Bearer not-the-token"}

    statuses = [guesser.get(INSIGHTS, headers=wrong).status_code for _ in range(8)]
    refused = guesser.get(INSIGHTS, headers={"Authorization": f"Bearer {TOKEN}"})

    assert statuses == [401] * 5 + [429] * 3
    # While the wait lasts even the right token is not compared: a guess that would have
    # succeeded learns nothing either.
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) == 120  # 600 s / 5 failures
    assert "Try again in 120 seconds" in refused.json()["detail"]
    assert admin.get(INSIGHTS, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_a_request_without_a_token_is_not_counted_as_a_guess(content, sqlite_engine):
    limits = Limits.create(saves_per_minute=30, sign_in_failures_per_10_minutes=2)
    app = create_api(content, engine=sqlite_engine, admin_token=TOKEN, limits=limits)
    http = client_for(app)
    assert {http.get(INSIGHTS).status_code for _ in range(5)} == {401}


def test_x_forwarded_for_counts_only_behind_a_trusted_proxy(content, sqlite_engine):
    limits = Limits.create(
        saves_per_minute=2, sign_in_failures_per_10_minutes=5, trusted_proxies="127.0.0.1"
    )
    app = create_api(content, engine=sqlite_engine, admin_token=TOKEN, limits=limits)
    proxy, stranger = client_for(app, "127.0.0.1"), client_for(app, "203.0.113.9")

    def saves(http, forwarded_for):
        return [
            http.post(ASSESSMENTS, json=BODY, headers={"X-Forwarded-For": f}).status_code
            for f in forwarded_for
        ]

    # Behind the proxy, each forwarded address has its own allowance ...
    assert saves(proxy, ["198.51.100.1", "198.51.100.2"] * 2) == [201] * 4
    # ... and a client that is not the proxy cannot take fresh ones by inventing addresses.
    assert saves(stranger, ["198.51.100.3", "198.51.100.4", "198.51.100.5"]) == [201, 201, 429]


def test_saves_past_the_limit_get_429_with_retry_after(content, sqlite_engine):
    limits = Limits.create(saves_per_minute=3)
    app = create_api(content, engine=sqlite_engine, admin_token=TOKEN, limits=limits)
    http, other = client_for(app), client_for(app, "198.51.100.2")

    statuses = [http.post(ASSESSMENTS, json=BODY).status_code for _ in range(3)]
    refused = http.post(ASSESSMENTS, json=BODY)

    assert statuses == [201] * 3
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) == 20
    assert "Try again in 20 seconds" in refused.json()["detail"]
    assert other.post(ASSESSMENTS, json=BODY).status_code == 201
    assert "429" in app.openapi()["paths"][ASSESSMENTS]["post"]["responses"]


def served_as_in_production(app) -> contextlib.AbstractContextManager[str]:
    """`app` under uvicorn configured as advisor/worker.py configures it under gunicorn (whose
    own default trusts X-Forwarded-For from 127.0.0.1), on a free port of 127.0.0.1."""
    return serving_in_thread(app, forwarded_allow_ips="127.0.0.1,::1", **Worker.CONFIG_KWARGS)


def test_a_local_client_cannot_invent_addresses_through_the_server(content, sqlite_engine):
    limits = Limits.create(saves_per_minute=3)
    app = create_api(content, engine=sqlite_engine, admin_token=TOKEN, limits=limits)
    with served_as_in_production(app) as base, httpx.Client(base_url=base, timeout=10) as http:
        statuses = [
            http.post(ASSESSMENTS, json=BODY, headers={"X-Forwarded-For": f"198.51.100.{i}"})
            for i in range(5)
        ]
    assert [r.status_code for r in statuses] == [201, 201, 201, 429, 429]


def test_the_worker_believes_only_the_configured_proxies():
    assert worker._forwarded_headers("") == {"proxy_headers": False}
    assert worker._forwarded_headers("10.0.0.5, 192.168.1.7/16") == {
        "proxy_headers": True,
        "forwarded_allow_ips": "10.0.0.5/32,192.168.0.0/16",
    }


@pytest.mark.parametrize("token", ["admin", "x" * (MIN_ADMIN_TOKEN_LENGTH - 1)])
def test_a_short_admin_token_leaves_the_insights_disabled(content, sqlite_engine, token):
    http = client_for(create_api(content, engine=sqlite_engine, admin_token=token))

    response = http.get(INSIGHTS, headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 503
    detail = response.json()["detail"]
    assert "ADVISOR_ADMIN_TOKEN" in detail and str(MIN_ADMIN_TOKEN_LENGTH) in detail


def test_a_token_of_the_minimum_length_is_accepted(content, sqlite_engine):
    token = "x" * MIN_ADMIN_TOKEN_LENGTH
    http = client_for(create_api(content, engine=sqlite_engine, admin_token=token))
    assert http.get(INSIGHTS, headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_start_up_says_why_a_short_token_disables_the_insights(content, monkeypatch, capsys):
    monkeypatch.setattr(settings, "admin_token", "admin")
    create_api(content)
    said = capsys.readouterr().err
    assert "ADVISOR_ADMIN_TOKEN" in said and f"shorter than {MIN_ADMIN_TOKEN_LENGTH}" in said
    assert "admin\n" not in said.replace("ADVISOR_ADMIN_TOKEN", "")  # the token is not echoed


# ---------------------------------------------------------------------------------------------
# The web app's handlers (the websocket)


@pytest.fixture
def limits(monkeypatch) -> Limits:
    """Fresh limits for the app's handlers, small enough to reach in a test."""
    fresh = Limits.create(saves_per_minute=2, sign_in_failures_per_10_minutes=3)
    monkeypatch.setattr(state_module, "LIMITS", fresh)
    monkeypatch.setattr(insights_page, "LIMITS", fresh)
    return fresh


@pytest.fixture
def web_db(web_engine, monkeypatch):
    monkeypatch.setattr(settings, "admin_token", TOKEN)
    return web_engine


def from_address(state, address: str, forwarded_for: str | None = None):
    headers = {"x-forwarded-for": forwarded_for} if forwarded_for else {}
    state.router = RouterData.from_router_data(
        {constants.RouteVar.CLIENT_IP: address, constants.RouteVar.HEADERS: headers}
    )
    return state


def test_wrong_tokens_over_the_websocket_are_refused_without_a_sleep(limits, web_db):
    guesser = from_address(InsightsState(), "203.0.113.7")
    for _ in range(3):
        call(guesser.sign_in({"token": "not-the-token"}))
        assert guesser.error.startswith("That token opens no insights")

    started = time.perf_counter()
    call(guesser.sign_in({"token": TOKEN}))
    took = time.perf_counter() - started

    assert not guesser.signed_in
    assert "Too many wrong insights tokens" in guesser.error and "200 seconds" in guesser.error
    assert took < 0.5  # answered at once: nothing waits on the event loop
    # The same browser from another address (or another person) is not held up.
    admin = from_address(InsightsState(), "198.51.100.2")
    call(admin.sign_in({"token": TOKEN}))
    assert admin.signed_in


def test_api_and_websocket_share_one_count_of_wrong_tokens(content, sqlite_engine, limits, web_db):
    app = create_api(content, engine=sqlite_engine, admin_token=TOKEN, limits=limits)
    http = client_for(app, "203.0.113.7")
    for _ in range(3):
        http.get(INSIGHTS, headers={"Authorization": "Bearer wrong"})

    browser = from_address(InsightsState(), "203.0.113.7")
    call(browser.sign_in({"token": TOKEN}))

    assert not browser.signed_in and "Too many" in browser.error


def test_the_insights_session_ends_after_the_configured_time(limits, web_db, monkeypatch):
    monkeypatch.setattr(settings, "insights_session_minutes", 30)
    now = [1_000_000.0]
    monkeypatch.setattr(insights_page.time, "time", lambda: now[0])
    state = from_address(InsightsState(), "198.51.100.2")
    call(state.sign_in({"token": TOKEN}))
    assert state.signed_in and state.total

    now[0] += 29 * 60
    call(state.refresh())
    assert state.signed_in

    now[0] += 2 * 60
    call(state.refresh())
    assert not state.signed_in
    assert state.notice == insights_page.EXPIRED and state.total == ""
    assert state.download_csv() is not None  # focus goes back to the token field
    call(state.open_insights())
    assert not state.signed_in


@pytest.mark.parametrize("token", ["", "admin"])
def test_the_insights_page_says_why_it_is_disabled(monkeypatch, token):
    monkeypatch.setattr(settings, "admin_token", token)
    state = InsightsState()
    call(state.sign_in({"token": token or "anything"}))
    assert not state.enabled and not state.signed_in
    assert "ADVISOR_ADMIN_TOKEN" in state.disabled_reason
    assert state.error == state.disabled_reason
    if token:
        assert f"shorter than {MIN_ADMIN_TOKEN_LENGTH}" in state.disabled_reason


def test_saving_from_the_web_app_is_limited_per_address(limits, web_db):
    def saved(address: str) -> AnswersState:
        state = from_address(AnswersState(), address)
        state.stored = (
            "audience=self&healthcare_background=yes&role=trainee&career_stage=early"
            "&motivations=improve_teaching&research_aim=none"
        )
        call(state.save_result())
        return state

    first, second, third = (saved("203.0.113.7") for _ in range(3))

    assert first.saved_id and second.saved_id
    assert not third.saved_id
    assert "try again in 30 seconds" in third.save_error
    assert saved("198.51.100.2").saved_id


def test_starting_a_plan_shares_the_limit_of_saves_and_says_what_it_refused(limits, web_db):
    async def drained(events) -> None:
        async for _ in events:
            pass

    def started(address: str) -> PlanStartState:
        state = from_address(PlanStartState(), address)
        call(drained(state.create_links()))
        return state

    saver = from_address(AnswersState(), "203.0.113.7")
    saver.stored = (
        "audience=self&healthcare_background=yes&role=trainee&career_stage=early"
        "&motivations=improve_teaching&research_aim=none"
    )
    call(saver.save_result())
    first, refused = started("203.0.113.7"), started("203.0.113.7")

    assert first.supervisor_path.startswith("/plan/") and first.colleague_path
    assert not refused.supervisor_path and not refused.colleague_path
    assert refused.error.startswith("Too many plans have been made from this address just now.")
    assert "try again in 30 seconds" in refused.error
    assert started("198.51.100.2").supervisor_path


def test_the_module_is_pure():
    source = Path(ratelimit.__file__).read_text()
    assert "reflex" not in source and "fastapi" not in source and "starlette" not in source
    assert api_module.Limits is Limits


def test_a_clients_new_websockets_past_its_allowance_are_refused_before_any_session():
    from advisor.asgi import connection_limit

    limits = Limits.create(
        saves_per_minute=30, connections_per_minute=3, trusted_proxies="10.0.0.5"
    )
    reached: list[str] = []

    async def reflex(scope, receive, send):
        reached.append(scope["client"][0])
        await send({"type": "websocket.accept"})

    app = connection_limit(limits)(reflex)

    def connect(peer: str, forwarded: str | None = None) -> str:
        headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
        sent: list[dict] = []

        async def send(message):
            sent.append(message)

        async def receive():
            return {"type": "websocket.connect"}

        scope = {"type": "websocket", "path": "/_event/", "client": (peer, 1), "headers": headers}
        call(app(scope, receive, send))
        return sent[0]["type"]

    assert [connect("203.0.113.7") for _ in range(4)] == ["websocket.accept"] * 3 + [
        "websocket.close"
    ]
    assert reached == ["203.0.113.7"] * 3  # the refused one never reached Reflex
    assert connect("198.51.100.2") == "websocket.accept"  # another client has its own allowance
    # Behind the trusted proxy, each forwarded client counts apart; the proxy itself is no one.
    assert [connect("10.0.0.5", f"192.0.2.{n}") for n in range(5)] == ["websocket.accept"] * 5
