"""The insights API per programme: whose token sees what, the query's checks, JSON and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import warnings

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from advisor import db, usage
from advisor.admin_token import ProgrammeTokens, access_for, programme_tokens, tokens_of
from advisor.api import create_api
from advisor.content import Content
from advisor.engine import recommend
from advisor.profile import Profile
from advisor.ratelimit import Limits

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

INSIGHTS = "/api/v1/insights"
ADMIN = "the-deployment-admin-token-for-tests"
DUNDEE = "the-dundee-programme-token-for-tests"
OTHER = "the-other-programme-token-for-tests"
TODAY = dt.datetime.now(dt.UTC).date()
THIS_WEEK = usage.week_of(TODAY)
ENVIRON = {"ADVISOR_INSIGHTS_TOKEN_DUNDEE": DUNDEE, "ADVISOR_INSIGHTS_TOKEN_OTHER": OTHER}


@pytest.fixture(scope="module")
def two_programmes(content: Content) -> Content:
    """The shipped content with a second programme beside the default one."""
    other = content.programme.model_copy(
        update={"name": "Other programme", "insights_token_env": "ADVISOR_INSIGHTS_TOKEN_OTHER"}
    )
    return content.model_copy(update={"programmes": {**content.programmes, "other": other}})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def api(engine: Engine, content: Content, environ=ENVIRON, admin_token: str = ADMIN):
    app = create_api(
        content,
        engine=engine,
        admin_token=admin_token,
        programme_tokens=tokens_of(content, environ),
        limits=Limits.create(saves_per_minute=30, sign_in_failures_per_10_minutes=5),
    )
    return TestClient(app, raise_server_exceptions=False)


def seed(engine: Engine, programme: str, started: int, results: int = 0) -> None:
    counts = {usage.key(at=TODAY, programme=programme, origin="advisor", event="started"): started}
    if results:
        shown = usage.key(
            at=TODAY,
            programme=programme,
            origin="advisor",
            event="result",
            recommended="certificate",
            confidence="high",
            role="trainee",
            audience="self",
        )
        counts[shown] = results
    with Session(engine) as session:
        db.add_counts(session=session, counts=counts)


@pytest.fixture
def seeded(sqlite_engine: Engine) -> Engine:
    seed(sqlite_engine, "dundee", 12, 7)
    seed(sqlite_engine, "other", 20, 9)
    return sqlite_engine


def started(response) -> int:
    assert response.status_code == 200, response.text
    return response.json()["usage"]["started"]["n"]


# ---------------------------------------------------------------------------------------------
# Tokens


def test_a_programme_token_sees_its_own_programme_only(seeded, two_programmes):
    http = api(seeded, two_programmes)
    assert started(http.get(INSIGHTS, headers=bearer(DUNDEE))) == 12
    assert started(http.get(INSIGHTS, params={"programme": "dundee"}, headers=bearer(DUNDEE))) == 12
    assert started(http.get(INSIGHTS, headers=bearer(OTHER))) == 20
    for path in (INSIGHTS, f"{INSIGHTS}.csv"):
        refused = http.get(path, params={"programme": "other"}, headers=bearer(DUNDEE))
        assert refused.status_code == 403
        assert "20" not in refused.text and "Other programme" not in refused.text


def test_another_programmes_slug_and_an_unknown_one_are_refused_alike(seeded, two_programmes):
    """A programme's token cannot tell a programme that exists from one that does not."""
    http = api(seeded, two_programmes)
    known = http.get(INSIGHTS, params={"programme": "other"}, headers=bearer(DUNDEE))
    unknown = http.get(INSIGHTS, params={"programme": "nowhere"}, headers=bearer(DUNDEE))
    assert known.status_code == unknown.status_code == 403
    assert known.json() == unknown.json()


def test_the_admin_token_sees_every_programme_and_their_sum(seeded, two_programmes):
    http = api(seeded, two_programmes)
    every = http.get(INSIGHTS, headers=bearer(ADMIN))
    assert started(every) == 32
    assert every.json()["programme"] is None and every.json()["programme_name"] == "Every programme"
    assert every.json()["usage"]["results"]["n"] == 16
    for slug, n in (("dundee", 12), ("other", 20)):
        assert started(http.get(INSIGHTS, params={"programme": slug}, headers=bearer(ADMIN))) == n


def test_an_unknown_programme_for_the_admin_is_a_422_naming_programme(seeded, two_programmes):
    response = api(seeded, two_programmes).get(
        INSIGHTS, params={"programme": "nowhere"}, headers=bearer(ADMIN)
    )
    assert response.status_code == 422
    assert "programme" in response.text


@pytest.mark.parametrize("token", ["wrong", DUNDEE[:-1], DUNDEE + "x", "", ADMIN + DUNDEE])
def test_a_wrong_token_is_401(seeded, two_programmes, token):
    response = api(seeded, two_programmes).get(INSIGHTS, headers=bearer(token))
    assert response.status_code == 401
    assert "12" not in response.text


def test_a_short_programme_token_disables_that_programme_only(seeded, two_programmes):
    short = {**ENVIRON, "ADVISOR_INSIGHTS_TOKEN_DUNDEE": "short-token"}
    tokens = tokens_of(two_programmes, short)
    assert "dundee" not in tokens.tokens and "shorter than" in tokens.problems["dundee"]
    http = api(seeded, two_programmes, environ=short)
    assert http.get(INSIGHTS, headers=bearer("short-token")).status_code == 401
    assert started(http.get(INSIGHTS, headers=bearer(OTHER))) == 20
    assert started(http.get(INSIGHTS, params={"programme": "dundee"}, headers=bearer(ADMIN))) == 12


def test_a_programme_token_works_without_an_admin_token(seeded, two_programmes):
    http = api(seeded, two_programmes, admin_token="")
    assert started(http.get(INSIGHTS, headers=bearer(DUNDEE))) == 12
    assert http.get(INSIGHTS, headers=bearer("")).status_code == 401


def test_without_any_token_configured_the_insights_are_disabled(seeded, two_programmes):
    response = api(seeded, two_programmes, environ={}, admin_token="").get(
        INSIGHTS, headers=bearer(DUNDEE)
    )
    assert response.status_code == 503 and "ADVISOR_ADMIN_TOKEN" in response.text


def test_wrong_programme_tokens_count_towards_the_same_limit(seeded, two_programmes):
    http = api(seeded, two_programmes)
    statuses = [http.get(INSIGHTS, headers=bearer(f"guess-{i}")).status_code for i in range(8)]
    assert statuses == [401] * 5 + [429] * 3
    assert http.get(INSIGHTS, headers=bearer(DUNDEE)).status_code == 429


def test_tokens_never_show_in_a_repr_or_a_dump(two_programmes):
    tokens = tokens_of(two_programmes, ENVIRON)
    for text in (repr(tokens), str(tokens), tokens.model_dump_json()):
        assert DUNDEE not in text and OTHER not in text


def test_access_for_names_the_programme_a_token_opens():
    tokens = programme_tokens(
        {"a": "ADVISOR_A", "b": "ADVISOR_B", "c": None}, {"ADVISOR_A": DUNDEE, "ADVISOR_B": OTHER}
    )
    assert access_for(DUNDEE, ADMIN, tokens).programme == "a"
    assert access_for(f" {OTHER}\n", ADMIN, tokens).programme == "b"
    assert access_for(ADMIN, ADMIN, tokens).is_admin
    assert access_for("nothing", ADMIN, tokens) is None
    assert access_for(ADMIN, "", ProgrammeTokens()) is None
    assert "only the admin token" in tokens.problems["c"]


# ---------------------------------------------------------------------------------------------
# The query


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "yesterday"}, "since"),
        ({"until": "2026-13-01"}, "until"),
        ({"since": "2026-05-02", "until": "2026-05-01"}, "since"),
        ({"since": "2020-01-01", "until": "2026-01-01"}, "since"),
        ({"since": "2026-01-01" + "x" * 1000}, "since"),
        ({"programme": "a" * 41}, "programme"),
    ],
)
def test_a_bad_query_is_a_422_naming_its_field(seeded, two_programmes, params, field):
    for path in (INSIGHTS, f"{INSIGHTS}.csv"):
        response = api(seeded, two_programmes).get(path, params=params, headers=bearer(ADMIN))
        assert response.status_code == 422, response.text
        assert field in {error["field"] for error in response.json()["detail"]}


def test_the_date_range_chooses_the_weeks(seeded, two_programmes):
    http = api(seeded, two_programmes)
    seed(seeded, "dundee", 40)  # this week again
    long_ago = {"since": "2025-01-06", "until": "2025-03-02"}
    assert started(http.get(INSIGHTS, params=long_ago, headers=bearer(DUNDEE))) == 0
    recent = http.get(INSIGHTS, params={"since": str(THIS_WEEK)}, headers=bearer(DUNDEE))
    assert started(recent) == 52
    assert [w["week"] for w in recent.json()["usage"]["weeks"]][-1] == str(THIS_WEEK)


def test_the_saved_results_are_of_the_programme_with_old_ones_the_defaults(
    sqlite_engine, two_programmes
):
    profile = Profile(
        healthcare_background=True,
        role="trainee",
        career_stage="early",
        motivations=("improve_teaching",),
        research_aim="none",
    )
    outcome = recommend(profile, two_programmes.compiled_rules)
    with Session(sqlite_engine) as session:
        for programme, times in ((None, 5), ("dundee", 5), ("other", 10)):
            for _ in range(times):
                db.save_result(
                    session=session,
                    profile=profile,
                    result=outcome,
                    origin="advisor",
                    programme=programme,
                )
    http = api(sqlite_engine, two_programmes)
    saved = {
        token: http.get(INSIGHTS, headers=bearer(token)).json()["saved"]["total"]
        for token in (DUNDEE, OTHER, ADMIN)
    }
    assert saved == {DUNDEE: 10, OTHER: 10, ADMIN: 20}


def test_the_csv_is_the_json_in_readable_lines(seeded, two_programmes):
    http = api(seeded, two_programmes)
    response = http.get(f"{INSIGHTS}.csv", headers=bearer(DUNDEE))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "advisor-insights-dundee-" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text, newline="")))
    totals = {row["row"]: row for row in rows if row["section"] == "Totals"}
    assert totals["Questionnaires started"]["count"] == "12"
    assert (totals["Results saved"]["count"], totals["Results saved"]["suppressed"]) == ("", "yes")
    assert any(row["section"].startswith("Saved results") for row in rows)
    by_site = [
        r for r in rows if r["section"] == "Suggestion by site" and r["row"] == "Certificate"
    ]
    assert [(r["column"], r["count"]) for r in by_site] == [("The advisor itself", "7")]


def test_start_up_names_a_short_programme_token_but_never_shows_it(
    two_programmes, capsys, monkeypatch
):
    monkeypatch.setenv("ADVISOR_INSIGHTS_TOKEN_DUNDEE", "short-secret")
    monkeypatch.delenv("ADVISOR_INSIGHTS_TOKEN_OTHER", raising=False)
    create_api(two_programmes, admin_token=ADMIN)
    said = capsys.readouterr().err
    assert "programmes/dundee.yaml" in said and "ADVISOR_INSIGHTS_TOKEN_DUNDEE" in said
    assert "short-secret" not in said
    assert "programmes/other.yaml" not in said  # unset: nothing to warn about
