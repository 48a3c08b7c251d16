"""HTTP hygiene of the whole stack: security headers, the body limit, no echo into HTML."""

from __future__ import annotations

import base64
import hashlib
import warnings
from pathlib import Path

import pytest

from advisor import db
from advisor.api import create_api
from advisor.asgi import (
    MAX_BODY_BYTES,
    PERMISSIONS_POLICY,
    allowed_hosts,
    body_limit,
    build_script_hashes,
    connect_sources,
    inline_script_hashes,
    route_of,
    security_headers,
)
from advisor.content import load_content
from tests.utils.async_calls import call

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
VALID = {
    "healthcare_background": True,
    "role": "trainee",
    "career_stage": "early",
    "research_aim": "none",
}


FRAMERS = "https://www.example.ac.uk"


def pages_app(api):
    """`api` with two HTML routes standing in for Reflex's prerendered pages: whatever path is
    asked for, a page (as the static file server answers /embed/, //insights/, ...)."""

    async def app(scope, receive, send):
        if scope["type"] == "http" and not scope["path"].startswith("/api/"):
            body = b"<!doctype html><title>page</title><script>start()</script>"
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"text/html; charset=utf-8")],
                }
            )
            return await send({"type": "http.response.body", "body": body})
        return await api(scope, receive, send)

    return app


@pytest.fixture(scope="module")
def client():
    # Composed as advisor.advisor composes it for Reflex (API inside, headers outermost).
    api = create_api(load_content(ROOT / "content"))
    app = security_headers(FRAMERS, script_hashes=lambda: api.state.inline_script_hashes)(
        allowed_hosts(["testserver"])(body_limit()(pages_app(api)))
    )
    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/health"),
        ("get", "/api/v1/evidence"),
        ("get", "/api/docs"),
        ("get", "/api/v1/nothing-here"),
        ("post", "/api/v1/recommendations"),
    ],
)
def test_every_response_carries_the_security_headers(client, method, path):
    response = client.request(method, path, json=VALID if method == "post" else None)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "strict-transport-security" not in response.headers  # not configured


def test_anything_but_a_page_may_load_nothing(client):
    csp = client.get("/api/v1/health").headers["content-security-policy"]
    assert csp == "default-src 'none'; frame-ancestors 'none'"


def directives(csp: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in csp.split(";")) if d}


def frame_ancestors_for(path: str) -> list[str]:
    """The frame-ancestors a page at `path` is sent with, the path given to the app exactly as
    written (an HTTP client would resolve its dot segments first)."""
    app = security_headers(FRAMERS)(pages_app(None))
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b""}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"localhost")],
    }
    call(app(scope, receive, send))
    headers = dict(sent[0]["headers"])
    return directives(headers[b"content-security-policy"].decode())["frame-ancestors"]


@pytest.mark.parametrize("path", ["/embed", "/embed/", "//embed/", "/./embed", "/x/../embed/"])
def test_only_the_embed_page_may_be_framed_by_the_configured_sites(path):
    assert frame_ancestors_for(path) == [FRAMERS], path


@pytest.mark.parametrize(
    "path",
    [
        "/insights",
        "/insights/",
        "//insights/",
        "///insights",
        "/./insights/",
        "/assess/../insights",
        "/%69nsights",
        "/INSIGHTS",
        "/",
        "/assess",
        "/result/",
        "/r/6a1f2c3e-0000-4000-8000-000000000000",
        "/embed/../insights",
        "/embedded",
        "/embed/x",
    ],
)
def test_every_other_page_refuses_every_frame(path):
    # Inverted: whatever spelling the static file server resolves, only /embed is framable.
    assert frame_ancestors_for(path) == ["'none'"], path


@pytest.mark.parametrize("path", ["/api/v1/insights", "/api/docs", "/api/v1/health"])
def test_the_api_and_its_docs_refuse_every_frame(client, path):
    csp = client.get(path).headers["content-security-policy"]
    assert directives(csp)["frame-ancestors"] == ["'none'"], path


@pytest.mark.parametrize(
    ("path", "route"),
    [("//insights/", "/insights"), ("/a/./b/../embed//", "/a/embed"), ("", "/"), ("/", "/")],
)
def test_a_path_is_resolved_as_the_static_file_server_resolves_it(path, route):
    assert route_of(path) == route


def test_pages_run_only_their_own_scripts_and_inline_scripts_by_hash(client):
    csp = directives(client.get("/assess").headers["content-security-policy"])
    docs_hash = inline_script_hashes(client.get("/api/docs").content)
    assert len(docs_hash) == 1
    assert csp["script-src"] == ["'self'", "'unsafe-eval'", *sorted(docs_hash)]
    assert "'unsafe-inline'" not in csp["script-src"]
    assert csp["default-src"] == ["'self'"]
    assert csp["connect-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]


def test_the_api_docs_load_nothing_from_elsewhere(client):
    page = client.get("/api/docs").text
    assert '"validatorUrl": null' in page
    assert "https://" not in page


def test_inline_script_hashes_come_from_every_page_of_the_build(tmp_path):
    (tmp_path / "embed").mkdir()
    (tmp_path / "index.html").write_bytes(b"<script>a()</script><script src='/x.js'></script>")
    (tmp_path / "embed" / "index.html").write_bytes(b'<script type="module">b()</script>')
    assert build_script_hashes(tmp_path) == {
        # printf 'a()' | openssl sha256 -binary | base64
        "'sha256-" + base64.b64encode(hashlib.sha256(b"a()").digest()).decode() + "'",
        "'sha256-" + base64.b64encode(hashlib.sha256(b"b()").digest()).decode() + "'",
    }
    assert build_script_hashes(tmp_path / "missing") == set()


@pytest.mark.parametrize(
    ("api_url", "sources"),
    [
        (None, []),
        ("http://localhost:3000", []),  # the frontend swaps in its own host: 'self'
        ("http://0.0.0.0:8000", []),
        (
            "https://advisor.example.ac.uk",
            ["https://advisor.example.ac.uk", "wss://advisor.example.ac.uk"],
        ),
        ("http://10.0.0.5:3000", ["http://10.0.0.5:3000", "ws://10.0.0.5:3000"]),
    ],
)
def test_the_pages_may_connect_to_the_backend_they_were_built_for(api_url, sources):
    assert connect_sources(api_url) == sources


def test_pages_deny_the_browser_features_the_advisor_never_uses(client):
    policy = client.get("/result").headers["permissions-policy"]
    assert policy == PERMISSIONS_POLICY
    features = dict(item.split("=") for item in policy.split(", "))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()", feature
    assert features["clipboard-write"] == "(self)"  # "Copy link"


def test_a_not_modified_page_keeps_the_policy_of_its_cached_copy():
    # Browsers replace a cached page's headers with those of the 304 that revalidates it: a
    # "nothing may load" policy there would break the page on its next load from the cache.
    async def not_modified(scope, receive, send):
        await send({"type": "http.response.start", "status": 304, "headers": [(b"etag", b'"1"')]})
        await send({"type": "http.response.body", "body": b""})

    response = TestClient(security_headers(FRAMERS)(not_modified)).get("/assess/")
    assert response.status_code == 304
    assert "content-security-policy" not in response.headers
    assert "permissions-policy" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"


def test_hsts_only_when_configured():
    app = security_headers("*", hsts_seconds=31536000)(pages_app(None))
    response = TestClient(app).get("/")
    assert response.headers["strict-transport-security"] == "max-age=31536000"


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:3000", "localhost.evil.example", "127.0.0.1.nip.io"]
)
def test_another_host_is_refused_before_it_reaches_a_redirect_or_a_link(host):
    app = allowed_hosts(["localhost", "127.0.0.1", "[::1]"])(pages_app(None))
    response = TestClient(app, base_url=f"http://{host}").get("/about")
    assert response.status_code == 400
    assert "Invalid host header" in response.text


@pytest.mark.parametrize(
    ("hosts", "host"),
    [
        (["localhost", "127.0.0.1", "[::1]"], "127.0.0.1:3000"),
        (["localhost", "127.0.0.1", "[::1]"], "LOCALHOST"),
        (["localhost", "127.0.0.1", "[::1]"], "[::1]:3000"),
        (["*.example.ac.uk"], "advisor.example.ac.uk"),
        (["*"], "anything.example"),
    ],
)
def test_an_allowed_host_is_served(hosts, host):
    app = allowed_hosts(hosts)(pages_app(None))
    assert TestClient(app, base_url=f"http://{host}").get("/").status_code == 200


def test_a_websocket_to_another_host_is_refused():
    from starlette.websockets import WebSocket, WebSocketDisconnect

    async def echo(scope, receive, send):
        socket = WebSocket(scope, receive, send)
        await socket.accept()
        await socket.send_text("hello")
        await socket.close()

    client = TestClient(allowed_hosts(["localhost"])(echo))
    with client.websocket_connect("/_event", headers={"host": "localhost"}) as socket:
        assert socket.receive_text() == "hello"
    with (
        pytest.raises(WebSocketDisconnect),
        client.websocket_connect("/_event", headers={"host": "evil.example"}),
    ):
        pass


def test_the_save_route_links_only_to_an_allowed_host(tmp_path):
    url = f"sqlite:///{tmp_path / 'advisor.db'}"
    db.migrate(url)
    api = create_api(load_content(ROOT / "content"), engine=db.make_engine(url))
    client = TestClient(allowed_hosts(["testserver"])(api))
    response = client.post("/api/v1/assessments", json=VALID)
    assert response.status_code == 201, response.text
    assert response.json()["share_url"].startswith("http://testserver/r/")
    refused = client.post("/api/v1/assessments", json=VALID, headers={"host": "attacker.example"})
    assert refused.status_code == 400


def test_a_body_over_64_kb_is_refused_with_413(client):
    padding = "x" * (MAX_BODY_BYTES + 1)
    response = client.post(
        "/api/v1/recommendations",
        content=f'{{"healthcare_background": true, "pad": "{padding}"}}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert "64 KB" in response.json()["detail"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_streamed_body_over_64_kb_is_refused_too(client):
    def chunks():
        for _ in range(20):
            yield b"x" * 8192

    response = client.post(
        "/api/v1/recommendations", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


def test_a_body_just_under_the_limit_is_read(client):
    padding = "x" * (MAX_BODY_BYTES - 200)
    response = client.post(
        "/api/v1/recommendations",
        content=f'{{"healthcare_background": true, "pad": "{padding}"}}',
        headers={"content-type": "application/json"},
    )
    # Read and validated: the unknown field is named, nothing refused for size.
    assert response.status_code == 422
    assert "pad" in [d["field"] for d in response.json()["detail"]]


def test_no_input_is_echoed_into_html(client):
    script = "<script>alert(1)</script>"
    for response in (
        client.get(f"/api/v1/assessments/{script}"),
        client.get(f"/api/docs?{script}"),
        client.post("/api/v1/recommendations", json={**VALID, "role": script}),
        client.get(f"/api/{script}"),
    ):
        assert response.status_code < 500
        if "html" in response.headers.get("content-type", ""):
            assert script not in response.text


def test_the_allowed_hosts_always_include_the_host_the_frontend_is_built_for():
    from advisor.settings import Settings

    assert Settings().host_names(None) == ["localhost", "127.0.0.1", "[::1]"]
    assert Settings(allowed_hosts=" advisor-1.internal , ").host_names(
        "https://advisor.example.ac.uk"
    ) == ["advisor-1.internal", "advisor.example.ac.uk"]
    assert Settings().host_names("http://[::1]:3000")[-1] == "[::1]"
