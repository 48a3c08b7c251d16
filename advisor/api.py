"""The JSON API: thin FastAPI routes, pydantic in and out, calling the same engine as the pages."""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import json
import re
import uuid
from collections.abc import Iterator
from importlib.resources import files
from typing import Annotated, Any, Literal, TypeVar

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from advisor import db
from advisor.content import Content
from advisor.rules import Profile, Question, Recommendation, recommend, recommend_json

API_V1 = "/api/v1"
JSON = "application/json"
DOCS_URL = "/api/docs"
OPENAPI_URL = f"{API_V1}/openapi.json"
# Swagger UI's scripts and styles ship inside the fastapi-offline wheel: the docs page loads
# nothing from the internet.
SWAGGER_STATIC = "/api/static"


class Health(BaseModel):
    status: Literal["ok"]
    evidence_version: str


class Readiness(BaseModel):
    status: Literal["ready"]
    database: str = Field(description="Which database answered: sqlite or postgresql")
    evidence_version: str


class QuestionsOut(BaseModel):
    evidence_version: str
    questions: list[Question]


class SavedAssessment(BaseModel):
    id: uuid.UUID
    created_at: dt.datetime
    share_path: str = Field(description="Opens the saved result, read-only: /r/<id>")
    share_url: str
    delete_token: str = Field(description="Shown once: needed to delete the saved result")
    delete_path: str = Field(description="A page that deletes the saved result after confirming")
    result: Recommendation


class StoredAssessment(BaseModel):
    id: uuid.UUID
    created_at: dt.datetime
    answers: Profile
    recommended: str | None
    confidence: str | None
    evidence_version: str = Field(description="The evidence the saved result was computed with")
    current: Recommendation = Field(
        description="The same answers under today's evidence (differs only if it changed)"
    )


class Problem(BaseModel):
    detail: str


_Model = TypeVar("_Model", bound=BaseModel)

# An embedding page's origin: scheme://host[:port], nothing else.
ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")


def origin_of(value: str | None, default: str) -> str:
    """A valid origin from a request, or `default` ("advisor", "api")."""
    if value and len(value) <= 255 and ORIGIN.match(value):
        return value.lower()
    return default


def _session(request: Request) -> Iterator[Session]:
    with Session(
        request.app.state.engine or db.default_engine(), expire_on_commit=False
    ) as session:
        yield session


def _admin(request: Request, authorization: Annotated[str | None, Header()] = None) -> None:
    """Insights need the admin token, compared in constant time; none configured: disabled."""
    token: str = request.app.state.admin_token
    if not token:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "Insights are disabled: set ADVISOR_ADMIN_TOKEN to a long random value and "
            "restart the advisor to enable them.",
        )
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode(), token.encode()
    ):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "Send the admin token as 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )


DbSession = Annotated[Session, Depends(_session)]
Admin = Annotated[None, Depends(_admin)]


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
    sources = ("body", "path", "query", "header")
    for part in loc[1:] if loc and loc[0] in sources else loc:
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


def _is_json(content_type: str | None) -> bool:
    """Whether FastAPI would decode a body of this type as JSON (application/json, */*+json)."""
    if not content_type:
        return False
    media = content_type.partition(";")[0].strip().lower()
    kind, _, subtype = media.partition("/")
    return kind == "application" and (subtype == "json" or subtype.endswith("+json"))


def _json_body_as(model: type[_Model], body: bytes, content_type: str | None) -> _Model:
    """`body` validated as `model`, for a route that reads its own body: what FastAPI gives a
    route taking `model` as its JSON body, refusing what it refuses with the same errors (422s
    of the same types, messages and locations; its 400 for an undecodable body)."""
    if _is_json(content_type):
        try:  # the usual case, in one step
            return model.model_validate_json(body)
        except ValidationError:
            pass  # the errors come from FastAPI's own steps below, as FastAPI words them
    if not body:
        raise RequestValidationError(
            [{"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}]
        )
    value: Any = body
    if _is_json(content_type):
        try:
            value = json.loads(body)  # also what pydantic refuses: a byte-order mark, say
        except json.JSONDecodeError as e:
            raise RequestValidationError(
                [
                    {
                        "type": "json_invalid",
                        "loc": ("body", e.pos),
                        "msg": "JSON decode error",
                        "input": {},
                        "ctx": {"error": e.msg},
                    }
                ]
            ) from e
        except Exception as e:  # bad UTF-8, nesting too deep: as FastAPI, a 400
            raise StarletteHTTPException(400, "There was an error parsing the body") from e
    try:
        return model.model_validate(value, from_attributes=True)
    except ValidationError as e:
        raise RequestValidationError(
            [{**error, "loc": ("body", *error["loc"])} for error in e.errors()]
        ) from e


def _json_body(model: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI requestBody FastAPI writes for a route taking `model` as its JSON body."""
    return {
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
        },
        "required": True,
    }


async def _unparseable_body(request: Request, exc: Exception) -> Response:
    """FastAPI answers a body it cannot decode (bad UTF-8, say) with a bare 400; answer it like
    every other invalid request: 422 naming the body."""
    assert isinstance(exc, StarletteHTTPException)  # noqa: S101 - registered for that type only
    if exc.status_code == 400 and exc.detail == "There was an error parsing the body":
        problem = ValidationProblem(
            detail=[
                FieldError(
                    field="body",
                    message="The body could not be read: it must be UTF-8 encoded JSON.",
                    type="body_unreadable",
                    loc=["body"],
                )
            ]
        )
        return JSONResponse(status_code=422, content=jsonable_encoder(problem))
    from fastapi.exception_handlers import http_exception_handler

    return await http_exception_handler(request, exc)


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


# What a request failed to do, by method, when the database could not do it.
_NOT_DONE = {
    "POST": "The result could not be saved",
    "DELETE": "The saved result could not be deleted",
}


async def _database_unavailable(request: Request, exc: Exception) -> Response:
    """A database that is busy, read-only, gone or unreachable is a 503 saying which, with a
    Retry-After; any other database error is a bug, and stays a 500."""
    assert isinstance(exc, SQLAlchemyError)  # noqa: S101 - registered for that type only
    fault = db.database_fault(exc)
    if fault is None:
        raise exc
    done = _NOT_DONE.get(request.method, "The saved results could not be read")
    advice = "try again in a moment" if fault.fault == "busy" else "try again later"
    return JSONResponse(
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        content={"detail": f"{done}: {fault.reason}. Nothing was changed; {advice}."},
        headers={"Retry-After": str(fault.retry_after)},
    )


# Pages nobody should frame, whatever frame_ancestors allows: the admins' sign-in.
NEVER_FRAMED = ("/insights", "/api/v1/insights")


def mount_api(api: FastAPI):
    """`api` mounted as Reflex mounts an `api_transformer` app (its routes first, Reflex's behind
    them), except that websockets go straight to Reflex. (Reflex would also give `api` a CORS
    middleware of its own; the one Reflex puts around the whole backend already answers for it.)

    A websocket is held for as long as a page stays open, and every layer it passes through
    keeps a suspended coroutine for that long: FastAPI's middleware and router, which serve no
    websocket of the advisor's, cost about 5 kB per open page (bench/README.md)."""

    def transform(app):
        api.mount("", app)

        async def asgi(scope, receive, send):
            if scope["type"] == "websocket":
                return await app(scope, receive, send)
            return await api(scope, receive, send)

        return asgi

    return transform


def security_headers(frame_ancestors: str):
    """ASGI middleware adding the advisor's security headers to every response, pages included:
    which sites may frame it (CSP frame-ancestors), no MIME sniffing, a strict referrer."""
    common = [
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
    ]
    framed = [(b"content-security-policy", f"frame-ancestors {frame_ancestors}".encode())]
    unframed = [(b"content-security-policy", b"frame-ancestors 'none'")]
    names = {b"content-security-policy"} | {name for name, _ in common}

    def wrap(app):
        async def asgi(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            csp = unframed if scope.get("path", "").startswith(NEVER_FRAMED) else framed
            headers = csp + common

            async def send_with_headers(message):
                if message["type"] == "http.response.start":
                    kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                    message = {**message, "headers": kept + headers}
                await send(message)

            return await app(scope, receive, send_with_headers)

        return asgi

    return wrap


MAX_BODY_BYTES = 64 * 1024


def body_limit(max_bytes: int = MAX_BODY_BYTES):
    """ASGI middleware refusing request bodies over `max_bytes` with 413, whether announced by
    Content-Length or streamed in chunks, before any route reads them."""
    too_large = b'{"detail":"The request body is larger than 64 KB."}'

    async def refuse(send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(too_large)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": too_large})

    def wrap(app):
        async def asgi(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            for name, value in scope.get("headers", []):
                if name == b"content-length" and value.isdigit() and int(value) > max_bytes:
                    return await refuse(send)
            received = 0
            started = refused = False

            async def counting_receive():
                nonlocal received, refused
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > max_bytes and not refused:
                        # Answer now and tell the app the client left, so it stops reading.
                        refused = True
                        if not started:
                            await refuse(send)
                        return {"type": "http.disconnect"}
                return message

            async def tracking_send(message):
                nonlocal started
                if refused:
                    return  # the 413 has been sent; whatever the app says now goes nowhere
                if message["type"] == "http.response.start":
                    started = True
                await send(message)

            return await app(scope, counting_receive, tracking_send)

        return asgi

    return wrap


def create_api(
    content: Content, *, engine: Engine | None = None, admin_token: str | None = None
) -> FastAPI:
    """The FastAPI app Reflex mounts beside its own routes (`rx.App(api_transformer=...)`).

    `engine` and `admin_token` default to the settings; tests pass their own.
    """
    from advisor.settings import settings

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
    api.state.engine = engine
    api.state.admin_token = settings.admin_token if admin_token is None else admin_token
    api.add_exception_handler(RequestValidationError, _validation_problem)
    api.add_exception_handler(StarletteHTTPException, _unparseable_body)
    api.add_exception_handler(SQLAlchemyError, _database_unavailable)
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
        openapi_extra={"requestBody": _json_body(Profile)},
        responses={422: {"model": ValidationProblem, "description": "A field is invalid"}},
        tags=["advice"],
        summary="Recommend an exit point for one set of answers",
    )
    async def recommendations(request: Request) -> Response:
        # The busiest route, kept lean: async (the engine is pure CPU in microseconds, so a
        # thread-pool hop would cost more than the work); the body parsed and validated in one
        # step by pydantic; the result written as JSON from parts encoded once. Anything but a
        # valid profile is answered exactly as FastAPI answers an invalid `Profile` body.
        profile = _json_body_as(Profile, await request.body(), request.headers.get("content-type"))
        return Response(recommend_json(profile, content), media_type=JSON)

    @api.get(
        f"{API_V1}/evidence",
        response_model=Content,
        tags=["evidence"],
        summary="The whole validated evidence base and rule table",
    )
    async def evidence() -> Response:
        return Response(evidence_json, media_type="application/json")

    @api.get(
        f"{API_V1}/questions",
        response_model=QuestionsOut,
        tags=["advice"],
        summary="The questionnaire, in both voices",
    )
    async def get_questions() -> QuestionsOut:
        return questions

    @api.get(f"{API_V1}/health", response_model=Health, tags=["service"], summary="Liveness")
    async def get_health() -> Health:
        return health

    @api.get(
        f"{API_V1}/ready",
        response_model=Readiness,
        responses={503: {"model": Problem, "description": "The database cannot take saves now"}},
        tags=["service"],
        summary="Readiness: the database answers a read and would take a write",
    )
    async def get_ready(request: Request) -> Response:
        engine = request.app.state.engine or db.default_engine()
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
            ready = Readiness(
                status="ready", database=name, evidence_version=content.evidence_version
            )
            return JSONResponse(jsonable_encoder(ready))
        return JSONResponse(
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            content={"detail": f"Not ready: {fault.reason}."},
            headers={"Retry-After": str(fault.retry_after)},
        )

    @api.post(
        f"{API_V1}/assessments",
        status_code=status.HTTP_201_CREATED,
        response_model=SavedAssessment,
        responses={422: {"model": ValidationProblem, "description": "A field is invalid"}},
        tags=["saved results"],
        summary="Save a result and get a link to it (and a token to delete it)",
    )
    def save(
        profile: Profile,
        request: Request,
        s: DbSession,
        origin: Annotated[str | None, Header(include_in_schema=False)] = None,
    ) -> SavedAssessment:
        result = recommend(profile, content)
        record, delete_token = db.save_assessment(
            session=s, profile=profile, result=result, origin=origin_of(origin, "api")
        )
        path = f"/r/{record.id}"
        return SavedAssessment(
            id=record.id,
            created_at=record.created_utc(),
            share_path=path,
            share_url=str(request.base_url).rstrip("/") + path,
            delete_token=delete_token,
            delete_path=f"{path}/delete?token={delete_token}",
            result=result,
        )

    @api.get(
        f"{API_V1}/assessments/{{assessment_id}}",
        response_model=StoredAssessment,
        responses={404: {"model": Problem}},
        tags=["saved results"],
        summary="A saved result",
    )
    def get_saved(assessment_id: uuid.UUID, s: DbSession) -> StoredAssessment:
        record = db.get_assessment(session=s, assessment_id=assessment_id)
        if record is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "No saved result has this id.")
        answers = record.profile()
        return StoredAssessment(
            id=record.id,
            created_at=record.created_utc(),
            answers=answers,
            recommended=record.recommended,
            confidence=record.confidence,
            evidence_version=record.evidence_version,
            current=recommend(answers, content),
        )

    @api.delete(
        f"{API_V1}/assessments/{{assessment_id}}",
        status_code=status.HTTP_204_NO_CONTENT,
        responses={403: {"model": Problem}, 404: {"model": Problem}},
        tags=["saved results"],
        summary="Delete a saved result with the token given when it was saved",
    )
    def delete_saved(
        assessment_id: uuid.UUID,
        s: DbSession,
        x_delete_token: Annotated[str | None, Header()] = None,
        token: Annotated[str | None, Query(max_length=100)] = None,
    ) -> Response:
        given = x_delete_token or token
        if not given:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                "The delete token is missing: send it as the X-Delete-Token header.",
            )
        outcome = db.delete_assessment(session=s, assessment_id=assessment_id, token=given)
        if outcome == "not_found":
            raise HTTPException(status.HTTP_404_NOT_FOUND, "No saved result has this id.")
        if outcome == "forbidden":
            raise HTTPException(status.HTTP_403_FORBIDDEN, "The delete token does not match.")
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    secured = {
        401: {"model": Problem, "description": "Missing or wrong token"},
        503: {"model": Problem, "description": "Insights are disabled (no token configured)"},
    }

    @api.get(
        f"{API_V1}/insights",
        response_model=db.Insights,
        responses=secured,
        tags=["insights"],
        summary="Aggregate counts of saved assessments; cells under 5 suppressed",
    )
    def get_insights(_: Admin, s: DbSession) -> db.Insights:
        return db.insights(session=s)

    @api.get(
        f"{API_V1}/insights.csv",
        response_class=PlainTextResponse,
        responses=secured,
        tags=["insights"],
        summary="The insights as CSV",
    )
    def get_insights_csv(_: Admin, s: DbSession) -> PlainTextResponse:
        return PlainTextResponse(
            db.insights_csv(db.insights(session=s)),
            media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="advisor-insights.csv"'},
        )

    return api
