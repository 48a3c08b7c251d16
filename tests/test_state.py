"""The web state without a browser: handlers and computed vars of the shared answers state."""

import pytest

from advisor.answers import decode
from advisor.engine import recommend
from advisor.profile import Profile
from advisor.runtime import CONTENT
from advisor.state import AnswersState


@pytest.fixture
def state():
    return AnswersState()


def walk(state, *answers):
    """Answer each question in turn (a tuple answers the multiple-choice one) and press Next."""
    for answer in answers:
        if isinstance(answer, tuple):
            for value in answer:
                state.toggle_choice("motivations", value)
        elif answer is not None:
            state.set_answer(state.current_question, answer)
        state.next_step()


def test_next_without_an_answer_stays_and_explains(state):
    state.next_step()
    assert state.current_question == "healthcare_background"
    assert "choose an answer" in state.error
    state.set_answer("healthcare_background", "yes")
    assert state.error == ""
    state.next_step()
    assert state.current_question == "role" and state.step == 1


def test_motivations_need_at_least_one_choice(state):
    walk(state, "yes", "trainee", "early")
    state.next_step()
    assert state.current_question == "motivations" and "at least one" in state.error


def test_the_optional_question_can_be_skipped(state):
    walk(state, "yes", "trainee", "early", ("improve_teaching",), "none", None)
    # Then the priorities, optional too: Next without a rating goes on to the review.
    assert state.current_question == "priorities"
    state.next_step()
    assert state.current_question == "review" and state.error == ""
    assert state.complete and state.recommended == "certificate"


def test_no_healthcare_background_goes_straight_to_review(state):
    walk(state, "no")
    assert state.current_question == "review" and state.total == 1
    assert state.complete and not state.eligible
    assert "background in healthcare" in state.explanation
    assert state.ranking == [] and state.quotes == []


def test_invalid_values_are_ignored(state):
    state.set_answer("role", "surgeon")
    state.set_answer("nonsense", "x")
    state.toggle_choice("motivations", "fame")
    assert state.stored == ""


def test_result_vars_match_the_engine(state):
    walk(state, "yes", "major_teaching", "mid", ("career_prospects",), "apply_evidence", "uk")
    answers, _ = decode(state.stored)
    expected = recommend(Profile(**answers.model_dump()), CONTENT.compiled_rules)
    assert state.recommended == expected.recommended == "diploma"
    assert state.confidence == expected.confidence
    assert [r["id"] for r in state.ranking] == [r.exit_point for r in expected.ranking]
    assert [q["id"] for q in state.quotes] == [q.id for q in expected.quotes]
    assert [c["text"] for c in state.changes] == [c.text for c in expected.what_would_change]
    assert "Diploma" in state.headline and "tentative" in state.headline


def test_change_from_review_returns_to_review(state):
    walk(state, "yes", "trainee", "early", ("improve_teaching",), "none", "uk")
    assert state.recommended == "certificate"
    research = CONTENT.questions.index(next(q for q in CONTENT.questions if q.id == "research_aim"))
    state.go_to_step(research)
    assert state.current_question == "research_aim"
    state.set_answer("research_aim", "doctorate")
    state.next_step()
    assert state.current_question == "review"
    assert state.recommended == "masters"


def test_back_and_start_again(state):
    walk(state, "yes", "trainee")
    state.previous_step()
    assert state.current_question == "role"
    state.set_audience("supervisor")
    state.start_again()
    assert state.current_question == "healthcare_background"
    assert state.choices["healthcare_background"] == ""
    # The audience chosen on the landing page survives starting again.
    assert state.is_supervisor


def test_supervisor_voice(state):
    state.set_audience("supervisor")
    walk(state, "yes", "trainee", "early", ("improve_teaching",), "none", None)
    assert "your colleague" in state.headline
    assert all("You " not in r["text"][:4] for r in state.reasons)


def test_share_path_reopens_the_same_answers(state):
    walk(state, "yes", "education_researcher", "early", ("specialist_career",), "doctorate", None)
    path = state.share_path
    assert path.startswith("/result?")
    again, dropped = decode(path.split("?", 1)[1])
    assert dropped == [] and again == decode(state.stored)[0]


def test_the_session_holds_answers_not_the_corpus(state):
    walk(state, "yes", "major_teaching", "mid", ("career_prospects",), "apply_evidence", "uk")
    delta = state.get_delta()
    size = len(str(delta))
    # Everything the result page needs for this session, derived from a short answers text.
    assert len(state.stored) < 200
    assert size < 20_000, size


# --- What the browser sends back from its storage is untrusted --------------------------------


def test_a_stored_value_too_long_for_answers_is_not_kept_and_the_person_is_told(state):
    # As Reflex applies the browser's storage on (re)connection: an assignment to the var.
    state.stored = "motivations=" + "x," * 500_000
    assert state.stored == ""
    assert "could not be used" in state.link_problem
    assert state.current_question == "healthcare_background"


@pytest.mark.parametrize("value", [{"a": 1}, ["x"], 7, None])
def test_a_stored_value_that_is_not_text_is_not_kept(state, value):
    state.stored = value
    assert state.stored == ""


@pytest.mark.parametrize("position", ["9" * 100_000, "-1", "2; drop", "", "1e3"])
def test_a_position_that_is_not_a_step_number_goes_back_to_the_start(state, position):
    state.position = position
    assert state.position == "0" and state.step == 0


def test_a_real_stored_value_is_kept(state):
    walk(state, "yes", "trainee")
    kept = state.stored
    state.stored = kept
    assert state.stored == kept and state.link_problem == ""


def test_a_link_naming_many_unknown_answers_is_summarised(state, monkeypatch):
    params = {f"unknown{i}": "x" for i in range(20)}
    monkeypatch.setattr(type(state), "router", _Router(params), raising=False)
    state.open_result()
    assert state.link_problem.startswith("Some answers in the link could not be used: unknown")
    assert state.link_problem.endswith("and 15 more.")


def test_a_link_far_too_long_is_refused_with_a_notice(state, monkeypatch):
    params = {"motivations": "leadership," * 500}
    monkeypatch.setattr(type(state), "router", _Router(params), raising=False)
    state.open_result()
    assert "far longer" in state.link_problem and state.stored == "audience=self"


class _Router:
    """Just enough of Reflex's router data for open_result: the page's query parameters."""

    def __init__(self, params):
        self.url = type("Url", (), {"query_parameters": params})()


# --- The decision aid's two steps: what matters, and the readiness check ----------------------


@pytest.mark.parametrize(
    ("item", "level"),
    [
        ("research", "extreme"),  # not a level
        ("fame", "high"),  # not a priority
        ("", ""),
        ("research", 2),  # not text
        (1, "high"),
        (None, None),
        (["research"], "high"),
        ("research", ["high"]),
    ],
)
def test_set_priority_refuses_unknown_ids_values_and_types(state, item, level):
    state.set_priority(item, level)
    assert state.stored == ""


@pytest.mark.parametrize(
    ("item", "value"),
    [
        ("sure", "maybe"),
        ("sure", "high"),
        ("certain", "yes"),
        ("sure", True),  # a boolean is not one of the radio group's values
        (1, "yes"),
        (None, "no"),
        ("sure", None),
        ({"sure": "yes"}, "yes"),
    ],
)
def test_set_readiness_refuses_unknown_ids_values_and_types(state, item, value):
    state.set_readiness(item, value)
    assert state.stored == ""


def test_priorities_are_rated_and_cleared(state):
    walk(state, "yes", "trainee", "early", ("improve_teaching",), "none", None)
    assert state.current_question == "priorities"
    assert state.step == state.priorities_step == 6 and state.question_count == 6
    state.set_priority("research", "high")
    state.set_priority("short_commitment", "low")
    assert state.priority_choices["research"] == "high"
    assert state.priority_choices["short_commitment"] == "low"
    assert state.fit_state in {"same", "differs", "none"} and state.fit_rows
    state.clear_priorities()
    assert set(state.priority_choices.values()) == {""}
    assert state.fit_state == "" and state.fit_rows == []


def test_no_healthcare_background_has_no_priorities_step(state):
    walk(state, "no")
    assert state.priorities_step == -1 and state.question_count == 1


def test_readiness_answers_give_the_score(state):
    walk(state, "yes", "trainee", "early", ("improve_teaching",), "none", None)
    assert state.sure_score == -1
    state.set_readiness("sure", "yes")
    assert state.sure_score == 1 and state.sure_choices["sure"] == "yes"
    state.set_readiness("sure", "no")
    assert state.sure_score == 0 and state.sure_choices["sure"] == "no"
    assert "sure=" in state.share_path


def test_questions_to_ask_are_grouped_by_whom_to_ask(state):
    walk(state, "yes", "trainee", "early", ("funding_requirement",), "none", None)
    order = ["programme", "workplace", "supervisor"]
    groups = state.ask_groups
    assert groups and all(g["items"] for g in groups)
    assert [g["ask"] for g in groups] == [w for w in order if any(g["ask"] == w for g in groups)]
    assert [a for g in groups for a in g["items"]] == sorted(
        state.asks, key=lambda a: order.index(a["ask"])
    )
