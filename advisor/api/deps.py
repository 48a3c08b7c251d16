"""The routes' dependencies in one place: what the app was given, sessions, the insights' tokens."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status
from sqlalchemy import Engine
from sqlmodel import Session

from advisor import db
from advisor.admin_token import Access, ProgrammeTokens, access_for
from advisor.content import Content
from advisor.ratelimit import Limits, retry_after_header


def content_of(request: Request) -> Content:
    """The content the app was created with (`create_api`), the same for every request."""
    return request.app.state.content


def limits_of(request: Request) -> Limits:
    """The limits the app shares with the pages (saves, wrong tokens, connections)."""
    return request.app.state.limits


def database_of(request: Request) -> Engine:
    """The database the app was given, or the settings' when it was given none."""
    return request.app.state.database or db.default_engine()


async def _content(request: Request) -> Content:
    # Async, so FastAPI calls it on the event loop rather than through its thread pool.
    return content_of(request)


def _session(request: Request) -> Iterator[Session]:
    with Session(database_of(request), expire_on_commit=False) as session:
        yield session


def client_key(request: Request) -> str:
    """Who is asking, for the limits: the peer, or the client a trusted proxy names."""
    peer = request.client.host if request.client else None
    return limits_of(request).key(peer, request.headers.get("x-forwarded-for"))


def _too_many(wait: float, what: str) -> HTTPException:
    seconds = retry_after_header(wait)
    return HTTPException(
        status.HTTP_429_TOO_MANY_REQUESTS,
        f"{what} Try again in {seconds} seconds.",
        headers={"Retry-After": seconds},
    )


def _insights_access(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> Access:
    """What the Bearer token opens: every programme (the admin token) or its own programme.

    Disabled (503) only when no token at all could open anything: no admin token and no
    programme's token configured. Wrong tokens are counted per client and for everyone: past
    the limit the client waits (429 and Retry-After) before any token is even compared, so
    guessing runs at a few tries per minute instead of hundreds per second. Every configured
    token is compared on every try (advisor.admin_token.access_for).
    """
    admin_token: str = request.app.state.admin_token
    programmes: ProgrammeTokens = request.app.state.programme_tokens
    if (problem := request.app.state.admin_token_problem) and not programmes.tokens:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, problem)
    limits = limits_of(request)
    client = client_key(request)
    if (wait := limits.sign_in_retry_after(client)) > 0:
        raise _too_many(wait, "Too many wrong insights tokens have been tried.")
    scheme, _, given = (authorization or "").partition(" ")
    access = access_for(given, admin_token, programmes) if scheme.lower() == "bearer" else None
    if access is None:
        if given.strip():
            limits.sign_in_failed(client)
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "Send the admin token or your programme's insights token as "
            "'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return access


def _save_allowed(request: Request) -> None:
    """Each client may save a limited number of results a minute (ADVISOR_SAVES_PER_MINUTE)."""
    limits = limits_of(request)
    if (wait := limits.saves.hit(client_key(request))) > 0:
        raise _too_many(wait, "Too many results have been saved from this address just now.")


LoadedContent = Annotated[Content, Depends(_content)]
DbSession = Annotated[Session, Depends(_session)]
InsightsAccess = Annotated[Access, Depends(_insights_access)]
SaveAllowed = Annotated[None, Depends(_save_allowed)]
