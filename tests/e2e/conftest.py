"""Browser fixtures: one server and one chromium for the session, a fresh context per test.

Chromium is Debian's (/usr/bin/chromium, `make test` installs it); `playwright install` would
download a browser from outside the package registries and fails here. axe-core comes from the
npm registry into .tools/axe (`make test` installs it).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    sync_playwright,
)

from tests.utils.browser import (
    AXE_JS,
    BLOCKING_IMPACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    HYDRATION_PROBE,
    SCREENSHOT_DIR,
    wait_for_hydration,
)

_screenshots_taken: list[Path] = []


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_session: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)")
    browser = playwright_session.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


# Every document the browser opens reports what its Content-Security-Policy blocked, so no
# browser test passes on a page that works only in part under the policy.
CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", (event) => {
  const blocked = event.blockedURI || "inline";
  const where = `${event.sourceFile || location.href}:${event.lineNumber}`;
  console.error(`CSP violation: ${event.effectiveDirective} blocked ${blocked} at ${where}`);
});
"""
CSP_MESSAGES = ("CSP violation", "Content Security Policy")


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """Make fresh browser contexts (own storage, cookies, clipboard); all closed after the test.

    The test fails if any page or frame of them met a Content-Security-Policy violation."""
    contexts: list[BrowserContext] = []
    violations: list[str] = []

    def record(message: ConsoleMessage) -> None:
        if any(marker in message.text for marker in CSP_MESSAGES):
            violations.append(message.text)

    def make(width: int = DESKTOP[0], height: int = DESKTOP[1], **options: Any) -> BrowserContext:
        context = browser.new_context(viewport={"width": width, "height": height}, **options)
        context.add_init_script(HYDRATION_PROBE)
        context.add_init_script(CSP_REPORTER)
        context.on("console", record)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations))


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    """A page in a fresh 1280 px wide context."""
    return new_context().new_page()


@pytest.fixture
def open_page(app_server) -> Callable[[Page, str], Page]:
    """Load a path of the app in full and wait until Reflex has hydrated it."""

    def go(page: Page, path: str) -> Page:
        response = page.goto(f"{app_server.url}{path}")
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        wait_for_hydration(page)
        return page

    return go


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: `make test` installs axe-core from the npm registry")
    return AXE_JS.read_text()


@pytest.fixture
def axe_audit(axe_source: str) -> Callable[[Page], list[dict[str, Any]]]:
    """Run axe-core on the page as it is now; return its serious and critical violations."""

    def audit(page: Page) -> list[dict[str, Any]]:
        # Colours are judged as they settle: no hover left by the last click, no transition
        # caught half-way.
        page.mouse.move(0, 0)
        page.wait_for_function(
            "document.getAnimations().every(a => a.playState !== 'running')", timeout=5_000
        )
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            # Evaluated, not added as an inline <script>, which the pages' CSP refuses.
            page.evaluate("source => (0, eval)(source)", axe_source)
        result = page.evaluate(
            """async () => {
              const r = await axe.run(document, {resultTypes: ["violations"]});
              return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary})),
              }));
            }"""
        )
        return [v for v in result if v["impact"] in BLOCKING_IMPACTS]

    return audit


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    shutil.rmtree(SCREENSHOT_DIR, ignore_errors=True)
    SCREENSHOT_DIR.mkdir(parents=True)
    return SCREENSHOT_DIR


@pytest.fixture
def screenshot(screenshot_dir: Path) -> Callable[[Page, str], Path]:
    """Save a full-page PNG named `<name>-<viewport width>.png`; return its path."""

    def take(page: Page, name: str) -> Path:
        width = page.viewport_size["width"] if page.viewport_size else 0
        path = screenshot_dir / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        _screenshots_taken.append(path)
        return path

    return take


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    # Shown without -s: where to look at what the browser saw.
    if _screenshots_taken:
        terminalreporter.write_sep("-", "browser screenshots")
        terminalreporter.write_line(
            f"{len(set(_screenshots_taken))} screenshots of this run in {SCREENSHOT_DIR}"
        )
