"""Log records a client cannot forge: escaped, capped, tracebacks included (advisor.logs)."""

from __future__ import annotations

import io
import logging

import httpx
import pytest
from uvicorn.logging import AccessFormatter

from advisor import logs
from tests.utils.servers import serving_in_thread


@pytest.fixture
def captured():
    """A logger writing plain lines to a buffer, with the advisor's record factory installed."""
    before = logging.getLogRecordFactory()
    logs.install()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("advisor.test-logs")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield logger, stream
    finally:
        logger.removeHandler(handler)
        logging.setLogRecordFactory(before)


def test_a_client_cannot_add_a_line_to_the_log(captured):
    logger, stream = captured
    forged = "x\n2026-12-01 12:00:00 INFO admin signed in\r\x1b[2K\u2028done"
    logger.warning("Unknown event %s", forged)
    text = stream.getvalue()
    assert text.count("\n") == 1  # one record, one line
    assert "x\\n2026-12-01 12:00:00 INFO admin signed in\\r\\x1b[2K\\u2028done" in text


def test_a_huge_message_is_cut_keeping_its_start_and_end(captured):
    logger, stream = captured
    logger.warning("start " + "y" * 1_000_000 + " end")
    line = stream.getvalue()
    assert len(line) < logs.MAX_MESSAGE_CHARS + 100
    assert line.startswith("WARNING start ") and line.rstrip().endswith(" end")
    assert "characters cut" in line


def test_a_traceback_keeps_its_frames_but_not_the_clients_newlines(captured):
    logger, stream = captured
    try:
        try:
            raise ValueError("bad payload\nFORGED LINE")
        except ValueError as inner:
            raise RuntimeError("handler failed\nFORGED TOO") from inner
    except RuntimeError:
        logger.exception("event failed")
    text = stream.getvalue()
    assert "ValueError: bad payload\\nFORGED LINE" in text
    assert "RuntimeError: handler failed\\nFORGED TOO" in text
    assert "direct cause" in text and 'File "' in text
    assert not any(line.startswith("FORGED") for line in text.splitlines())


def test_installing_twice_wraps_once():
    before = logging.getLogRecordFactory()
    try:
        logs.install()
        first = logging.getLogRecordFactory()
        logs.install()
        assert logging.getLogRecordFactory() is first
    finally:
        logging.setLogRecordFactory(before)


# ---------------------------------------------------------------------------------------------
# Secrets: a plan's key and the token headers never reach a log

SECRET = "Q0jfPLX1y6We4afDlbJpn7-TzugDkiM7ow8sUUkrT70"


@pytest.mark.parametrize(
    "said",
    [
        f"GET /plan/0b0e8a8e-52f4-4a3c-9a56-1f3d1d5c7a10?key={SECRET} HTTP/1.1",
        f"/plan/x?lang=en&key={SECRET}#top",
        f"/api/v1/assessments/x?token={SECRET}",
        f"X-Plan-Token: {SECRET}",
        f"headers {{'x-plan-token': '{SECRET}', 'accept': '*/*'}}",
        f"[(b'x-delete-token', b'{SECRET}')]",
        f'router {{"query": {{"key": "{SECRET}"}}}}',
    ],
    ids=["link", "link-later", "delete-link", "header", "headers", "asgi-headers", "query"],
)
def test_a_plan_key_or_token_header_is_redacted(captured, said):
    logger, stream = captured
    logger.warning("request %s", said)
    logger.warning(said)
    logger.warning("link %s?key=%s", "/plan/x", SECRET)  # split between format and argument
    try:
        raise ValueError(said)
    except ValueError:
        logger.exception("failed")
    text = stream.getvalue()
    assert SECRET not in text
    assert text.count(logs.REDACTED) == 4


def test_what_is_not_a_secret_is_kept(captured):
    logger, stream = captured
    logger.warning("GET %s %d", "/plan/abc?lang=en&monkey=1", 200)
    assert stream.getvalue() == "WARNING GET /plan/abc?lang=en&monkey=1 200\n"


def access_capture(formatter: logging.Formatter) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)

    def fail(record: logging.LogRecord) -> None:  # logging would print the record, secret and all
        raise AssertionError(f"the record could not be formatted: {record.msg!r}")

    handler.handleError = fail  # type: ignore[method-assign]
    logger = logging.getLogger("uvicorn.access")
    logger.addHandler(handler)
    return logger, stream


@pytest.fixture
def access_log():
    """uvicorn's access logger at INFO, as `reflex run` and `--access-logfile` have it, with the
    advisor's record factory installed; restored afterwards."""
    before = logging.getLogRecordFactory()
    logger = logging.getLogger("uvicorn.access")
    state = (logger.level, list(logger.handlers), logger.propagate)
    logs.install()
    try:
        yield logger
    finally:
        logging.setLogRecordFactory(before)
        logger.setLevel(state[0])
        logger.handlers, logger.propagate = state[1], state[2]


@pytest.mark.parametrize(
    "formatter",
    [
        # gunicorn's --access-logfile under advisor.worker: the message as logged.
        logging.Formatter("%(message)s"),
        # uvicorn's own (reflex run in development): it reads the record's arguments.
        AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False),
    ],
    ids=["gunicorn", "uvicorn"],
)
def test_a_plan_link_requested_from_the_server_is_logged_without_its_key(
    access_log, formatter, tmp_path
):
    from advisor import db
    from advisor.api import create_api
    from advisor.runtime import CONTENT

    url = f"sqlite:///{tmp_path / 'advisor.db'}"
    db.migrate(url)
    app = create_api(CONTENT, engine=db.engine_for(url))
    with serving_in_thread(app, http="httptools") as base:
        access_log.setLevel(logging.INFO)
        _, stream = access_capture(formatter)
        with httpx.Client(base_url=base, timeout=10) as http:
            created = http.post("/api/v1/plans")
            assert created.status_code == 201, created.text
            plan = created.json()
            tokens = plan["tokens"]
            # The plan's page, by its link, as a browser asks for it (this app has no pages:
            # a 404, logged all the same).
            http.get(plan["links"]["colleague"])
            http.get(f"/plan/{plan['id']}?key={tokens['supervisor']}&lang=en")
            http.get(f"/api/v1/plans/{plan['id']}", headers={"X-Plan-Token": tokens["colleague"]})
            http.get(f"/api/v1/plans/{plan['id']}?key={tokens['colleague']}")
    db.engine_for(url).dispose()
    text = stream.getvalue()
    assert text.count("\n") == 5, text
    assert f"/plan/{plan['id']}?key={logs.REDACTED}" in text
    for token in tokens.values():
        assert token not in text
