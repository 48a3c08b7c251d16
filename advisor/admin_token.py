"""The insights' tokens: the admin token, each programme's own, and what a given token opens.

The deployment's ADVISOR_ADMIN_TOKEN opens every programme's insights and their sum. A
programme's file names the environment variable holding its own token (`insights_token_env`),
which opens that programme's insights only. A token shorter than MIN_ADMIN_TOKEN_LENGTH opens
nothing, and says why. Tokens are compared in constant time, every one of them on every try,
so neither the time taken nor an early stop tells how much of a guess was right or which
programme it was near. No token's value is ever printed, logged or put in a repr.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from advisor.content import Content
from advisor.settings import MIN_ADMIN_TOKEN_LENGTH


def token_matches(given: str, expected: str) -> bool:
    """Whether `given` (surrounding whitespace ignored) is the admin token `expected`.

    Compared in constant time, so the time taken says nothing about how much of a guess was
    right. An `expected` token shorter than the settings' minimum matches nothing: a short
    token is easy to guess, so it never opens the insights, even if a caller forgot to check.
    """
    if len(expected) < MIN_ADMIN_TOKEN_LENGTH:
        return False
    # On bytes: compare_digest refuses str holding non-ASCII characters.
    return hmac.compare_digest(given.strip().encode(), expected.encode())


class Access(BaseModel):
    """What one signed-in token may see: one programme, or (programme None) every one."""

    model_config = ConfigDict(frozen=True)

    programme: str | None = Field(description="The programme's slug; None: the admin token")

    @property
    def is_admin(self) -> bool:
        return self.programme is None

    def allows(self, programme: str | None) -> bool:
        """Whether this access may see `programme` (None: the deployment-wide sum)."""
        return self.is_admin or programme == self.programme


class ProgrammeTokens(BaseModel):
    """Each programme's insights token as the environment gives it, or why it has none."""

    model_config = ConfigDict(frozen=True)

    tokens: dict[str, SecretStr] = Field(default_factory=dict)
    # slug -> why that programme's token cannot open its insights (for the admins to read).
    problems: dict[str, str] = Field(default_factory=dict)
    # The programmes whose variable is set but too short: said at start-up, by name only.
    too_short: list[str] = Field(default_factory=list)


def programme_token_problem(env: str, token: str) -> str:
    """Why a programme's token cannot open its insights, or "" when it can."""
    if not token:
        return f"Its insights token is not set: {env} is empty or missing."
    if len(token) < MIN_ADMIN_TOKEN_LENGTH:
        return (
            f"Its insights are disabled: {env} is shorter than {MIN_ADMIN_TOKEN_LENGTH} "
            "characters, short enough to guess."
        )
    return ""


def programme_tokens(
    token_envs: Mapping[str, str | None], environ: Mapping[str, str] | None = None
) -> ProgrammeTokens:
    """The tokens of the programmes (slug -> the name of their token's variable, or None for
    a programme only the admin token sees), read from `environ` (the process's by default)."""
    environ = os.environ if environ is None else environ
    tokens: dict[str, SecretStr] = {}
    problems: dict[str, str] = {}
    too_short: list[str] = []
    for slug, env in token_envs.items():
        if env is None:
            problems[slug] = "It names no insights token: only the admin token sees it."
            continue
        token = environ.get(env, "").strip()
        if problem := programme_token_problem(env, token):
            problems[slug] = problem
            too_short += [slug] if token else []
        else:
            tokens[slug] = SecretStr(token)
    return ProgrammeTokens(tokens=tokens, problems=problems, too_short=too_short)


def access_for(given: str, admin_token: str, programmes: ProgrammeTokens) -> Access | None:
    """What `given` opens: every programme (the admin token), one, or nothing (None).

    Every token is compared, whichever matches, so how long it takes says nothing."""
    found: Access | None = None
    if token_matches(given, admin_token):
        found = Access(programme=None)
    for slug, token in programmes.tokens.items():
        if token_matches(given, token.get_secret_value()) and found is None:
            found = Access(programme=slug)
    return found


def tokens_of(content: Content, environ: Mapping[str, str] | None = None) -> ProgrammeTokens:
    """The programmes' tokens for `content`'s programmes, from the environment."""
    return programme_tokens(
        {slug: p.insights_token_env for slug, p in content.programmes.items()}, environ
    )
