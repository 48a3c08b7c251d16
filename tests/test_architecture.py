"""The code's shape: a pure core that imports no web framework or database, and no import cycle."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "advisor"
# The core: the evidence, the answers, the rules and the engine, content loading, the views of
# answers and the embed options. They run (and test) without a web framework or a database.
CORE = (
    "advisor.evidence",
    "advisor.profile",
    "advisor.questions",
    "advisor.rule_table",
    "advisor.recommendation",
    "advisor.engine",
    "advisor.decision_aid",
    "advisor.content",
    "advisor.answers",
    "advisor.view",
    "advisor.plan_view",
    "advisor.embed_options",
    "advisor.about",
    "advisor.reading_level",
    "advisor.plans",
    "advisor.programme",
    "advisor.usage",
    "advisor.usage_views",
)
SHELLS = ("reflex", "fastapi", "starlette", "sqlmodel", "sqlalchemy", "alembic", "uvicorn")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """The advisor modules a file imports, wherever the import statement is."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.startswith("advisor")}


def graph() -> dict[str, set[str]]:
    files = [p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts]
    modules = {module_name(p): p for p in files}
    return {name: imports_of(path) & set(modules) - {name} for name, path in modules.items()}


def cycle_in(edges: dict[str, set[str]], among: set[str]) -> list[str] | None:
    """One import cycle among `among` (as the list of modules around it), or None."""
    state: dict[str, int] = {}  # 1: being visited, 2: done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for other in sorted(edges.get(node, set()) & among):
            if state.get(other) == 1:
                return stack[stack.index(other) :] + [other]
            if other not in state and (found := visit(other)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(among):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_module_of_the_advisor_is_part_of_an_import_cycle():
    # The whole package, not only the core: imports inside functions count too, so a cycle
    # cannot hide behind a late import.
    edges = graph()
    assert set(CORE) <= set(edges), "a core module moved: update CORE"
    assert cycle_in(edges, set(edges)) is None


def test_the_cycle_check_finds_a_cycle():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycle_in(edges, set(edges)) == ["a", "b", "c", "a"]
    assert cycle_in({"a": {"b"}, "b": set()}, {"a", "b"}) is None


@pytest.mark.parametrize("module", CORE)
def test_the_core_imports_no_web_framework_or_database(module):
    # In a fresh interpreter: this one has imported everything already.
    probe = (
        f"import sys, {module}; "
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(SHELLS)!r}))"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "[]", f"{module} pulls in {run.stdout.strip()}"
