"""The real server: `make run` serves the API and the landing page on one port; Ctrl-C stops it."""

import html

import httpx
import pytest

from advisor.pages import landing

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
        assert response.headers["content-security-policy"].startswith("frame-ancestors "), path
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["referrer-policy"], path
    big = httpx.post(
        f"{live_server.url}/api/v1/recommendations",
        content=b"{" + b" " * (70 * 1024) + b"}",
        headers={"content-type": "application/json"},
        timeout=10,
    )
    assert big.status_code == 413


# Runs last in this module: it stops the module's server.
def test_sigint_stops_every_process_and_frees_the_port(live_server) -> None:
    status = live_server.interrupt()

    assert status is not None, f"`make run` ignored SIGINT:\n{live_server.log()}"
    assert not live_server.group_is_alive(), "processes of `make run` outlived SIGINT"
    assert not live_server.is_listening()
