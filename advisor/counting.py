"""The anonymous counts' writing side: a buffer in this process, added to the database by a thread.

A page's event handler calls `count(key)`: it adds one to a dict and returns, whatever happens,
so counting never slows or breaks a page. A daemon thread takes the buffer every FLUSH_SECONDS
and adds it to the usage_count table (advisor.db.add_counts) in one transaction, never on the
event loop. A batch the database refuses is dropped, not retried: the counts are a guide, and a
database that is down must not make the buffer grow or the thread spin. Each worker process
keeps its own buffer; the database's upsert adds the workers' counts up.

What is counted, and under which cell, is advisor.usage's; a browser that sends the Global
Privacy Control signal is not counted at all (`privacy_signal`, and the pages' own check).
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import os
import threading
import time
from collections.abc import Iterable, Mapping

from sqlalchemy.engine import Engine

from advisor import db
from advisor.embed_options import ORIGIN
from advisor.settings import settings
from advisor.usage import UsageKey, counted_origin, key

# Distinct cells one process holds between two flushes; a new cell beyond them is dropped (and
# the drop counted), so a flood of made-up keys cannot grow the buffer without end.
MAX_KEYS = 10_000
FLUSH_SECONDS = 1.0
# The request header by which a browser asks not to be tracked (Global Privacy Control).
GPC_HEADER = "sec-gpc"

log = logging.getLogger(__name__)


class Counter:
    """One process's buffer of counts and the thread that writes them.

    `engine` None: the advisor's database (advisor.db.default_engine), looked up at each flush.
    """

    def __init__(
        self,
        *,
        engine: Engine | None = None,
        max_keys: int = MAX_KEYS,
        flush_seconds: float = FLUSH_SECONDS,
    ) -> None:
        self.engine = engine
        self.max_keys = max_keys
        self.flush_seconds = flush_seconds
        self._lock = threading.Lock()
        self._counts: dict[UsageKey, int] = {}
        # Since the process started: counts refused for want of room, and counts a failed
        # flush dropped. Numbers only; they say nothing of what was counted.
        self.dropped = 0
        self.failed = 0
        self._thread: threading.Thread | None = None

    def count(self, cell: UsageKey, n: int = 1) -> None:
        """Add `n` to a cell: O(1), holds the lock for a dict update only, and never raises."""
        try:
            with self._lock:
                if cell in self._counts:
                    self._counts[cell] += n
                elif len(self._counts) < self.max_keys:
                    self._counts[cell] = n
                else:
                    self.dropped += n
                    return
            self._start()
        except Exception:  # noqa: BLE001 - counting must never break the page that counts
            log.exception("a count could not be buffered")

    def pending(self) -> dict[UsageKey, int]:
        """A copy of what waits for the next flush."""
        with self._lock:
            return dict(self._counts)

    def flush(self) -> int:
        """Add what the buffer holds to the database now, in one transaction; return how many
        counts were written. On failure the batch is dropped (and logged by its size only)."""
        with self._lock:
            batch, self._counts = self._counts, {}
        if not batch:
            return 0
        total = sum(batch.values())
        try:
            db.in_session(lambda session: db.add_counts(session=session, counts=batch), self.engine)
        except Exception as error:  # noqa: BLE001 - any database fault: drop, do not retry
            self.failed += total
            # The error's class only: its message could quote the statement's parameters.
            log.warning(
                "usage counts dropped: %d counts in %d cells (%s)",
                total,
                len(batch),
                type(error).__name__,
            )
            return 0
        return total

    def _start(self) -> None:
        if self._thread is not None:
            return
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, name="usage-counts", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            time.sleep(self.flush_seconds)
            try:
                self.flush()
            except Exception:  # noqa: BLE001 - the thread must outlive any one flush
                log.exception("a flush of usage counts failed")

    def _forked(self) -> None:
        # A forked worker inherits the parent's buffer but not its thread: it starts afresh,
        # so no count is written twice.
        self._lock = threading.Lock()
        self._counts = {}
        self._thread = None


COUNTER = Counter()
atexit.register(COUNTER.flush)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=COUNTER._forked)


def count(cell: UsageKey) -> None:
    """Count one happening in this process's buffer (see Counter.count)."""
    COUNTER.count(cell)


def flush() -> int:
    """Write what the buffer holds now (tests, and the exit)."""
    return COUNTER.flush()


def use_engine(engine: Engine | None) -> None:
    """Write the counts to `engine` from now on (None: the advisor's database)."""
    COUNTER.engine = engine


def enabled() -> bool:
    """Whether this deployment counts at all (ADVISOR_COUNTING)."""
    return settings.counting == "on"


def privacy_signal(headers: Mapping[str, str]) -> bool:
    """Whether a request's headers carry the Global Privacy Control signal (`Sec-GPC: 1`)."""
    for name, value in headers.items():
        if name.lower() == GPC_HEADER and value.strip() == "1":
            return True
    return False


def frame_ancestor_origins(source_list: str) -> list[str]:
    """The plain origins of a CSP frame-ancestors source list (ADVISOR_FRAME_ANCESTORS): the
    sites a deployment lets frame every programme. Wildcards and keywords name no one site."""
    return [source for source in source_list.split() if ORIGIN.match(source)]


def site_of(origin: str, frame_sites: Iterable[str]) -> str:
    """The site a happening on a page is counted under: its origin if the programme or the
    deployment lists it, "advisor" for the advisor's own pages, "other" for any other."""
    allowed = [*frame_sites, *frame_ancestor_origins(settings.frame_ancestors)]
    return counted_origin(origin, allowed)


def count_event(
    *, programme: str, origin: str, event: str, at: dt.datetime | None = None, **values
) -> None:
    """Count one event of a programme's pages this week (UTC), unless counting is off. A key
    that cannot be made (a value that is not plain) is not counted; nothing raises."""
    if not enabled():
        return
    try:
        cell = key(
            at=at or dt.datetime.now(dt.UTC),
            programme=programme,
            origin=origin,
            event=event,
            **values,
        )
    except ValueError:
        log.warning("a %s count was not made: a value was not plain", event[:16])
        return
    count(cell)
