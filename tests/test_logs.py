"""Log records a client cannot forge: escaped, capped, tracebacks included (advisor.logs)."""

from __future__ import annotations

import io
import logging

import pytest

from advisor import logs


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
