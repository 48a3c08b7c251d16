"""The real server: `make run` serves the API and the landing page on one port; Ctrl-C stops it."""

import contextlib
import html
import os
import socket
from pathlib import Path

import httpx
import psutil
import pytest

from advisor.pages import landing
from advisor.server import DEBOUNCE, WORKER_CLASS
from tests.utils.servers import TEST_SERVER_DIR, running_server

pytestmark = pytest.mark.server


def test_health_answers_ok(live_server) -> None:
    response = httpx.get(f"{live_server.url}/api/v1/health", timeout=10)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["status"] == "ok"


def test_landing_page_is_served_prerendered(live_server) -> None:
    # The prod build prerenders "/", so the landing text is in the HTML before any JavaScript.
    response = httpx.get(f"{live_server.url}/", timeout=10)

    assert response.status_code == 200
    page = response.text
    assert f"<title>{html.escape(landing.TITLE, quote=False)}</title>" in page
    assert '<main id="main"' in page
    assert "Postgraduate Certificate, Diploma or Masters" in page
    assert "27 graduates" in page
    assert "10.1007/s10459-018-9814-5" in page
    assert f'href="{landing.API_DOCS_URL}"' in page


def test_openapi_is_served_beside_the_app(live_server) -> None:
    response = httpx.get(f"{live_server.url}{landing.OPENAPI_URL}", timeout=10)

    assert response.status_code == 200
    assert "/api/v1/health" in response.json()["paths"]


def test_api_docs_and_a_recommendation_through_the_real_server(live_server) -> None:
    docs = httpx.get(f"{live_server.url}/api/docs", timeout=10)
    assert docs.status_code == 200 and "swagger-ui-bundle.js" in docs.text
    script = httpx.get(f"{live_server.url}/api/static/swagger-ui-bundle.js", timeout=10)
    assert script.status_code == 200
    answer = httpx.post(
        f"{live_server.url}/api/v1/recommendations",
        json={
            "healthcare_background": True,
            "role": "education_researcher",
            "career_stage": "early",
            "research_aim": "doctorate",
        },
        timeout=10,
    )
    assert answer.status_code == 200 and answer.json()["recommended"] == "masters"
    assert httpx.post(f"{live_server.url}/api/v1/recommendations", json={}).status_code == 422


def test_pages_and_api_carry_security_headers_and_refuse_big_bodies(live_server) -> None:
    for path in ("/", "/assess", "/api/v1/health"):
        response = httpx.get(f"{live_server.url}{path}", timeout=10, follow_redirects=True)
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], path
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["referrer-policy"], path
    big = httpx.post(
        f"{live_server.url}/api/v1/recommendations",
        content=b"{" + b" " * (70 * 1024) + b"}",
        headers={"content-type": "application/json"},
        timeout=10,
    )
    assert big.status_code == 413


def test_another_site_may_call_the_api_from_its_pages(live_server) -> None:
    # An admissions team's page asking for a recommendation from the browser: the preflight is
    # allowed and the answer carries the CORS header (Reflex's cors_allowed_origins: any).
    origin = "https://www.example.ac.uk"
    url = f"{live_server.url}/api/v1/recommendations"
    preflight = httpx.options(
        url,
        headers={
            "origin": origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
        timeout=10,
    )
    assert preflight.status_code == 200, preflight.text
    assert preflight.headers["access-control-allow-origin"] in {"*", origin}
    answer = httpx.post(url, json={"healthcare_background": False}, headers={"origin": origin})
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] in {"*", origin}


def test_the_backend_is_gunicorn_with_the_advisor_worker(live_server) -> None:
    # rxconfig.py's choice is in force: a gunicorn arbiter of the server's group forks the
    # worker, and the last worker class gunicorn is given (the one it uses) is the advisor's.
    group = []
    for process in psutil.process_iter(["pid", "ppid", "cmdline"]):
        with contextlib.suppress(psutil.Error, OSError):
            if os.getpgid(process.pid) == live_server.pgid:
                group.append(process.info)
    gunicorns = {p["pid"]: p for p in group if "gunicorn" in " ".join(p["cmdline"] or [])}
    workers = [p for p in gunicorns.values() if p["ppid"] in gunicorns]
    assert len(workers) == 1, group
    argv = workers[0]["cmdline"]
    classes = [argv[i + 1] for i, arg in enumerate(argv[:-1]) if arg == "--worker-class"]
    assert classes[-1] == WORKER_CLASS, argv
    # rxconfig.py's other setting reached the worker too: states are written as they change.
    environ = Path(f"/proc/{workers[0]['pid']}/environ").read_bytes().split(b"\0")
    assert f"{DEBOUNCE}=0s".encode() in environ, environ

    # And its settings: a browser's offer of compressed websocket frames is declined, and the
    # responses do not name the server.
    with socket.create_connection(("127.0.0.1", live_server.port), timeout=10) as conn:
        conn.sendall(
            b"GET /_event/?EIO=4&transport=websocket HTTP/1.1\r\n"
            b"Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            b"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n"
        )
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = conn.recv(4096)
            assert chunk, answer
            answer += chunk
    head = answer.split(b"\r\n\r\n")[0].decode().lower()
    assert head.startswith("http/1.1 101"), head
    assert "sec-websocket-extensions" not in head, head
    assert "\r\nserver:" not in head, head
    health = httpx.get(f"{live_server.url}/api/v1/health", timeout=10)
    assert "server" not in health.headers, health.headers


def listening_addresses(server) -> set[str]:
    """The addresses the server's process group listens on at its port."""
    found = set()
    for process in psutil.process_iter():
        with contextlib.suppress(psutil.Error, OSError):
            if os.getpgid(process.pid) != server.pgid:
                continue
            for conn in process.net_connections(kind="inet"):
                if conn.status == psutil.CONN_LISTEN and conn.laddr.port == server.port:
                    found.add(conn.laddr.ip)
    return found


def test_by_default_the_server_listens_on_loopback_only(live_server) -> None:
    assert listening_addresses(live_server) == {"127.0.0.1"}


def test_host_0000_listens_on_every_interface(tmp_path: Path) -> None:
    with running_server(
        tmp_path / "make-run.log", TEST_SERVER_DIR / "any-host", extra_env={"HOST": "0.0.0.0"}
    ) as server:
        assert listening_addresses(server) == {"0.0.0.0"}


def test_the_pages_carry_a_policy_they_work_under_and_refuse_other_hosts(live_server) -> None:
    page = httpx.get(f"{live_server.url}/assess/", timeout=10)
    csp = page.headers["content-security-policy"]
    assert (
        "script-src 'self' 'unsafe-eval' 'sha256-" in csp
        and "'unsafe-inline'" not in (csp.split("script-src")[1].split(";")[0])
    )
    assert "camera=()" in page.headers["permissions-policy"]
    # The insights' sign-in, however its path is spelt, refuses every frame.
    for path in ("/insights/", "//insights/", "/./insights/", "/assess/../insights/"):
        response = httpx.get(f"{live_server.url}{path}", timeout=10)
        assert response.status_code == 200, path
        assert csp_of(response)["frame-ancestors"] == "'none'", path
    embed = httpx.get(f"{live_server.url}/embed/", timeout=10)
    assert csp_of(embed)["frame-ancestors"] == "*"
    # A Host the advisor does not answer for reaches no redirect and no link.
    redirect = httpx.get(f"{live_server.url}/assess", timeout=10)
    assert redirect.status_code == 307
    assert redirect.headers["location"].startswith(f"{live_server.url}/assess/")
    for path in ("/assess", "/api/v1/health"):
        refused = httpx.get(f"{live_server.url}{path}", headers={"host": "evil.example"})
        assert refused.status_code == 400, path
        assert "location" not in refused.headers


def csp_of(response: httpx.Response) -> dict[str, str]:
    policy = response.headers["content-security-policy"]
    parts = (directive.strip().partition(" ") for directive in policy.split(";"))
    return {name: value for name, _, value in parts}


# Runs last in this module: it stops the module's server.
def test_sigint_stops_every_process_and_frees_the_port(live_server) -> None:
    status = live_server.interrupt()

    assert status is not None, f"`make run` ignored SIGINT:\n{live_server.log()}"
    assert not live_server.group_is_alive(), "processes of `make run` outlived SIGINT"
    assert not live_server.is_listening()
