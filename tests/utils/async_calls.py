"""Run an async event handler to its end from a plain test: `call(state.save_result())`."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def call(coroutine: Coroutine[Any, Any, T]) -> T:
    """Await `coroutine` on an event loop of its own, in a thread of its own: the browser tests'
    sync Playwright keeps a loop running in the main thread all session, and asyncio.run
    refuses to nest in it."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
