"""The pages as the app registers them: one PageSpec each, and no page built from another."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from advisor.page_spec import PageSpec
from advisor.pages import PAGES

PAGES_DIR = Path(__file__).resolve().parent.parent / "advisor" / "pages"
PAGE_MODULES = sorted(p.stem for p in PAGES_DIR.glob("*.py") if p.stem != "__init__")

# Every route with its title's start and the handler run when it opens: what the app served
# before the pages were declared as PageSpecs.
EXPECTED = [
    ("/", "Programme advisor: Certificate, Diploma or Masters", None),
    ("/assess", "Questions | Programme advisor", "AnswersState.open_assess"),
    ("/result", "Your result | Programme advisor", "AnswersState.open_result"),
    ("/evidence", "The evidence: what 27 graduates reported", None),
    ("/method", "How the advisor decides | Programme advisor", None),
    ("/about", "About this advisor | Programme advisor", "AboutState.open_about"),
    ("/r/[result_id]", "Saved result | Programme advisor", "SavedState.load"),
    (
        "/r/[result_id]/delete",
        "Delete a saved result | Programme advisor",
        "DeleteState.reset_outcome",
    ),
    ("/plan", "Plan together | Programme advisor", "PlanStartState.open_start"),
    ("/plan/[plan_id]", "Plan together | Programme advisor", "PlanState.load"),
    ("/embed", "Which level suits you?", "EmbedState.open_embed"),
    ("/insights", "Insights for admissions teams", "InsightsState.open_insights"),
    ("404", "Page not found | Programme advisor", None),
]


def _page_imports(source: str) -> list[str]:
    """Each page module that `source` imports (relative imports as written)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("advisor.pages.")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # from . import x, from .x import y
                found.append("." * node.level + (node.module or ""))
            elif node.module and node.module.startswith("advisor.pages."):
                found.append(node.module)
            elif node.module == "advisor.pages":
                found += [f"advisor.pages.{a.name}" for a in node.names if a.name in PAGE_MODULES]
    return found


def test_no_page_imports_another_page() -> None:
    # Shared view pieces live in advisor/components, PageSpec in advisor/page_spec.py.
    imports = {
        module: _page_imports((PAGES_DIR / f"{module}.py").read_text(encoding="utf-8"))
        for module in PAGE_MODULES
    }
    assert {module: found for module, found in imports.items() if found} == {}


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("from advisor.pages.result import result_view", ["advisor.pages.result"]),
        ("from advisor.pages import assess, PageSpec", ["advisor.pages.assess"]),
        ("import advisor.pages.saved", ["advisor.pages.saved"]),
        ("from .assess import kept_note", [".assess"]),
        ("from advisor.pages import PageSpec", []),
        ("from advisor.components.result_view import result_view", []),
    ],
)
def test_the_import_scan_finds_pages_imported_every_way(source: str, found: list[str]) -> None:
    assert _page_imports(source) == found


def test_every_page_is_registered_once_with_its_route_title_and_on_load() -> None:
    registered = [
        (
            spec.route,
            spec.title,
            None if spec.on_load is None else spec.on_load.fn.__qualname__,
        )
        for spec in PAGES
    ]
    assert [route for route, _, _ in registered] == [route for route, _, _ in EXPECTED]
    for (route, title, on_load), (_, start, expected_on_load) in zip(
        registered, EXPECTED, strict=True
    ):
        assert title.startswith(start), route
        assert on_load == expected_on_load, route


def test_every_page_module_declares_its_pages_and_each_is_in_the_table() -> None:
    declared = []
    for module in PAGE_MODULES:
        namespace = vars(importlib.import_module(f"advisor.pages.{module}"))
        specs = [value for value in namespace.values() if isinstance(value, PageSpec)]
        assert specs, f"advisor/pages/{module}.py declares no PageSpec"
        declared += specs
    assert sorted(s.route for s in declared) == sorted(s.route for s in PAGES)


def test_only_the_insights_and_plan_pages_are_kept_out_of_search_engines_and_the_sitemap() -> None:
    hidden = {spec.route for spec in PAGES if spec.meta or spec.context}
    assert hidden == {"/insights", "/plan/[plan_id]"}
    for spec in PAGES:
        if spec.route in hidden:
            assert {"name": "robots", "content": "noindex, nofollow"} in spec.meta
            assert spec.context == {"sitemap": None}
