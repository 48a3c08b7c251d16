"""The saved-result routes: save a result for a link, read it back, delete it with its token."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Query, Request, status
from fastapi.responses import Response

from advisor import db
from advisor.api.deps import DbSession, LoadedContent, SaveAllowed
from advisor.api.errors import INVALID_FIELD
from advisor.api.routes import API_V1
from advisor.api.routes.programmes import PROGRAMME_PARAMETER, advice_of, programme_slug
from advisor.api.schemas import Problem, SavedAssessment, StoredAssessment
from advisor.embed_options import origin_of
from advisor.engine import recommend
from advisor.profile import Profile

router = APIRouter(prefix=f"{API_V1}/assessments", tags=["saved results"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=SavedAssessment,
    responses={
        **INVALID_FIELD,
        429: {"model": Problem, "description": "Too many saves from this client just now"},
    },
    summary="Save a result for one programme and get a link to it (and a token to delete it)",
    openapi_extra={"parameters": [PROGRAMME_PARAMETER]},
)
def save(
    profile: Profile,
    request: Request,
    s: DbSession,
    _: SaveAllowed,
    content: LoadedContent,
    origin: Annotated[str | None, Header(include_in_schema=False)] = None,
    programme: Annotated[str | None, Query(include_in_schema=False)] = None,
) -> SavedAssessment:
    slug = programme_slug(content, programme)
    result = recommend(profile, content.compiled_rules)
    record, delete_token = db.save_result(
        session=s,
        profile=profile,
        result=result,
        origin=origin_of(origin, "api"),
        programme=slug,
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
        programme=advice_of(content, slug, result.recommended),
    )


@router.get(
    "/{assessment_id}",
    response_model=StoredAssessment,
    responses={404: {"model": Problem}},
    summary="A saved result",
)
def get_saved(assessment_id: uuid.UUID, s: DbSession, content: LoadedContent) -> StoredAssessment:
    record = db.get_result(session=s, result_id=assessment_id)
    if record is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "No saved result has this id.")
    answers = record.profile()
    current = recommend(answers, content.compiled_rules)
    slug = record.programme if record.programme in content.programmes else None
    return StoredAssessment(
        id=record.id,
        created_at=record.created_utc(),
        answers=answers,
        recommended=record.recommended,
        confidence=record.confidence,
        evidence_version=record.evidence_version,
        current=current,
        programme=advice_of(content, slug or content.default_programme, current.recommended),
    )


@router.delete(
    "/{assessment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={403: {"model": Problem}, 404: {"model": Problem}},
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
