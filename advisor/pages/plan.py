"""A plan made together, at /plan/<id>?key=<seat's token>: answer apart, then compare.

Each seat answers the questionnaire on its own device (PlanAnswersState: a draft kept in the
browser under names of its own, so a person's answers at /assess are untouched), sends it, and
waits; neither sees the other's answers before both are done. Then the page shows the
comparison.

The page reads the plan from the database on each visit (PlanState.load) and then watches it:
a script in the browser asks the JSON API (GET /api/v1/plans/<id>) every WATCH_MS and hands
back to the page only when something changed (the other seat finished, the plan was deleted).
The browser keeps asking while a worker restarts or the page's websocket moves to another
worker, and any worker answers from the shared database: the page updates by itself within a
second in either case.
"""

from __future__ import annotations

import json
import time
from typing import Any

import reflex as rx

from advisor import db, styles
from advisor.answers import Answers, decode, encode, to_profile
from advisor.components.decision_parts import readiness_questions
from advisor.components.layout import answers_notice, page, paragraph
from advisor.components.plan_comparison import comparison_view
from advisor.components.questionnaire import questionnaire
from advisor.components.start_again import confirm_dialog
from advisor.page_spec import PageSpec
from advisor.plan_vars import ComparisonVars
from advisor.plans import SEAT_AUDIENCE, SEAT_NAMES, PlanStatus, plan_status, seat_profile
from advisor.runtime import CONTENT, view_of
from advisor.state import BUSY, QuestionnaireVars, focus_on, step_heading

ROUTE = "/plan/[plan_id]"
TITLE = "Plan together | Programme advisor"
DESCRIPTION = "A supervisor and a colleague answer apart, then see where they agree."
NOT_FOUND = (
    "This plan link does not work. It may be mistyped or cut short, or the plan was deleted "
    "or has expired."
)
# How often the open page asks whether the plan changed: often while a seat is waiting (the
# other's news must show within a second), rarely once both are done (only a deletion or a
# changed answer is left to see).
WATCH_MS = 250
WATCH_COMPLETE_MS = 2000
MIN_READ_GAP_S = WATCH_MS / 2000
# The browser's side of the watch. One loop per page: a newer loop (after a refresh, or a
# reconnection that ran the page's events again) retires the older one. It resolves, handing
# `{status, seats}` (or `{gone: true}`) to PlanState.changed, only when the plan differs from
# what the page shows (`seen`); a failed request (the server restarting) is simply tried again.
WATCH_SCRIPT = """(() => {
  const planId = %(plan_id)s, key = %(key)s, seen = %(seen)s, every = %(every)d;
  const path = window.location.pathname;
  const generation = (window.__advisorPlanWatch = (window.__advisorPlanWatch || 0) + 1);
  return new Promise((resolve) => {
    const ask = async () => {
      if (window.__advisorPlanWatch !== generation || window.location.pathname !== path) return;
      try {
        const response = await fetch("/api/v1/plans/" + planId, {
          headers: {"X-Plan-Token": key}, cache: "no-store", credentials: "omit",
        });
        if (response.status === 404) return resolve({gone: true});
        if (response.ok) {
          const plan = await response.json();
          const seats = plan.seats;
          const now = [plan.status, seats.supervisor.done, seats.colleague.done].join(":");
          if (now !== seen) return resolve({status: plan.status});
        }
      } catch (error) {}
      setTimeout(ask, every);
    };
    setTimeout(ask, every);
  });
})()"""


# What a draft is for: "<plan id>:<seat>" (36 + 1 + at most 10 characters).
MAX_DRAFT_FOR_CHARS = 48
SEND_MISSING = "Some answers are still missing. Please answer the question shown, then send."
DELETED = "The plan is deleted: both people's answers are gone, and neither link works any more."


def _seen(status: PlanStatus) -> str:
    seats = status.seats
    return (
        f"{status.status}:{str(seats.supervisor.done).lower()}:{str(seats.colleague.done).lower()}"
    )


def _plan_link(router: Any) -> tuple[str, str]:
    """The plan id and the seat's key of the page's address ("" where missing)."""
    parts = [p for p in router.url.path.split("/") if p]
    plan_id = parts[1] if len(parts) >= 2 and parts[0] == "plan" else ""
    key = router.url.query_parameters.get("key", "")
    return plan_id, key if isinstance(key, str) else ""


def _read(plan_id: str, key: str) -> PlanStatus | None:
    def work(session: db.Session) -> PlanStatus | None:
        opened = db.open_plan(session=session, plan_id=db.parse_plan_id(plan_id), token=key)
        if opened is None:
            return None
        plan, seat = opened
        return plan_status(
            plan_id=plan.id,
            seat=seat,  # type: ignore[arg-type]
            expires_at=plan.expires_utc(),
            answers={each: plan.answers_of(each) for each in db.PLAN_SEATS},  # type: ignore[misc]
            content=CONTENT,
        )

    return work  # type: ignore[return-value]


def _draft_key(plan_id: object, seat: str) -> str:
    return f"{plan_id}:{seat}"


class PlanAnswersState(QuestionnaireVars, rx.State):
    """One seat's answers to a plan before (and while changing) what it sent: a draft kept in
    the browser, so a reload or a backend restart loses nothing. It holds one plan's draft at a
    time: opening another plan (or the other seat's link) starts afresh."""

    stored: str = rx.LocalStorage("", name="advisor_plan_answers")
    position: str = rx.LocalStorage("0", name="advisor_plan_step")
    # Which plan and seat the draft is for (see _draft_key).
    draft_for: str = rx.LocalStorage("", name="advisor_plan_draft_for")

    def __setattr__(self, name: str, value: Any) -> None:
        # From the browser, like `stored` and `position` (checked by QuestionnaireVars).
        if name == "draft_for" and not (
            isinstance(value, str) and len(value) <= MAX_DRAFT_FOR_CHARS
        ):
            value = ""
        super().__setattr__(name, value)

    def _begin(self, key: str, audience: str, sent: str) -> None:
        """Open the draft for `key`: the one kept, if it is this plan's and seat's; else the
        answers this seat sent (`sent`, "" if none), or no answers at all."""
        if self.draft_for != key:
            self.stored = sent or encode(decode(f"audience={audience}")[0])
            self.position = str(len(view_of(self.stored).ask)) if sent else "0"
            self.error = self.link_problem = ""
            self.editing = False
            self.draft_for = key
        answers = view_of(self.stored).answers
        if answers.audience != audience:
            # The seat decides whose voice the questions speak in, never the browser.
            self._save(answers.with_answer("audience", audience))

    def _forget(self) -> None:
        self.stored, self.position, self.draft_for = "", "0", ""
        self.error = self.link_problem = ""
        self.editing = False


def _send(plan_id: str, key: str, profile: Any):
    def work(session: db.Session) -> PlanStatus | None:
        opened = db.open_plan(session=session, plan_id=db.parse_plan_id(plan_id), token=key)
        if opened is None:
            return None
        plan, seat = opened
        stored = db.put_plan_answers(
            session=session,
            plan_id=plan.id,
            seat=seat,
            profile=seat_profile(profile, seat),  # type: ignore[arg-type]
        )
        return _read(plan_id, key)(session) if stored is not None else None

    return work


def _delete(plan_id: str, key: str):
    def work(session: db.Session) -> bool:
        opened = db.open_plan(session=session, plan_id=db.parse_plan_id(plan_id), token=key)
        return opened is not None and db.delete_plan(session=session, plan_id=opened[0].id)

    return work


class PlanState(ComparisonVars, rx.State):
    """One seat's view of one plan, read from the database (nothing of it kept in the browser
    but the link). The other seat's answers reach this state only inside the comparison."""

    loaded: bool = False
    found: bool = False
    problem: str = ""
    seat: str = ""  # "supervisor" or "colleague"
    status: str = ""  # "waiting" or "complete"
    supervisor_done: bool = False
    colleague_done: bool = False
    expires_on: str = ""
    # The comparison as the API writes it (advisor.plans.Comparison), "" until both are done.
    comparison_json: str = ""
    # After "Change my answers": the draft is open again, though the answers sent still count.
    changing: bool = False
    sending: bool = False
    send_error: str = ""
    # True once this page deleted the plan (the watch then finds it gone, as the other does).
    deleted: bool = False
    delete_error: str = ""
    # When the plan was last read (time.monotonic()): a browser sending `changed` far more
    # often than its watch would costs no more database reads than the watch does.
    _read_at: float = 0.0

    @rx.var
    def seat_name(self) -> str:
        return SEAT_NAMES.get(self.seat, "")  # type: ignore[call-overload]

    @rx.var
    def other_seat_name(self) -> str:
        other = "colleague" if self.seat == "supervisor" else "supervisor"
        return SEAT_NAMES[other].lower() if self.seat else ""  # type: ignore[index]

    @rx.var
    def me_done(self) -> bool:
        return self.supervisor_done if self.seat == "supervisor" else self.colleague_done

    @rx.var
    def other_done(self) -> bool:
        return self.colleague_done if self.seat == "supervisor" else self.supervisor_done

    def _show(self, status: PlanStatus | None) -> None:
        self.found = status is not None
        if status is None:
            self.seat = self.status = self.comparison_json = self.expires_on = ""
            self.supervisor_done = self.colleague_done = False
            return
        self.seat, self.status = status.seat, status.status
        self.supervisor_done = status.seats.supervisor.done
        self.colleague_done = status.seats.colleague.done
        self.expires_on = f"{status.expires_at:%d %B %Y}"
        self.comparison_json = (
            status.comparison.model_dump_json() if status.comparison is not None else ""
        )

    async def _reload(self) -> PlanStatus | None:
        plan_id, key = _plan_link(self.router)
        self.problem = ""
        self._read_at = time.monotonic()
        try:
            status = await db.run(_read(plan_id, key))
        except db.DatabaseUnavailable as fault:
            self.problem = (
                BUSY if fault.fault == "busy" else f"The plan could not be opened: {fault.reason}."
            )
            return None
        self._show(status)
        return status

    def _watch(self, status: PlanStatus | None) -> rx.event.EventSpec:
        """Watch the plan for a change from `status` (None: for any answer, so that a page
        the database could not answer asks again until it does)."""
        plan_id, key = _plan_link(self.router)
        # Only a well-formed id goes into the address the script asks (anything else: one
        # that no plan has, so the watch finds it gone).
        script = WATCH_SCRIPT % {
            "plan_id": json.dumps(str(db.parse_plan_id(plan_id) or "0")),
            "key": json.dumps(key),
            "seen": json.dumps(_seen(status) if status is not None else ""),
            "every": WATCH_COMPLETE_MS
            if status is not None and status.status == "complete"
            else WATCH_MS,
        }
        return rx.call_script(script, callback=PlanState.changed)

    async def _open_draft(self, status: PlanStatus | None) -> None:
        draft = await self.get_state(PlanAnswersState)
        if status is None:
            # The plan is gone: its draft is of no use, and need not stay in the browser.
            plan_id, _key = _plan_link(self.router)
            if draft.draft_for.startswith(f"{db.parse_plan_id(plan_id)}:"):
                draft._forget()
            return
        sent = encode(Answers.model_validate(status.answers.model_dump())) if status.answers else ""
        draft._begin(_draft_key(status.id, status.seat), SEAT_AUDIENCE[status.seat], sent)

    @rx.event
    async def load(self):
        """On opening the page: read the plan, open this seat's draft, then watch the plan."""
        self.loaded = False
        self.deleted = self.changing = self.sending = False
        self.send_error = self.delete_error = ""
        status = await self._reload()
        self.loaded = True
        if self.problem:
            # The database was busy or away: the page asks again until it answers.
            return self._watch(None)
        await self._open_draft(status)
        return self._watch(status) if status is not None else None

    @rx.event
    async def changed(self, news: Any = None):
        """The browser saw the plan change: read it again, and watch on."""
        if not isinstance(news, dict):
            return None
        if time.monotonic() - self._read_at < MIN_READ_GAP_S:
            return None  # not from the watch, which waits longer between asks
        status = await self._reload()
        if self.problem:
            # The database was busy or away: try again, and show the plan once it answers.
            return self._watch(None)
        # The draft too: the page may have opened while the database was away.
        await self._open_draft(status)
        return self._watch(status) if status is not None else None

    @rx.event
    async def send_answers(self):
        """The review's "Send my answers": store this seat's answers in the plan."""
        if self.sending or not self.found:
            return
        draft = await self.get_state(PlanAnswersState)
        view = view_of(draft.stored)
        profile = to_profile(view.answers)
        if profile is None or view.missing:
            # Only a stale review gets here: go to the first question still to answer.
            self.send_error = SEND_MISSING
            draft.position = str(view.ask.index(view.missing[0]) if view.missing else 0)
            yield [rx.scroll_to("step-top"), focus_on(step_heading(view, draft.step))]
            return
        plan_id, key = _plan_link(self.router)
        self.sending, self.send_error = True, ""
        yield
        try:
            # In a worker thread: this session waits for the database, no one else does.
            status = await db.run(_send(plan_id, key, profile))
        except db.DatabaseUnavailable as fault:
            self.send_error = (
                BUSY
                if fault.fault == "busy"
                else f"Your answers could not be sent: {fault.reason}. They are kept in this "
                "browser; please try again later."
            )
            return
        except Exception:  # noqa: BLE001 - any database failure: say so, keep the draft
            self.send_error = (
                "Your answers could not be sent just now. They are kept in this browser; "
                "please try again."
            )
            return
        finally:
            self.sending = False
        self._show(status)
        if status is None:
            await self._open_draft(None)
            return
        self.changing = False
        # The focus first: the watch's promise holds up the events after it.
        yield focus_on("plan-sent-heading")
        yield self._watch(status)

    @rx.event
    async def change_answers(self):
        """After sending: open the draft again at the review, to change and send again."""
        if not (self.found and self.me_done) or self.status == "complete":
            return None
        draft = await self.get_state(PlanAnswersState)
        view = view_of(draft.stored)
        draft.position, draft.editing, draft.error = str(len(view.ask)), False, ""
        self.changing, self.send_error = True, ""
        return [rx.scroll_to("step-top"), focus_on(step_heading(view, len(view.ask)))]

    @rx.event
    def keep_sent(self):
        """Give up changing: the answers sent stay as they are."""
        self.changing, self.send_error = False, ""
        return focus_on("plan-sent-heading")

    @rx.event
    async def delete_plan(self):
        """The delete dialog's "Delete the plan": gone for both seats."""
        if not self.found:
            return None
        plan_id, key = _plan_link(self.router)
        try:
            await db.run(_delete(plan_id, key))
        except db.DatabaseUnavailable as fault:
            self.delete_error = (
                BUSY
                if fault.fault == "busy"
                else f"The plan could not be deleted: {fault.reason}. Please try again later."
            )
            return None
        except Exception:  # noqa: BLE001 - any database failure: say so
            self.delete_error = "The plan could not be deleted just now. Please try again."
            return None
        self.deleted, self.changing, self.delete_error = True, False, ""
        self._show(None)
        (await self.get_state(PlanAnswersState))._forget()
        return focus_on("plan-deleted")


def _not_found() -> rx.Component:
    return rx.callout(
        NOT_FOUND, color_scheme="amber", high_contrast=True, role="status", id="plan-gone"
    )


def _deleted() -> rx.Component:
    return rx.box(
        rx.text(DELETED, as_="p", id="plan-deleted", tab_index=-1, weight="medium"),
        paragraph(
            rx.link("Start a new plan", href="/plan", color=styles.ACCENT_TEXT),
            " or ",
            rx.link("go to the home page", href="/", color=styles.ACCENT_TEXT),
            ".",
            margin_top=styles.SPACE_M,
        ),
        role="status",
        style=styles.CALLOUT_STYLE,
    )


def _error(message: rx.Var) -> rx.Component:
    # High contrast: the red callout's own text falls just short of 4.5:1.
    return rx.cond(
        message != "",
        rx.callout(message, color_scheme="red", high_contrast=True, role="alert"),
    )


def _progress() -> rx.Component:
    """Where the two seats are, in a live region that stays in the page: a screen reader hears
    the other seat finish, and the comparison arrive, without the focus moving."""
    return rx.text(
        rx.cond(
            PlanState.status == "complete",
            "You have both sent your answers. The comparison is below.",
            rx.cond(
                PlanState.other_done,
                rx.text.span("The ", PlanState.other_seat_name, " has sent their answers."),
                rx.text.span("The ", PlanState.other_seat_name, " has not sent their answers yet."),
            ),
        ),
        as_="p",
        id="other-seat",
        role="status",
        weight="medium",
        margin_bottom=styles.SPACE_M,
    )


def _send_button() -> rx.Component:
    return rx.button(
        rx.cond(PlanState.me_done, "Send my answers again", "Send my answers"),
        on_click=PlanState.send_answers,
        loading=PlanState.sending,
        size="3",
        type="button",
        id="send-answers",
    )


def _answering() -> rx.Component:
    return rx.box(
        rx.box(id="step-top"),
        rx.heading(
            rx.cond(
                PlanAnswersState.is_supervisor,
                "Questions about your colleague",
                "Questions about you",
            ),
            as_="h2",
            size="6",
            margin_bottom=styles.SPACE_S,
        ),
        rx.cond(
            PlanAnswersState.is_supervisor,
            paragraph(
                "Answer as you see your colleague now. Your colleague answers the same "
                "questions about themselves, on their own link."
            ),
            paragraph(
                "Answer for yourself. Your supervisor answers the same questions about you, on "
                "their own link."
            ),
        ),
        paragraph(
            "Neither of you sees the other's answers until you have both sent them. Until you "
            "send, your answers are kept only in this browser.",
            size="2",
            color=styles.TEXT_MUTED,
        ),
        rx.cond(
            PlanState.changing,
            rx.box(
                rx.text(
                    "Your answers are already in. A change counts only once you send your "
                    "answers again.",
                    as_="p",
                    margin_bottom=styles.SPACE_S,
                ),
                rx.button(
                    "Keep the answers I sent",
                    on_click=PlanState.keep_sent,
                    variant="soft",
                    size="2",
                    type="button",
                ),
                style=styles.CALLOUT_STYLE,
                margin_bottom=styles.SPACE_L,
            ),
        ),
        answers_notice(PlanAnswersState.link_problem),
        questionnaire(
            state=PlanAnswersState,
            see_result=_send_button(),
            review_extra=readiness_questions(PlanAnswersState),
        ),
        _error(PlanState.send_error),
        id="plan-answering",
    )


def _waiting() -> rx.Component:
    return rx.box(
        rx.heading(
            "Your answers are in",
            as_="h2",
            size="6",
            id="plan-sent-heading",
            tab_index=-1,
            _focus_visible={"outline": "none"},
            margin_bottom=styles.SPACE_S,
        ),
        paragraph(
            "When the ",
            PlanState.other_seat_name,
            " has sent their answers too, this page shows both sets side by side, with what "
            "to talk about. It changes by itself: you can keep it open, or close it and come "
            "back with your link.",
        ),
        paragraph(
            "Until then, neither of you sees the other's answers.",
            size="2",
            color=styles.TEXT_MUTED,
        ),
        rx.button(
            "Change my answers",
            on_click=PlanState.change_answers,
            variant="soft",
            type="button",
        ),
        id="plan-waiting",
    )


def _comparison() -> rx.Component:
    """Both seats' answers compared (advisor.components.plan_comparison): its sections carry
    their own headings."""
    return rx.box(comparison_view(PlanState), id="plan-comparison")


def _delete_button() -> rx.Component:
    """Delete the plan, asking first: "Cancel" has the focus, and Escape cancels too."""
    return confirm_dialog(
        rx.button("Delete this plan", variant="outline", color_scheme="red", type="button"),
        title="Delete this plan?",
        description="This deletes both people's answers for good, and both links stop working. "
        "It cannot be undone.",
        confirm="Delete the plan",
        on_confirm=PlanState.delete_plan,
        dialog_id="delete-plan-dialog",
    )


def _plan() -> rx.Component:
    return rx.box(
        paragraph(
            "You are the ",
            rx.el.strong(PlanState.seat_name.lower()),
            " in this plan. It stays open until ",
            PlanState.expires_on,
            ".",
            id="plan-seat",
        ),
        _progress(),
        rx.cond(
            PlanState.status == "complete",
            _comparison(),
            rx.cond(PlanState.me_done & ~PlanState.changing, _waiting(), _answering()),
        ),
        rx.box(
            rx.heading("Delete the plan", as_="h2", size="4", margin_bottom=styles.SPACE_S),
            paragraph(
                "Either of you may delete the plan at any time. Otherwise it is deleted by "
                "itself on ",
                PlanState.expires_on,
                ".",
                size="2",
                color=styles.TEXT_MUTED,
            ),
            _delete_button(),
            _error(PlanState.delete_error),
            margin_top=styles.SPACE_XL,
            class_name="no-print",
        ),
    )


def plan_page() -> rx.Component:
    """The page at /plan/<id>."""
    return page(
        rx.heading("Plan together", as_="h1", size="7", margin_bottom=styles.SPACE_M),
        rx.cond(
            PlanState.loaded,
            rx.cond(
                PlanState.problem != "",
                rx.callout(PlanState.problem, color_scheme="red", high_contrast=True, role="alert"),
                rx.cond(
                    PlanState.deleted,
                    _deleted(),
                    rx.cond(PlanState.found, _plan(), _not_found()),
                ),
            ),
            rx.text("Opening the plan…", as_="p"),
        ),
    )


PAGE = PageSpec(
    component=plan_page,
    route=ROUTE,
    title=TITLE,
    description=DESCRIPTION,
    on_load=PlanState.load,
    # A private link: no search engine, no sitemap.
    meta=[{"name": "robots", "content": "noindex, nofollow"}],
    context={"sitemap": None},
)
