"""The service routes: liveness, readiness, and the interactive documentation."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.exc import SQLAlchemyError

from advisor import db
from advisor.api.deps import LoadedContent, database_of
from advisor.api.routes import API_V1, DOCS_URL, OPENAPI_URL, SWAGGER_STATIC
from advisor.api.schemas import Health, Problem, Readiness

# Paths written whole: the docs live under /api, the rest under /api/v1.
router = APIRouter(tags=["service"])

DOCS_PAGE = get_swagger_ui_html(
    openapi_url=OPENAPI_URL,
    title="Programme advisor API",
    swagger_js_url=f"{SWAGGER_STATIC}/swagger-ui-bundle.js",
    swagger_css_url=f"{SWAGGER_STATIC}/swagger-ui.css",
    swagger_favicon_url=f"{SWAGGER_STATIC}/favicon.png",
    # No badge from swagger.io's online validator: the page loads nothing from elsewhere.
    swagger_ui_parameters={"validatorUrl": None},
)


@router.get(DOCS_URL, include_in_schema=False)
def docs() -> HTMLResponse:
    return DOCS_PAGE


@router.get(f"{API_V1}/health", response_model=Health, summary="Liveness")
async def get_health(request: Request) -> Health:
    return request.app.state.health


@router.get(
    f"{API_V1}/ready",
    response_model=Readiness,
    responses={503: {"model": Problem, "description": "The database cannot take saves now"}},
    summary="Readiness: the database answers a read and would take a write",
)
async def get_ready(request: Request, content: LoadedContent) -> Response:
    from advisor.settings import settings

    engine = database_of(request)
    # Off the event loop, and bounded even if the database hangs rather than fails.
    limit = settings.database_busy_timeout + 1
    try:
        name = await asyncio.wait_for(asyncio.to_thread(db.check_ready, engine), limit)
    except TimeoutError:
        fault = db.DatabaseUnavailable("busy")
    except SQLAlchemyError as exc:
        fault = db.database_fault(exc)
        if fault is None:
            raise
    else:
        ready = Readiness(status="ready", database=name, evidence_version=content.evidence_version)
        return JSONResponse(jsonable_encoder(ready))
    return JSONResponse(
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        content={"detail": f"Not ready: {fault.reason}."},
        headers={"Retry-After": str(fault.retry_after)},
    )
