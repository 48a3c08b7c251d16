"""Links to the evidence page's findings, and the start-up check of the ids the code names."""

from __future__ import annotations

from collections.abc import Iterable

import reflex as rx

from advisor.content import Content

EVIDENCE_ROUTE = "/evidence"
ANCHOR_PREFIX = "finding-"

# Every finding id written in Python that a page links to. Ids from the content (Vars filled
# in at run time) are not kept: the content loader has already checked them against the
# findings. advisor.advisor checks these once the pages are imported.
_linked_ids: set[str] = set()


class UnknownFindingError(ValueError):
    """The pages link to findings the content does not have."""

    def __init__(self, unknown: list[str]) -> None:
        self.unknown = unknown
        names = ", ".join(repr(finding_id) for finding_id in unknown)
        super().__init__(
            f"The pages link to findings that the content does not have: {names}. Correct the "
            "id in the page's code, or add the finding to findings.yaml."
        )


def finding_anchor(finding_id: str) -> str:
    """The id of a finding's element on the evidence page, which its links point to."""
    return f"{ANCHOR_PREFIX}{finding_id}"


def finding_href(finding_id: str | rx.Var) -> str | rx.Var:
    """The address of a finding on the evidence page; an id written in the code is recorded
    for the start-up check."""
    if isinstance(finding_id, rx.Var):
        return f"{EVIDENCE_ROUTE}#{ANCHOR_PREFIX}" + finding_id.to(str)
    _linked_ids.add(finding_id)
    return f"{EVIDENCE_ROUTE}#{finding_anchor(finding_id)}"


def linked_finding_ids() -> frozenset[str]:
    """The finding ids written in the code that pages have asked links for so far."""
    return frozenset(_linked_ids)


def check_finding_ids(content: Content, finding_ids: Iterable[str]) -> None:
    """Raise UnknownFindingError naming every id in `finding_ids` that `content` lacks."""
    unknown = sorted(set(finding_ids) - content.findings_by_id.keys())
    if unknown:
        raise UnknownFindingError(unknown)
