"""Plans made together: create one, send a seat's answers, read the plan, delete it.

Every route but the first takes the seat's token in X-Plan-Token. No token, a wrong one, one of
another plan, a deleted or expired plan, an id that is not one: the same 404, so whether a plan
exists cannot be probed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Request, status
from fastapi.responses import Response

from advisor import db
from advisor.api.deps import DbSession, LoadedContent, SaveAllowed
from advisor.api.errors import INVALID_FIELD
from advisor.api.routes import API_V1
from advisor.api.schemas import PlanCreated, PlanLinks, Problem
from advisor.plans import PlanStatus, plan_path, plan_status, seat_profile
from advisor.profile import Profile

router = APIRouter(prefix=f"{API_V1}/plans", tags=["plans"])

NOT_FOUND = "No plan matches this link: it is wrong, or the plan was deleted or has expired."
GONE = {404: {"model": Problem, "description": NOT_FOUND}}
PlanToken = Annotated[
    str | None,
    Header(description="The seat's token, from its link (the `key` of /plan/<id>?key=...)"),
]


def _open(s: db.Session, plan_id: str, token: str | None) -> tuple[db.Plan, str]:
    opened = db.open_plan(session=s, plan_id=db.parse_plan_id(plan_id), token=token)
    if opened is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
    return opened


def _status(plan: db.Plan, seat: str, content) -> PlanStatus:
    return plan_status(
        plan_id=plan.id,
        seat=seat,  # type: ignore[arg-type]
        expires_at=plan.expires_utc(),
        answers={each: plan.answers_of(each) for each in db.PLAN_SEATS},  # type: ignore[misc]
        content=content,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=PlanCreated,
    responses={429: {"model": Problem, "description": "Too many plans or saves just now"}},
    summary="Start a plan: two private links, one for the supervisor and one for the colleague",
)
def create(request: Request, s: DbSession, _: SaveAllowed) -> PlanCreated:
    from advisor.settings import settings

    plan, tokens = db.create_plan(session=s, days=settings.plan_days)
    base = str(request.base_url).rstrip("/")
    return PlanCreated(
        id=plan.id,
        links=PlanLinks(**{seat: base + plan_path(plan.id, t) for seat, t in tokens.items()}),
        tokens=PlanLinks(**tokens),
        expires_at=plan.expires_utc(),
    )


@router.put(
    "/{plan_id}/answers",
    response_model=PlanStatus,
    responses={**GONE, **INVALID_FIELD},
    summary="Send a seat's answers (the audience follows from the token's seat)",
)
def put_answers(
    plan_id: str,
    profile: Profile,
    s: DbSession,
    content: LoadedContent,
    x_plan_token: PlanToken = None,
) -> PlanStatus:
    plan, seat = _open(s, plan_id, x_plan_token)
    stored = db.put_plan_answers(
        session=s, plan_id=plan.id, seat=seat, profile=seat_profile(profile, seat)
    )
    if stored is None:  # deleted between the check and the write
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
    return _status(stored, seat, content)


@router.get(
    "/{plan_id}",
    response_model=PlanStatus,
    responses=GONE,
    summary="A plan as this seat sees it: who is done, and the comparison once both are",
)
def get_plan(
    plan_id: str, s: DbSession, content: LoadedContent, x_plan_token: PlanToken = None
) -> PlanStatus:
    plan, seat = _open(s, plan_id, x_plan_token)
    return _status(plan, seat, content)


@router.delete(
    "/{plan_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=GONE,
    summary="Delete a plan, with either seat's token",
)
def delete(plan_id: str, s: DbSession, x_plan_token: PlanToken = None) -> Response:
    plan, _seat = _open(s, plan_id, x_plan_token)
    if not db.delete_plan(session=s, plan_id=plan.id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
