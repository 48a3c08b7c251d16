"""Links to findings: one function makes them, and every id the code names must exist."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import reflex as rx

from advisor.components import link
from advisor.pages import PAGES
from advisor.runtime import CONTENT

ROOT = Path(__file__).resolve().parent.parent
# The findings the result page's discussion points for supervisors link to.
RESULT_VIEW_IDS = {"context-reduces-impact", "extrinsic-to-interest-progression"}


def test_a_finding_id_written_in_the_code_is_recorded_and_linked() -> None:
    assert link.finding_href("context-reduces-impact") == "/evidence#finding-context-reduces-impact"
    assert "context-reduces-impact" in link.linked_finding_ids()


def test_the_evidence_page_anchor_is_what_links_point_to() -> None:
    anchor = link.finding_anchor("context-reduces-impact")
    assert link.finding_href("context-reduces-impact").endswith(f"#{anchor}")


def test_an_id_from_the_content_at_run_time_is_not_recorded() -> None:
    before = link.linked_finding_ids()
    href = link.finding_href(rx.Var.create("from-the-content"))
    assert isinstance(href, rx.Var)
    assert "/evidence#finding-" in str(href) and "from-the-content" in str(href)
    assert link.linked_finding_ids() == before


def test_a_made_up_finding_id_is_refused_by_name() -> None:
    with pytest.raises(link.UnknownFindingError) as refused:
        link.check_finding_ids(CONTENT, ["context-reduces-impact", "made-up-finding", "zz-also"])
    assert refused.value.unknown == ["made-up-finding", "zz-also"]
    assert "'made-up-finding'" in str(refused.value)
    assert "context-reduces-impact" not in str(refused.value)


def test_every_finding_id_the_real_pages_link_to_exists() -> None:
    # Built here, as Reflex builds them, so an id written inside a page function counts too.
    for spec in PAGES:
        spec.component()
    linked = link.linked_finding_ids()
    assert linked >= RESULT_VIEW_IDS
    link.check_finding_ids(CONTENT, linked)


def test_the_app_refuses_to_start_with_an_unknown_finding_link() -> None:
    code = (
        "from advisor.components import link\n"
        "link.finding_href('made-up-finding')\n"
        "import advisor.advisor\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=os.environ
    )
    assert done.returncode == 1
    assert "'made-up-finding'" in done.stderr
    assert "Traceback" not in done.stderr
