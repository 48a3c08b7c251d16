"""The insights routes: aggregate counts of saved results for the admins, as JSON and as CSV."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from advisor import db
from advisor.api.deps import Admin, DbSession
from advisor.api.routes import API_V1
from advisor.api.schemas import Problem

# What every insights route may answer instead, before it reads anything.
SECURED: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "Missing or wrong token"},
    429: {"model": Problem, "description": "Too many wrong tokens tried: wait Retry-After"},
    503: {
        "model": Problem,
        "description": "Insights are disabled (no token configured, or one too short)",
    },
}

router = APIRouter(prefix=API_V1, tags=["insights"], responses=SECURED)


@router.get(
    "/insights",
    response_model=db.Insights,
    summary="Aggregate counts of saved assessments, counted in steps of 5 and shown as ranges",
)
def get_insights(_: Admin, s: DbSession) -> db.Insights:
    return db.insights(session=s)


@router.get(
    "/insights.csv",
    response_class=PlainTextResponse,
    summary="The insights as CSV",
)
def get_insights_csv(_: Admin, s: DbSession) -> PlainTextResponse:
    return PlainTextResponse(
        db.insights_csv(db.insights(session=s)),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="advisor-insights.csv"'},
    )
