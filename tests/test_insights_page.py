"""The insights page's state without a browser: the token gate, the counts, sign-out, the CSV."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable

import pytest
from sqlmodel import Session

from advisor import db, usage
from advisor.admin_token import programme_tokens
from advisor.engine import recommend
from advisor.insights_report import report, report_csv
from advisor.pages import insights as page
from advisor.pages.insights import InsightsState
from advisor.profile import Profile
from advisor.runtime import CONTENT
from advisor.settings import settings
from tests.utils.async_calls import call

TOKEN = "a-long-random-admin-token-for-the-tests"
CERTIFICATE = Profile(
    healthcare_background=True,
    role="trainee",
    career_stage="early",
    motivations=("improve_teaching",),
    research_aim="none",
)
DIPLOMA = Profile(
    audience="supervisor",
    healthcare_background=True,
    role="major_teaching",
    career_stage="mid",
    motivations=("career_prospects",),
    research_aim="apply_evidence",
    workplace="uk",
)


@pytest.fixture
def save(web_engine) -> Callable[[Profile, str, int], None]:
    def save(profile: Profile, origin: str, times: int) -> None:
        with Session(web_engine) as session:
            for _ in range(times):
                db.save_result(
                    session=session,
                    profile=profile,
                    result=recommend(profile, CONTENT.compiled_rules),
                    origin=origin,
                )

    return save


@pytest.fixture
def token(monkeypatch) -> str:
    monkeypatch.setattr(settings, "admin_token", TOKEN)
    return TOKEN


def shown(state: InsightsState, dimension: str) -> dict[str, str]:
    return {row.label: row.shown for row in state.tables[dimension]}


def sent_to_browser(state: InsightsState) -> str:
    return json.dumps(state.get_delta(), default=str)


def test_recommendations_are_what_the_counts_below_assume():
    assert recommend(CERTIFICATE, CONTENT.compiled_rules).recommended == "certificate"
    assert recommend(DIPLOMA, CONTENT.compiled_rules).recommended == "diploma"


@pytest.mark.parametrize("given", ["", " ", "anything"])
def test_without_a_configured_token_insights_are_disabled(monkeypatch, web_engine, save, given):
    monkeypatch.setattr(settings, "admin_token", "")
    save(CERTIFICATE, "advisor", 6)
    state = InsightsState()

    call(state.sign_in({"token": given}))
    call(state.refresh())

    assert not state.enabled and not state.signed_in
    assert "ADVISOR_ADMIN_TOKEN" in state.error
    assert state.total == "" and not any(state.tables.values())
    assert state.download_csv() is None


def test_a_configured_token_enables_the_form(token):
    assert InsightsState().enabled


@pytest.mark.parametrize("given", ["wrong", TOKEN[:-1], TOKEN + "x", "", "tökén"])
def test_a_wrong_token_shows_an_error_and_no_data(token, save, given):
    save(CERTIFICATE, "advisor", 6)
    state = InsightsState()

    call(state.sign_in({"token": given}))

    assert not state.signed_in
    assert state.error
    assert state.total == "" and not any(state.tables.values())
    assert state.download_csv() is None
    call(state.refresh())
    assert not any(state.tables.values())


def test_the_right_token_shows_the_counts_of_the_saved_assessments(token, save):
    save(CERTIFICATE, "https://a.example", 7)
    save(DIPLOMA, "api", 3)
    save(DIPLOMA, "api", 2)  # the newest two wait for the next step of 5
    state = InsightsState()

    call(state.sign_in({"token": f" {TOKEN}\n"}))  # pasted with stray whitespace

    assert state.signed_in and state.error == ""
    assert state.total == "10"
    few = "fewer than 5"
    assert shown(state, "recommended") == {
        "Certificate": "5 to 9",
        "Diploma": few,
        "Masters": few,
        "No suggestion (entry requirement not met)": few,
    }
    role = shown(state, "role")
    assert len(role) == 6 and role["Trainee who teaches"] == "5 to 9"
    assert {role["A large teaching role"], role["Not asked"]} == {few}
    assert shown(state, "career_stage") == {
        "Early": "5 to 9",
        "Middle": few,
        "Later": few,
        "Not asked": few,
    }
    assert shown(state, "audience") == {
        "People choosing for themselves": "5 to 9",
        "Supervisors": few,
    }
    # API clients (3) are too few to name: they are in "other", with no count of their own.
    assert shown(state, "origin") == {
        "https://a.example": "5 to 9",
        "Other sites, each with fewer than 5": few,
    }
    # All ten in this week: "10 to 14" and an empty "other" would say exactly 10 and 0.
    assert state.withheld["week"] and state.tables["week"] == []
    assert state.updated


def test_small_cells_are_suppressed_everywhere_the_browser_sees(token, save):
    save(CERTIFICATE, "advisor", 3)
    save(DIPLOMA, "https://embed.example", 1)
    state = InsightsState()
    call(state.sign_in({"token": TOKEN}))

    # Four saved: none counted yet.
    assert state.total == "fewer than 5"
    assert not any(state.tables.values())

    save(DIPLOMA, "https://embed.example", 1)
    call(state.refresh())

    assert state.total == "5"
    assert set(shown(state, "recommended").values()) == {"fewer than 5"}
    assert "https://embed.example" not in sent_to_browser(state)
    # A suppressed cell is drawn as no bar at all, never as its real size.
    assert all(row.count == 0 and row.suppressed for rows in state.tables.values() for row in rows)
    delta = state.get_delta()
    rows = delta[InsightsState.get_full_name()]["tables_rx_state_"]
    assert {row.count for dimension in rows.values() for row in dimension} == {0}


def test_the_sign_in_and_the_raw_counts_stay_on_the_server(token, save):
    save(CERTIFICATE, "advisor", 6)
    state = InsightsState()
    call(state.sign_in({"token": TOKEN}))

    delta = state.get_delta()

    assert TOKEN not in sent_to_browser(state)
    sent = {key.removesuffix("_rx_state_") for key in delta[InsightsState.get_full_name()]}
    public = {"enabled", "signed_in", "total", "tables", "chart_heights", "error", "notice"}
    public |= {"withheld", "disabled_reason", "programme_choices", "programme", "programme_name"}
    public |= {"since", "until", "breakdown", "usage_totals", "funnel", "weeks", "week_points"}
    public |= {"sites", "readiness", "breakdown_label", "breakdown_columns", "breakdown_rows"}
    public |= {"token_notes", "breakdown_empty"}
    assert sent <= public | {"updated"}
    assert sent >= {"signed_in", "total", "tables"}


def test_refresh_counts_assessments_saved_since_signing_in(token, save):
    save(CERTIFICATE, "advisor", 5)
    state = InsightsState()
    call(state.sign_in({"token": TOKEN}))
    assert state.total == "5"

    save(DIPLOMA, "advisor", 2)
    call(state.refresh())
    assert state.total == "5"  # two more wait for a whole step

    save(CERTIFICATE, "advisor", 3)
    call(state.refresh())
    assert state.total == "10"
    assert shown(state, "recommended")["Certificate"] == "5 to 9"


def test_sign_out_clears_the_data(token, save):
    save(CERTIFICATE, "advisor", 6)
    state = InsightsState()
    call(state.sign_in({"token": TOKEN}))
    assert state.total == "5"

    state.sign_out()

    assert not state.signed_in
    assert state.total == "" and not any(state.tables.values()) and state.updated == ""
    assert state.download_csv() is None
    call(state.refresh())
    assert state.total == ""


def test_the_download_carries_the_csv(token, save, web_engine):
    save(CERTIFICATE, "advisor", 7)
    save(DIPLOMA, "api", 3)
    state = InsightsState()
    call(state.sign_in({"token": TOKEN}))

    event = state.download_csv()

    args = {str(name): value._var_value for name, value in event.args}
    assert args["filename"] == f"advisor-insights-all-{state.since}-{state.until}.csv"
    prefix = "data:text/csv;base64,"
    assert args["url"].startswith(prefix)
    csv = base64.b64decode(args["url"].removeprefix(prefix)).decode()
    since, until = dt.date.fromisoformat(state.since), dt.date.fromisoformat(state.until)
    with Session(web_engine) as session:
        data = report(session, CONTENT, programme=None, since=since, until=until)
    # What the API's /insights.csv gives for the same choice, line for line.
    assert csv == report_csv(data, CONTENT)
    assert "Saved results: Where it was used,The advisor itself,,5,5 to 9,no\r\n" in csv
    assert "Saved results: total,Saved results counted,,10,,no\r\n" in csv


def test_an_unreadable_database_is_an_error_not_a_crash(token, monkeypatch, tmp_path):
    # Never migrated: the table does not exist.
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    monkeypatch.setattr(db, "default_engine", lambda: db.engine_for(url))
    state = InsightsState()

    call(state.sign_in({"token": TOKEN}))

    assert state.signed_in and "could not be read" in state.error
    assert state.total == ""


@pytest.mark.parametrize(
    ("dimension", "value", "label"),
    [
        ("recommended", "masters", "Masters"),
        ("role", "education_lead", "Leading education"),
        ("career_stage", "late", "Later"),
        ("origin", "advisor", "The advisor itself"),
        ("origin", "api", "API clients"),
        ("origin", "https://apply.example.ac.uk", "https://apply.example.ac.uk"),
        ("week", "2025-03-03", "3 March 2025"),
        ("role", "retired-option", "retired-option"),
    ],
)
def test_values_are_shown_in_words(dimension, value, label):
    assert page.value_label(dimension, value) == label


@pytest.mark.parametrize(
    ("label", "lines"),
    [
        ("Masters", ["Masters"]),
        ("People choosing for themselves", ["People choosing", "for themselves"]),
        # Two origins alike but for one letter stay apart on the chart.
        ("http://insights-test-0a1b-a.example", ["insights-test-", "0a1b-a.example"]),
        ("http://insights-test-0a1b-b.example", ["insights-test-", "0a1b-b.example"]),
        (
            "Aiming for education research or faculty development",
            ["Aiming for", "education", "research or", "faculty", "development"],
        ),
    ],
)
def test_chart_names_wrap_into_short_lines_and_are_never_shortened(label, lines):
    assert page.tick_lines(label) == lines


# ---------------------------------------------------------------------------------------------
# The anonymous counts, per programme

PROGRAMME_TOKEN = "the-dundee-insights-token-for-page-tests"
TODAY = dt.datetime.now(dt.UTC).date()


@pytest.fixture
def programme_token(monkeypatch) -> str:
    tokens = programme_tokens({"dundee": "ADVISOR_T"}, {"ADVISOR_T": PROGRAMME_TOKEN})
    monkeypatch.setattr(page, "PROGRAMME_TOKENS", tokens)
    return PROGRAMME_TOKEN


def count(engine, programme: str, event: str, n: int, origin: str = "advisor", **values) -> None:
    key = usage.key(at=TODAY, programme=programme, origin=origin, event=event, **values)
    with Session(engine) as session:
        db.add_counts(session=session, counts={key: n})


def shown_result(**values: str) -> dict[str, str]:
    parts = {"recommended": "certificate", "confidence": "high", "role": "trainee"}
    return {**parts, "audience": "self", **values}


@pytest.fixture
def counted(web_engine):
    count(web_engine, "dundee", "started", 12)
    count(web_engine, "dundee", "reached", 10, step=CONTENT.questions[0].id)
    count(web_engine, "dundee", "result", 6, **shown_result())
    count(web_engine, "dundee", "result", 3, "https://tiny.example", **shown_result())
    count(web_engine, "elsewhere", "started", 40)
    return web_engine


def figures(lines) -> dict[str, list[str]]:
    return {line.label: line.cells for line in lines}


def test_a_programme_token_signs_in_to_its_own_programme_only(programme_token, counted):
    state = InsightsState()
    call(state.sign_in({"token": programme_token}))

    assert state.signed_in and state.error == ""
    assert [choice.value for choice in state.programme_choices] == ["dundee"]
    assert state.programme_name == CONTENT.programmes["dundee"].name
    totals = figures(state.usage_totals)
    assert totals["Questionnaires started"] == ["at least 12"]
    assert totals["Results shown"] == ["at least 6"]
    assert totals["Completion rate (results per questionnaire started)"] == ["50%"]
    funnel = figures(state.funnel)
    assert funnel[CONTENT.questions[0].short] == ["at least 10", "2 (16.7%)"]
    assert funnel[CONTENT.questions[1].short] == ["fewer than 5", "not known"]
    assert funnel["Questionnaires started"] == ["at least 12", ""]  # no step before it

    # Another programme, or all of them, is refused: the choice is checked on the server.
    call(state.choose({"programme": page.ALL, "since": state.since, "until": state.until}))
    assert state.error.startswith("Programme:")
    assert figures(state.usage_totals)["Questionnaires started"] == ["at least 12"]


def test_the_admin_token_sees_every_programme_summed_and_each_one(token, counted):
    state = InsightsState()
    call(state.sign_in({"token": TOKEN}))

    assert state.programme == page.ALL
    assert [c.value for c in state.programme_choices] == [page.ALL, *CONTENT.programmes]
    assert figures(state.usage_totals)["Questionnaires started"] == ["at least 52"]

    call(state.choose({"programme": "dundee", "since": state.since, "until": state.until}))
    assert state.error == ""
    assert figures(state.usage_totals)["Questionnaires started"] == ["at least 12"]


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [
        ("someday", "", "First day: Give a date as YYYY-MM-DD."),
        ("2026-05-02", "2026-05-01", "First day: The first day must not be after the last."),
        ("2020-01-01", "2026-01-01", "First day: The range may be at most"),
        ("2026-01-01", "2026-02-31", "Last day: Give a date"),
        ("x" * 100_000, "", "First day: Give a date"),
    ],
)
def test_a_bad_date_range_is_refused_with_the_field_named(token, counted, since, until, message):
    state = InsightsState()
    call(state.sign_in({"token": TOKEN}))
    before = (state.since, state.until)

    call(state.choose({"programme": page.ALL, "since": since, "until": until}))

    assert state.error.startswith(message)
    assert (state.since, state.until) == before


def test_an_older_range_shows_none_of_this_weeks_counts(token, counted):
    state = InsightsState()
    call(state.sign_in({"token": TOKEN}))
    call(state.choose({"programme": page.ALL, "since": "2024-01-01", "until": "2024-03-31"}))

    assert state.error == ""
    assert figures(state.usage_totals)["Questionnaires started"] == ["fewer than 5"]
    assert len(state.weeks) == 13 and state.weeks[0].label == "1 January 2024"


def test_weeks_sites_and_the_breakdown_show_published_cells_only(token, counted):
    state = InsightsState()
    call(state.sign_in({"token": TOKEN}))

    this_week = figures(state.weeks)[state.weeks[-1].label]
    assert this_week == ["at least 52", "at least 6"]
    assert state.week_points[-1].results == 6 and state.week_points[0].results is None
    assert figures(state.sites) == {
        "The advisor itself": ["at least 52", "at least 6", "fewer than 5"]
    }
    assert state.breakdown_columns == ["Suggestion", "The advisor itself"]
    assert figures(state.breakdown_rows)["Certificate"] == ["at least 6"]
    assert not state.breakdown_empty

    state.choose_breakdown("recommended-by-role")
    assert state.breakdown_columns[0] == "Suggestion"
    assert len(state.breakdown_columns) == 1 + len(CONTENT.questions_by_id["role"].options)
    state.choose_breakdown("not-a-breakdown")
    assert state.breakdown == "recommended-by-role"
    # The site with 3 results is nowhere the browser can see.
    assert "tiny.example" not in sent_to_browser(state)


def test_the_admin_is_told_which_programme_tokens_open_nothing(token, monkeypatch, web_engine):
    tokens = programme_tokens({"dundee": "ADVISOR_T"}, {"ADVISOR_T": "tiny-secret"})
    monkeypatch.setattr(page, "PROGRAMME_TOKENS", tokens)
    state = InsightsState()
    call(state.sign_in({"token": TOKEN}))
    (note,) = state.token_notes
    assert note.startswith(CONTENT.programmes["dundee"].name) and "ADVISOR_T is shorter" in note
    assert "tiny-secret" not in note


def test_a_breakdown_by_site_with_no_site_published_says_so_instead_of_a_table(token, web_engine):
    state = InsightsState()
    call(state.sign_in({"token": TOKEN}))
    assert state.signed_in and state.breakdown == "recommended-by-origin"
    # With nothing counted, no site has a column: the page says so rather than list labels.
    assert state.breakdown_empty
    # A breakdown by role has its fixed columns, each "fewer than 5".
    state.choose_breakdown("recommended-by-role")
    assert not state.breakdown_empty
    assert set(figures(state.breakdown_rows)["All"]) == {"fewer than 5"}
