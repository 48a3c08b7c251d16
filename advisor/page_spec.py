"""What each page module declares once: its route, title, description and what runs on load."""

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
