"""The JSON API: thin FastAPI routes, pydantic in and out, calling the same engine as the pages."""

from __future__ import annotations

from importlib.resources import files
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from advisor.content import Content
from advisor.rules import Profile, Question, Recommendation, recommend

API_V1 = "/api/v1"
DOCS_URL = "/api/docs"
OPENAPI_URL = f"{API_V1}/openapi.json"
# Swagger UI's scripts and styles ship inside the fastapi-offline wheel: the docs page loads
# nothing from the internet.
SWAGGER_STATIC = "/api/static"


class Health(BaseModel):
    status: Literal["ok"]
    evidence_version: str


class QuestionsOut(BaseModel):
    evidence_version: str
    questions: list[Question]


class FieldError(BaseModel):
    field: str = Field(description="The offending field, e.g. 'motivations[2]' ('' for the body)")
    message: str
    type: str
    loc: list[str | int]


class ValidationProblem(BaseModel):
    detail: list[FieldError]


def _field(loc: tuple[Any, ...], kind: str) -> str:
    """'motivations[2]' from ('body', 'motivations', 2); 'body' for the body as a whole."""
    if kind == "json_invalid":
        return "body"  # its loc holds a character position, not a field
    out = ""
    for part in loc[1:] if loc and loc[0] == "body" else loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "body"


def _message(error: dict[str, Any]) -> str:
    message = str(error.get("msg", "invalid"))
    if error.get("type") == "json_invalid":
        loc = error.get("loc", ())
        position = loc[-1] if loc and isinstance(loc[-1], int) else None
        reason = (error.get("ctx") or {}).get("error")
        message = "The body is not valid JSON" + (
            f" (at character {position}: {reason})" if position is not None else ""
        )
    return message


async def _validation_problem(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)  # noqa: S101 - registered for that type only
    errors = [
        FieldError(
            field=_field(tuple(error.get("loc", ())), error.get("type", "")),
            message=_message(error),
            type=str(error.get("type", "value_error")),
            loc=[p if isinstance(p, int) else str(p) for p in error.get("loc", ())],
        )
        for error in exc.errors()
    ]
    return JSONResponse(status_code=422, content=jsonable_encoder(ValidationProblem(detail=errors)))


def create_api(content: Content) -> FastAPI:
    """The FastAPI app Reflex mounts beside its own routes (`rx.App(api_transformer=...)`)."""
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
    api.add_exception_handler(RequestValidationError, _validation_problem)
    api.mount(
        SWAGGER_STATIC,
        StaticFiles(directory=str(files("fastapi_offline") / "static")),
        name="api-static",
    )
    # The whole validated content never changes while the process runs: serialise it once.
    evidence_json = content.model_dump_json().encode()
    health = Health(status="ok", evidence_version=content.evidence_version)
    questions = QuestionsOut(evidence_version=content.evidence_version, questions=content.questions)

    @api.get(DOCS_URL, include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=OPENAPI_URL,
            title="Programme advisor API",
            swagger_js_url=f"{SWAGGER_STATIC}/swagger-ui-bundle.js",
            swagger_css_url=f"{SWAGGER_STATIC}/swagger-ui.css",
            swagger_favicon_url=f"{SWAGGER_STATIC}/favicon.png",
        )

    @api.post(
        f"{API_V1}/recommendations",
        response_model=Recommendation,
        responses={422: {"model": ValidationProblem, "description": "A field is invalid"}},
        tags=["advice"],
        summary="Recommend an exit point for one set of answers",
    )
    def recommendations(profile: Profile) -> Recommendation:
        return recommend(profile, content)

    @api.get(
        f"{API_V1}/evidence",
        response_model=Content,
        tags=["evidence"],
        summary="The whole validated evidence base and rule table",
    )
    def evidence() -> Response:
        return Response(evidence_json, media_type="application/json")

    @api.get(
        f"{API_V1}/questions",
        response_model=QuestionsOut,
        tags=["advice"],
        summary="The questionnaire, in both voices",
    )
    def get_questions() -> QuestionsOut:
        return questions

    @api.get(f"{API_V1}/health", response_model=Health, tags=["service"], summary="Liveness")
    def get_health() -> Health:
        return health

    return api
