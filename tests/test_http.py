"""HTTP hygiene of the whole stack: security headers, the body limit, no echo into HTML."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from advisor.api import MAX_BODY_BYTES, body_limit, create_api, security_headers
from advisor.content import load_content

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


@pytest.fixture(scope="module")
def client():
    # Composed as advisor.advisor composes it for Reflex (API inside, headers outermost).
    api = create_api(load_content(ROOT / "content"))
    app = security_headers("https://www.example.ac.uk")(body_limit()(api))
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
    assert response.headers["content-security-policy"] == (
        "frame-ancestors https://www.example.ac.uk"
    )
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_the_insights_can_never_be_framed(client):
    response = client.get("/api/v1/insights")
    assert response.headers["content-security-policy"] == "frame-ancestors 'none'"


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
