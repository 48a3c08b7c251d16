"""Where the tests find the study's full text, and what they do without it."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The study's full text sits beside the project (../shared/study in this team's checkouts and in
# CI), never copied into it: the paper is not the project's to redistribute.
STUDY_DIR_VARIABLE = "ADVISOR_STUDY_DIR"


def study_dir(environ: Mapping[str, str] = os.environ) -> Path:
    return Path(environ.get(STUDY_DIR_VARIABLE) or ROOT.parent / "shared" / "study")


def read_study(folder: Path) -> str | None:
    """The paper as one line (hyphenation at line ends undone, whitespace collapsed), or None
    when the folder holds no text of it."""
    papers = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    if not papers:
        return None
    text = papers[0].read_text(encoding="utf-8")
    text = re.sub(r"-[ \t]*\n\s*", "", text)
    return re.sub(r"\s+", " ", text)


def study_missing(folder: Path, environ: Mapping[str, str] = os.environ) -> tuple[bool, str]:
    """What a test needing the study does when its text is absent: (fail?, why). It is reported
    as not run, naming the variable, except under CI=true, where the text must be there."""
    where = f"the study's text is not in {folder}"
    if environ.get("CI", "").lower() == "true":
        return True, (
            f"{where}, and under CI=true the tests comparing the content with the paper must "
            f"run: put it beside the clone (../shared/study) or set {STUDY_DIR_VARIABLE}"
        )
    return False, (
        f"not run: {where}; set {STUDY_DIR_VARIABLE} to the folder holding it to compare the "
        "content with the paper"
    )
