"""A plan made together, at /plan/<id>?key=<seat's token>: answer apart, then compare.

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
from advisor.components.layout import page, paragraph
from advisor.components.plan_comparison import comparison_view
from advisor.page_spec import PageSpec
from advisor.plan_vars import ComparisonVars
from advisor.plans import SEAT_NAMES, PlanStatus, plan_status
from advisor.runtime import CONTENT
from advisor.state import BUSY

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

    def _watch(self, status: PlanStatus) -> rx.event.EventSpec:
        plan_id, key = _plan_link(self.router)
        script = WATCH_SCRIPT % {
            "plan_id": json.dumps(plan_id),
            "key": json.dumps(key),
            "seen": json.dumps(_seen(status)),
            "every": WATCH_COMPLETE_MS if status.status == "complete" else WATCH_MS,
        }
        return rx.call_script(script, callback=PlanState.changed)

    @rx.event
    async def load(self):
        """On opening the page: read the plan, then watch it for changes."""
        self.loaded = False
        status = await self._reload()
        self.loaded = True
        if status is not None:
            return self._watch(status)
        return None

    @rx.event
    async def changed(self, news: Any = None):
        """The browser saw the plan change: read it again, and watch on."""
        if not isinstance(news, dict):
            return None
        if time.monotonic() - self._read_at < MIN_READ_GAP_S:
            return None  # not from the watch, which waits longer between asks
        status = await self._reload()
        if status is not None:
            return self._watch(status)
        return None


def _not_found() -> rx.Component:
    return rx.callout(
        NOT_FOUND, color_scheme="amber", high_contrast=True, role="status", id="plan-gone"
    )


def _waiting() -> rx.Component:
    return rx.box(
        paragraph(
            "You are the ",
            rx.el.strong(PlanState.seat_name),
            " of this plan.",
        ),
        rx.text(
            rx.cond(
                PlanState.other_done,
                rx.text.span("The ", PlanState.other_seat_name, " has finished."),
                rx.text.span("The ", PlanState.other_seat_name, " has not finished yet."),
            ),
            as_="p",
            id="other-seat",
            role="status",
        ),
        id="plan-waiting",
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
                    PlanState.found,
                    rx.cond(
                        PlanState.status == "complete",
                        rx.box(comparison_view(PlanState), id="plan-comparison"),
                        _waiting(),
                    ),
                    _not_found(),
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
