"""The decision aid through the API: priorities and the readiness check in, the four options,
the leaning, the score and the questions to ask out; kept with a saved result."""

from __future__ import annotations

import warnings

import pytest

from advisor.api import create_api
from advisor.decision_aid import OPTIONS
from advisor.profile import IMPORTANCES, PRIORITY_IDS, READINESS_IDS

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

RECOMMEND = "/api/v1/recommendations"
TRAINEE = {
    "healthcare_background": True,
    "role": "trainee",
    "career_stage": "early",
    "motivations": ["improve_teaching"],
    "research_aim": "none",
}


@pytest.fixture(scope="module")
def client(content):
    return TestClient(create_api(content), raise_server_exceptions=False)


def test_without_the_new_answers_the_new_fields_are_empty_but_present(client):
    body = client.post(RECOMMEND, json=TRAINEE).json()
    assert [o["option"] for o in body["options"]] == list(OPTIONS)
    for option in body["options"]:
        assert option["name"] and option["gains"] and option["costs"]
        assert all(item["text"] and item["findings"] for item in option["gains"] + option["costs"])
    assert body["priorities_fit"] is None
    assert body["sure"] == {"score": None, "ready": False, "needs": []}
    assert all(q["text"] and q["findings"] for q in body["questions_to_ask"])


def test_priorities_and_readiness_answered(client):
    body = client.post(
        RECOMMEND,
        json={
            **TRAINEE,
            "priorities": {"research": "high", "short_commitment": "low"},
            "sure": {"sure": True, "understand": True, "values": False},
        },
    ).json()
    fit = body["priorities_fit"]
    assert [row["priority"] for row in fit["rows"]] == ["research", "short_commitment"]
    assert fit["rows"][0]["importance"] == "high"
    assert set(fit["rows"][0]["offers"]) == set(OPTIONS)
    assert fit["leaning"] in ("certificate", "diploma", "masters")
    assert fit["agrees"] is (fit["leaning"] == body["recommended"])
    assert fit["text"]
    assert body["sure"] == {"score": 2, "ready": False, "needs": ["values", "support"]}


def test_the_existing_fields_keep_their_meaning(client):
    plain = client.post(RECOMMEND, json=TRAINEE).json()
    rated = client.post(
        RECOMMEND, json={**TRAINEE, "priorities": {p: "high" for p in PRIORITY_IDS}}
    ).json()
    for field in ("recommended", "confidence", "ranking", "reasons", "what_would_change"):
        assert plain[field] == rated[field], field


def test_many_unknown_priorities_cost_one_error(client):
    response = client.post(
        RECOMMEND, json={**TRAINEE, "priorities": {f"p{i}": "low" for i in range(5000)}}
    )
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["detail"]] == ["priorities"]


def test_the_questions_list_the_priorities_and_the_readiness_check_in_both_voices(client):
    body = client.get("/api/v1/questions").json()
    priorities, readiness = body["priorities"], body["readiness"]
    assert [i["id"] for i in priorities["items"]] == list(PRIORITY_IDS)
    assert [level["value"] for level in priorities["levels"]] == list(IMPORTANCES)
    assert [i["id"] for i in readiness["items"]] == list(READINESS_IDS)
    for part in (
        priorities["prompt"],
        readiness["prompt"],
        *(i["prompt"] for i in readiness["items"]),
    ):
        assert part["self"] and part["supervisor"] and part["self"] != part["supervisor"]


def test_a_saved_result_keeps_the_priorities_and_the_readiness_answers(web_engine, content):
    client = TestClient(create_api(content, engine=web_engine), raise_server_exceptions=False)
    answers = {**TRAINEE, "priorities": {"belonging": "medium"}, "sure": {"support": False}}
    saved = client.post("/api/v1/assessments", json=answers)
    assert saved.status_code == 201, saved.text
    assert saved.json()["result"]["sure"]["score"] == 0
    stored = client.get(f"/api/v1/assessments/{saved.json()['id']}").json()
    assert stored["answers"]["priorities"]["belonging"] == "medium"
    assert stored["answers"]["sure"]["support"] is False
    assert stored["current"]["priorities_fit"]["rows"][0]["priority"] == "belonging"
