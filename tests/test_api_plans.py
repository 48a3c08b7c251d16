"""Plans made together through the JSON API: every status code, the one 404 for every way a
link can be wrong, tokens of one plan refused on another, both seats answering at once (SQLite
and PostgreSQL), and a database in trouble."""

from __future__ import annotations

import datetime as dt
import re
import threading
import uuid
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from advisor import db
from advisor.api import create_api
from advisor.plans import compare
from advisor.profile import Profile
from advisor.ratelimit import Limits
from advisor.runtime import CONTENT
from advisor.settings import settings
from tests.utils.db_faults import read_only, sqlite_locked
from tests.utils.servers import serving_in_thread

with warnings.catch_warnings():
    # Starlette's TestClient warns that it will move to another HTTP client; it works as is.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PLANS = "/api/v1/plans"
SUPERVISOR = {
    "healthcare_background": True,
    "role": "major_teaching",
    "career_stage": "mid",
    "motivations": ["improve_teaching"],
    "research_aim": "doctorate",
    "workplace": "uk",
}
COLLEAGUE = {**SUPERVISOR, "research_aim": "apply_evidence", "workplace": None}
TOKEN_FORMAT = re.compile(r"[A-Za-z0-9_-]{43}")
NOT_FOUND = {
    "detail": "No plan matches this link: it is wrong, or the plan was deleted or has expired."
}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database of the test's own at the newest schema: a SQLite file, or a fresh PostgreSQL
    database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'advisor.db'}"
        db.migrate(url)
        yield db.engine_for(url)
        db.engine_for(url).dispose()
        return
    cluster = request.getfixturevalue("postgres_cluster")
    name = f"test_{uuid.uuid4().hex[:16]}"
    url = cluster.create_database(name)
    db.migrate(url)
    yield db.engine_for(url)
    db.engine_for(url).dispose()
    cluster.drop_database(name)


def api(engine: Engine, **options: Any) -> TestClient:
    return TestClient(create_api(CONTENT, engine=engine, **options), raise_server_exceptions=False)


@pytest.fixture
def client(sqlite_engine: Engine) -> TestClient:
    return api(sqlite_engine)


def start(client: TestClient) -> dict[str, Any]:
    response = client.post(PLANS)
    assert response.status_code == 201, response.text
    return response.json()


def key(plan: dict[str, Any], seat: str) -> dict[str, str]:
    return {"X-Plan-Token": plan["tokens"][seat]}


def put(client, plan: dict[str, Any], seat: str, body: Any, **headers: str) -> httpx.Response:
    return client.put(
        f"{PLANS}/{plan['id']}/answers", json=body, headers={**key(plan, seat), **headers}
    )


def plan_rows(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(db.Plan)).one()


def same_404(response: httpx.Response, reference: httpx.Response) -> None:
    """A 404 that cannot be told apart from the reference one: status, body and headers."""
    assert response.status_code == 404, (response.status_code, response.text)
    assert response.json() == NOT_FOUND
    assert response.content == reference.content
    drop = {"date"}
    assert {k: v for k, v in response.headers.items() if k not in drop} == {
        k: v for k, v in reference.headers.items() if k not in drop
    }


# ---------------------------------------------------------------------------------------------
# 201: a new plan, two private links


def test_a_new_plan_has_two_links_each_with_its_own_secret(client, monkeypatch):
    monkeypatch.setattr(settings, "plan_days", 12)
    before = dt.datetime.now(dt.UTC)
    plan = start(client)
    after = dt.datetime.now(dt.UTC)
    plan_id = uuid.UUID(plan["id"])
    assert plan_id.version == 4
    tokens = plan["tokens"]
    assert set(tokens) == set(plan["links"]) == {"supervisor", "colleague"}
    assert tokens["supervisor"] != tokens["colleague"]
    for seat, link in plan["links"].items():
        assert TOKEN_FORMAT.fullmatch(tokens[seat])
        assert link == f"http://testserver/plan/{plan_id}?key={tokens[seat]}"
    expires = dt.datetime.fromisoformat(plan["expires_at"])
    assert before + dt.timedelta(days=12) <= expires <= after + dt.timedelta(days=12)
    # Both seats open the new, empty plan.
    for seat in ("supervisor", "colleague"):
        shown = client.get(f"{PLANS}/{plan_id}", headers=key(plan, seat))
        assert shown.status_code == 200
        assert shown.json()["seat"] == seat and shown.json()["status"] == "waiting"
        assert shown.json()["expires_at"] == plan["expires_at"]


def test_only_hashes_of_the_tokens_are_kept(client, sqlite_engine):
    plan = start(client)
    with sqlite_engine.connect() as conn:
        (row,) = conn.exec_driver_sql("SELECT * FROM plan").mappings().all()
    stored = " ".join(str(value) for value in row.values())
    for token in plan["tokens"].values():
        assert token not in stored
    assert row["supervisor_answers"] is None and row["colleague_answers"] is None


def test_plans_past_the_limit_get_429_with_retry_after(sqlite_engine):
    client = api(sqlite_engine, limits=Limits.create(saves_per_minute=3))
    statuses = [client.post(PLANS).status_code for _ in range(3)]
    refused = client.post(PLANS)
    assert statuses == [201] * 3
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Try again in" in refused.json()["detail"]
    assert plan_rows(sqlite_engine) == 3


# ---------------------------------------------------------------------------------------------
# 200: answers in, the plan out


def test_both_seats_answer_and_then_both_see_the_comparison(client):
    plan = start(client)
    sent = put(client, plan, "supervisor", SUPERVISOR)
    assert sent.status_code == 200, sent.text
    body = sent.json()
    assert body["status"] == "waiting" and body["comparison"] is None
    assert body["seats"] == {"supervisor": {"done": True}, "colleague": {"done": False}}
    assert body["answers"]["audience"] == "supervisor"
    # The colleague, before answering, sees only that the supervisor is done.
    waiting = client.get(f"{PLANS}/{plan['id']}", headers=key(plan, "colleague")).json()
    assert waiting["answers"] is None and waiting["comparison"] is None
    assert "doctorate" not in str(waiting)
    done = put(client, plan, "colleague", COLLEAGUE)
    assert done.status_code == 200
    expected = compare(Profile(**SUPERVISOR), Profile(**COLLEAGUE), CONTENT).model_dump(mode="json")
    for seat in ("supervisor", "colleague"):
        shown = client.get(f"{PLANS}/{plan['id']}", headers=key(plan, seat))
        assert shown.status_code == 200
        body = shown.json()
        assert body["status"] == "complete"
        assert body["seats"] == {"supervisor": {"done": True}, "colleague": {"done": True}}
        assert body["comparison"] == expected
        comparison = body["comparison"]
        research = next(q for q in comparison["questions"] if q["question_id"] == "research_aim")
        assert research["supervisor"] == "doctorate" and research["colleague"] == "apply_evidence"
        assert research["agree"] is False
        assert comparison["recommended"] == {"supervisor": "masters", "colleague": "certificate"}
        assert comparison["changes_suggestion"] == ["research_aim"]
        points = comparison["discussion_points"]
        assert [p["question_id"] for p in points] == ["research_aim", "workplace"]
        assert all(p["text"] and isinstance(p["findings"], list) for p in points)


def test_the_audience_follows_the_seat_not_the_body(client):
    plan = start(client)
    as_self = put(client, plan, "supervisor", {**SUPERVISOR, "audience": "self"})
    as_supervisor = put(client, plan, "colleague", {**COLLEAGUE, "audience": "supervisor"})
    assert as_self.json()["answers"]["audience"] == "supervisor"
    assert as_supervisor.json()["answers"]["audience"] == "self"


def test_a_seat_sending_again_replaces_its_answers(client, sqlite_engine):
    plan = start(client)
    put(client, plan, "colleague", COLLEAGUE)
    put(client, plan, "supervisor", SUPERVISOR)
    again = put(client, plan, "supervisor", {**SUPERVISOR, "research_aim": "apply_evidence"})
    assert again.status_code == 200
    body = again.json()
    assert body["answers"]["research_aim"] == "apply_evidence"
    assert body["comparison"]["changes_suggestion"] == []
    assert body["comparison"]["recommended"] == {
        "supervisor": "certificate",
        "colleague": "certificate",
    }
    # The colleague's answers were left as they were.
    colleague = client.get(f"{PLANS}/{plan['id']}", headers=key(plan, "colleague")).json()
    assert colleague["answers"]["workplace"] is None
    assert plan_rows(sqlite_engine) == 1


# ---------------------------------------------------------------------------------------------
# 422: a bad body, named as elsewhere


INVALID = [
    ({**SUPERVISOR, "role": "surgeon"}, "role"),
    ({**SUPERVISOR, "name": "Ada"}, "name"),
    ({"role": "trainee"}, "healthcare_background"),
    ({**SUPERVISOR, "motivations": ["fame"]}, "motivations[0]"),
    ([SUPERVISOR], "body"),
]


@pytest.mark.parametrize(("body", "field"), INVALID, ids=[f for _, f in INVALID])
def test_a_bad_body_is_422_naming_the_field(client, body, field):
    plan = start(client)
    response = put(client, plan, "colleague", body)
    assert response.status_code == 422, response.text
    assert field in [d["field"] for d in response.json()["detail"]]
    # Nothing was stored.
    shown = client.get(f"{PLANS}/{plan['id']}", headers=key(plan, "colleague")).json()
    assert shown["seats"]["colleague"]["done"] is False


def test_a_body_that_is_not_json_is_422(client):
    plan = start(client)
    response = client.put(
        f"{PLANS}/{plan['id']}/answers",
        content=b'{"healthcare_background": tru',
        headers={**key(plan, "colleague"), "content-type": "application/json"},
    )
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["detail"]] == ["body"]


def test_a_bad_body_with_a_wrong_token_is_the_same_422_for_any_plan(client):
    # The body is checked first, before the plan is looked up: a bad body is a 422 whoever
    # sends it, to a plan that exists or not, so the 422 tells nothing about the plan.
    plan = start(client)
    bad = {**SUPERVISOR, "role": "surgeon"}
    answers = [
        put(client, plan, "colleague", bad),
        client.put(f"{PLANS}/{plan['id']}/answers", json=bad, headers={"X-Plan-Token": "x" * 43}),
        client.put(f"{PLANS}/{plan['id']}/answers", json=bad),
        client.put(f"{PLANS}/{uuid.uuid4()}/answers", json=bad, headers={"X-Plan-Token": "x"}),
        client.put(f"{PLANS}/not-an-id/answers", json=bad),
    ]
    assert {r.status_code for r in answers} == {422}
    assert len({r.content for r in answers}) == 1


# ---------------------------------------------------------------------------------------------
# 404: the same answer for every way a link can be wrong


def wrong_links(client: TestClient, engine: Engine) -> dict[str, tuple[str, dict[str, str]]]:
    """(plan id, headers) for every kind of wrong link, against real plans."""
    plan, other = start(client), start(client)
    deleted = start(client)
    assert (
        client.delete(f"{PLANS}/{deleted['id']}", headers=key(deleted, "colleague")).status_code
        == 204
    )
    with Session(engine, expire_on_commit=False) as session:
        expired, expired_tokens = db.create_plan(
            session=session, days=1, now=db.utcnow() - dt.timedelta(days=2)
        )
    return {
        "no-token": (plan["id"], {}),
        "empty-token": (plan["id"], {"X-Plan-Token": ""}),
        "wrong-token": (plan["id"], {"X-Plan-Token": "A" * 43}),
        "token-of-another-plan": (plan["id"], key(other, "supervisor")),
        "other-seat-of-another-plan": (plan["id"], key(other, "colleague")),
        "deleted-plan": (deleted["id"], key(deleted, "colleague")),
        "deleted-plan-other-seat": (deleted["id"], key(deleted, "supervisor")),
        "expired-plan": (str(expired.id), {"X-Plan-Token": expired_tokens["colleague"]}),
        "no-such-plan": (str(uuid.uuid4()), key(plan, "supervisor")),
        "malformed-id": ("not-a-plan", key(plan, "supervisor")),
        "overlong-id": (plan["id"] + "0" * 5000, key(plan, "supervisor")),
        "overlong-token": (plan["id"], {"X-Plan-Token": plan["tokens"]["supervisor"] * 40}),
        "token-with-padding": (plan["id"], {"X-Plan-Token": plan["tokens"]["supervisor"] + "="}),
    }


def test_every_wrong_link_gets_the_same_404_on_every_route(client, sqlite_engine):
    links = wrong_links(client, sqlite_engine)
    reference = client.get(f"{PLANS}/{uuid.uuid4()}")
    assert reference.status_code == 404
    for case, (plan_id, headers) in links.items():
        for method, path, body in (
            ("GET", f"{PLANS}/{plan_id}", None),
            ("PUT", f"{PLANS}/{plan_id}/answers", SUPERVISOR),
            ("DELETE", f"{PLANS}/{plan_id}", None),
        ):
            response = client.request(method, path, json=body, headers=headers)
            try:
                same_404(response, reference)
            except AssertionError as error:
                raise AssertionError(f"{case} {method}: {error}") from error
    # None of those requests stored, changed or deleted anything.
    with Session(sqlite_engine) as session:
        plans = session.exec(select(db.Plan)).all()
    assert len(plans) == 3  # the two live plans and the expired one
    assert all(p.supervisor_answers is None and p.colleague_answers is None for p in plans)


def test_tokens_of_one_plan_are_refused_on_another(client):
    first, second = start(client), start(client)
    for seat in ("supervisor", "colleague"):
        for plan, other in ((first, second), (second, first)):
            headers = key(other, seat)
            assert client.get(f"{PLANS}/{plan['id']}", headers=headers).status_code == 404
            sent = client.put(f"{PLANS}/{plan['id']}/answers", json=SUPERVISOR, headers=headers)
            assert sent.status_code == 404
            assert client.delete(f"{PLANS}/{plan['id']}", headers=headers).status_code == 404
    # Both plans are untouched, and each opens with its own tokens.
    for plan in (first, second):
        for seat in ("supervisor", "colleague"):
            shown = client.get(f"{PLANS}/{plan['id']}", headers=key(plan, seat))
            assert shown.status_code == 200
            assert shown.json()["seats"] == {
                "supervisor": {"done": False},
                "colleague": {"done": False},
            }


def test_a_plan_expires_after_plan_days(client, sqlite_engine, monkeypatch):
    plan = start(client)
    put(client, plan, "colleague", COLLEAGUE)
    expires = dt.datetime.fromisoformat(plan["expires_at"])
    monkeypatch.setattr(db, "utcnow", lambda: expires - dt.timedelta(seconds=1))
    assert client.get(f"{PLANS}/{plan['id']}", headers=key(plan, "colleague")).status_code == 200
    monkeypatch.setattr(db, "utcnow", lambda: expires)
    reference = client.get(f"{PLANS}/{uuid.uuid4()}")
    for seat in ("supervisor", "colleague"):
        same_404(client.get(f"{PLANS}/{plan['id']}", headers=key(plan, seat)), reference)
        same_404(put(client, plan, seat, SUPERVISOR), reference)


# ---------------------------------------------------------------------------------------------
# 204: deleted by either seat, then gone for both


@pytest.mark.parametrize("deleter", ["supervisor", "colleague"])
def test_either_seat_deletes_the_plan_and_then_it_is_gone_for_both(client, sqlite_engine, deleter):
    plan, kept = start(client), start(client)
    put(client, plan, "supervisor", SUPERVISOR)
    put(client, plan, "colleague", COLLEAGUE)
    deleted = client.delete(f"{PLANS}/{plan['id']}", headers=key(plan, deleter))
    assert deleted.status_code == 204 and deleted.content == b""
    reference = client.get(f"{PLANS}/{uuid.uuid4()}")
    for seat in ("supervisor", "colleague"):
        same_404(client.get(f"{PLANS}/{plan['id']}", headers=key(plan, seat)), reference)
        same_404(put(client, plan, seat, SUPERVISOR), reference)
        same_404(client.delete(f"{PLANS}/{plan['id']}", headers=key(plan, seat)), reference)
    # The row is gone, answers and all; the other plan is not.
    assert plan_rows(sqlite_engine) == 1
    assert client.get(f"{PLANS}/{kept['id']}", headers=key(kept, deleter)).status_code == 200


# ---------------------------------------------------------------------------------------------
# Both seats at once, on both engines

ROUNDS = 20


def test_both_seats_answering_at_once_both_land(engine):
    app = create_api(CONTENT, engine=engine, limits=Limits.create(saves_per_minute=10 * ROUNDS))
    with serving_in_thread(app) as base:
        with httpx.Client(base_url=base, timeout=30) as http:
            plans = [http.post(PLANS).json() for _ in range(ROUNDS)]
        aims = ["doctorate", "none", "conduct_research", "apply_evidence"]
        barrier = threading.Barrier(2)

        def answer(seat: str) -> list[int]:
            codes = []
            with httpx.Client(base_url=base, timeout=30) as http:
                for i, plan in enumerate(plans):
                    aim = aims[(i + (seat == "colleague")) % len(aims)]
                    body = {**SUPERVISOR, "research_aim": aim}
                    barrier.wait(timeout=30)
                    response = http.put(
                        f"{PLANS}/{plan['id']}/answers", json=body, headers=key(plan, seat)
                    )
                    codes.append(response.status_code)
            return codes

        with ThreadPoolExecutor(2) as pool:
            results = list(pool.map(answer, ["supervisor", "colleague"]))
        assert results == [[200] * ROUNDS, [200] * ROUNDS]
        with httpx.Client(base_url=base, timeout=30) as http:
            for i, plan in enumerate(plans):
                shown = http.get(f"{PLANS}/{plan['id']}", headers=key(plan, "colleague")).json()
                assert shown["status"] == "complete", shown["seats"]
                (aim,) = [
                    q
                    for q in shown["comparison"]["questions"]
                    if q["question_id"] == "research_aim"
                ]
                assert aim["supervisor"] == aims[i % len(aims)]
                assert aim["colleague"] == aims[(i + 1) % len(aims)]
    # Each seat's own columns were written, the other's left alone.
    with Session(engine) as session:
        stored = session.exec(select(db.Plan)).all()
    assert len(stored) == ROUNDS
    assert all(p.supervisor_done_at and p.colleague_done_at for p in stored)


def test_the_routes_work_the_same_on_both_engines(engine):
    client = api(engine)
    plan = start(client)
    assert put(client, plan, "supervisor", SUPERVISOR).status_code == 200
    assert put(client, plan, "colleague", COLLEAGUE).json()["status"] == "complete"
    other = start(client)
    assert client.get(f"{PLANS}/{plan['id']}", headers=key(other, "colleague")).status_code == 404
    assert client.delete(f"{PLANS}/{plan['id']}", headers=key(plan, "colleague")).status_code == 204
    assert client.get(f"{PLANS}/{plan['id']}", headers=key(plan, "supervisor")).status_code == 404
    assert plan_rows(engine) == 1


# ---------------------------------------------------------------------------------------------
# A database in trouble: 503, as saves get, and nothing lost


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "data" / "advisor.db"
    db.migrate(f"sqlite:///{path}")
    db.engine_for(f"sqlite:///{path}").dispose()
    yield path
    db.engine_for(f"sqlite:///{path}").dispose()


def assert_unavailable(response: httpx.Response, *words: str) -> None:
    assert response.status_code == 503, (response.status_code, response.text)
    assert int(response.headers["retry-after"]) > 0
    for word in words:
        assert word in response.json()["detail"], response.json()


@pytest.mark.slow
def test_a_locked_database_is_503_busy_and_loses_nothing(sqlite_file):
    client = api(db.engine_for(f"sqlite:///{sqlite_file}"))
    plan = start(client)
    put(client, plan, "supervisor", SUPERVISOR)
    with sqlite_locked(sqlite_file):
        assert_unavailable(client.post(PLANS), "The plan could not be started", "busy")
        assert_unavailable(
            put(client, plan, "colleague", COLLEAGUE), "The answers could not be saved", "busy"
        )
        assert_unavailable(
            put(client, plan, "supervisor", {**SUPERVISOR, "research_aim": "none"}), "busy"
        )
        assert_unavailable(
            client.delete(f"{PLANS}/{plan['id']}", headers=key(plan, "supervisor")),
            "The plan could not be deleted",
        )
        # WAL: reading goes on while another process writes.
        shown = client.get(f"{PLANS}/{plan['id']}", headers=key(plan, "supervisor"))
        assert shown.status_code == 200
    shown = client.get(f"{PLANS}/{plan['id']}", headers=key(plan, "supervisor")).json()
    assert shown["answers"]["research_aim"] == "doctorate"
    assert shown["seats"] == {"supervisor": {"done": True}, "colleague": {"done": False}}
    assert put(client, plan, "colleague", COLLEAGUE).json()["status"] == "complete"


def test_a_read_only_database_is_503_and_then_works(sqlite_file):
    engine = db.engine_for(f"sqlite:///{sqlite_file}")
    client = api(engine)
    plan = start(client)
    # As a worker started while the file is read-only: no connection opened before.
    engine.dispose()
    with read_only(sqlite_file):
        assert_unavailable(client.post(PLANS), "The plan could not be started", "read-only")
        assert_unavailable(put(client, plan, "colleague", COLLEAGUE), "read-only")
        assert_unavailable(
            client.delete(f"{PLANS}/{plan['id']}", headers=key(plan, "colleague")), "read-only"
        )
    assert plan_rows(engine) == 1
    assert put(client, plan, "colleague", COLLEAGUE).status_code == 200
    assert client.post(PLANS).status_code == 201


# ---------------------------------------------------------------------------------------------
# The OpenAPI document: the plans' routes and their answers


def test_the_openapi_document_lists_every_answer_of_the_plans(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert set(paths[PLANS]["post"]["responses"]) >= {"201", "429"}
    assert set(paths[f"{PLANS}/{{plan_id}}/answers"]["put"]["responses"]) >= {
        "200",
        "404",
        "422",
    }
    assert set(paths[f"{PLANS}/{{plan_id}}"]["get"]["responses"]) >= {"200", "404"}
    assert set(paths[f"{PLANS}/{{plan_id}}"]["delete"]["responses"]) >= {"204", "404"}


# The API's components before plans were added (commit a36a966): plans only add to them.
# (Issue 13 replaced content/programme.yaml's ProgrammeDetails and ExitPointDetails with the
# programme profiles' ProgrammeProfile and Award.)
COMPONENTS_BEFORE_PLANS = {
    "AskEntry", "AskOut", "Caveat", "Cell", "Change", "Citation", "Cited", "ConfidenceRule",
    "Content", "DecisionFile", "Dimension", "FieldError", "Finding",
    "FitChange", "FitRow", "Growth", "HTTPValidationError", "Health", "Ineligible",
    "IneligibleEffect", "Insights", "Level", "Limitation", "Locator", "Method", "Offer", "Option",
    "OptionEntry", "Outcome", "OutcomeItem", "Priorities", "PrioritiesFit", "PriorityItem",
    "PriorityLink", "PriorityStep", "Problem", "Profile", "Programme",
    "ProviderGrowth", "Question", "QuestionsOut", "Quotation", "QuoteOut", "Ranked", "Readiness",
    "ReadinessCheck", "ReadinessItem", "ReadinessStep", "Reason", "Recommendation", "Rule",
    "RulesFile", "Sample", "SampleGroup", "SampleRow", "SavedAssessment", "Scoring", "StepUp",
    "StepUpOut", "StoredAssessment", "Study", "SureOut", "Theme", "ValidationError",
    "ValidationProblem", "WeightEffect", "Wording",
}  # fmt: skip


def test_profile_is_one_schema_for_requests_and_responses(client):
    # A Profile sent (the bodies) and a Profile answered (a plan's own answers) share one
    # component: FastAPI splits a model into Profile-Input and Profile-Output as soon as the
    # two differ, which would rename a component every client generated code from.
    document = client.get("/api/v1/openapi.json").json()
    names = set(document["components"]["schemas"])
    assert not {n for n in names if n.endswith(("-Input", "-Output"))}
    assert names >= COMPONENTS_BEFORE_PLANS
    profile = {"$ref": "#/components/schemas/Profile"}
    paths = document["paths"]
    for path in ("/api/v1/recommendations", f"{PLANS}/{{plan_id}}/answers"):
        (operation,) = paths[path].values()
        assert operation["requestBody"]["content"]["application/json"]["schema"] == profile
    answers = document["components"]["schemas"]["PlanStatus"]["properties"]["answers"]
    assert profile in answers["anyOf"]
