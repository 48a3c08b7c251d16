"""Reading a JSON body as FastAPI would, and the API's answers to what it refuses (422, 503)."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from fastapi import Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from advisor import db
from advisor.api.routes import API_V1
from advisor.api.schemas import FieldError, ValidationProblem

_Model = TypeVar("_Model", bound=BaseModel)

# What a route answers when a field of its body is invalid, for its OpenAPI `responses`.
INVALID_FIELD: dict[int | str, dict[str, Any]] = {
    422: {"model": ValidationProblem, "description": "A field is invalid"}
}


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


def json_body_as(model: type[_Model], body: bytes, content_type: str | None) -> _Model:
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


def json_body_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI requestBody FastAPI writes for a route taking `model` as its JSON body."""
    return {
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
        },
        "required": True,
    }


async def unparseable_body(request: Request, exc: Exception) -> Response:
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


async def validation_problem(request: Request, exc: Exception) -> JSONResponse:
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
# The same for the plans' routes (/api/v1/plans...), which start, answer, read and delete plans.
_PLAN_NOT_DONE = {
    "POST": "The plan could not be started",
    "PUT": "The answers could not be saved",
    "DELETE": "The plan could not be deleted",
}
_PLANS_PATH = f"{API_V1}/plans"


async def database_unavailable(request: Request, exc: Exception) -> Response:
    """A database that is busy, read-only, gone or unreachable is a 503 saying which, with a
    Retry-After; any other database error is a bug, and stays a 500."""
    assert isinstance(exc, SQLAlchemyError)  # noqa: S101 - registered for that type only
    fault = db.database_fault(exc)
    if fault is None:
        raise exc
    path = request.url.path
    if path == _PLANS_PATH or path.startswith(_PLANS_PATH + "/"):
        done = _PLAN_NOT_DONE.get(request.method, "The plan could not be read")
    else:
        done = _NOT_DONE.get(request.method, "The saved results could not be read")
    advice = "try again in a moment" if fault.fault == "busy" else "try again later"
    return JSONResponse(
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        content={"detail": f"{done}: {fault.reason}. Nothing was changed; {advice}."},
        headers={"Retry-After": str(fault.retry_after)},
    )
