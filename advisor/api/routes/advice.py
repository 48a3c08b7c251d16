"""The advice routes: a recommendation for a set of answers, the questions, the evidence."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from advisor.api.deps import content_of
from advisor.api.errors import INVALID_FIELD, json_body_as, json_body_schema
from advisor.api.routes import API_V1
from advisor.api.routes.programmes import PROGRAMME_PARAMETER, programme_slug
from advisor.api.schemas import ProgrammeRecommendation, QuestionsOut
from advisor.content import Content
from advisor.engine import CompiledRules, decide
from advisor.evidence import EXIT_POINTS, STRENGTHS
from advisor.profile import Profile
from advisor.recommendation import Recommendation
from advisor.rule_table import CONFIDENCES

JSON = "application/json"

router = APIRouter(prefix=API_V1)


@router.post(
    "/recommendations",
    response_model=ProgrammeRecommendation,
    openapi_extra={
        "requestBody": json_body_schema(Profile),
        "parameters": [PROGRAMME_PARAMETER],
    },
    responses=INVALID_FIELD,
    tags=["advice"],
    summary="Recommend an exit point for one set of answers, for one programme",
)
async def recommendations(request: Request) -> Response:
    # The busiest route, kept lean: async (the engine is pure CPU in microseconds, so a
    # thread-pool hop would cost more than the work); no dependency to solve, the content read
    # straight from the app; the body parsed and validated in one step by pydantic; the result
    # written as JSON from parts encoded once. Anything but a valid profile is answered exactly
    # as FastAPI answers an invalid `Profile` body. `?programme=` is checked first (a 422
    # naming `programme`); its block was encoded when the app was created.
    content = content_of(request)
    slug = programme_slug(content, request.query_params.get("programme"))
    profile = json_body_as(Profile, await request.body(), request.headers.get("content-type"))
    return Response(
        recommendation_json(
            profile, content.compiled_rules, programme=request.app.state.advice_json[slug]
        ),
        media_type=JSON,
    )


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


# ---------------------------------------------------------------------------------------------
# The JSON writer of `recommendations`, its only caller.

# The order `recommendation_json` writes a Recommendation's fields in: pydantic's order.
_JSON_FIELDS = (
    "eligible",
    "audience",
    "recommended",
    "confidence",
    "evidence_strength",
    "ranking",
    "reasons",
    "what_would_change",
    "quotes",
    "outcomes",
    "step_up",
    "explanation",
    "caveats",
    "evidence_version",
    "options",
    "priorities_fit",
    "sure",
    "questions_to_ask",
)
if tuple(Recommendation.model_fields) != _JSON_FIELDS:  # pragma: no cover - a programming error
    raise RuntimeError("Recommendation's fields changed: update recommendation_json to match")


def recommendation_json(
    profile: Profile,
    rules: CompiledRules,
    programme: Mapping[str | None, bytes] | None = None,
) -> bytes:
    """`recommend(profile, rules).model_dump_json()`, byte for byte, in a fraction of the time:
    every part of a result is shared between results, so each is encoded once (by pydantic, when
    the engine is compiled or the part first appears) and a result is those bytes joined.

    With `programme` (a programme's block as JSON per suggested exit point, None for none), a
    ProgrammeRecommendation's JSON instead: the same, then `"programme": <that block>`."""
    shared = rules.json
    values = shared.values
    d = decide(profile, rules)
    top = d.top
    if top is None:
        head = (
            b'{"eligible":false,"audience":%s,"recommended":null,"confidence":null,'
            % (values[d.audience])
        )
        head += b'"evidence_strength":null,"ranking":['
    else:
        head = b'{"eligible":true,"audience":%s,"recommended":%s,"confidence":%s,' % (
            values[d.audience],
            values[EXIT_POINTS[top]],
            values[CONFIDENCES[d.confidence]],  # type: ignore[index]
        )
        head += b'"evidence_strength":%s,"ranking":[' % values[STRENGTHS[d.evidence]]  # type: ignore[index]
    return b"".join(
        (
            head,
            b",".join([part[1] for part in d.ranking]),
            b'],"reasons":[',
            b",".join([part[1] for part in d.reasons]),
            b'],"what_would_change":[',
            b",".join([part[1] for part in d.changes]),
            b'],"quotes":[',
            b",".join([part[1] for part in d.quotes]),
            shared.outcomes,
            b"null" if d.step_up is None else d.step_up[1],
            b',"explanation":',
            shared.explanation[d.audience] if top is None else b"null",
            shared.caveats,
            b"null" if d.fit is None else _to_json(d.fit),
            b',"sure":',
            shared.sure_not_begun if d.sure is None else _to_json(d.sure),
            b',"questions_to_ask":[',
            b",".join([part[1] for part in d.asks]),
            b"]}"
            if programme is None
            else b'],"programme":%s}' % programme[None if top is None else EXIT_POINTS[top]],
        )
    )


def _to_json(model: BaseModel) -> bytes:
    return model.__pydantic_serializer__.to_json(model)
