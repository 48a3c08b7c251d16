"""The admin token's comparison, shared by the insights page and the insights API."""

from __future__ import annotations

import pytest

from advisor.admin_token import token_matches
from advisor.settings import MIN_ADMIN_TOKEN_LENGTH

TOKEN = "a-long-random-admin-token-for-the-tests"
SHORT = "x" * (MIN_ADMIN_TOKEN_LENGTH - 1)


@pytest.mark.parametrize(
    ("given", "expected", "matches"),
    [
        (TOKEN, TOKEN, True),
        (f" {TOKEN}\n", TOKEN, True),  # pasted with stray whitespace
        (TOKEN[:-1], TOKEN, False),
        (TOKEN + "x", TOKEN, False),
        (TOKEN.upper(), TOKEN, False),
        ("", TOKEN, False),
        ("tökén-with-non-ascii-characters", TOKEN, False),  # compared as bytes, never raises
        (SHORT, SHORT, False),  # too short to enable the insights: it opens nothing
        ("", "", False),
        ("x" * MIN_ADMIN_TOKEN_LENGTH, "x" * MIN_ADMIN_TOKEN_LENGTH, True),
    ],
)
def test_token_matches(given: str, expected: str, matches: bool) -> None:
    assert token_matches(given, expected) is matches
