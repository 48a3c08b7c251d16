"""The advisor's pages: one module per route, each declaring its PageSpec, and the table of them."""

from __future__ import annotations

from advisor.page_spec import PageSpec
from advisor.pages import (
    about,
    assess,
    embed,
    evidence,
    insights,
    landing,
    method,
    not_found,
    plan,
    plan_start,
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
    about.PAGE,
    saved.PAGE,
    saved.DELETE_PAGE,
    plan_start.PAGE,
    plan.PAGE,
    embed.PAGE,
    insights.PAGE,
    not_found.PAGE,
)
