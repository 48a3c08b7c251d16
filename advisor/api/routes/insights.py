"""The insights routes: the anonymous counts and the saved results of one programme (or all),
for its token or the admin token, as JSON and as CSV."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse

from advisor.admin_token import Access
from advisor.api.deps import DbSession, InsightsAccess, LoadedContent
from advisor.api.errors import INVALID_FIELD
from advisor.api.routes import API_V1
from advisor.api.schemas import Problem
from advisor.content import Content
from advisor.insights_report import InsightsReport, csv_filename, report, report_csv
from advisor.programme import MAX_SLUG_CHARS, slug_of
from advisor.usage_views import DATE_CHARS, DEFAULT_WEEKS, RangeProblem, date_range

# What every insights route may answer instead, before it reads anything.
SECURED: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "Missing or wrong token"},
    403: {"model": Problem, "description": "The token opens another programme's insights"},
    429: {"model": Problem, "description": "Too many wrong tokens tried: wait Retry-After"},
    503: {
        "model": Problem,
        "description": "Insights are disabled (no token configured, or one too short)",
    },
    **INVALID_FIELD,
}

router = APIRouter(prefix=API_V1, tags=["insights"], responses=SECURED)

ProgrammeQuery = Annotated[
    str | None,
    Query(
        max_length=MAX_SLUG_CHARS,
        description="A programme's slug (GET /api/v1/programmes). Left out: the token's own "
        "programme, or for the admin token every programme summed",
    ),
]
SinceQuery = Annotated[
    str | None,
    Query(
        max_length=DATE_CHARS,
        description=f"First day, YYYY-MM-DD (default: {DEFAULT_WEEKS} weeks back)",
    ),
]
UntilQuery = Annotated[
    str | None, Query(max_length=DATE_CHARS, description="Last day, YYYY-MM-DD (default: today)")
]


def _invalid(field: str, message: str, given: str | None) -> RequestValidationError:
    return RequestValidationError(
        [{"type": "value_error", "loc": ("query", field), "msg": message, "input": given}]
    )


def _range(since: str | None, until: str | None) -> tuple[dt.date, dt.date]:
    try:
        return date_range(since, until, dt.datetime.now(dt.UTC).date())
    except RangeProblem as problem:
        raise _invalid(
            problem.field, problem.message, {"since": since, "until": until}[problem.field]
        ) from None


def programme_of(access: Access, given: str | None, content: Content) -> str | None:
    """The programme asked for, if this token may see it: a programme's token its own only
    (any other slug, known or not, 403 alike); the admin token any known one, or None."""
    if given is None:
        return access.programme
    slug = slug_of(given)
    if not access.is_admin:
        if slug != access.programme:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, "This token opens its own programme's insights only."
            )
        return slug
    if slug is None or slug not in content.programmes:
        raise _invalid("programme", "No programme has this slug (see /api/v1/programmes)", given)
    return slug


def _report(
    access: Access,
    session: DbSession,
    content: Content,
    programme: str | None,
    since: str | None,
    until: str | None,
) -> InsightsReport:
    first, last = _range(since, until)
    slug = programme_of(access, programme, content)
    return report(session, content, programme=slug, since=first, until=last)


@router.get(
    "/insights",
    response_model=InsightsReport,
    summary="A programme's anonymous counts and saved results (published cells only)",
)
def get_insights(
    access: InsightsAccess,
    s: DbSession,
    content: LoadedContent,
    programme: ProgrammeQuery = None,
    since: SinceQuery = None,
    until: UntilQuery = None,
) -> InsightsReport:
    return _report(access, s, content, programme, since, until)


@router.get(
    "/insights.csv",
    response_class=PlainTextResponse,
    summary="The same insights as CSV: readable labels, suppressed cells marked apart",
)
def get_insights_csv(
    access: InsightsAccess,
    s: DbSession,
    content: LoadedContent,
    programme: ProgrammeQuery = None,
    since: SinceQuery = None,
    until: UntilQuery = None,
) -> PlainTextResponse:
    data = _report(access, s, content, programme, since, until)
    return PlainTextResponse(
        report_csv(data, content),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{csv_filename(data)}"'},
    )
