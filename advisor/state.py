"""The state the pages share: a person's answers, kept in their browser, and the questionnaire
over an answers text (also a plan's draft, advisor.pages.plan)."""

from __future__ import annotations

import functools
import json
from typing import Any, get_args

import reflex as rx

from advisor import counting, db
from advisor.answers import MAX_TEXT_CHARS, OVERSIZED, decode, encode, to_profile
from advisor.decision_aid import WhoToAsk
from advisor.embed_options import AUDIENCE_PARAM
from advisor.engine import recommend
from advisor.profile import (
    ANSWERS,
    AUDIENCES,
    IMPORTANCES,
    MULTIPLE_CHOICE,
    PRIORITY_IDS,
    READINESS_IDS,
)
from advisor.programme import ProgrammeAdvice, advice_for, slug_of, unknown_programme_notice
from advisor.ratelimit import retry_after_header
from advisor.runtime import CONTENT, LIMITS, view_of
from advisor.settings import settings
from advisor.usage import detail_of
from advisor.view import (
    PRIORITIES_STEP,
    AnswersView,
    group_changes,
    number_findings,
    result_document,
)

# The evidence lives at module level (advisor.runtime); sessions hold only their answers.
QUESTION_IDS = [q.id for q in CONTENT.questions]
# A questionnaire position is a step number: a few digits.
MAX_POSITION_CHARS = 4
# Moves keyboard focus to an element once it is on the page: after a step, a navigation or a
# dialog the element appears only once the new state has rendered (and a closing dialog hands
# the focus back to its button first), so it is looked for every 50 ms, for up to 4 s.
# With `unless_focused`, it gives up if something else has the focus by then (a page opened
# by a link focuses its heading; a page the person is already using keeps its focus).
FOCUS_SCRIPT = """(() => {
  const id = %s, unlessFocused = %s;
  let tries = 80;
  const go = () => {
    const el = document.getElementById(id);
    if (el && !document.querySelector("[role=alertdialog]")) {
      const active = document.activeElement;
      if (!unlessFocused || !active || active === document.body) el.focus();
      return;
    }
    if (--tries > 0) setTimeout(go, 50);
  };
  go();
})()"""
# What the notice names of a link's unusable answers (a link may carry any number of made-up
# names, of any length).
MAX_NAMES_SHOWN = 5
MAX_NAME_SHOWN = 40
STORED_REFUSED = (
    "The answers kept in this browser could not be used, so the questionnaire starts again."
)
# While a page is open it touches its session every third of the idle time, so an open page
# never finds its session expired (its answers would then seem gone until a reload), while a
# closed page's session is forgotten soon after. One loop per page: the browser keeps a flag.
KEEP_ALIVE_MS = settings.session_idle_seconds * 1000 // 3
KEEP_ALIVE_WAIT = f"new Promise((resolve) => setTimeout(() => resolve(true), {KEEP_ALIVE_MS}))"
KEEP_ALIVE_FIRST = (
    f"window.__advisorKeepAlive ? false : ((window.__advisorKeepAlive = true), {KEEP_ALIVE_WAIT})"
)
LINK_REFUSED = "The link could not be used: it is far longer than any link the advisor makes."
# What a person sees when another process holds the database's lock: nothing is lost, and
# the same click will work once it lets go.
BUSY = "The database is busy; please try again in a moment."
# Asks the browser whether it sends the Global Privacy Control signal. Only the literal answer
# "not-sent" lets a page be counted: a browser that never answers is not counted.
PRIVACY_SCRIPT = 'navigator.globalPrivacyControl === true ? "sent" : "not-sent"'
# The pages that show the questionnaire's current step when they open (a step reached).
QUESTIONNAIRE_PATHS = ("/assess", "/embed")
RESULT_PATH = "/result"
# What one run may count before it stops counting: its steps, and a few dozen distinct results.
MAX_RUN_MARKS = 200


def _view(stored: str) -> AnswersView:
    return view_of(stored)


@functools.lru_cache(maxsize=64)
def _programme_advice(programme: str, exit_point: str) -> ProgrammeAdvice:
    slug = programme if programme in CONTENT.programmes else CONTENT.default_programme
    return advice_for(slug, CONTENT.programmes[slug], exit_point or None)


def programme_choice(asked: str | None) -> tuple[str, str]:
    """The programme `?programme=` chooses ("" for the default) and the notice to show ("" when
    it names a programme): an unknown or malformed slug shows the default, and says so."""
    if asked is None:
        return "", ""
    slug = slug_of(asked)
    if slug in CONTENT.programmes:
        return ("" if slug == CONTENT.default_programme else slug), ""
    return "", unknown_programme_notice(asked, CONTENT.programme.name)


def focus_on(element_id: str, *, unless_focused: bool = False) -> rx.event.EventSpec:
    """Move keyboard focus to the element once it is shown (see FOCUS_SCRIPT)."""
    return rx.call_script(FOCUS_SCRIPT % (json.dumps(element_id), json.dumps(unless_focused)))


def step_heading(view: AnswersView, step: int) -> str:
    """The id of a questionnaire step's heading, which takes the focus when the step opens: a
    question's legend, or the review's heading."""
    return f"question-{view.ask[step]}-legend" if 0 <= step < len(view.ask) else "review-heading"


def client_of(router: Any) -> str:
    """The rate limits' key for the browser behind a websocket (its address, or the one a
    trusted proxy forwarded: see advisor.ratelimit.client_key)."""
    return LIMITS.key(router.session.client_ip, router.headers.raw_headers.get("x-forwarded-for"))


def too_many_saves(router: Any, done: str = "results have been saved") -> str:
    """What to tell this browser when it may not save a result (or start a plan: `done` names
    what it did too often) now; "" (and counted) if it may. Saves and plans share one limit."""
    if (wait := LIMITS.saves.hit(client_of(router))) > 0:
        return (
            f"Too many {done} from this address just now. Please try again "
            f"in {retry_after_header(wait)} seconds."
        )
    return ""


class ResultVars(rx.State, mixin=True):
    """Everything a result page shows, derived from one answers text in `stored`.

    Shared by the live answers (AnswersState, kept in the browser) and a saved result
    (advisor.pages.saved), so both pages render the same components.
    """

    stored: str = ""
    # The programme (content/programmes/<slug>.yaml) the result describes: "" for the default.
    programme: str = ""

    @property
    def programme_slug(self) -> str:
        """The chosen programme's slug: the default when none, or an unknown one, is chosen."""
        return self.programme if self.programme in CONTENT.programmes else CONTENT.default_programme

    # --- derived: the chosen programme, for the suggested exit point ------------------------

    @rx.var
    def programme_name(self) -> str:
        return _programme_advice(self.programme, _view(self.stored).recommended).name

    @rx.var
    def programme_institution(self) -> str:
        return _programme_advice(self.programme, _view(self.stored).recommended).institution

    @rx.var
    def programme_source(self) -> str:
        return _programme_advice(self.programme, _view(self.stored).recommended).source

    @rx.var
    def programme_award(self) -> str:
        """The programme's own name for the suggested award ("MSc"); "" without a suggestion."""
        return _programme_advice(self.programme, _view(self.stored).recommended).award or ""

    @rx.var
    def programme_details(self) -> list[dict[str, str]]:
        advice = _programme_advice(self.programme, _view(self.stored).recommended)
        return [detail.model_dump() for detail in advice.details]

    @rx.var
    def programme_ask_about(self) -> str:
        return _programme_advice(self.programme, _view(self.stored).recommended).ask_about or ""

    @rx.var
    def programme_apply_url(self) -> str:
        return _programme_advice(self.programme, _view(self.stored).recommended).apply_url or ""

    @rx.var
    def programme_apply_text(self) -> str:
        return _programme_advice(self.programme, _view(self.stored).recommended).apply_text or ""

    @rx.var
    def audience(self) -> str:
        return _view(self.stored).answers.audience

    @rx.var
    def is_supervisor(self) -> bool:
        return _view(self.stored).answers.audience == "supervisor"

    # --- derived: the result ----------------------------------------------------------------

    @rx.var
    def complete(self) -> bool:
        return _view(self.stored).complete

    @rx.var
    def eligible(self) -> bool:
        return _view(self.stored).eligible

    @rx.var
    def recommended(self) -> str:
        return _view(self.stored).recommended

    @rx.var
    def headline(self) -> str:
        return _view(self.stored).headline

    @rx.var
    def confidence(self) -> str:
        return _view(self.stored).confidence

    @rx.var
    def confidence_label(self) -> str:
        return _view(self.stored).confidence_label

    @rx.var
    def confidence_meaning(self) -> str:
        return _view(self.stored).confidence_meaning

    @rx.var
    def evidence_label(self) -> str:
        return _view(self.stored).evidence_label

    @rx.var
    def explanation(self) -> str:
        return _view(self.stored).explanation

    @rx.var
    def reasons(self) -> list[dict[str, Any]]:
        return _view(self.stored).reasons

    @rx.var
    def other_reasons(self) -> int:
        """How many reasons favoured an option other than the suggested one."""
        return sum(1 for r in _view(self.stored).reasons if not r["supports_result"])

    @rx.var
    def reason_findings(self) -> list[dict[str, Any]]:
        """The findings the reasons rest on, each once, numbered as the reasons cite them."""
        return number_findings([dict(r) for r in _view(self.stored).reasons])

    @rx.var
    def changes(self) -> list[dict[str, str]]:
        return _view(self.stored).changes

    @rx.var
    def change_groups(self) -> list[dict[str, Any]]:
        """What would change the suggestion, grouped by question."""
        return group_changes(_view(self.stored).changes)

    @rx.var
    def review(self) -> list[dict[str, Any]]:
        """The answers, one row per question asked (the result shows them too)."""
        return _view(self.stored).review

    @rx.var
    def quotes(self) -> list[dict[str, str]]:
        return _view(self.stored).quotes

    @rx.var
    def ranking(self) -> list[dict[str, Any]]:
        return _view(self.stored).ranking

    @rx.var
    def step_up(self) -> str:
        return _view(self.stored).step_up

    # --- derived: the decision aid -----------------------------------------------------------

    @rx.var
    def priority_choices(self) -> dict[str, str]:
        """Each priority's rating ("" when left out), as the priorities step's values."""
        return _view(self.stored).priority_choices

    @rx.var
    def sure_choices(self) -> dict[str, str]:
        """Each readiness item's answer: "yes", "no" or "" (not answered)."""
        return _view(self.stored).sure_choices

    @rx.var
    def fit_state(self) -> str:
        return _view(self.stored).fit_state

    @rx.var
    def fit_text(self) -> str:
        return _view(self.stored).fit_text

    @rx.var
    def fit_leaning(self) -> str:
        return _view(self.stored).fit_leaning

    @rx.var
    def fit_rows(self) -> list[dict[str, Any]]:
        return _view(self.stored).fit_rows

    @rx.var
    def fit_changes(self) -> list[str]:
        return _view(self.stored).fit_changes

    @rx.var
    def fit_judged(self) -> bool:
        """Whether a cell of the priorities table is the advisor's judgement, not the study's."""
        return any(o["judgement"] for r in _view(self.stored).fit_rows for o in r["offers"])

    @rx.var
    def sure_score(self) -> int:
        return _view(self.stored).sure_score

    @rx.var
    def sure_needs(self) -> list[str]:
        return _view(self.stored).sure_needs

    @rx.var
    def asks(self) -> list[dict[str, Any]]:
        return _view(self.stored).asks

    @rx.var
    def ask_groups(self) -> list[dict[str, Any]]:
        """The questions to ask, grouped by whom to ask (programme, workplace, supervisor), in
        that order; a group only when it has questions."""
        asks = _view(self.stored).asks
        return [
            {"ask": who, "items": [a for a in asks if a["ask"] == who]}
            for who in get_args(WhoToAsk)
            if any(a["ask"] == who for a in asks)
        ]

    @rx.var
    def share_path(self) -> str:
        """A path that reopens these answers' result anywhere (answers only, nothing personal),
        for the same programme (a chosen one only: the default needs no ?programme=)."""
        chosen = f"programme={self.programme}&" if self.programme in CONTENT.programmes else ""
        return f"/result?{chosen}{_view(self.stored).query}"

    @rx.event
    def download_json(self):
        document = result_document(self.stored, CONTENT, self.programme_slug)
        if document is None:
            return
        return rx.download(
            data=document,
            filename="programme-advisor-result.json",
            mime_type="application/json",
        )


class QuestionnaireVars(ResultVars, mixin=True):
    """The questionnaire over one answers text in `stored`: its position, its checks and the
    handlers that change an answer.

    Shared by a person's own answers (AnswersState, at /assess and /embed) and a plan's draft
    (advisor.pages.plan), each kept under its own names in the browser.
    """

    position: str = "0"
    # A message beside the current question when Next is pressed without an answer.
    error: str = ""
    # Set when a shared link carried answers the advisor could not use.
    link_problem: str = ""
    # True after "Change" on the review: Next then returns to the review (or to the first
    # question still unanswered) instead of walking through every later question again.
    editing: bool = False

    def __setattr__(self, name: str, value: Any) -> None:
        # The browser's storage comes back from the browser on every (re)connection and from
        # other tabs (sync=True), through this assignment: it is untrusted input. Anything that
        # cannot be a real answers text or position is replaced before the session keeps it,
        # so one session holds at most a few hundred bytes of it, and the browser is told to
        # forget the rest.
        if name == "stored" and not (isinstance(value, str) and len(value) <= MAX_TEXT_CHARS):
            value = ""
            super().__setattr__("link_problem", STORED_REFUSED)
        elif name == "position" and not (
            isinstance(value, str) and len(value) <= MAX_POSITION_CHARS and value.isdigit()
        ):
            value = "0"
        super().__setattr__(name, value)

    # --- derived: the questionnaire ---------------------------------------------------------

    @rx.var
    def asked(self) -> list[str]:
        return _view(self.stored).ask

    @rx.var
    def total(self) -> int:
        return len(_view(self.stored).ask)

    @rx.var
    def step(self) -> int:
        """The current step: a question's index, or `total` for the review."""
        total = len(_view(self.stored).ask)
        try:
            return max(0, min(int(self.position), total))
        except ValueError:
            return 0

    @rx.var
    def current_question(self) -> str:
        view = _view(self.stored)
        try:
            index = int(self.position)
        except ValueError:
            index = 0
        return view.ask[index] if 0 <= index < len(view.ask) else "review"

    @rx.var
    def choices(self) -> dict[str, str]:
        """The chosen option of each single-choice question, as the radio groups' values."""
        answers = _view(self.stored).answers
        out = {}
        for qid in QUESTION_IDS:
            value = getattr(answers, qid)
            if isinstance(value, bool):
                out[qid] = "yes" if value else "no"
            elif isinstance(value, str):
                out[qid] = value
            else:
                out[qid] = ""
        return out

    @rx.var
    def checked(self) -> dict[str, list[str]]:
        """The chosen options of each multiple-choice question, as its checkboxes' states."""
        answers = _view(self.stored).answers
        return {qid: list(getattr(answers, qid)) for qid in MULTIPLE_CHOICE}

    @rx.var
    def has_answers(self) -> bool:
        return bool(self.stored)

    # --- derived: the decision aid's step in the questionnaire ------------------------------

    @rx.var
    def priorities_step(self) -> int:
        """The step of the priorities (what matters), for go_to_step; -1 when not asked."""
        ask = _view(self.stored).ask
        return ask.index(PRIORITIES_STEP) if PRIORITIES_STEP in ask else -1

    @rx.var
    def question_count(self) -> int:
        """How many steps are questions: the optional priorities step is not one of them."""
        return sum(1 for step in _view(self.stored).ask if step != PRIORITIES_STEP)

    # --- handlers ---------------------------------------------------------------------------

    def _answers_changed(self) -> None:
        """An answer has just changed (a hook for the states that keep more)."""

    def _moved(self, before: str) -> None:
        """The answers (once `before`) or the step have just changed (a hook: AnswersState
        counts what happened)."""

    def _run_restarted(self) -> None:
        """Every answer has just been forgotten: a new run begins (a hook)."""

    def _questions_open(self) -> list[rx.event.EventSpec]:
        """What "Change" on the review or a result does before the focus moves to the step:
        AnswersState redirects to /assess (from /result); a page showing the questions itself
        scrolls to their top."""
        return [rx.scroll_to("step-top")]

    def _save(self, answers: Any) -> None:
        text = encode(answers)
        if text != self.stored:
            # A notice about answers a link or the browser held is out of date once the person
            # changes one.
            self.link_problem = ""
            self._answers_changed()
        before, self.stored = self.stored, text
        if text != before:
            self._moved(before)

    @rx.event
    def set_answer(self, question_id: str, value: str) -> None:
        """Choose one option of a single-choice or yes/no question."""
        # Arguments come from the browser as sent: Reflex passes on what it cannot convert.
        if not (isinstance(question_id, str) and isinstance(value, str)):
            return
        if question_id not in QUESTION_IDS or ANSWERS[question_id].kind == "multiple":
            return
        answers = _view(self.stored).answers
        parsed: Any = (
            {"yes": True, "no": False}.get(value)
            if ANSWERS[question_id].kind == "boolean"
            else value
        )
        question = CONTENT.questions[QUESTION_IDS.index(question_id)]
        if parsed is None or question.option(parsed) is None:
            return
        self._save(answers.with_answer(question_id, parsed))
        self.error = ""

    @rx.event
    def toggle_choice(self, question_id: str, value: str) -> None:
        """Add or remove one option of a multiple-choice question."""
        if not (isinstance(question_id, str) and isinstance(value, str)):
            return
        if question_id not in QUESTION_IDS or ANSWERS[question_id].kind != "multiple":
            return
        question = CONTENT.questions[QUESTION_IDS.index(question_id)]
        if question.option(value) is None:
            return
        self._save(_view(self.stored).answers.toggled(question_id, value))
        self.error = ""

    @rx.event
    def set_priority(self, item: str, level: str) -> None:
        """Rate how much one priority matters (low, medium, high)."""
        if not (isinstance(item, str) and isinstance(level, str)):
            return
        if item not in PRIORITY_IDS or level not in IMPORTANCES:
            return
        self._save(_view(self.stored).answers.with_item("priorities", item, level))

    @rx.event
    def clear_priorities(self) -> None:
        """Leave every priority unrated (the step is optional)."""
        self._save(_view(self.stored).answers.with_answer("priorities", None))

    @rx.event
    def set_readiness(self, item: str, value: str) -> None:
        """Answer one item of the readiness check: "yes" or "no"."""
        if not (isinstance(item, str) and isinstance(value, str)):
            return
        if item not in READINESS_IDS or value not in ("yes", "no"):
            return
        self._save(_view(self.stored).answers.with_item("sure", item, value == "yes"))

    @rx.event
    def next_step(self):
        view = _view(self.stored)
        step = self.step
        if step < len(view.ask):
            qid = view.ask[step]
            if qid in view.missing:
                self.error = (
                    "Please choose at least one option to continue."
                    if ANSWERS[qid].kind == "multiple"
                    else "Please choose an answer to continue."
                )
                return rx.set_focus(f"question-{qid}-error")
        self.error = ""
        if self.editing:
            later = [view.ask.index(q) for q in view.missing if view.ask.index(q) > step]
            self.position = str(later[0] if later else len(view.ask))
        else:
            self.position = str(min(step + 1, len(view.ask)))
        if int(self.position) == len(view.ask):
            self.editing = False
        self._moved(self.stored)
        return [rx.scroll_to("step-top"), focus_on(step_heading(view, int(self.position)))]

    @rx.event
    def previous_step(self):
        self.error = ""
        self.position = str(max(self.step - 1, 0))
        return [rx.scroll_to("step-top"), focus_on(step_heading(_view(self.stored), self.step))]

    def _edit_step(self, step: int) -> None:
        self.error = ""
        self.editing = True
        self.position = str(max(0, min(step, len(_view(self.stored).ask))))

    def _forget_answers(self) -> None:
        audience = _view(self.stored).answers.audience
        self.stored = encode(decode(f"audience={audience}")[0])
        self.position = "0"
        self.error = ""
        self.link_problem = ""
        self.editing = False
        self._run_restarted()

    @rx.event
    def go_to_step(self, step: int):
        """From the review or the result: change one answer, then come back."""
        if not isinstance(step, int) or isinstance(step, bool):
            return None
        self._edit_step(step)
        return [
            *self._questions_open(),
            focus_on(step_heading(_view(self.stored), self.step)),
        ]


def _any_answered(text: str) -> bool:
    """Whether an answers text answers any question (the audience alone answers none)."""
    answers = _view(text).answers
    return any(getattr(answers, qid) not in (None, ()) for qid in QUESTION_IDS)


class CountingVars(rx.State, mixin=True):
    """The anonymous counts a person's questionnaire adds to (advisor.counting, advisor.usage).

    Nothing here names the person: what this tab has counted in the current run is kept in
    this tab's session alone (backend vars, never sent to the browser, forgotten with the
    session), only so that a reload or a step back counts nothing twice. Counting starts once
    the open page's browser has said it sends no Global Privacy Control signal.
    """

    # Whether this tab may be counted: set by report_privacy_signal, off until it is.
    _counting: bool = False
    # This run's counted cells ("event:detail"), each counted once a run.
    _run_marks: list[str] = []

    # The state using the mixin names the programme (`programme_slug`) and the site (`origin`).

    def _site(self) -> str:
        return counting.site_of(self.origin, CONTENT.programmes[self.programme_slug].frame_sites)

    def _count(self, event: str, **values: str | int | None) -> None:
        """Count one happening, if this tab may be counted."""
        if self._counting:
            counting.count_event(
                programme=self.programme_slug, origin=self._site(), event=event, **values
            )

    def _count_once(
        self, event: str, *, whatever_detail: bool = False, **values: str | int | None
    ) -> None:
        """Count one happening, unless this run has counted the same cell already (with
        `whatever_detail`, the same event with any detail)."""
        if not self._counting:
            return
        try:
            mark = event if whatever_detail else f"{event}:{detail_of(event, **values)}"
        except ValueError:
            return
        if mark in self._run_marks or len(self._run_marks) >= MAX_RUN_MARKS:
            return
        self._run_marks = [*self._run_marks, mark]
        self._count(event, **values)

    def _count_step(self) -> None:
        """The current step is on show: each step counted once a run."""
        view = _view(self.stored)
        step = self.step
        self._count_once("reached", step=view.ask[step] if step < len(view.ask) else "review")

    def _count_result(self) -> None:
        """The result of the current answers is on show: counted once a run for each result."""
        view = _view(self.stored)
        if not view.complete:
            return
        self._count_once(
            "result",
            recommended=view.recommended or None,
            confidence=(view.confidence or None) if view.eligible else None,
            role=view.answers.role,
            audience=view.answers.audience,
        )

    def _moved(self, before: str) -> None:
        # A first answer starts a run; Next reaches a step; the readiness check's last answer
        # gives its score.
        if before != self.stored and _any_answered(self.stored) and not _any_answered(before):
            self._count_once("started")
        elif before == self.stored:
            self._count_step()
        sure = _view(self.stored).sure_choices
        if sure and all(sure.get(item) for item in READINESS_IDS):
            self._count_once("readiness", whatever_detail=True, score=_view(self.stored).sure_score)

    def _run_restarted(self) -> None:
        self._run_marks = []

    @rx.event
    def report_privacy_signal(self, answer: Any = None) -> None:
        """The open page's browser answered PRIVACY_SCRIPT: count it only if it said it sends
        no Global Privacy Control signal, its connection carried no `Sec-GPC: 1`, and this
        deployment counts. Then count what the page shows on opening."""
        headers = self.router.headers.raw_headers
        self._counting = (
            answer == "not-sent" and not counting.privacy_signal(headers) and counting.enabled()
        )
        path = self.router.url.path.rstrip("/")
        if path in QUESTIONNAIRE_PATHS:
            self._count_step()
        elif path == RESULT_PATH:
            self._count_result()


class AnswersState(CountingVars, QuestionnaireVars, rx.State):
    """Answers in their text form (see advisor.answers) and the questionnaire's position.

    Both live in the browser's localStorage, so a reload or a backend restart loses nothing;
    every other var is derived from them.
    """

    stored: str = rx.LocalStorage("", name="advisor_answers", sync=True)
    position: str = rx.LocalStorage("0", name="advisor_step")
    # Where the advisor is used: "advisor", or the origin of a site embedding it (/embed).
    origin: str = "advisor"
    # Why ?programme= was not used (it names no programme): shown above the questions.
    programme_notice: str = ""
    # After "Save and get a link": the saved result's id and its one-time delete token. Changing
    # an answer forgets them (the saved result keeps the answers it was saved with).
    saved_id: str = ""
    saved_token: str = ""
    # The answers text the saved result holds: answers changed since make it out of date.
    saved_for: str = ""
    save_error: str = ""
    # Counts the open page's keep-alive calls (see keep_alive); never shown.
    _beats: int = 0

    def _choose_programme(self) -> None:
        """?programme=<slug> on /assess or /result chooses the programme; without it the choice
        made earlier in this session stands (the questionnaire's own links do not carry it)."""
        asked = self.router.url.query_parameters.get("programme")
        if asked is not None:
            self.programme, self.programme_notice = programme_choice(asked)

    @rx.var
    def saved_outdated(self) -> bool:
        """A result was saved, and an answer has changed since (it may be saved again)."""
        return self.saved_id != "" and self.saved_for != self.stored

    @rx.var
    def saved_delete_path(self) -> str:
        if not self.saved_id:
            return ""
        return f"/r/{self.saved_id}/delete?token={self.saved_token}"

    def _answers_changed(self) -> None:
        # A saved result keeps the answers it was saved with, and its links stay on show (the
        # delete link is shown only once): the panel says they are older.
        self.save_error = ""

    def _questions_open(self) -> list[rx.event.EventSpec]:
        return [rx.redirect("/assess")]

    @rx.event
    def set_audience(self, audience: str) -> None:
        answers = _view(self.stored).answers
        if isinstance(audience, str) and audience in AUDIENCES:
            self._save(answers.with_answer("audience", audience))

    @rx.event
    def start_again(self):
        """Forget every answer and return to the first question."""
        self._forget_answers()
        return [rx.redirect("/assess"), focus_on(step_heading(_view(self.stored), 0))]

    @rx.event
    def keep_alive(self, again: Any = None):
        """A page is still open: touch the session, so only sessions whose pages have closed
        expire (after ADVISOR_SESSION_IDLE_SECONDS), and ask again after a third of that."""
        if again is not True:
            return None  # the page's loop runs already, or the browser sent something else
        # A change, so that every state manager (Redis too) renews the session's expiry.
        self._beats = (self._beats + 1) % 1_000_000
        return rx.call_script(KEEP_ALIVE_WAIT, callback=AnswersState.keep_alive)

    @rx.event
    def open_assess(self):
        """On /assess: take the audience from ?for=self|colleague when the landing page sent it,
        and the programme from ?programme=."""
        self._choose_programme()
        wanted = AUDIENCE_PARAM.get(self.router.url.query_parameters.get("for", ""))
        if wanted and wanted != _view(self.stored).answers.audience:
            self._save(_view(self.stored).answers.with_answer("audience", wanted))
        return keep_alive_start()

    @rx.event
    def open_result(self):
        """On /result: a link carrying answers (from "copy link") replaces the stored ones."""
        self._choose_programme()
        params = {k: v for k, v in self.router.url.query_parameters.items() if k != "programme"}
        # Reached from "See the result" (or any link), the focus goes to the result's heading.
        # First: the keep-alive script's promise holds up the events after it.
        focus = focus_on("headline", unless_focused=True)
        if not params:
            self._count_result()
            return [focus, *keep_alive_start()]
        if "programme" not in self.router.url.query_parameters:
            # A link carrying answers describes the whole result: with no ?programme= it is
            # the default programme's (as "copy link" writes it), whatever this tab chose before.
            self.programme, self.programme_notice = "", ""
        answers, dropped = decode(params)
        if dropped == [OVERSIZED]:
            self.link_problem = LINK_REFUSED
        elif dropped:
            shown = ", ".join(name[:MAX_NAME_SHOWN] for name in dropped[:MAX_NAMES_SHOWN])
            more = len(dropped) - MAX_NAMES_SHOWN
            self.link_problem = f"Some answers in the link could not be used: {shown}" + (
                f" and {more} more." if more > 0 else "."
            )
        else:
            self.link_problem = ""
        self.stored = encode(answers)
        self.position = str(len(_view(self.stored).ask))
        self._count_result()
        return [focus, *keep_alive_start()]

    @rx.event
    async def save_result(self):
        """Store the result (answers and outcome only) and show its link and delete link."""
        text = self.stored
        profile = to_profile(decode(text)[0])
        if profile is None or (self.saved_id and self.saved_for == text):
            return
        if refused := too_many_saves(self.router):
            self.save_error = refused
            return
        result, origin = recommend(profile, CONTENT.compiled_rules), self.origin
        programme = self.programme_slug
        try:
            # In a worker thread: this session waits for the database, no one else does.
            record, token = await db.run(
                lambda session: db.save_result(
                    session=session,
                    profile=profile,
                    result=result,
                    origin=origin,
                    programme=programme,
                )
            )
        except db.DatabaseUnavailable as fault:
            if fault.fault == "busy":
                self.save_error = BUSY
            else:
                self.save_error = (
                    f"The result could not be saved: {fault.reason}. Your answers are kept; "
                    "please try again later."
                )
            return
        except Exception:  # noqa: BLE001 - any database failure: say so, keep the answers
            self.save_error = "The result could not be saved just now. Please try again."
            return
        self.saved_id, self.saved_token, self.save_error = str(record.id), token, ""
        self.saved_for = text
        self._count("saved")
        return rx.set_focus("saved")


async def count_for_tab(state: rx.State, event: str) -> None:
    """Count an event of another page's state under this tab's programme and site (if the tab
    may be counted). Never raises: a count that cannot be made is not made."""
    try:
        answers = await state.get_state(AnswersState)
    except Exception:  # noqa: BLE001 - counting must never break the page that counts
        return
    answers._count(event)


def privacy_check() -> rx.event.EventSpec:
    """Asks the browser for its Global Privacy Control signal (AnswersState.report_privacy_signal
    hears the answer): a page that counts returns it from its on_load."""
    return rx.call_script(PRIVACY_SCRIPT, callback=AnswersState.report_privacy_signal)


def keep_alive_start() -> list[rx.event.EventSpec]:
    """The events an answers page's on_load returns: the privacy check, then the page's
    keep-alive loop, started once (its promise holds up the events after it)."""
    return [privacy_check(), rx.call_script(KEEP_ALIVE_FIRST, callback=AnswersState.keep_alive)]
