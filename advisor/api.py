"""The JSON API: thin FastAPI routes, pydantic in and out, calling the same engine as the pages."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import json
import posixpath
import re
import sys
import urllib.parse
import uuid
from collections.abc import Callable, Iterable, Iterator
from importlib.resources import files
from pathlib import Path
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
from advisor.admin_token import token_matches
from advisor.content import Content
from advisor.engine import recommend, recommend_json
from advisor.profile import Profile
from advisor.questions import Question
from advisor.ratelimit import Limits, retry_after_header
from advisor.recommendation import Recommendation

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


def _client(request: Request) -> str:
    limits: Limits = request.app.state.limits
    peer = request.client.host if request.client else None
    return limits.key(peer, request.headers.get("x-forwarded-for"))


def _too_many(wait: float, what: str) -> HTTPException:
    seconds = retry_after_header(wait)
    return HTTPException(
        status.HTTP_429_TOO_MANY_REQUESTS,
        f"{what} Try again in {seconds} seconds.",
        headers={"Retry-After": seconds},
    )


def _admin(request: Request, authorization: Annotated[str | None, Header()] = None) -> None:
    """Insights need the admin token, compared in constant time; none configured: disabled.

    Wrong tokens are counted per client and for everyone: past the limit the client waits
    (429 and Retry-After) before any token is even compared, so guessing runs at a few tries
    per minute instead of hundreds per second.
    """
    token: str = request.app.state.admin_token
    if problem := request.app.state.admin_token_problem:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, problem)
    limits: Limits = request.app.state.limits
    client = _client(request)
    if (wait := limits.sign_in_retry_after(client)) > 0:
        raise _too_many(wait, "Too many wrong admin tokens have been tried.")
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token_matches(given, token):
        if given.strip():
            limits.sign_in_failed(client)
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "Send the admin token as 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )


def _save_allowed(request: Request) -> None:
    """Each client may save a limited number of results a minute (ADVISOR_SAVES_PER_MINUTE)."""
    limits: Limits = request.app.state.limits
    if (wait := limits.saves.hit(_client(request))) > 0:
        raise _too_many(wait, "Too many results have been saved from this address just now.")


DbSession = Annotated[Session, Depends(_session)]
Admin = Annotated[None, Depends(_admin)]
SaveAllowed = Annotated[None, Depends(_save_allowed)]


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


# Real bodies are a few hundred bytes. A larger one skips the one-step parse, which would turn a
# long invalid list into Python objects once for nothing before the steps below do it again.
ONE_STEP_MAX_BYTES = 8 * 1024


def _json_body_as(model: type[_Model], body: bytes, content_type: str | None) -> _Model:
    """`body` validated as `model`, for a route that reads its own body: what FastAPI gives a
    route taking `model` as its JSON body, refusing what it refuses with the same errors (422s
    of the same types, messages and locations; its 400 for an undecodable body)."""
    if _is_json(content_type) and len(body) <= ONE_STEP_MAX_BYTES:
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


# A 422 lists problems while it stays within the size of the request (or SMALLEST_422_BYTES for
# a tiny one), at most MAX_PROBLEMS_LISTED, then says how many more there were: an invalid body
# of 64 KB can hold thousands of problems, and the answer must not multiply what was sent.
MAX_PROBLEMS_LISTED = 10
SMALLEST_422_BYTES = 1024
# A name the client made up (an unknown field, say) is shown cut to this many characters.
MAX_NAME_CHARS = 64


def _clipped(part: Any) -> str | int:
    if isinstance(part, int):
        return part
    text = str(part)
    return text if len(text) <= MAX_NAME_CHARS else text[: MAX_NAME_CHARS - 1] + "…"


def _field_error(error: dict[str, Any]) -> FieldError:
    loc = tuple(_clipped(part) for part in error.get("loc", ()))
    kind = str(error.get("type", "value_error"))
    return FieldError(field=_field(loc, kind), message=_message(error), type=kind, loc=list(loc))


def _request_size(request: Request) -> int:
    value = request.headers.get("content-length", "")
    return int(value) if value.isdigit() else 0


def _more(count: int) -> FieldError:
    return FieldError(
        field="body",
        message=f"and {count} more {'problem' if count == 1 else 'problems'} not listed",
        type="more_problems",
        loc=["body"],
    )


async def _validation_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)  # noqa: S101 - registered for that type only
    found = exc.errors()
    budget = max(_request_size(request), SMALLEST_422_BYTES)
    listed = [_field_error(error) for error in found[:MAX_PROBLEMS_LISTED]]
    while True:
        detail = listed + ([_more(len(found) - len(listed))] if len(found) > len(listed) else [])
        response = JSONResponse(
            status_code=422, content=jsonable_encoder(ValidationProblem(detail=detail))
        )
        if len(response.body) <= budget or len(listed) == 1:
            return response
        listed.pop()


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


# The one page other sites may frame: /embed (assets/embed.js frames `/embed/?...`). Everything
# else, the insights' sign-in among it, answers to `frame-ancestors 'none'`, so no spelling of
# a path (`//insights/`, `/./insights`, `/assess/../insights`) can make a page framable.
EMBEDDABLE_ROUTES = frozenset({"/embed"})

# What no page of the advisor uses; clipboard-write stays with the advisor's own origin for
# "Copy link" (the embedding iframe delegates it with allow="clipboard-write").
PERMISSIONS_POLICY = (
    "accelerometer=(), bluetooth=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), hid=(), magnetometer=(), microphone=(), midi=(), payment=(), "
    "publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), "
    "xr-spatial-tracking=(), clipboard-write=(self)"
)

# Reflex's prerendered pages start the app with inline scripts (React Router's context, the
# module imports), different on every build: they are allowed by their hashes, read from the
# build, never by 'unsafe-inline'.
_INLINE_SCRIPT = re.compile(rb"<script\b(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.I)
# Hostnames the frontend swaps for the page's own (Reflex's SAME_DOMAIN_HOSTNAMES in state.js).
_SAME_DOMAIN_HOSTNAMES = frozenset({"localhost", "0.0.0.0", "::", "0:0:0:0:0:0:0:0"})  # noqa: S104


def route_of(path: str) -> str:
    """The route a path reaches once a static file server resolves it: repeated slashes and dot
    segments collapsed, no trailing slash (the server has already percent-decoded it)."""
    normal = posixpath.normpath(re.sub(r"/+", "/", "/" + path))
    return normal.rstrip("/") or "/"


def inline_script_hashes(html: bytes) -> set[str]:
    """The CSP sources ('sha256-...') allowing each inline script of an HTML document."""
    return {
        "'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html)
        if body.strip()
    }


def build_script_hashes(static_dir: Path) -> set[str]:
    """The hashes of every inline script of every page in a frontend build (none if unbuilt)."""
    found: set[str] = set()
    if static_dir.is_dir():
        for page in static_dir.rglob("*.html"):
            found |= inline_script_hashes(page.read_bytes())
    return found


def connect_sources(api_url: str | None) -> list[str]:
    """Where the pages' scripts connect besides their own origin: the backend named by
    REFLEX_API_URL (http and websocket), unless the frontend replaces its host by its own."""
    if not api_url:
        return []
    parts = urllib.parse.urlsplit(api_url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return []
    if parts.hostname in _SAME_DOMAIN_HOSTNAMES:
        return []  # the page's own origin: 'self'
    socket_scheme = "wss" if parts.scheme == "https" else "ws"
    return [f"{parts.scheme}://{parts.netloc}", f"{socket_scheme}://{parts.netloc}"]


def content_security_policy(
    script_hashes: Iterable[str], connect: Iterable[str], frame_ancestors: str
) -> str:
    """The pages' CSP. Scripts: the advisor's own files and the build's inline scripts by hash;
    'unsafe-eval' because Reflex runs `rx.call_script` code (printing, the embedded frame's
    messages) with eval(). Styles: inline, as Emotion and Radix insert them at run time."""
    return "; ".join(
        [
            "default-src 'self'",
            " ".join(["script-src 'self' 'unsafe-eval'", *sorted(script_hashes)]),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            " ".join(["connect-src 'self'", *connect]),
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )


def security_headers(
    frame_ancestors: str,
    *,
    script_hashes: Callable[[], Iterable[str]] = frozenset,
    connect: Iterable[str] = (),
    hsts_seconds: int = 0,
):
    """ASGI middleware adding the advisor's security headers to every response, pages included:
    a Content-Security-Policy (on HTML, the pages' policy; on anything else, nothing may load),
    which sites may frame /embed (frame-ancestors; every other route 'none'), a
    Permissions-Policy, no MIME sniffing, a strict referrer, and HSTS when `hsts_seconds` > 0.

    `script_hashes` is called once, when the app is wrapped (the frontend is built by then)."""
    common = [
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
    ]
    if hsts_seconds > 0:
        common.append((b"strict-transport-security", f"max-age={hsts_seconds}".encode()))
    not_a_page = [(b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")]
    names = {b"content-security-policy", b"permissions-policy"} | {name for name, _ in common}

    def wrap(app):
        hashes = set(script_hashes())
        connect_to = list(connect)

        def page_headers(ancestors: str) -> list[tuple[bytes, bytes]]:
            csp = content_security_policy(hashes, connect_to, ancestors)
            return [
                (b"content-security-policy", csp.encode()),
                (b"permissions-policy", PERMISSIONS_POLICY.encode()),
            ]

        framed_page = page_headers(frame_ancestors)
        unframed_page = page_headers("'none'")

        async def asgi(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            framable = route_of(scope.get("path", "")) in EMBEDDABLE_ROUTES

            async def send_with_headers(message):
                if message["type"] == "http.response.start":
                    kept = []
                    is_html = False
                    for name, value in message.get("headers", []):
                        if name.lower() == b"content-type":
                            is_html = value.lower().startswith(b"text/html")
                        if name.lower() not in names:
                            kept.append((name, value))
                    page = framed_page if framable else unframed_page
                    added = page if is_html else not_a_page
                    if message.get("status") == 304:
                        # A 304 carries no content type, and the browser would store whatever
                        # policy it names over the cached page's own: it names none.
                        added = []
                    message = {**message, "headers": kept + added + common}
                await send(message)

            return await app(scope, receive, send_with_headers)

        return asgi

    return wrap


def _host_of(header: bytes) -> str:
    """The host of a Host header without its port, lower-cased: 'example.org', '[::1]'."""
    host = header.decode("latin-1").strip().lower()
    if host.startswith("["):
        return host.partition("]")[0] + "]"
    return host.partition(":")[0]


def allowed_hosts(hosts: Iterable[str]):
    """ASGI middleware refusing a request or websocket whose Host header names none of `hosts`
    (Starlette's TrustedHostMiddleware semantics: exact names, `*.example.org` for its
    subdomains, `*` for any) with 400, before anything can copy the Host into a link or a
    redirect."""
    names = {host.strip().lower() for host in hosts if host.strip()}
    any_host = "*" in names
    suffixes = tuple(name[1:] for name in names if name.startswith("*."))
    refusal = b"Invalid host header: this server does not answer for that name."

    def allowed(scope) -> bool:
        if any_host:
            return True
        for name, value in scope.get("headers", []):
            if name == b"host":
                host = _host_of(value)
                return host in names or (bool(suffixes) and host.endswith(suffixes))
        return False

    def wrap(app):
        async def asgi(scope, receive, send):
            if scope["type"] not in {"http", "websocket"} or allowed(scope):
                return await app(scope, receive, send)
            if scope["type"] == "websocket":
                # Closing before accepting makes the server refuse the handshake (403).
                return await send({"type": "websocket.close", "code": 1008})
            await send(
                {
                    "type": "http.response.start",
                    "status": 400,
                    "headers": [
                        (b"content-type", b"text/plain; charset=utf-8"),
                        (b"content-length", str(len(refusal)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": refusal})

        return asgi

    return wrap


def connection_limit(limits: Limits):
    """ASGI middleware refusing a client's new websocket connections past its allowance
    (Limits.connections) before they are accepted, so before any session is built for them.
    The frontend retries a refused connection by itself, with a growing delay."""

    def wrap(app):
        async def asgi(scope, receive, send):
            if scope["type"] == "websocket":
                peer = (scope.get("client") or (None,))[0]
                forwarded = next(
                    (
                        v.decode("latin-1")
                        for k, v in scope.get("headers", [])
                        if k == b"x-forwarded-for"
                    ),
                    None,
                )
                if limits.connections.hit(limits.key(peer, forwarded)) > 0:
                    return await send({"type": "websocket.close", "code": 1008})
            return await app(scope, receive, send)

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
    content: Content,
    *,
    engine: Engine | None = None,
    admin_token: str | None = None,
    limits: Limits | None = None,
) -> FastAPI:
    """The FastAPI app Reflex mounts beside its own routes (`rx.App(api_transformer=...)`).

    `engine`, `admin_token` and `limits` default to the settings (the running app passes the
    limits it shares with its pages); tests pass their own.
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
    api.state.engine = engine
    api.state.admin_token = settings.admin_token if admin_token is None else admin_token
    api.state.admin_token_problem = admin_token_problem(api.state.admin_token)
    api.state.limits = limits or Limits.create(
        saves_per_minute=settings.saves_per_minute, trusted_proxies=settings.trusted_proxies
    )
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

    docs_page = get_swagger_ui_html(
        openapi_url=OPENAPI_URL,
        title="Programme advisor API",
        swagger_js_url=f"{SWAGGER_STATIC}/swagger-ui-bundle.js",
        swagger_css_url=f"{SWAGGER_STATIC}/swagger-ui.css",
        swagger_favicon_url=f"{SWAGGER_STATIC}/favicon.png",
        # No badge from swagger.io's online validator: the page loads nothing from elsewhere.
        swagger_ui_parameters={"validatorUrl": None},
    )
    # The page's inline script starts Swagger UI; the CSP allows it by this hash.
    api.state.inline_script_hashes = inline_script_hashes(docs_page.body)

    @api.get(DOCS_URL, include_in_schema=False)
    def docs() -> HTMLResponse:
        return docs_page

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
        return Response(recommend_json(profile, content.compiled_rules), media_type=JSON)

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
        responses={
            422: {"model": ValidationProblem, "description": "A field is invalid"},
            429: {"model": Problem, "description": "Too many saves from this client just now"},
        },
        tags=["saved results"],
        summary="Save a result and get a link to it (and a token to delete it)",
    )
    def save(
        profile: Profile,
        request: Request,
        s: DbSession,
        _: SaveAllowed,
        origin: Annotated[str | None, Header(include_in_schema=False)] = None,
    ) -> SavedAssessment:
        result = recommend(profile, content.compiled_rules)
        record, delete_token = db.save_result(
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
        record = db.get_result(session=s, result_id=assessment_id)
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
            current=recommend(answers, content.compiled_rules),
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
        outcome = db.delete_result(session=s, result_id=assessment_id, token=given)
        if outcome == "not_found":
            raise HTTPException(status.HTTP_404_NOT_FOUND, "No saved result has this id.")
        if outcome == "forbidden":
            raise HTTPException(status.HTTP_403_FORBIDDEN, "The delete token does not match.")
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    secured = {
        401: {"model": Problem, "description": "Missing or wrong token"},
        429: {"model": Problem, "description": "Too many wrong tokens tried: wait Retry-After"},
        503: {
            "model": Problem,
            "description": "Insights are disabled (no token configured, or one too short)",
        },
    }

    @api.get(
        f"{API_V1}/insights",
        response_model=db.Insights,
        responses=secured,
        tags=["insights"],
        summary="Aggregate counts of saved assessments, counted in steps of 5 and shown as ranges",
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
