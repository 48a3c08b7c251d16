"""The advice routes: a recommendation for a set of answers, the questions, the evidence."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from advisor.api.deps import content_of
from advisor.api.errors import INVALID_FIELD, json_body_as, json_body_schema
from advisor.api.routes import API_V1
from advisor.api.schemas import QuestionsOut
from advisor.content import Content
from advisor.engine import recommend_json
from advisor.profile import Profile
from advisor.recommendation import Recommendation

JSON = "application/json"

router = APIRouter(prefix=API_V1)


@router.post(
    "/recommendations",
    response_model=Recommendation,
    openapi_extra={"requestBody": json_body_schema(Profile)},
    responses=INVALID_FIELD,
    tags=["advice"],
    summary="Recommend an exit point for one set of answers",
)
async def recommendations(request: Request) -> Response:
    # The busiest route, kept lean: async (the engine is pure CPU in microseconds, so a
    # thread-pool hop would cost more than the work); no dependency to solve, the content read
    # straight from the app; the body parsed and validated in one step by pydantic; the result
    # written as JSON from parts encoded once. Anything but a valid profile is answered exactly
    # as FastAPI answers an invalid `Profile` body.
    profile = json_body_as(Profile, await request.body(), request.headers.get("content-type"))
    return Response(recommend_json(profile, content_of(request).compiled_rules), media_type=JSON)


@router.get(
    "/evidence",
    response_model=Content,
    tags=["evidence"],
    summary="The whole validated evidence base and rule table",
)
async def evidence(request: Request) -> Response:
    # Serialised once, when the app was created: the content never changes while it runs.
    return Response(request.app.state.evidence_json, media_type=JSON)


@router.get(
    "/questions",
    response_model=QuestionsOut,
    tags=["advice"],
    summary="The questionnaire, in both voices",
)
async def get_questions(request: Request) -> QuestionsOut:
    return request.app.state.questions
