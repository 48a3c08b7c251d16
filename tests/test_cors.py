"""Cross-origin answers: never with credentials; only the configured origins (advisor.cors)."""

from __future__ import annotations

import warnings

import pytest
from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse
from starlette.routing import Route

from advisor.cors import parse_origins, without_credentials

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


def _reflex_like() -> Starlette:
    """A backend wrapped as Reflex wraps its own (reflex.app.App._add_cors)."""
    app = Starlette(routes=[Route("/api/v1/health", lambda _: JSONResponse({"status": "ok"}))])
    app.add_middleware(
        CORSMiddleware,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
        allow_origins=["*"],
    )
    return app


PREFLIGHT = {
    "origin": "https://evil.example",
    "access-control-request-method": "POST",
    "access-control-request-headers": "content-type",
}


def test_reflexs_own_layer_would_allow_credentials_to_any_origin():
    # What the issue found, so the tests below prove the wrapper changes it.
    client = TestClient(_reflex_like())
    response = client.options("/api/v1/health", headers=PREFLIGHT)
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["access-control-allow-origin"] == "https://evil.example"


@pytest.mark.parametrize("method", ["get", "options"])
def test_by_default_any_origin_may_read_but_never_with_credentials(method):
    client = TestClient(without_credentials(_reflex_like(), parse_origins("*")))
    headers = PREFLIGHT if method == "options" else {"origin": "https://evil.example"}
    response = client.request(method, "/api/v1/health", headers=headers)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers


def test_with_a_list_only_those_origins_get_cors_headers():
    allowed = parse_origins("https://www.example.ac.uk, https://apply.example.ac.uk/")
    client = TestClient(without_credentials(_reflex_like(), allowed))
    ours = client.options(
        "/api/v1/health", headers={**PREFLIGHT, "origin": "https://apply.example.ac.uk"}
    )
    assert ours.headers["access-control-allow-origin"] == "https://apply.example.ac.uk"
    assert "access-control-allow-credentials" not in ours.headers
    theirs = client.get("/api/v1/health", headers={"origin": "https://evil.example"})
    assert theirs.status_code == 200  # the answer itself; a browser on that site cannot read it
    assert not [h for h in theirs.headers if h.startswith("access-control-")]


def test_parse_origins():
    assert parse_origins("*") is None and parse_origins("") is None
    assert parse_origins("https://A.example https://b.example/") == {
        "https://a.example",
        "https://b.example",
    }
