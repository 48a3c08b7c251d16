"""Log records that a client cannot forge: every message escaped and capped before it is kept.

Reflex, Socket.IO and the servers log what a browser sent when it is wrong (an unknown event, an
argument of the wrong type, a packet that is not JSON), word for word. A client could then
write a fake line into the log (a newline and a forged timestamp) or fill the disk with a byte
of log per byte sent. `install()` swaps the logging module's record factory, so every record,
whoever logs it, carries its message with control characters escaped (a newline becomes the two
characters `\\n`) and cut to MAX_MESSAGE_CHARS, and a traceback whose exception message is
treated the same way. Pure standard library: no Reflex here.

Secrets a URL or a header carries are replaced by `[redacted]` in every record, whoever logs it:
a plan's link (`/plan/<id>?key=<token>`), the `token` of a saved result's delete link, and the
X-Plan-Token and X-Delete-Token headers. An access log line (uvicorn's, which gunicorn writes
when a deployer turns it on with `--access-logfile`) therefore never holds a token. A record
whose arguments are plain values keeps them (cleaned the same way), so a formatter that reads
them, as uvicorn's access formatter does, still works.
"""

from __future__ import annotations

import logging
import re
import traceback
from types import TracebackType
from typing import Any

MAX_MESSAGE_CHARS = 1000
# A traceback's frames are the code's own; its exception message may quote the client.
MAX_TRACEBACK_CHARS = 8000
# C0 and C1 controls, DEL, and the Unicode line and paragraph separators (which some log
# viewers break lines at); tab is kept.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


# A secret in a URL's query (`?key=...`, `&token=...`), in a header as logged (`X-Plan-Token:
# ...`, `'x-plan-token': '...'`, `(b'x-plan-token', b'...')`), or in a parsed query
# (`"key": "..."`). Only the value is replaced: what was asked for stays readable.
REDACTED = "[redacted]"
_SECRETS = re.compile(
    r"(?P<query>[?&;](?:key|token)=)[^&#;\s\"'<>\\]+"
    r"|(?P<header>x-(?:plan|delete)-token[\"']?\s*[:=,]\s*b?[\"']?)[^\"'\s,;)}\]\\]+"
    r"|(?P<field>[\"']key[\"']\s*:\s*[\"'])[^\"'\\]*",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """`text` with the value of every plan key, delete token and token header replaced."""
    if "=" not in text and ":" not in text and "," not in text:
        return text
    return _SECRETS.sub(lambda m: (m["query"] or m["header"] or m["field"]) + REDACTED, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = {"\n": "\\n", "\r": "\\r"}
    return named.get(char, f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def clean(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """`text` on one line, control characters escaped, at most about `limit` characters: when
    longer, its beginning and its end (where a traceback's exception is), and how much was cut."""
    if len(text) <= limit:
        escaped = _CONTROL.sub(_escape, text)
        if len(escaped) <= limit:
            return escaped
    half = limit // 2
    # Each half is escaped on its own, so a long text costs no more than a short one.
    head = _CONTROL.sub(_escape, text[:half])[:half]
    tail = _CONTROL.sub(_escape, text[-half:])[-half:]
    return f"{head} … [{max(len(text) - 2 * half, 0)} characters cut] … {tail}"


def _clean_traceback(
    kind: type[BaseException], value: BaseException, tb: TracebackType | None
) -> str:
    """The traceback as the logging module prints it, each exception's message cleaned."""
    lines: list[str] = []
    seen: set[int] = set()
    chain: list[tuple[BaseException, str | None]] = []
    current: BaseException | None = value
    link: str | None = None
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, "The above exception was the direct cause of:"
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, "During handling of the above exception:"
        else:
            current = None
    for exception, link in reversed(chain):
        frames = traceback.format_tb(exception.__traceback__)
        lines.append("Traceback (most recent call last):\n")
        lines.extend(frames)
        name = type(exception).__qualname__
        lines.append(f"{name}: {clean(redact(str(exception)))}\n")
        if link:
            lines.append(f"\n{link}\n\n")
    text = "".join(lines).rstrip("\n")
    if len(text) > MAX_TRACEBACK_CHARS:
        text = "… [earlier frames cut]\n" + text[-MAX_TRACEBACK_CHARS:]
    return text


_PLAIN = (str, int, float, bool, type(None))


def _plain_args(record: logging.LogRecord) -> tuple[Any, ...] | None:
    """The record's arguments, each string cleaned and redacted, when all are plain values and
    the message they make is within the cap; None otherwise (the record is then flattened)."""
    args = record.args
    if not isinstance(args, tuple) or not args or not isinstance(record.msg, str):
        return None
    if not all(isinstance(arg, _PLAIN) for arg in args):
        return None
    kept = tuple(clean(redact(a)) if isinstance(a, str) else a for a in args)
    try:
        message = clean(redact(record.msg)) % kept
    except Exception:  # noqa: BLE001 - a format that does not fit its arguments
        return None
    # A secret split between the format and an argument (`"?key=%s"`) is redacted only whole.
    if len(message) > MAX_MESSAGE_CHARS or redact(message) != message:
        return None
    return kept


def _safe(record: logging.LogRecord) -> logging.LogRecord:
    kept = _plain_args(record)
    if kept is not None:
        record.msg, record.args = clean(redact(record.msg)), kept
    else:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not lose the record
            message = f"{record.msg!r} (arguments {record.args!r})"
        record.msg, record.args = clean(redact(message)), ()
    if record.exc_info and record.exc_info[1] is not None:
        kind, value, tb = record.exc_info
        record.exc_text = _clean_traceback(kind, value, tb)  # type: ignore[arg-type]
        # The formatter prints exc_text when exc_info is empty, and never formats it again.
        record.exc_info = None
    return record


_installed: Any = None


def install() -> None:
    """Make every log record of this process safe (idempotent)."""
    global _installed
    current = logging.getLogRecordFactory()
    if _installed is not None and current is _installed:
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return _safe(current(*args, **kwargs))

    _installed = factory
    logging.setLogRecordFactory(factory)
