"""The chosen programme on the pages, without a browser: ?programme= on /assess and /result,
the result's programme block, a save remembering its programme, and /embed's choice of it."""

from __future__ import annotations

import base64
import json
import uuid

import pytest
from reflex import constants
from reflex.istate.data import RouterData

from advisor import db
from advisor import state as state_module
from advisor.components.result_view import _programme
from advisor.pages.embed import EmbedState
from advisor.pages.saved import SavedState
from advisor.programme import ProgrammeProfile
from advisor.runtime import CONTENT
from advisor.state import AnswersState
from tests.utils.async_calls import call
from tests.utils.programmes import NORTHFIELD
from tests.utils.rendered import ids_of

# A finished questionnaire whose result is the Certificate.
CERTIFICATE = (
    "audience=self&healthcare_background=yes&role=minor_teaching&career_stage=late"
    "&motivations=career_prospects&research_aim=none"
)


@pytest.fixture
def northfield(monkeypatch):
    """A second programme beside the shipped one, as a content folder holding it would give."""
    monkeypatch.setitem(
        CONTENT.programmes, "northfield", ProgrammeProfile.model_validate(NORTHFIELD)
    )
    state_module._programme_advice.cache_clear()
    yield "northfield"
    state_module._programme_advice.cache_clear()


def at(state, address: str):
    """`state` as a page opened at `address` (path and query string) would see it."""
    state.router = RouterData.from_router_data(
        {
            constants.RouteVar.CLIENT_IP: "203.0.113.7",
            constants.RouteVar.HEADERS: {"origin": "http://localhost"},
            constants.RouteVar.ORIGIN: address,
        }
    )
    return state


def test_assess_takes_the_programme_and_the_result_describes_it(northfield):
    state = at(AnswersState(), "/assess/?programme=northfield")
    state.open_assess()
    assert (state.programme, state.programme_notice) == ("northfield", "")
    state.stored = CERTIFICATE
    assert state.recommended == "certificate"
    assert state.programme_name == NORTHFIELD["name"]
    assert state.programme_award == "PGCert"
    assert state.programme_apply_url == "https://apply.northfield.example/pgcert"
    assert state.programme_apply_text == "Apply for the PGCert at Northfield School of Medicine"
    details = {d["label"]: d["value"] for d in state.programme_details}
    assert details["Credits at this level"] == "60 credits"
    assert state.programme_ask_about == ""
    # The questionnaire's own links carry no ?programme=: the choice stands.
    at(state, "/assess/").open_assess()
    assert state.programme == "northfield"
    at(state, "/result/").open_result()
    assert state.programme == "northfield" and state.programme_award == "PGCert"


def test_the_default_programme_states_no_not_stated_row():
    state = AnswersState()
    state.stored = CERTIFICATE
    assert state.programme_name == CONTENT.programme.name
    assert state.programme_award == "Postgraduate Certificate"
    assert "Not stated" not in json.dumps(state.programme_details)
    assert state.programme_ask_about.startswith("Ask the programme about credits")
    assert state.programme_apply_url == "" and state.programme_apply_text == ""


@pytest.mark.parametrize(
    "asked", ["nope", "<img src=x onerror=alert(1)>", "x" * 10_000, "%00%0a", "%20"]
)
def test_an_unknown_programme_shows_the_default_and_a_short_plain_notice(asked):
    state = at(AnswersState(), "/assess/?" + "programme=" + asked)
    state.programme = "dundee"
    state.open_assess()
    assert state.programme == ""
    assert state.programme_notice.startswith("No programme called ")
    assert state.programme_notice.endswith(f"showing the default, {CONTENT.programme.name}.")
    assert "<" not in state.programme_notice and len(state.programme_notice) < 200


def test_a_link_with_the_programme_and_answers_uses_both(northfield):
    state = at(AnswersState(), "/result/?programme=northfield&" + CERTIFICATE)
    state.open_result()
    # ?programme= is not an answer the link could not use.
    assert state.link_problem == ""
    assert state.programme == "northfield" and state.recommended == "certificate"


def test_a_saved_result_remembers_its_programme_and_the_saved_page_shows_it(northfield, web_engine):
    state = at(AnswersState(), "/result/?programme=northfield")
    state.open_result()
    state.stored = CERTIFICATE
    call(state.save_result())
    assert state.saved_id, state.save_error
    with db.Session(web_engine) as session:
        record = db.get_result(session=session, result_id=uuid.UUID(state.saved_id))
    assert record is not None and record.programme == "northfield"
    saved = at(SavedState(), f"/r/{state.saved_id}")
    call(saved.load())
    assert saved.found and saved.programme == "northfield"
    assert saved.programme_award == "PGCert"


def test_the_programme_block_is_driven_by_the_state_and_comes_after_the_reasons():
    block = _programme(AnswersState)
    assert {"programme", "programme-heading"} <= ids_of(block)
    rendered = str(block.render())
    assert "Not stated" not in rendered
    # The apply link and the summary of what is not stated are both there, each behind its
    # condition.
    assert "programme-apply" in rendered and "programme-ask" in rendered


def _embed(address: str, answers: AnswersState, monkeypatch) -> EmbedState:
    embed = at(EmbedState(), address)

    async def get_state(self, cls):
        assert cls is AnswersState
        return answers

    monkeypatch.setattr(EmbedState, "get_state", get_state)
    call(embed.open_embed())
    return embed


def test_the_embed_takes_the_programme_and_its_accent(northfield, monkeypatch):
    answers = AnswersState()
    embed = _embed(
        "/embed/?programme=northfield&origin=https://www.northfield.example", answers, monkeypatch
    )
    assert embed.unknown_programme == ""
    assert answers.programme == "northfield"
    assert embed.accent == "plum"  # the programme's own, as no ?accent= asks for another
    answers.stored = CERTIFICATE
    script = str(call(embed.show_result()))
    assert '\\"programme\\": \\"northfield\\"' in script or '"programme": "northfield"' in script
    assert "PGCert" in script
    # An ?accent= of the host page wins over the programme's.
    assert (
        _embed("/embed/?programme=northfield&accent=sky", AnswersState(), monkeypatch).accent
        == "sky"
    )


@pytest.mark.parametrize("asked", ["nope", "<b>bold</b>", "a" * 300])
def test_the_embed_of_an_unknown_programme_says_so_instead_of_the_questions(asked, monkeypatch):
    answers = AnswersState()
    embed = _embed(f"/embed/?programme={asked}", answers, monkeypatch)
    assert embed.unknown_programme.startswith("No programme called ")
    assert "questions cannot be shown" in embed.unknown_programme
    assert "<" not in embed.unknown_programme and len(embed.unknown_programme) < 300
    assert answers.programme == ""


def test_the_embed_without_a_programme_shows_the_default(monkeypatch):
    answers = AnswersState()
    embed = _embed("/embed/", answers, monkeypatch)
    assert embed.unknown_programme == "" and answers.programme_slug == CONTENT.default_programme


def test_the_copied_link_reopens_the_result_for_the_same_programme(northfield):
    chosen = at(AnswersState(), "/assess/?programme=northfield")
    chosen.open_assess()
    chosen.stored = CERTIFICATE
    assert chosen.share_path.startswith("/result?programme=northfield&")
    reopened = at(AnswersState(), chosen.share_path)
    reopened.open_result()
    assert reopened.programme == "northfield" and reopened.stored == chosen.stored
    assert reopened.link_problem == ""
    # The default programme's link is as it always was.
    plain = AnswersState()
    plain.stored = CERTIFICATE
    assert plain.share_path == f"/result?{CERTIFICATE}"
    # A link with answers and no ?programme= is the default's, in a tab that chose another.
    at(reopened, plain.share_path).open_result()
    assert reopened.programme == "" and reopened.programme_name == CONTENT.programme.name
    # Without answers (the questionnaire's own "See the result"), the tab's choice stands.
    at(reopened, "/assess/?programme=northfield").open_assess()
    at(reopened, "/result/").open_result()
    assert reopened.programme == "northfield"


def _downloaded(state: AnswersState) -> dict:
    """The JSON document the result's "Download JSON" gives."""
    event = state.download_json()
    args = {str(name): value._var_value for name, value in event.args}
    assert args["filename"] == "programme-advisor-result.json"
    prefix = "data:application/json;base64,"
    assert args["url"].startswith(prefix)
    return json.loads(base64.b64decode(args["url"].removeprefix(prefix)))


def test_the_downloaded_result_carries_the_programme_block_the_api_answers_with(northfield):
    from advisor.api.routes.programmes import advice_json

    chosen = at(AnswersState(), "/assess/?programme=northfield")
    chosen.open_assess()
    chosen.stored = CERTIFICATE
    document = _downloaded(chosen)
    assert document["result"]["recommended"] == "certificate"
    assert document["programme"] == json.loads(advice_json(CONTENT)["northfield"]["certificate"])
    assert document["programme"]["apply_text"] == (
        "Apply for the PGCert at Northfield School of Medicine"
    )
    # The default programme's download names the default programme.
    plain = AnswersState()
    plain.stored = CERTIFICATE
    assert _downloaded(plain)["programme"]["slug"] == CONTENT.default_programme
    # Unfinished answers give no download.
    plain.stored = "audience=self&healthcare_background=yes"
    assert plain.download_json() is None
