"""Page load in a real browser: the advisor's first question against a one-button Reflex app.

Both are production builds served as `make run` serves the advisor (one port, prod), built with
the same environment (scripts/env.sh) and the same bun, and loaded in Debian's chromium through
playwright. Each navigation runs in a fresh browser context with the cache disabled.

"Interactive" means the same for both pages: the moment (performance.now(), i.e. milliseconds
since navigation start) when, both,
  - the backend's hydration delta (`is_hydrated_rx_state_: true`) has been received and handled,
    so React has mounted, its event handlers are attached and the page's state has arrived; and
  - the target element (the advisor's first radio on /assess; the minimal app's button) is in
    the DOM, has a non-empty box, is not `visibility: hidden` and is neither `disabled` nor
    `aria-disabled`.
It is checked on every DOM mutation and just after each hydration delta. One extra navigation
per page (not timed) clicks the element and checks that the click reached the state.

Transferred bytes are everything the HTTP requests moved on the wire (Chrome DevTools
Protocol `Network.loadingFinished` encodedDataLength: compressed bodies plus headers) until the
page is interactive and the network has been idle for 500 ms. Websocket frames are counted
apart.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import statistics
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import server

ROOT = server.ROOT
# Kept between runs so the app's build starts warm; `make clean` removes it.
APP_BUILD_DIR = server.BUILD_ROOT / "bench"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}

RUNS = 15
TARGET_MS = 600.0
BYTES_RATIO_TARGET = 1.3

APP_PATH = "/assess?for=self"
APP_TARGET = '#question-healthcare_background [role="radio"]'
# The radio group is controlled by the state: it shows the choice once the backend answered.
APP_CLICKED = f"document.querySelector({json.dumps(APP_TARGET)}).ariaChecked === 'true'"
MINIMAL_PATH = "/"
MINIMAL_TARGET = "#go"
MINIMAL_CLICKED = "document.querySelector('#count')?.textContent === '1'"

MINIMAL_APP = "minimal"
# Served as the advisor's backend is served (advisor/server.py), so the baselines differ from
# the advisor only in the app.
MINIMAL_RXCONFIG = """\
import reflex as rx

from advisor.server import use_gunicorn, write_states_at_once

use_gunicorn()
write_states_at_once()

config = rx.Config(
    app_name="minimal",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[rx.plugins.SitemapPlugin(), rx.plugins.RadixThemesPlugin()],
)
"""
MINIMAL_MODULE = """\
import reflex as rx


class CounterState(rx.State):
    count: int = 0

    @rx.event
    def increment(self) -> None:
        self.count += 1


def index() -> rx.Component:
    return rx.box(
        rx.button("Press", id="go", on_click=CounterState.increment),
        rx.text(CounterState.count, id="count"),
    )


app = rx.App()
app.add_page(index, route="/", title="Minimal")
"""

# Runs in the page before any of its scripts: watches the Reflex websocket for the hydration
# delta and records the first moment the target element is interactive (see the docstring).
PROBE = """
(selector) => {
  const Native = window.WebSocket;
  window.__bench = {hydratedAt: null, readyAt: null};
  const check = () => {
    const bench = window.__bench;
    if (bench.readyAt !== null || bench.hydratedAt === null) return;
    const el = document.querySelector(selector);
    if (!el || el.disabled || el.getAttribute("aria-disabled") === "true") return;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return;
    if (getComputedStyle(el).visibility === "hidden") return;
    bench.readyAt = performance.now();
  };
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (typeof event.data === "string" && event.data.includes('"is_hydrated_rx_state_":true')) {
          // In a later task, after Reflex's own listener has applied the delta.
          setTimeout(() => {
            window.__bench.hydratedAt ??= performance.now();
            check();
          }, 0);
        }
      });
    }
  };
  new MutationObserver(check).observe(document, {
    childList: true, subtree: true, attributes: true, characterData: true,
  });
}
"""


@dataclass(frozen=True)
class Target:
    name: str
    base_url: str
    path: str
    selector: str
    clicked: str  # true in the page once a click on `selector` has reached the state and back

    @property
    def url(self) -> str:
        return self.base_url + self.path


# --- servers --------------------------------------------------------------------------------


def _app_server(log: Path) -> contextlib.AbstractContextManager[server.Running]:
    """The advisor, started exactly as `make run` starts it, in a build folder of its own."""
    return server.advisor(log, APP_BUILD_DIR)


def _write_minimal_app(folder: Path) -> None:
    (folder / "rxconfig.py").write_text(MINIMAL_RXCONFIG)
    package = folder / MINIMAL_APP
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / f"{MINIMAL_APP}.py").write_text(MINIMAL_MODULE)


def minimal_server(folder: Path, log: Path) -> contextlib.AbstractContextManager[server.Running]:
    """A one-button Reflex app, served like the advisor: same env, same bun, same bun cache."""
    _write_minimal_app(folder)
    port = server.free_port()
    script = textwrap.dedent(f"""\
        . {ROOT}/scripts/env.sh && exec reflex run --env prod --single-port \\
            --frontend-port {port} --backend-port {port}
        """)
    env = server.environment(
        REFLEX_WEB_WORKDIR=str(folder / ".web"), REFLEX_STATES_WORKDIR=str(folder / ".states")
    )
    return server.serving(["bash", "-c", script], folder, env, log, port, "/ping")


# --- the browser ----------------------------------------------------------------------------


def _load_once(browser: Any, target: Target, check_click: bool = False) -> dict[str, float]:
    """One navigation in a fresh context: when it was interactive and what it transferred."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        context.add_init_script(script=f"({PROBE})({json.dumps(target.selector)})")
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        http = {"bytes": 0, "requests": 0}
        websocket = {"bytes": 0}

        def finished(event: dict[str, Any]) -> None:
            http["bytes"] += event["encodedDataLength"]
            http["requests"] += 1

        def frame(event: dict[str, Any]) -> None:
            websocket["bytes"] += len(event["response"]["payloadData"].encode())

        cdp.on("Network.loadingFinished", finished)
        cdp.on("Network.webSocketFrameReceived", frame)
        page.goto(target.url)
        page.wait_for_function("window.__bench && window.__bench.readyAt !== null", timeout=30_000)
        page.wait_for_load_state("networkidle")
        timing = page.evaluate(
            """() => {
              const nav = performance.getEntriesByType("navigation")[0];
              return {
                ready_ms: window.__bench.readyAt,
                hydrated_ms: window.__bench.hydratedAt,
                load_ms: nav.loadEventEnd,
              };
            }"""
        )
        if check_click:
            _check_click(page, target)
        return {
            **timing,
            "bytes": http["bytes"],
            "requests": http["requests"],
            "ws_bytes": websocket["bytes"],
        }
    finally:
        context.close()


def _check_click(page: Any, target: Target) -> None:
    """The element counted as interactive does react: the click reaches the state and back."""
    page.locator(target.selector).first.click()
    page.wait_for_function(target.clicked, timeout=5_000)


def _summary(samples: list[dict[str, float]]) -> dict[str, Any]:
    ready = sorted(s["ready_ms"] for s in samples)
    return {
        "ready_ms_median": round(statistics.median(ready), 1),
        "ready_ms_min": round(ready[0], 1),
        "ready_ms_p90": round(ready[int(len(ready) * 0.9)], 1),
        "hydrated_ms_median": round(statistics.median(s["hydrated_ms"] for s in samples), 1),
        "load_ms_median": round(statistics.median(s["load_ms"] for s in samples), 1),
        "bytes": int(statistics.median(s["bytes"] for s in samples)),
        "requests": int(statistics.median(s["requests"] for s in samples)),
        "ws_bytes": int(statistics.median(s["ws_bytes"] for s in samples)),
    }


def _measure(targets: list[Target], runs: int) -> dict[str, dict[str, Any]]:
    from playwright.sync_api import sync_playwright

    samples: dict[str, list[dict[str, float]]] = {t.name: [] for t in targets}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for target in targets:  # warm-up (servers' first requests), and the click check
                _load_once(browser, target, check_click=True)
            for _ in range(runs):  # interleaved, so a drift of the machine hits both alike
                for target in targets:
                    samples[target.name].append(_load_once(browser, target))
        finally:
            browser.close()
    return {
        t.name: {"path": t.path, "selector": t.selector, **_summary(samples[t.name])}
        for t in targets
    }


def run(runs: int = RUNS) -> dict[str, Any]:
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: `make bench` installs it")
    started = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="advisor-bench-"))
    minimal_folder = scratch / "minimal-app"
    minimal_folder.mkdir()
    try:
        with (
            _app_server(scratch / "app.log") as app,
            minimal_server(minimal_folder, scratch / "minimal.log") as minimal,
        ):
            measured = _measure(
                [
                    Target("app", app.url, APP_PATH, APP_TARGET, APP_CLICKED),
                    Target("minimal", minimal.url, MINIMAL_PATH, MINIMAL_TARGET, MINIMAL_CLICKED),
                ],
                runs,
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    app, minimal = measured["app"], measured["minimal"]
    bytes_ratio = app["bytes"] / minimal["bytes"]
    return {
        "runs": runs,
        "app": app,
        "minimal": minimal,
        "ready_ratio": round(app["ready_ms_median"] / minimal["ready_ms_median"], 2),
        "bytes_ratio": round(bytes_ratio, 2),
        "target_ms": TARGET_MS,
        "bytes_ratio_target": BYTES_RATIO_TARGET,
        "meets_time_target": app["ready_ms_median"] < TARGET_MS,
        "meets_bytes_target": bytes_ratio <= BYTES_RATIO_TARGET,
        "seconds": round(time.monotonic() - started, 1),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
