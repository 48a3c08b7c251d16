"""Programme profiles: what one programme offering the three exit points states about itself.

One file per programme under `content/programmes/` (its name, less `.yaml`, is the slug that
`?programme=` and `data-programme` choose), and `content/advisor.yaml` names the default. A
programme states only what it knows: every detail may be left out (null), and the result then
names what to ask the programme once, rather than showing a row of "Not stated". Pure: no
Reflex, no database. `python -m advisor.programme schema` prints the JSON Schema editors use.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from advisor.embed_options import ACCENT_COLORS, ORIGIN
from advisor.evidence import ERROR_CONTACT_PATTERN, EXIT_POINTS, ExitPoint, Frozen, Text

# A programme's slug: its file's name under content/programmes/, as a URL carries it.
SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$"
SLUG = re.compile(SLUG_PATTERN)
MAX_SLUG_CHARS = 40
# The environment variable holding a programme's insights token: the name only, never the secret.
TOKEN_ENV_PATTERN = r"^ADVISOR_[A-Z0-9_]{1,60}$"
# Where the schema is kept for editors (a test checks it is what `schema()` gives).
SCHEMA_FILE = Path(__file__).resolve().parent.parent / "content" / "programme.schema.json"

HttpUrl = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^https?://\S+$")]
Origin = Annotated[str, StringConstraints(strip_whitespace=True, pattern=ORIGIN.pattern)]
# One of the accents an embed may take (a Literal, so a file naming another one is refused).
Accent = Literal[ACCENT_COLORS]  # type: ignore[valid-type]


class Award(Frozen):
    """The award a programme gives at one exit point, and what it states about it."""

    name: Text = Field(description="The award's name as the programme uses it (PGCert, MMedEd)")
    credits: int | None = Field(default=None, ge=1, le=1000, description="Credits, if stated")
    typical_duration: Text | None = Field(default=None, description="How long it usually takes")
    apply_url: HttpUrl | None = Field(default=None, description="Where to apply for this award")


class ProgrammeProfile(Frozen):
    """content/programmes/<slug>.yaml. Left out (null): the programme does not state it."""

    name: Text = Field(description="The programme's name")
    institution: Text = Field(description="Who offers it")
    source: Text = Field(description="Where these details come from")
    awards: dict[ExitPoint, Award] = Field(
        description="The award at each exit point: certificate, diploma and masters"
    )
    duration: Text | None = Field(default=None, description="How long the whole programme takes")
    study_modes: list[Text] = Field(default_factory=list, description="Ways to study it")
    entry_requirement: Text | None = None
    fees: Text | None = Field(default=None, description="Fees, or where they are published")
    contact: Text | None = Field(default=None, description="How to reach the programme")
    accent: Accent | None = Field(
        default=None, description=f"The embed's accent colour: one of {', '.join(ACCENT_COLORS)}"
    )
    frame_sites: list[Origin] = Field(
        default_factory=list,
        description="Origins (https://host[:port]) that may show this programme in a frame, "
        "besides those the deployment allows for every programme",
    )
    insights_token_env: (
        Annotated[
            str,
            StringConstraints(pattern=TOKEN_ENV_PATTERN),
            Field(
                description="The name of the environment variable holding this programme's "
                "insights token (never the token itself)"
            ),
        ]
        | None
    ) = None


class AdvisorFile(Frozen):
    """content/advisor.yaml: what belongs to the advisor as a whole rather than a programme."""

    default_programme: Annotated[str, StringConstraints(pattern=SLUG_PATTERN)] = Field(
        description="The programme the advisor's own pages describe unless ?programme= says"
    )
    error_contact: (
        Annotated[
            str,
            StringConstraints(strip_whitespace=True, pattern=ERROR_CONTACT_PATTERN),
            Field(
                description="Where to report an error in the advisor (the About page shows "
                "it): an email address or an http(s) address. Null: the page says to write "
                "to the programme team."
            ),
        ]
        | None
    ) = None

    @property
    def error_contact_href(self) -> str | None:
        """A link to the error contact: mailto: for an email address."""
        if self.error_contact is None:
            return None
        return self.error_contact if "://" in self.error_contact else f"mailto:{self.error_contact}"


def slug_of(value: str | None) -> str | None:
    """A well-formed slug from a query string or a request, lower-cased; None otherwise."""
    if not value or len(value) > MAX_SLUG_CHARS:
        return None
    slug = value.strip().lower()
    return slug if SLUG.match(slug) else None


# The details a result may state, in the order it states them, and how the summary of what a
# programme leaves out names each.
UNSTATED_NAMES = {
    "credits": "credits",
    "typical_duration": "how long each award takes",
    "duration": "how long the whole programme takes",
    "study_modes": "ways to study",
    "fees": "fees",
    "apply_url": "how to apply",
    "contact": "who to contact",
}


def unstated(programme: ProgrammeProfile) -> list[str]:
    """What the programme does not state, in people's words, each once."""
    awards = programme.awards.values()
    missing = {
        "credits": any(a.credits is None for a in awards),
        "typical_duration": any(a.typical_duration is None for a in awards),
        "duration": programme.duration is None,
        "study_modes": not programme.study_modes,
        "fees": programme.fees is None,
        "apply_url": all(a.apply_url is None for a in awards),
        "contact": programme.contact is None,
    }
    return [UNSTATED_NAMES[key] for key, gap in missing.items() if gap]


def ask_about(programme: ProgrammeProfile) -> str | None:
    """One sentence naming what to ask the programme, or None when it states everything."""
    gaps = unstated(programme)
    if not gaps:
        return None
    listed = gaps[0] if len(gaps) == 1 else f"{', '.join(gaps[:-1])} and {gaps[-1]}"
    return f"Ask the programme about {listed}: it does not state them here."


def apply_text(programme: ProgrammeProfile, exit_point: str) -> str | None:
    """ "Apply for the PGCert at <institution>" when the award has an apply link, else None."""
    award = programme.awards.get(exit_point)  # type: ignore[call-overload]
    if award is None or award.apply_url is None:
        return None
    return f"Apply for the {award.name} at {programme.institution}"


class StatedDetail(Frozen):
    """One detail a programme states, as a result shows it: "Fees", "£3,000 a year"."""

    label: str
    value: str


class ProgrammeAdvice(Frozen):
    """What a result says about the chosen programme: its stated details for the suggested
    exit point only, what it leaves out summed up once, and how to apply when it says."""

    slug: str = Field(description="The programme's slug (its file's name)")
    name: str
    institution: str
    source: str = Field(description="Where the programme's details come from")
    award: str | None = Field(
        description="The programme's name for the suggested exit point's award (null: no "
        "suggestion)"
    )
    details: list[StatedDetail] = Field(description="Only what the programme states")
    ask_about: str | None = Field(
        description="One sentence naming what the programme does not state (null: nothing)"
    )
    apply_url: str | None = Field(description="Where to apply for the suggested award, if stated")
    apply_text: str | None = Field(description='"Apply for the <award> at <institution>"')


def stated_details(programme: ProgrammeProfile, exit_point: str | None) -> list[StatedDetail]:
    """The details a result shows, in order, leaving out each one the programme does not state."""
    award = programme.awards.get(exit_point) if exit_point else None  # type: ignore[call-overload]
    rows: list[tuple[str, str | None]] = []
    if award is not None:
        rows += [
            ("Award at this level", award.name),
            ("Credits at this level", f"{award.credits} credits" if award.credits else None),
            ("Typical duration at this level", award.typical_duration),
        ]
    rows += [
        ("Whole programme", programme.duration),
        ("Ways to study", ", ".join(programme.study_modes) or None),
        ("Entry requirement", programme.entry_requirement),
        ("Fees", programme.fees),
        ("Contact", programme.contact),
    ]
    return [StatedDetail(label=label, value=value) for label, value in rows if value]


def advice_for(slug: str, programme: ProgrammeProfile, exit_point: str | None) -> ProgrammeAdvice:
    """The programme block of a result suggesting `exit_point` (None: no suggestion)."""
    award = programme.awards.get(exit_point) if exit_point else None  # type: ignore[call-overload]
    return ProgrammeAdvice(
        slug=slug,
        name=programme.name,
        institution=programme.institution,
        source=programme.source,
        award=award.name if award else None,
        details=stated_details(programme, exit_point),
        ask_about=ask_about(programme),
        apply_url=award.apply_url if award else None,
        apply_text=apply_text(programme, exit_point) if exit_point else None,
    )


def as_asked(asked: str) -> str:
    """The slug a link asked for, fit to show on a page: cut short and reduced to the characters
    a slug may hold, so a link can put nothing odd there; quoted, or "that" when nothing is left."""
    shown = re.sub(r"[^A-Za-z0-9-]", "", asked[: MAX_SLUG_CHARS * 4])[:MAX_SLUG_CHARS]
    return f'"{shown}"' if shown else "that"


def unknown_programme_notice(asked: str, default_name: str) -> str:
    """What the advisor's own pages say when ?programme= names no programme."""
    return f"No programme called {as_asked(asked)} here; showing the default, {default_name}."


def schema() -> dict:
    """The JSON Schema of a programme file, for editors (YAML language servers read it)."""
    document = ProgrammeProfile.model_json_schema()
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    document["title"] = "Programme profile (content/programmes/<slug>.yaml)"
    # Every exit point must have its award: pydantic states the keys' type, not that all three
    # are there; the loader checks it too, and says which is missing.
    document["properties"]["awards"]["required"] = list(EXIT_POINTS)
    document["properties"]["awards"]["additionalProperties"] = False
    document["properties"]["awards"]["properties"] = {
        e: {"$ref": "#/$defs/Award"} for e in EXIT_POINTS
    }
    document["properties"]["awards"].pop("propertyNames", None)
    return document


def schema_text() -> str:
    return json.dumps(schema(), indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    """`python -m advisor.programme schema [--write]`: print (or write) the programme schema."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("command", choices=["schema"])
    parser.add_argument("--write", action="store_true", help=f"write {SCHEMA_FILE.name}")
    args = parser.parse_args(argv)
    if args.write:
        SCHEMA_FILE.write_text(schema_text())
        print(f"Wrote {SCHEMA_FILE}")
    else:
        sys.stdout.write(schema_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
