"""The admin token's comparison, the one both the insights page and the insights API use."""

from __future__ import annotations

import hmac

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
