"""What the browser tests share besides fixtures: chromium's settings, the hydration probe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
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
AXE_JS = ROOT / ".tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# Gitignored; emptied at the start of each session so it shows this run's pages only.
SCREENSHOT_DIR = ROOT / "screenshots" / "e2e"

# Phone and laptop widths: every page is checked at both.
WIDTHS = {"375": (375, 812), "1280": (1280, 800)}
DESKTOP = WIDTHS["1280"]

HYDRATION_TIMEOUT_MS = 15_000

# Reflex 0.10 exposes no "hydrated" flag to the page, but the backend says so on the websocket:
# after the hydrate event (and the page's on_load handlers) it sends a delta that sets
# `is_hydrated_rx_state_` to true. Watching the socket's messages from inside the page counts
# those deltas in `window.__rxHydrations`, and records when the first one was handled. That
# delta is answered to the namespace CONNECT that the app sends from a React effect, so by then
# React has mounted: event handlers are attached and the page's state has arrived.
HYDRATION_PROBE = """
(() => {
  const Native = window.WebSocket;
  if (!Native || window.__rxHydrations !== undefined) return;
  window.__rxHydrations = 0;
  window.__rxHydratedAt = null;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (typeof event.data === "string" && event.data.includes('"is_hydrated_rx_state_":true')) {
          // Counted in a later task, after Reflex's own listener has applied the delta.
          setTimeout(() => {
            window.__rxHydrations += 1;
            window.__rxHydratedAt ??= performance.now();
          }, 0);
        }
      });
    }
  };
})();
"""

# What axe reports that the tests treat as failures.
BLOCKING_IMPACTS = {"serious", "critical"}


def hydrations(page: Page) -> int:
    """How many hydration deltas this page has handled since it was loaded."""
    return page.evaluate("window.__rxHydrations ?? 0")


def wait_for_hydration(page: Page, after: int = 0) -> None:
    """Wait until the page has handled more than `after` hydration deltas.

    After a full load, `after=0`. After a client-side navigation (a Reflex link or redirect),
    pass the count read before it: Reflex rehydrates on every route change that has on_load
    handlers; for others, wait for the page's own content instead.
    """
    page.wait_for_function(
        "after => (window.__rxHydrations ?? 0) > after", arg=after, timeout=HYDRATION_TIMEOUT_MS
    )


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """A readable assertion message: each rule, its help text and the first few elements."""
    lines = []
    for v in violations:
        lines.append(f"{v['impact']}: {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['summary']}")
    return "\n".join(lines)


def horizontal_overflow(page: Page) -> str:
    """Why the page is wider than the viewport (a phone user would scroll sideways), or ""."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          if (document.documentElement.scrollWidth <= width) return "";
          const wide = [...document.querySelectorAll("body *")]
            .filter(el => el.getBoundingClientRect().right > width + 1)
            .slice(0, 5)
            .map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : ""));
          return `scrolls sideways: ${document.documentElement.scrollWidth}px wide in a ` +
            `${width}px viewport; widest elements: ${wide.join(", ")}`;
        }"""
    )


# Colours as the browser paints them, in sRGB: Radix Themes gives its colours in display-p3
# where the screen supports it, so a computed colour may be "color(display-p3 ...)". Painting
# it on a 1-pixel canvas (over the colour behind it, for translucent ones) gives its bytes.
_SRGB_OF = """([colour, behind]) => {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 1;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.fillStyle = behind || "#fff";
  context.fillRect(0, 0, 1, 1);
  context.fillStyle = colour;
  context.fillRect(0, 0, 1, 1);
  return Array.from(context.getImageData(0, 0, 1, 1).data.slice(0, 3));
}"""

# The colour painted behind an element: the first ancestor (or itself) with a background.
BACKGROUND_OF = """(el) => {
  for (let node = el; node; node = node.parentElement) {
    const colour = getComputedStyle(node).backgroundColor;
    if (colour && colour !== "transparent" && colour !== "rgba(0, 0, 0, 0)") return colour;
  }
  return "#fff";
}"""


def srgb(page: Page, colour: str, behind: str = "#fff") -> tuple[int, int, int]:
    """A CSS colour as the browser paints it over `behind`, as sRGB bytes."""
    return tuple(page.evaluate(_SRGB_OF, [colour, behind]))  # type: ignore[return-value]


def contrast(first: tuple[int, int, int], second: tuple[int, int, int]) -> float:
    """The WCAG contrast ratio of two sRGB colours (1 to 21)."""

    def luminance(rgb: tuple[int, int, int]) -> float:
        channels = []
        for byte in rgb:
            c = byte / 255
            channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
