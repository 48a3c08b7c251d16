"""The JSON API in-process: status codes, 422s naming the field, response shapes, offline docs."""

from __future__ import annotations

import asyncio
import json
import re
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.responses import Response
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.api import create_api
from advisor.api.errors import SMALLEST_422_BYTES
from advisor.api.schemas import ProgrammeRecommendation
from advisor.asgi import mount_api
from advisor.engine import recommend
from advisor.profile import Profile
from advisor.programme import advice_for

with warnings.catch_warnings():
    # Starlette's TestClient warns that it will move to another HTTP client; it works as is.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
RECOMMEND = "/api/v1/recommendations"
VALID = {
    "healthcare_background": True,
    "role": "minor_teaching",
    "career_stage": "late",
    "motivations": ["career_prospects"],
    "research_aim": "none",
}


@pytest.fixture(scope="module")
def client(content):
    # raise_server_exceptions=False: a crash must show up as the 500 a caller would get.
    return TestClient(create_api(content), raise_server_exceptions=False)


def test_recommendation_has_the_documented_shape(client, content):
    response = client.post(RECOMMEND, json=VALID)
    assert response.status_code == 200
    body = response.json()
    for key in (
        "eligible",
        "recommended",
        "confidence",
        "ranking",
        "reasons",
        "what_would_change",
        "quotes",
        "outcomes",
        "caveats",
        "evidence_version",
    ):
        assert key in body
    assert body["recommended"] == "certificate"
    assert body["confidence"] in {"strong", "moderate", "tentative"}
    assert [r["exit_point"] for r in body["ranking"]][0] == "certificate"
    assert {"rule_id", "favours", "text", "findings"} <= set(body["reasons"][0])
    assert {"id", "speaker", "exit_point", "stance", "text"} <= set(body["quotes"][0])
    assert [o["exit_point"] for o in body["outcomes"]] == ["certificate", "diploma", "masters"]
    assert body["evidence_version"] == content.evidence_version
    # The API serves exactly what the engine computes, and the default programme's block.
    expected = recommend(Profile(**VALID), content.compiled_rules)
    programme = body.pop("programme")
    assert body == expected.model_dump(mode="json")
    default = content.default_programme
    assert programme == advice_for(default, content.programme, "certificate").model_dump()


def test_audience_defaults_to_self_and_supervisor_changes_the_voice(client):
    own = client.post(RECOMMEND, json=VALID).json()
    supervisor = client.post(RECOMMEND, json={**VALID, "audience": "supervisor"}).json()
    assert own["audience"] == "self" and supervisor["audience"] == "supervisor"
    assert own["reasons"][0]["text"] != supervisor["reasons"][0]["text"]
    assert "colleague" in supervisor["reasons"][0]["text"].lower()


def test_not_eligible_gets_no_exit_point(client):
    response = client.post(RECOMMEND, json={"healthcare_background": False})
    assert response.status_code == 200
    body = response.json()
    assert body["eligible"] is False and body["recommended"] is None
    assert body["ranking"] == [] and body["explanation"]


INVALID: list[tuple[str, Any, str]] = [
    ("empty-object", {}, "healthcare_background"),
    ("background-not-a-bool", {**VALID, "healthcare_background": "yes"}, "healthcare_background"),
    ("unknown-role", {**VALID, "role": "surgeon"}, "role"),
    ("role-missing", {k: v for k, v in VALID.items() if k != "role"}, "role"),
    ("unknown-stage", {**VALID, "career_stage": "retired"}, "career_stage"),
    ("unknown-motivation", {**VALID, "motivations": ["leadership", "fame"]}, "motivations[1]"),
    ("motivations-not-a-list", {**VALID, "motivations": 3}, "motivations"),
    ("repeated-motivation", {**VALID, "motivations": ["leadership", "leadership"]}, "motivations"),
    ("unknown-aim", {**VALID, "research_aim": "fame"}, "research_aim"),
    ("unknown-workplace", {**VALID, "workplace": "mars"}, "workplace"),
    ("unknown-audience", {**VALID, "audience": "parent"}, "audience"),
    ("unknown-field", {**VALID, "name": "Ada"}, "name"),
    (
        "unknown-priority",
        {**VALID, "priorities": {"research": "high", "wealth": "high"}},
        "priorities.wealth",
    ),
    ("unknown-importance", {**VALID, "priorities": {"research": "vital"}}, "priorities.research"),
    ("priorities-not-an-object", {**VALID, "priorities": ["research"]}, "priorities"),
    (
        "too-many-priorities",
        {**VALID, "priorities": {f"p{i}": "low" for i in range(500)}},
        "priorities",
    ),
    (
        "unknown-readiness-item",
        {**VALID, "sure": {"sure": True, "confident": True}},
        "sure.confident",
    ),
    ("readiness-not-a-boolean", {**VALID, "sure": {"support": "yes"}}, "sure.support"),
    ("body-is-a-list", [VALID], "body"),
    ("body-is-null", None, "body"),
]


@pytest.mark.parametrize(("case", "body", "field"), INVALID, ids=[c[0] for c in INVALID])
def test_invalid_request_is_422_naming_the_field(client, case, body, field):
    response = client.post(RECOMMEND, json=body)
    assert response.status_code == 422, response.text
    fields = [d["field"] for d in response.json()["detail"]]
    assert field in fields, (case, response.json())
    assert all(d["message"] for d in response.json()["detail"])


def test_malformed_json_is_422_for_the_body(client):
    response = client.post(
        RECOMMEND,
        content=b'{"healthcare_background": tru',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422
    [detail] = response.json()["detail"]
    assert detail["field"] == "body" and "not valid JSON" in detail["message"]


def test_evidence_returns_the_whole_validated_content(client, content):
    response = client.get("/api/v1/evidence")
    assert response.status_code == 200
    body = response.json()
    assert body == content.model_dump(mode="json")
    assert len(body["quotations"]) == 15 and body["study"]["citation"]["doi"]


def test_questions_and_health(client, content):
    questions = client.get("/api/v1/questions").json()
    assert [q["id"] for q in questions["questions"]] == [q.id for q in content.questions]
    assert all(q["prompt"]["self"] and q["prompt"]["supervisor"] for q in questions["questions"])
    health = client.get("/api/v1/health")
    assert health.json() == {"status": "ok", "evidence_version": content.evidence_version}


def test_openapi_documents_every_route(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert {
        "/api/v1/recommendations",
        "/api/v1/evidence",
        "/api/v1/questions",
        "/api/v1/health",
    } <= set(spec["paths"])
    request = spec["paths"]["/api/v1/recommendations"]["post"]
    assert "422" in request["responses"]


def test_docs_work_offline(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text)
    assets += re.findall(r"""url: ?['"]([^'"]+)['"]""", page.text)
    assert assets, page.text
    for asset in assets:
        # Everything the page loads comes from the app itself.
        assert asset.startswith("/"), f"{asset} would need the internet"
        assert client.get(asset).status_code == 200, asset
    assert "SwaggerUIBundle" in client.get("/api/static/swagger-ui-bundle.js").text


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
KEYS = [
    "audience",
    "healthcare_background",
    "role",
    "career_stage",
    "motivations",
    "research_aim",
    "workplace",
]
FIELD_VALUES = st.fixed_dictionaries(
    {},
    optional={
        "audience": st.sampled_from(["self", "supervisor"]) | JSON,
        "healthcare_background": st.booleans() | JSON,
        "role": st.sampled_from(["trainee", "major_teaching", "education_lead"]) | JSON,
        "career_stage": st.sampled_from(["early", "mid", "late"]) | JSON,
        "motivations": st.lists(st.sampled_from(["leadership", "improve_teaching"])) | JSON,
        "research_aim": st.sampled_from(["none", "doctorate"]) | JSON,
        "workplace": st.sampled_from(["uk", "international"]) | JSON,
    },
)


@pytest.mark.slow
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=FIELD_VALUES | JSON)
def test_no_request_body_makes_it_fail(client, body):
    response = client.post(RECOMMEND, json=body)
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        for detail in response.json()["detail"]:
            assert detail["field"] and detail["message"]
            # The field named is the body itself, a field the API knows, or one the caller sent.
            loc = detail["loc"]
            named = loc[1] if len(loc) > 1 and detail["field"] != "body" else "body"
            assert named in {*KEYS, "body"} or (isinstance(body, dict) and named in body), detail


# --- The recommendations route parses its own body: it must answer as FastAPI would ----------


@pytest.fixture(scope="module")
def reference(content):
    """The same API with the recommendations route declared the plain FastAPI way (a `Profile`
    parameter, the result serialised by pydantic): what the lean route must be identical to."""
    api = create_api(content)
    kept = [r for r in api.router.routes if getattr(r, "path", "") != RECOMMEND]
    # Replaced, not shadowed: were the lean route still in front, this would test it against itself.
    assert len(kept) == len(api.router.routes) - 1
    api.router.routes = kept

    @api.post(RECOMMEND)
    async def plain(profile: Profile) -> Response:
        result = recommend(profile, content.compiled_rules)
        block = advice_for(content.default_programme, content.programme, result.recommended)
        return Response(
            ProgrammeRecommendation(**dict(result), programme=block).model_dump_json(),
            media_type="application/json",
        )

    return TestClient(api)


GOOD = json.dumps(VALID).encode()
EDGE_BODIES = [
    ("json", GOOD, "application/json"),
    ("json with charset", GOOD, "application/json; charset=utf-8"),
    ("vendor json", GOOD, "application/vnd.advisor+json"),
    ("upper-case type", GOOD, "Application/JSON"),
    ("no content type", GOOD, None),
    ("text/plain", GOOD, "text/plain"),
    ("form", b"healthcare_background=true", "application/x-www-form-urlencoded"),
    ("empty", b"", "application/json"),
    ("bad utf-8", b'{"role": "\xff"}', "application/json"),
    ("truncated", b'{"healthcare_background": tru', "application/json"),
    ("null", b"null", "application/json"),
    ("array", b"[]", "application/json"),
    ("string", b'"x"', "application/json"),
    ("number", b"1e400", "application/json"),
    ("NaN", b'{"healthcare_background": NaN}', "application/json"),
    (
        "duplicate key",
        b'{"healthcare_background": false, "healthcare_background": true}',
        "application/json",
    ),
    ("deep nesting", b"[" * 100_000 + b"]" * 100_000, "application/json"),
    ("extra field", b'{"healthcare_background": false, "x": 1}', "application/json"),
    ("missing answers", b'{"healthcare_background": true}', "application/json"),
    (
        "repeated motivation",
        b'{"healthcare_background": false, "motivations": ["leadership", "leadership"]}',
        "application/json",
    ),
    ("bom", b"\xef\xbb\xbf" + GOOD, "application/json"),
]


def _same(client, reference, body: bytes, content_type: str | None) -> None:
    headers = {} if content_type is None else {"content-type": content_type}
    got = client.post(RECOMMEND, content=body, headers=headers)
    want = reference.post(RECOMMEND, content=body, headers=headers)
    assert (got.status_code, got.content) == (want.status_code, want.content)
    assert got.headers["content-type"] == want.headers["content-type"]


@pytest.mark.parametrize(
    ("case", "body", "content_type"), EDGE_BODIES, ids=[c[0] for c in EDGE_BODIES]
)
def test_recommendations_answers_every_body_as_fastapi_would(
    client, reference, case, body, content_type
):
    _same(client, reference, body, content_type)


@pytest.mark.slow
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=FIELD_VALUES | JSON)
def test_recommendations_answers_any_json_as_fastapi_would(client, reference, body):
    _same(client, reference, json.dumps(body).encode(), "application/json")


def test_recommendations_documents_its_body_as_a_profile(client):
    spec = client.get("/api/v1/openapi.json").json()
    body = spec["paths"][RECOMMEND]["post"]["requestBody"]
    assert body == spec["paths"]["/api/v1/assessments"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Profile"}


# --- How the API is mounted beside Reflex -------------------------------------------------------


def test_websockets_go_straight_to_reflex_and_everything_else_through_the_api() -> None:
    reached: list[dict[str, Any]] = []

    async def reflex_app(scope, receive, send):  # stands in for Reflex's backend
        reached.append(scope)
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": 204, "headers": []})
            await send({"type": "http.response.body", "body": b""})

    api = FastAPI()

    @api.get("/api/v1/ping")
    async def ping() -> dict[str, str]:
        return {"from": "api"}

    asgi = mount_api(api)(reflex_app)
    client = TestClient(asgi)
    assert client.get("/api/v1/ping").json() == {"from": "api"}  # the API's routes come first
    assert client.get("/assess").status_code == 204  # the rest reaches Reflex, through FastAPI
    assert reached[-1]["path"] == "/assess"

    socket = {"type": "websocket", "path": "/_event/", "headers": []}
    as_sent = dict(socket)

    async def never():
        raise AssertionError("not read")

    # In a thread of its own: another test's event loop may still be running in this one.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, asgi(socket, never, never)).result()
    # Untouched: FastAPI's router, had it been in between, would have added its own keys
    # (router, endpoint, path_params, app_root_path).
    assert reached[-1] is socket and socket == as_sent, socket


# --- Invalid bodies cost little and answer briefly ---------------------------------------------


def test_a_list_longer_than_the_options_is_one_problem_not_one_per_item(client, monkeypatch):
    # Issue: 12,900 unknown motivations cost about a second of CPU and a 4 MB answer. The
    # length is checked before any item: no literal error is ever built for them.
    body = {**VALID, "motivations": ["x"] * 12_900}
    raw = json.dumps(body).encode()
    response = client.post(RECOMMEND, content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert detail["field"] == "motivations" and detail["type"] == "too_long"
    assert "at most 9" in detail["message"]
    saved = client.post("/api/v1/assessments", content=raw, headers=JSON_TYPE)
    assert saved.status_code == 422 and len(saved.json()["detail"]) == 1


JSON_TYPE = {"content-type": "application/json"}


def test_a_422_lists_ten_problems_then_says_how_many_more(client):
    body = {**VALID, **{f"unknown_{i}": 1 for i in range(3000)}}
    raw = json.dumps(body).encode()
    for route in (RECOMMEND, "/api/v1/assessments"):
        response = client.post(route, content=raw, headers=JSON_TYPE)
        assert response.status_code == 422
        detail = response.json()["detail"]
        assert len(detail) == 11 and all(d["type"] == "extra_forbidden" for d in detail[:10])
        assert detail[-1] == {
            "field": "body",
            "message": "and 2990 more problems not listed",
            "type": "more_problems",
            "loc": ["body"],
        }
        assert len(response.content) < len(raw)


def test_a_made_up_field_name_is_shown_cut_short(client):
    raw = json.dumps({**VALID, "k" * 60_000: 1}).encode()
    response = client.post(RECOMMEND, content=raw, headers=JSON_TYPE)
    (detail,) = response.json()["detail"]
    assert detail["field"] == "k" * 63 + "…" and detail["loc"] == ["body", "k" * 63 + "…"]
    assert len(response.content) < 1000


@pytest.mark.slow
@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.dictionaries(
        st.text(min_size=1, max_size=200), JSON | st.text(max_size=2000), max_size=60
    )
    | st.fixed_dictionaries(
        {"motivations": st.lists(st.text(max_size=30) | JSON, max_size=400)}, optional={}
    )
)
def test_no_422_is_much_larger_than_its_request(client, body):
    raw = json.dumps({**VALID, **body}).encode()
    for route in (RECOMMEND, "/api/v1/assessments"):
        response = client.post(route, content=raw, headers=JSON_TYPE)
        if response.status_code == 422:
            # A tiny request still gets a sentence naming its problem: 1 KB of room for that.
            assert len(response.content) <= max(len(raw), SMALLEST_422_BYTES), response.text[:300]
