"""The advisor's pages: one module per route, each declaring its page once in a PageSpec."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import reflex as rx
from reflex.event import EventType


@dataclasses.dataclass(frozen=True, kw_only=True)
class PageSpec:
    """One route, as advisor.advisor hands it to `app.add_page`."""

    component: Callable[[], rx.Component]
    route: str
    title: str
    description: str
    on_load: EventType[()] | None = None
    meta: Sequence[Mapping[str, Any]] = ()
    # Reflex's per-page context, e.g. {"sitemap": None} keeps a page out of the sitemap.
    context: Mapping[str, Any] | None = None


# Imported once PageSpec exists: every page module takes it from this package.
from advisor.pages import (  # noqa: E402
    assess,
    embed,
    evidence,
    insights,
    landing,
    method,
    not_found,
    result,
    saved,
)

# Every page of the app, in the order they are registered.
PAGES: tuple[PageSpec, ...] = (
    landing.PAGE,
    assess.PAGE,
    result.PAGE,
    evidence.PAGE,
    method.PAGE,
    saved.PAGE,
    saved.DELETE_PAGE,
    embed.PAGE,
    insights.PAGE,
    not_found.PAGE,
)
