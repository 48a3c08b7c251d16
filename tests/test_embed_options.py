"""What an embedding page may ask of /embed: the query string's parsing, and the accent's CSS."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest
from reflex_components_radix.themes.base import LiteralAccentColor

from advisor import styles
from advisor.embed_options import ACCENT_COLORS, NO_ORIGIN, accent_overrides, embed_options
from advisor.pages.embed import EmbedState

DEFAULT = styles.ACCENT
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("params", "audience"),
    [
        ({}, None),  # nothing asked: the browser's stored audience stays
        ({"audience": "self"}, "self"),
        ({"audience": "supervisor"}, "supervisor"),
        ({"audience": "Supervisor "}, "supervisor"),
        ({"for": "colleague"}, "supervisor"),  # the landing page's spelling
        ({"audience": "colleague"}, "supervisor"),
        ({"audience": "student"}, None),
        ({"audience": ""}, None),
        ({"audience": "self", "for": "colleague"}, "self"),  # audience= wins
    ],
)
def test_audience(params, audience):
    assert embed_options(params, default_accent=DEFAULT).audience == audience


@pytest.mark.parametrize(
    ("given", "accent"),
    [
        (None, DEFAULT),
        ("plum", "plum"),
        (" Mint", "mint"),
        ("indigo", "indigo"),
        # Radix accents whose contrast falls short in the advisor: refused, like any typo.
        ("crimson", DEFAULT),
        ("teal", DEFAULT),
        ("#ff0000", DEFAULT),
        ("plum; } body { display: none", DEFAULT),
    ],
)
def test_accent(given, accent):
    params = {} if given is None else {"accent": given}
    assert embed_options(params, default_accent=DEFAULT).accent == accent


@pytest.mark.parametrize(
    ("given", "origin"),
    [
        (None, NO_ORIGIN),
        ("https://www.example.ac.uk", "https://www.example.ac.uk"),
        ("http://localhost:8080", "http://localhost:8080"),
        ("https://Apply.Example.AC.UK", "https://apply.example.ac.uk"),
        ("https://www.example.ac.uk/admissions", NO_ORIGIN),  # an origin has no path
        ("javascript:alert(1)", NO_ORIGIN),
        ("https://" + "a" * 300 + ".uk", NO_ORIGIN),
        ("", NO_ORIGIN),
    ],
)
def test_origin(given, origin):
    params = {} if given is None else {"origin": given}
    assert embed_options(params, default_accent=DEFAULT).origin == origin


def test_accents_are_radix_accent_colours():
    assert DEFAULT in ACCENT_COLORS
    assert set(ACCENT_COLORS) <= set(get_args(LiteralAccentColor))


def test_accent_overrides_point_the_default_scale_at_the_chosen_one():
    css = accent_overrides("plum", default_accent=DEFAULT)
    assert f"--{DEFAULT}-9: var(--plum-9);" in css
    assert f"--{DEFAULT}-a11: var(--plum-a11);" in css
    assert len(re.findall(r"--[a-z]+-a?\d+: var\(--plum-a?\d+\);", css)) == 24
    # The default accent needs nothing, and must not get `--indigo-9: var(--indigo-9)` (a cycle).
    assert accent_overrides(DEFAULT, default_accent=DEFAULT) == ""
    assert accent_overrides("teal", default_accent=DEFAULT) == ""


def test_embed_state_css_follows_the_accent():
    state = EmbedState()
    assert state.accent == DEFAULT and state.accent_css == ""
    state.accent = "sky"
    assert state.accent_css.startswith(".embed-theme {")
    assert "var(--sky-11)" in state.accent_css


def test_the_embed_options_need_no_web_framework_and_no_database():
    """The /embed parameters are checked by plain Python: importing them loads neither the API's
    framework nor the database layer (they once came with advisor.api's origin check)."""
    heavy = "('fastapi', 'sqlmodel', 'sqlalchemy', 'reflex')"
    check = f"import sys, advisor.embed_options; print([m for m in {heavy} if m in sys.modules])"
    done = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "[]", done.stdout
