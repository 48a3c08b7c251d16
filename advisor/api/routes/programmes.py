"""The programmes route, and how every route reads the optional `?programme=<slug>` it takes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError

from advisor.api.routes import API_V1
from advisor.api.schemas import ProgrammeListing
from advisor.content import Content
from advisor.evidence import EXIT_POINTS
from advisor.programme import MAX_SLUG_CHARS, ProgrammeAdvice, advice_for, slug_of

router = APIRouter(prefix=API_V1, tags=["programmes"])

# How the routes taking `?programme=` document it (OpenAPI), the same everywhere.
PROGRAMME_PARAMETER = {
    "name": "programme",
    "in": "query",
    "required": False,
    "description": "A programme's slug (GET /api/v1/programmes lists them); the default "
    "programme when left out",
    "schema": {"type": "string", "maxLength": MAX_SLUG_CHARS, "pattern": "^[a-z0-9-]+$"},
}


def _refused(message: str, kind: str) -> RequestValidationError:
    # The client's value is not echoed back: the message names the field and what it must be.
    return RequestValidationError(
        [{"type": kind, "loc": ("query", "programme"), "msg": message, "input": None}]
    )


def programme_slug(content: Content, value: str | None) -> str:
    """The programme `?programme=` names (the default when it is left out), or a 422 naming
    `programme` for a malformed slug or one that names no programme."""
    if value is None:
        return content.default_programme
    slug = slug_of(value)
    if slug is None:
        raise _refused(
            f"A programme slug is 1 to {MAX_SLUG_CHARS} lower-case letters, digits and hyphens",
            "programme_malformed",
        )
    if slug not in content.programmes:
        raise _refused(
            f"No programme has this slug (there: {', '.join(content.programmes)})",
            "programme_unknown",
        )
    return slug


def advice_of(content: Content, slug: str, exit_point: str | None) -> ProgrammeAdvice:
    return advice_for(slug, content.programmes[slug], exit_point)


def advice_json(content: Content) -> dict[str, dict[str | None, bytes]]:
    """Every programme's block as JSON, per suggested exit point (None: no suggestion), encoded
    once when the app is created: the recommendations route joins it to its answer."""
    return {
        slug: {
            exit_point: advice_of(content, slug, exit_point).model_dump_json().encode()
            for exit_point in (None, *EXIT_POINTS)
        }
        for slug in content.programmes
    }


@router.get(
    "/programmes",
    response_model=list[ProgrammeListing],
    summary="Every programme the advisor describes, the default first",
)
async def list_programmes(request: Request) -> list[ProgrammeListing]:
    return request.app.state.programmes


def listings(content: Content) -> list[ProgrammeListing]:
    """The programmes as the list route gives them: the default first (content keeps them so)."""
    return [
        ProgrammeListing(
            slug=slug,
            name=p.name,
            institution=p.institution,
            default=slug == content.default_programme,
            awards=p.awards,
        )
        for slug, p in content.programmes.items()
    ]
