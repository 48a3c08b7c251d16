"""Programme profiles: valid and broken programme files, the editors' schema, the programme
routes of the API, the result's programme block and /embed's choice of programme."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor import asgi, db, programme
from advisor.api import create_api
from advisor.content import ContentError, load_content
from advisor.evidence import EXIT_POINTS
from advisor.programme import (
    MAX_SLUG_CHARS,
    ProgrammeProfile,
    advice_for,
    ask_about,
    stated_details,
    unknown_programme_notice,
)
from advisor.ratelimit import Limits
from tests.utils.programmes import NORTHFIELD

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
DUNDEE = "programmes/dundee.yaml"
VALID_ANSWERS = {
    "healthcare_background": True,
    "role": "minor_teaching",
    "career_stage": "late",
    "motivations": ["career_prospects"],
    "research_aim": "none",
}


def copy_content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder)
    return folder


def write_programme(folder: Path, file_name: str, data: Any) -> None:
    """A programme file written as JSON, which is YAML too: no hand-written YAML is re-dumped."""
    (folder / "programmes" / file_name).write_text(json.dumps(data, indent=2), encoding="utf-8")


def edit_programme(folder: Path, slug: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = folder / "programmes" / f"{slug}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")


def with_northfield(folder: Path, **changes: Any) -> None:
    write_programme(folder, "northfield.yaml", {**NORTHFIELD, **changes})


def set_default(folder: Path, slug: str) -> None:
    path = folder / "advisor.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "default_programme: dundee", f"default_programme: {slug}"
    )
    path.write_text(text, encoding="utf-8")


# --- Valid programme files -----------------------------------------------------------------


VALID: list[tuple[str, Callable[[Path], None], list[str]]] = [
    ("the shipped folder", lambda f: None, ["dundee"]),
    ("a second programme", with_northfield, ["dundee", "northfield"]),
    (
        "a programme stating only the required details",
        lambda f: write_programme(
            f,
            "bare.yaml",
            {
                "name": "Bare programme",
                "institution": "Somewhere",
                "source": "Its web page",
                "awards": {e: {"name": e.title()} for e in EXIT_POINTS},
            },
        ),
        ["dundee", "bare"],
    ),
    (
        "another programme as the default, listed first",
        lambda f: (with_northfield(f), set_default(f, "northfield")),
        ["northfield", "dundee"],
    ),
    (
        "an editor's hidden file beside the programmes",
        lambda f: (f / "programmes" / ".dundee.yaml.swp").write_text("x"),
        ["dundee"],
    ),
]


@pytest.mark.parametrize(("case", "change", "slugs"), VALID, ids=[v[0] for v in VALID])
def test_valid_programme_folders_load(tmp_path, case, change, slugs):
    folder = copy_content(tmp_path)
    change(folder)
    content = load_content(folder)
    assert list(content.programmes) == slugs, case
    assert content.default_programme == slugs[0]


# --- Broken programme files: each fails naming the file, the field and what is wrong ----------


BROKEN: list[tuple[str, Callable[[Path], None], list[str]]] = [
    (
        "missing award",
        lambda f: edit_programme(f, "dundee", lambda d: d["awards"].pop("masters")),
        [DUNDEE, "awards", "no award for the masters"],
    ),
    (
        "award without a name",
        lambda f: edit_programme(f, "dundee", lambda d: d["awards"]["diploma"].pop("name")),
        [DUNDEE, "awards.diploma.name", "required"],
    ),
    (
        "an award for no exit point",
        lambda f: edit_programme(
            f, "dundee", lambda d: d["awards"].update(doctorate={"name": "D"})
        ),
        [DUNDEE, "awards.doctorate"],
    ),
    (
        "bad slug file name",
        lambda f: write_programme(f, "North_Field.yaml", NORTHFIELD),
        ["programmes/North_Field.yaml", "must be a slug"],
    ),
    (
        "not a yaml file",
        lambda f: write_programme(f, "northfield.json", NORTHFIELD),
        ["programmes/northfield.json", "is not a .yaml file"],
    ),
    (
        "bad accent",
        lambda f: with_northfield(f, accent="red"),
        ["programmes/northfield.yaml", "accent"],
    ),
    (
        "bad apply_url",
        lambda f: with_northfield(
            f,
            awards={**NORTHFIELD["awards"], "masters": {"name": "MSc", "apply_url": "apply.ac.uk"}},
        ),
        ["programmes/northfield.yaml", "awards.masters.apply_url", "pattern"],
    ),
    (
        "a frame site that is not an origin",
        lambda f: with_northfield(f, frame_sites=["https://www.northfield.example/courses"]),
        ["programmes/northfield.yaml", "frame_sites[0]", "pattern"],
    ),
    (
        "token env in lower case",
        lambda f: with_northfield(f, insights_token_env="advisor_token"),
        ["programmes/northfield.yaml", "insights_token_env", "pattern"],
    ),
    (
        "token env outside the advisor's names",
        lambda f: with_northfield(f, insights_token_env="HOME"),
        ["programmes/northfield.yaml", "insights_token_env", "pattern"],
    ),
    (
        "token env too long",
        lambda f: with_northfield(f, insights_token_env="ADVISOR_" + "X" * 61),
        ["programmes/northfield.yaml", "insights_token_env", "pattern"],
    ),
    (
        "token env = ADVISOR_ADMIN_TOKEN",
        lambda f: with_northfield(f, insights_token_env="ADVISOR_ADMIN_TOKEN"),
        ["programmes/northfield.yaml", "insights_token_env", "must not be ADVISOR_ADMIN_TOKEN"],
    ),
    (
        "two programmes sharing one token env",
        lambda f: with_northfield(f, insights_token_env="ADVISOR_INSIGHTS_TOKEN_DUNDEE"),
        ["programmes/northfield.yaml", "insights_token_env", "programmes/dundee.yaml"],
    ),
    (
        "default not found",
        lambda f: set_default(f, "southfield"),
        ["advisor.yaml", "default_programme", "'southfield'", "there: dundee"],
    ),
    (
        "an unknown key (a typo)",
        lambda f: with_northfield(f, fee="£1"),
        ["programmes/northfield.yaml", "fee", "not a known field"],
    ),
    (
        "no programme at all",
        lambda f: (f / "programmes" / "dundee.yaml").unlink(),
        ["programmes/", "holds no programme"],
    ),
]


@pytest.mark.parametrize(("case", "breaks", "expected"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_programme_files_fail_naming_file_and_field(tmp_path, case, breaks, expected):
    folder = copy_content(tmp_path)
    breaks(folder)
    with pytest.raises(ContentError) as raised:
        load_content(folder)
    problems = [str(p) for p in raised.value.problems]
    assert [p for p in problems if all(part in p for part in expected)], (
        f"{case}: no problem mentions {expected}:\n{raised.value}"
    )


def test_every_programme_problem_is_listed_at_once(tmp_path):
    folder = copy_content(tmp_path)
    edit_programme(folder, "dundee", lambda d: d["awards"].pop("diploma"))
    with_northfield(folder, accent="red", insights_token_env="ADVISOR_ADMIN_TOKEN")
    write_programme(folder, "Bad Name.yaml", NORTHFIELD)
    set_default(folder, "southfield")
    with pytest.raises(ContentError) as raised:
        load_content(folder)
    found = {(p.file, p.path) for p in raised.value.problems}
    assert {
        (DUNDEE, "awards"),
        ("programmes/northfield.yaml", "accent"),
        ("programmes/Bad Name.yaml", ""),
        ("advisor.yaml", "default_programme"),
    } <= found, raised.value
    assert f"{len(raised.value.problems)} problem(s)" in str(raised.value)


# --- The editors' schema -----------------------------------------------------------------------


def test_the_exported_schema_is_fresh():
    printed = subprocess.run(
        [sys.executable, "-m", "advisor.programme", "schema"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    assert printed == (CONTENT / "programme.schema.json").read_text(encoding="utf-8"), (
        "content/programme.schema.json is stale: run python -m advisor.programme schema --write"
    )


def test_the_schema_requires_every_award_and_offers_only_the_safe_accents():
    document = programme.schema()
    awards = document["properties"]["awards"]
    assert awards["required"] == list(EXIT_POINTS) and awards["additionalProperties"] is False
    accent = document["properties"]["accent"]["anyOf"][0]
    assert accent["enum"] == ["indigo", "iris", "violet", "purple", "plum", "sky", "mint"]
    assert set(document["required"]) == {"name", "institution", "source", "awards"}


# --- What a result says about a programme ------------------------------------------------------


def test_the_shipped_programme_states_only_what_the_study_does(content):
    dundee = content.programme
    labels = [d.label for d in stated_details(dundee, "masters")]
    assert labels == [
        "Award at this level",
        "Whole programme",
        "Ways to study",
        "Entry requirement",
    ]
    assert "Not stated" not in json.dumps([d.model_dump() for d in stated_details(dundee, None)])
    assert ask_about(dundee) == (
        "Ask the programme about credits, how long each award takes, fees, how to apply and "
        "who to contact: it does not state them here."
    )


def test_a_programme_stating_everything_names_its_award_and_apply_link():
    northfield = ProgrammeProfile.model_validate(NORTHFIELD)
    masters = advice_for("northfield", northfield, "masters")
    assert masters.award == "MSc"
    assert masters.apply_url == "https://apply.northfield.example/msc"
    assert masters.apply_text == "Apply for the MSc at Northfield School of Medicine"
    assert {d.label: d.value for d in masters.details}["Credits at this level"] == "180 credits"
    # Every detail is stated: nothing to ask about.
    assert masters.ask_about is None
    diploma = advice_for("northfield", northfield, "diploma")
    assert diploma.award == "PGDip" and diploma.apply_url is None and diploma.apply_text is None
    none = advice_for("northfield", northfield, None)
    assert none.award is None and "Credits at this level" not in {d.label for d in none.details}


def test_an_unknown_slug_is_shown_short_and_harmless():
    notice = unknown_programme_notice("<script>alert(1)</script>" * 50, "Dundee")
    assert "<" not in notice and ">" not in notice
    assert notice.startswith('No programme called "scriptalert1script')
    assert len(notice) < MAX_SLUG_CHARS + 80
    assert unknown_programme_notice("!!!", "Dundee") == (
        "No programme called that here; showing the default, Dundee."
    )


# --- The API -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_programmes(tmp_path_factory):
    folder = copy_content(tmp_path_factory.mktemp("programmes"))
    with_northfield(folder)
    return load_content(folder)


@pytest.fixture(scope="module")
def api(two_programmes, tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'advisor.db'}"
    db.migrate(url)
    app = create_api(
        two_programmes, engine=db.engine_for(url), limits=Limits.create(saves_per_minute=1000)
    )
    return TestClient(app, raise_server_exceptions=False)


def test_the_api_lists_every_programme_default_first(api):
    listed = api.get("/api/v1/programmes").json()
    assert [(p["slug"], p["default"]) for p in listed] == [
        ("dundee", True),
        ("northfield", False),
    ]
    northfield = listed[1]
    assert northfield["institution"] == "Northfield School of Medicine"
    assert northfield["awards"]["masters"] == {
        "name": "MSc",
        "credits": 180,
        "typical_duration": "3 years part-time",
        "apply_url": "https://apply.northfield.example/msc",
    }


def test_a_recommendation_answers_with_the_chosen_programme(api):
    chosen = api.post("/api/v1/recommendations?programme=northfield", json=VALID_ANSWERS).json()
    assert chosen["recommended"] == "certificate"
    block = chosen["programme"]
    assert (block["slug"], block["award"]) == ("northfield", "PGCert")
    assert block["apply_text"] == "Apply for the PGCert at Northfield School of Medicine"
    default = api.post("/api/v1/recommendations", json=VALID_ANSWERS).json()["programme"]
    assert (default["slug"], default["award"], default["apply_url"]) == (
        "dundee",
        "Postgraduate Certificate",
        None,
    )
    # Apart from the programme block, the answer is the same.
    assert {k: v for k, v in chosen.items() if k != "programme"} == {
        k: v
        for k, v in api.post("/api/v1/recommendations", json=VALID_ANSWERS).json().items()
        if k != "programme"
    }


@pytest.mark.parametrize("path", ["/api/v1/recommendations", "/api/v1/assessments"])
@pytest.mark.parametrize(
    ("asked", "kind"),
    [
        ("southfield", "programme_unknown"),
        ("North Field", "programme_malformed"),
        ("x" * 5000, "programme_malformed"),
        ("", "programme_malformed"),
    ],
)
def test_an_unknown_or_malformed_programme_is_a_422_naming_it(api, path, asked, kind):
    response = api.post(path, params={"programme": asked}, json=VALID_ANSWERS)
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert (problem["field"], problem["type"]) == ("programme", kind)
    # What the client sent is not echoed back.
    assert asked not in problem["message"] or asked == ""


def test_a_saved_result_remembers_its_programme(api):
    saved = api.post("/api/v1/assessments?programme=northfield", json=VALID_ANSWERS)
    assert saved.status_code == 201, saved.text
    assert saved.json()["programme"]["award"] == "PGCert"
    stored = api.get(f"/api/v1/assessments/{saved.json()['id']}").json()
    assert stored["programme"]["slug"] == "northfield"
    assert stored["programme"]["apply_url"] == "https://apply.northfield.example/pgcert"
    plain = api.post("/api/v1/assessments", json=VALID_ANSWERS).json()
    assert api.get(f"/api/v1/assessments/{plain['id']}").json()["programme"]["slug"] == "dundee"


def test_the_openapi_document_names_the_programme_parts_once(api):
    document = api.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert {"ProgrammeListing", "ProgrammeAdvice", "ProgrammeRecommendation"} <= set(schemas)
    for path in ("/api/v1/recommendations", "/api/v1/assessments"):
        parameters = document["paths"][path]["post"]["parameters"]
        assert [p["name"] for p in parameters if p["in"] == "query"] == ["programme"], path
    ok = document["paths"]["/api/v1/recommendations"]["post"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["$ref"].endswith("/ProgrammeRecommendation")


# --- Which sites may frame which programme -----------------------------------------------------


def _frame_ancestors(path_and_query: str, base: str) -> str:
    async def page(scope, receive, send):
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/html")],
            }
        )
        await send({"type": "http.response.body", "body": b"<p>page</p>"})

    sites = {None: [], "dundee": [], "northfield": ["https://www.northfield.example"]}
    app = asgi.security_headers(base, frame_sites=sites)(page)
    csp = TestClient(app).get(path_and_query).headers["content-security-policy"]
    return next(d for d in csp.split("; ") if d.startswith("frame-ancestors")).partition(" ")[2]


@pytest.mark.parametrize(
    ("path", "base", "expected"),
    [
        (
            "/embed/?programme=northfield",
            "https://a.example",
            "https://a.example https://www.northfield.example",
        ),
        (
            "/embed/?programme=NorthField&origin=x",
            "https://a.example",
            "https://a.example https://www.northfield.example",
        ),
        ("/embed/?programme=dundee", "https://a.example", "https://a.example"),
        ("/embed/", "https://a.example", "https://a.example"),
        ("/embed/?programme=southfield", "https://a.example", "https://a.example"),
        ("/embed/?programme=north%20field", "https://a.example", "https://a.example"),
        ("/embed/?programme=northfield", "'none'", "https://www.northfield.example"),
        ("/embed/?programme=northfield", "*", "*"),
        ("/assess/?programme=northfield", "https://a.example", "'none'"),
        (
            "/embed/?" + "a=1&" * 50 + "programme=northfield",
            "https://a.example",
            "https://a.example",
        ),
    ],
)
def test_a_programme_adds_its_own_frame_sites_on_its_embed_only(path, base, expected):
    assert _frame_ancestors(path, base) == expected
