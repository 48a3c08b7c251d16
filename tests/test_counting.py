"""The anonymous counts' writing side: the buffer, its flushes, what the questionnaire counts."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy
from reflex.istate.data import RouterData
from sqlalchemy import Engine
from sqlmodel import Session

from advisor import counting, db
from advisor.runtime import CONTENT
from advisor.settings import settings
from advisor.state import AnswersState
from advisor.usage import UsageCell, UsageKey, key, parse_detail, week_of
from tests.utils.async_calls import call

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2026, 3, 4)  # a Wednesday: its week starts on Monday 2 March
PROGRAMME = CONTENT.default_programme
# A pathway the study's rules answer with the Diploma (tests/test_state.py).
DIPLOMA = ("yes", "major_teaching", "mid", ("career_prospects",), "apply_evidence", "uk")


def cell(event: str = "started", origin: str = "advisor", **values) -> UsageKey:
    return key(at=DAY, programme=PROGRAMME, origin=origin, event=event, **values)


def cells_of(engine: Engine) -> dict[tuple[str, str, str], int]:
    """Every counted cell: (event, origin, detail) -> n."""
    found = db.in_session(lambda session: db.usage_cells(session=session), engine)
    return {(c.key.event, c.key.origin, c.key.detail): c.n for c in found}


@pytest.fixture
def counter(sqlite_engine: Engine) -> counting.Counter:
    """A buffer of the test's own, writing to the test's database; flushed by hand only (its
    thread waits far longer than any test)."""
    return counting.Counter(engine=sqlite_engine, flush_seconds=3600)


# --- The buffer --------------------------------------------------------------------------------


def test_counts_add_up_in_the_buffer_and_land_in_one_flush(counter, sqlite_engine):
    for _ in range(3):
        counter.count(cell())
    counter.count(cell("reached", step="role"))
    assert counter.pending() == {cell(): 3, cell("reached", step="role"): 1}
    assert counter.flush() == 4
    assert counter.pending() == {}
    assert cells_of(sqlite_engine) == {
        ("started", "advisor", ""): 3,
        ("reached", "advisor", "step=role"): 1,
    }
    counter.count(cell())
    counter.flush()
    assert cells_of(sqlite_engine)[("started", "advisor", "")] == 4  # added to, not replaced


def test_the_buffer_holds_at_most_max_keys_cells_and_counts_what_it_drops(sqlite_engine):
    counter = counting.Counter(engine=sqlite_engine, max_keys=3, flush_seconds=3600)
    steps = ["role", "career_stage", "motivations", "workplace", "review"]
    for step in steps:
        counter.count(cell("reached", step=step))
    counter.count(cell("reached", step="role"))  # a cell it holds still adds up
    assert len(counter.pending()) == 3 and counter.dropped == 2
    assert counter.pending()[cell("reached", step="role")] == 2


def test_a_forked_worker_starts_with_an_empty_buffer_of_its_own(counter):
    counter.count(cell())
    counter._forked()
    assert counter.pending() == {} and counter._thread is None
    counter.count(cell())
    assert counter.pending() == {cell(): 1} and counter._thread is not None


def test_each_process_writes_its_buffer_as_it_exits_and_the_cells_add_up(sqlite_engine):
    url = str(sqlite_engine.url)
    # The thread's first write is a second away: only the exit's flush can write this count.
    script = (
        "from advisor import counting\n"
        f"counting.count_event(programme={PROGRAMME!r}, origin='advisor', event='started')\n"
        "assert counting.COUNTER.pending()\n"
    )
    environment = {**os.environ, "ADVISOR_DATABASE_URL": url, "ADVISOR_COUNTING": "on"}
    environment.pop("DATABASE_URL", None)
    environment.pop("REFLEX_DB_URL", None)
    # Two processes at once, as two workers: each writes its own buffer, and the cell adds up.
    workers = [
        subprocess.Popen([sys.executable, "-c", script], env=environment, cwd=ROOT)
        for _ in range(2)
    ]
    assert [worker.wait(timeout=60) for worker in workers] == [0, 0]
    assert cells_of(sqlite_engine) == {("started", "advisor", ""): 2}


def test_the_shipped_cap_and_interval():
    assert counting.MAX_KEYS == 10_000 and counting.FLUSH_SECONDS == 1.0


def test_the_thread_flushes_by_itself(sqlite_engine):
    counter = counting.Counter(engine=sqlite_engine, flush_seconds=0.05)
    counter.count(cell())
    for _ in range(100):
        if cells_of(sqlite_engine):
            break
        threading.Event().wait(0.05)
    assert cells_of(sqlite_engine) == {("started", "advisor", ""): 1}
    assert counter._thread is not None and counter._thread.daemon


def test_a_failed_flush_drops_its_batch_and_is_not_retried(counter, sqlite_engine, caplog):
    with Session(sqlite_engine) as session:
        session.exec(sqlalchemy.text("DROP TABLE usage_count"))  # type: ignore[call-overload]
        session.commit()
    counter.count(cell("result", origin="https://secret.example.org", **RESULT_VALUES))
    with caplog.at_level(logging.WARNING, logger="advisor.counting"):
        assert counter.flush() == 0
    assert counter.pending() == {} and counter.failed == 1
    # Nothing left to retry: the next flush has nothing to write.
    assert counter.flush() == 0 and counter.failed == 1
    # Logged by its size only: neither the site nor the detail appears.
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "1 counts in 1 cells" in logged
    assert "secret.example.org" not in logged and "certificate" not in logged


def test_count_never_raises_into_the_caller(counter, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("no threads left")

    monkeypatch.setattr(counter, "_start", broken)
    counter.count(cell())  # no exception
    counting.count_event(programme=PROGRAMME, origin="advisor", event="reached", step="A B C")
    counting.count_event(programme="x" * 400, origin="advisor", event="started")


def test_concurrent_add_counts_from_two_threads_all_land(sqlite_engine):
    counts = {cell(): 1, cell("reached", step="role"): 2}

    def add() -> None:
        for _ in range(20):
            db.in_session(lambda s: db.add_counts(session=s, counts=counts), sqlite_engine)

    threads = [threading.Thread(target=add) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cells_of(sqlite_engine) == {
        ("started", "advisor", ""): 40,
        ("reached", "advisor", "step=role"): 80,
    }


def test_counting_off_counts_nothing(monkeypatch):
    monkeypatch.setattr(settings, "counting", "off")
    seen = []
    monkeypatch.setattr(counting, "count", seen.append)
    counting.count_event(programme=PROGRAMME, origin="advisor", event="started")
    assert seen == []


# --- Sites and the privacy signal --------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "signalled"),
    [
        ({"sec-gpc": "1"}, True),
        ({"Sec-GPC": " 1 "}, True),
        ({"sec-gpc": "0"}, False),
        ({"sec-gpc": "11"}, False),
        ({}, False),
        ({"user-agent": "x"}, False),
    ],
)
def test_the_sec_gpc_header(headers, signalled):
    assert counting.privacy_signal(headers) is signalled


def test_a_site_is_counted_by_name_only_when_listed(monkeypatch):
    monkeypatch.setattr(
        settings, "frame_ancestors", "'self' https://all.example.org https://*.example.net"
    )
    sites = ["https://one.example.ac.uk"]
    assert counting.site_of("https://one.example.ac.uk", sites) == "https://one.example.ac.uk"
    assert counting.site_of("https://all.example.org", sites) == "https://all.example.org"
    assert counting.site_of("https://a.example.net", sites) == "other"
    assert counting.site_of("https://made-up.example", sites) == "other"
    assert counting.site_of("advisor", sites) == "advisor"


# --- What the questionnaire counts -------------------------------------------------------------

RESULT_VALUES = {
    "recommended": "certificate",
    "confidence": "high",
    "role": "trainee",
    "audience": "self",
}


@pytest.fixture
def counted(monkeypatch) -> list[UsageKey]:
    """The cells the pages count, in order, instead of the process's buffer."""
    seen: list[UsageKey] = []
    monkeypatch.setattr(counting, "count", seen.append)
    monkeypatch.setattr(settings, "counting", "on")
    return seen


def opened(path: str, headers: dict[str, str] | None = None) -> AnswersState:
    state = AnswersState()
    state.router = RouterData.from_router_data(
        {"pathname": path, "asPath": path, "headers": headers or {}}
    )
    return state


def walk(state: AnswersState, *answers) -> None:
    for answer in answers:
        if isinstance(answer, tuple):
            for value in answer:
                state.toggle_choice("motivations", value)
        elif answer is not None:
            state.set_answer(state.current_question, answer)
        state.next_step()


def events(seen: list[UsageKey]) -> list[tuple[str, str]]:
    return [(c.event, c.detail) for c in seen]


def test_a_run_counts_its_start_each_step_once_and_its_result(counted):
    state = opened("/assess")
    state.report_privacy_signal("not-sent")
    walk(state, *DIPLOMA)
    state.previous_step()
    state.next_step()  # the review again: counted once
    steps = [("reached", f"step={step}") for step in state.asked[: state.step + 1]]
    assert len(steps) > 6 and events(counted) == [steps[0], ("started", ""), *steps[1:]]
    this_week = week_of(dt.datetime.now(dt.UTC))
    assert all(c.programme == PROGRAMME and c.origin == "advisor" for c in counted)
    assert all(c.week == this_week for c in counted)

    counted.clear()
    state.router = RouterData.from_router_data({"pathname": "/result", "asPath": "/result"})
    state.open_result()
    state.open_result()  # a reload: the same result is not counted again
    (shown,) = counted
    assert shown.event == "result"
    assert parse_detail(shown.detail) == {
        "recommended": "diploma",
        "confidence": state.confidence,
        "role": "major_teaching",
        "audience": "self",
    }


def test_another_result_in_the_same_run_is_counted_and_start_again_begins_a_new_run(counted):
    state = opened("/assess")
    state.report_privacy_signal("not-sent")
    walk(state, "no")
    state._count_result()
    state._count_result()
    assert [c.event for c in counted].count("result") == 1
    state.set_answer("healthcare_background", "yes")
    walk(state, "trainee", "early", ("improve_teaching",), "none", None, None)
    state._count_result()
    assert [c.event for c in counted].count("result") == 2
    assert [c.event for c in counted].count("started") == 1  # changing an answer starts nothing

    counted.clear()
    state.start_again()
    state.set_answer("healthcare_background", "yes")
    state.next_step()
    assert events(counted) == [("started", ""), ("reached", "step=role")]


def test_readiness_is_counted_once_when_every_item_is_answered(counted):
    state = opened("/result")
    state.report_privacy_signal("not-sent")
    walk(state, *DIPLOMA)
    counted.clear()
    items = ["understand", "values", "support"]
    state.set_readiness("sure", "yes")
    for item in items[:-1]:
        state.set_readiness(item, "no")
    assert counted == []
    state.set_readiness(items[-1], "yes")
    state.set_readiness(items[-1], "no")  # a changed answer: counted already this run
    assert events(counted) == [("readiness", "score=2")]


def test_saving_counts_a_save(counted, web_engine):
    state = opened("/result")
    state.report_privacy_signal("not-sent")
    walk(state, *DIPLOMA)
    call(state.save_result())
    assert state.saved_id and [c.event for c in counted][-1] == "saved"


def test_an_embedding_site_is_counted_as_listed_or_as_other(counted, monkeypatch):
    monkeypatch.setattr(settings, "frame_ancestors", "https://listed.example.org")
    for origin, counted_as in [
        ("https://listed.example.org", "https://listed.example.org"),
        ("https://unlisted.example.org", "other"),
    ]:
        counted.clear()
        state = opened("/embed")
        state.origin = origin
        state.report_privacy_signal("not-sent")
        assert [(c.event, c.origin) for c in counted] == [("reached", counted_as)]


@pytest.mark.parametrize(
    ("answer", "headers"),
    [
        ("sent", {}),  # navigator.globalPrivacyControl === true
        ("not-sent", {"sec-gpc": "1"}),  # the connection said so
        (None, {}),  # the browser never answered (a script blocked, the callback lost)
        ({"sent": False}, {}),  # anything else a client makes up
        ("not-sent " * 1000, {}),
    ],
)
def test_the_privacy_signal_or_no_answer_counts_nothing(counted, answer, headers):
    state = opened("/assess", headers)
    state.report_privacy_signal(answer)
    walk(state, *DIPLOMA)
    state._count_result()
    state._count("plan")
    assert counted == []


def test_nothing_is_counted_before_the_browser_answers(counted):
    state = opened("/assess")
    walk(state, *DIPLOMA)
    assert counted == []


def test_the_run_bookkeeping_never_reaches_the_browser(counted):
    state = opened("/assess")
    state.report_privacy_signal("not-sent")
    walk(state, *DIPLOMA)
    assert state._counting and len(state._run_marks) > 6
    sent = json.dumps(state.get_delta(), default=str)
    assert "_counting" not in sent and "_run_marks" not in sent and "step=role" not in sent


# --- Nothing per person ------------------------------------------------------------------------


def test_the_usage_count_table_holds_cells_not_people(sqlite_engine):
    columns = {c["name"] for c in sqlalchemy.inspect(sqlite_engine).get_columns("usage_count")}
    assert columns == {"week", "programme", "origin", "event", "detail", "n"}
    assert set(UsageCell.model_fields) == {"key", "n"}
    # The week is a Monday: no time finer than the week is stored.
    counter = counting.Counter(engine=sqlite_engine, flush_seconds=3600)
    counter.count(key(at=dt.datetime(2026, 3, 6, 17, 45, tzinfo=dt.UTC), **_STARTED))
    counter.flush()
    (found,) = db.in_session(lambda session: db.usage_cells(session=session), sqlite_engine)
    assert found.key.week == dt.date(2026, 3, 2)


_STARTED = {"programme": PROGRAMME, "origin": "advisor", "event": "started"}
