"""What a site embedding the advisor asks for in /embed's query string, checked (pure)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# An embedding page's origin: scheme://host[:port], nothing else.
ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")

# The audience a link or an embedding site asks for: `?for=` (landing page) or `?audience=`.
AUDIENCE_PARAM = {"self": "self", "colleague": "supervisor", "supervisor": "supervisor"}

# The accents an embedding page may choose, from Radix Themes' accent colours (a test checks
# they are among reflex_components_radix.themes.base.LiteralAccentColor). Only those that keep
# the advisor's text and controls at WCAG AA contrast as it uses them: white labels on solid
# (step 9) buttons and badges, step 11 text on soft (step 3) backgrounds. An axe audit of every
# Radix accent found the others short (white on red, crimson, teal, green... step 9; step 11 on
# blue, lime... soft backgrounds); tests/e2e/test_embed.py audits each accent listed here.
# Any other value falls back to the advisor's own accent.
ACCENT_COLORS = ("indigo", "iris", "violet", "purple", "plum", "sky", "mint")

# Recorded with a saved assessment when no valid embedding origin was given.
NO_ORIGIN = "advisor"


def origin_of(value: str | None, default: str) -> str:
    """A valid origin from a request, or `default` ("advisor", "api")."""
    if value and len(value) <= 255 and ORIGIN.match(value):
        return value.lower()
    return default


@dataclass(frozen=True)
class EmbedOptions:
    audience: str | None  # "self" | "supervisor"; None keeps what the browser has stored
    accent: str  # one of ACCENT_COLORS
    origin: str  # the embedding page's origin (scheme://host[:port]) or NO_ORIGIN


def embed_options(params: Mapping[str, str], *, default_accent: str) -> EmbedOptions:
    """The options of `/embed?audience=self|supervisor&accent=<colour>&origin=<origin>`.

    `for=colleague` (the landing page's spelling) is accepted too; unknown or malformed values
    are ignored rather than refused, so a typo in a host page never breaks the frame.
    """
    wanted = (params.get("audience") or params.get("for") or "").strip().lower()
    accent = (params.get("accent") or "").strip().lower()
    return EmbedOptions(
        audience=AUDIENCE_PARAM.get(wanted),
        accent=accent if accent in ACCENT_COLORS else default_accent,
        origin=origin_of((params.get("origin") or "").strip(), NO_ORIGIN),
    )


def accent_overrides(accent: str, *, default_accent: str, steps: int = 12) -> str:
    """CSS declarations that point the advisor's own accent scale at another one.

    The design tokens (advisor.styles) name the default accent's scale directly
    (`var(--indigo-11)`), so a nested Radix theme alone recolours only Radix's own components.
    Redefining `--indigo-N` as `--teal-N` inside the embed recolours the rest. Empty for the
    default accent: `--indigo-9: var(--indigo-9)` would be a cycle, which CSS treats as unset.
    """
    if accent == default_accent or accent not in ACCENT_COLORS:
        return ""
    return "".join(
        f"--{default_accent}-{kind}{n}: var(--{accent}-{kind}{n});"
        for kind in ("", "a")
        for n in range(1, steps + 1)
    )
