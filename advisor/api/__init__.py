"""The JSON API: `create_api` builds the FastAPI app from the routers of `advisor.api.routes`."""

from __future__ import annotations

import sys
from importlib.resources import files

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from advisor.admin_token import ProgrammeTokens, tokens_of
from advisor.api.errors import database_unavailable, unparseable_body, validation_problem
from advisor.api.routes import (
    OPENAPI_URL,
    SWAGGER_STATIC,
    advice,
    insights,
    plans,
    programmes,
    saved,
    service,
)
from advisor.api.schemas import Health, QuestionsOut
from advisor.asgi import inline_script_hashes
from advisor.content import Content
from advisor.ratelimit import Limits


def create_api(
    content: Content,
    *,
    engine: Engine | None = None,
    admin_token: str | None = None,
    programme_tokens: ProgrammeTokens | None = None,
    limits: Limits | None = None,
) -> FastAPI:
    """The FastAPI app Reflex mounts beside its own routes (`rx.App(api_transformer=...)`).

    `engine` (the database), `admin_token`, `programme_tokens` (each programme's insights
    token, from the variable its file names) and `limits` default to the settings and the
    environment (the running app passes the limits it shares with its pages); tests pass
    their own.
    """
    from advisor.settings import admin_token_problem, settings

    if admin_token is None and settings.admin_token and settings.admin_token_problem():
        # Said where whoever started the server looks, not only on a page they may never open.
        print(settings.admin_token_problem(), file=sys.stderr)

    api = FastAPI(
        title="Programme advisor API",
        version="1",
        summary="Which exit point of a postgraduate medical-education programme fits a person, "
        "and why, from one published study of 27 graduates.",
        description=(
            "Every recommendation rests on findings of "
            f"{content.study.citation.text} ({content.study.citation.licence}). "
            f"Evidence version: `{content.evidence_version}`."
        ),
        docs_url=None,
        redoc_url=None,
        openapi_url=OPENAPI_URL,
    )
    # What the routes read through advisor.api.deps. The content never changes while the
    # process runs, so what is answered from it alone is built once, here.
    api.state.content = content
    api.state.evidence_json = content.model_dump_json().encode()
    api.state.health = Health(status="ok", evidence_version=content.evidence_version)
    api.state.questions = QuestionsOut(
        evidence_version=content.evidence_version,
        questions=content.questions,
        priorities=content.priorities,
        readiness=content.readiness,
    )
    api.state.programmes = programmes.listings(content)
    api.state.advice_json = programmes.advice_json(content)
    api.state.database = engine
    api.state.admin_token = settings.admin_token if admin_token is None else admin_token
    api.state.admin_token_problem = admin_token_problem(api.state.admin_token)
    api.state.programme_tokens = (
        tokens_of(content) if programme_tokens is None else programme_tokens
    )
    if programme_tokens is None:
        for slug in api.state.programme_tokens.too_short:
            # The variable's name and why, never the token.
            print(
                f"programmes/{slug}.yaml: {api.state.programme_tokens.problems[slug]}",
                file=sys.stderr,
            )
    api.state.limits = limits or Limits.create(
        saves_per_minute=settings.saves_per_minute, trusted_proxies=settings.trusted_proxies
    )
    # The docs page's inline script starts Swagger UI; the pages' CSP allows it by this hash.
    api.state.inline_script_hashes = inline_script_hashes(service.DOCS_PAGE.body)

    api.add_exception_handler(RequestValidationError, validation_problem)
    api.add_exception_handler(StarletteHTTPException, unparseable_body)
    api.add_exception_handler(SQLAlchemyError, database_unavailable)
    api.mount(
        SWAGGER_STATIC,
        StaticFiles(directory=str(files("fastapi_offline") / "static")),
        name="api-static",
    )
    # The routers' routes are complete (prefix, tags and responses were applied when they were
    # declared), so the app takes them as they are. `include_router` would keep each router as
    # a branch that FastAPI walks into on every request, which costs the busiest route time.
    for router in (
        advice.router,
        programmes.router,
        service.router,
        saved.router,
        plans.router,
        insights.router,
    ):
        api.router.routes.extend(router.routes)
    return api
