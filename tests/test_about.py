"""/about and what it rests on: the IPDAS table's data and links, the error contact, the page's
structure, the embedding site, and the footers that link to it (no browser)."""

from __future__ import annotations

import json
import re

import pytest
import reflex as rx
from pydantic import ValidationError

from advisor.about import (
    GROUPS,
    IPDAS_ITEMS,
    STATUS_LABELS,
    Where,
    embedding_site,
    items_in,
)
from advisor.components import layout
from advisor.pages import PAGES, about, embed
from advisor.programme import AdvisorFile
from advisor.reading_level import measure
from advisor.runtime import CONTENT
from advisor.settings import settings
from tests.utils.rendered import elements, hrefs_of, ids_of, props_of, tagged, text_of

ROUTES = {spec.route: spec for spec in PAGES}


def _page_ids() -> dict[str, set[str]]:
    return {route: ids_of(spec.component()) for route, spec in ROUTES.items()}


PAGE_IDS = _page_ids()


def where_problem(where: Where, page_ids: dict[str, set[str]]) -> str:
    """Why a "where" link leads nowhere, or ""."""
    if where.route not in page_ids:
        return f"{where.href}: no page {where.route!r}"
    known = page_ids[where.route]
    if where.section and where.section not in known:
        return f"{where.href}: {where.route} has no section {where.section!r}"
    return ""


# --- the table's data ------------------------------------------------------------------------


def test_every_where_link_points_at_a_page_and_a_section_it_has() -> None:
    problems = [
        f"{item.id}: {problem}"
        for item in IPDAS_ITEMS
        for where in item.where
        if (problem := where_problem(where, PAGE_IDS))
    ]
    assert problems == []


@pytest.mark.parametrize(
    ("href", "wrong"),
    [
        ("/nowhere", "no page"),
        ("/method#no-such-section", "no section"),
        ("/evidence#readiness", "no section"),  # on the result only
        ("/method#rules", ""),
        ("/result#readiness", ""),
        ("/about#update-policy", ""),
    ],
)
def test_the_link_check_finds_links_that_lead_nowhere(href: str, wrong: str) -> None:
    problem = where_problem(Where(label="x", href=href), PAGE_IDS)
    assert (wrong in problem) if wrong else problem == ""


def test_each_group_has_its_items_with_unique_ids() -> None:
    ids = [item.id for item in IPDAS_ITEMS]
    assert len(ids) == len(set(ids))
    assert len(items_in("qualifying")) == 6
    assert all(items_in(group) for group in GROUPS)


def test_what_is_not_done_is_said_so() -> None:
    status = {item.id: item.status for item in IPDAS_ITEMS}
    for untested in ("field-test-users", "field-test-advisers", "knowledge", "values-match"):
        assert status[untested] == "not_yet", untested
    assert status["frequencies"] == "not_applicable"
    assert status["credentials"] == "partly"
    # An item not met points nowhere: there is nothing to see yet.
    assert all(not item.where for item in IPDAS_ITEMS if item.status == "not_yet")


@pytest.mark.parametrize(
    ("item_id", "section"),
    [
        ("no-action", "/result#options"),
        ("equal-detail", "/result#options"),
        ("values", "/result#priorities"),
        ("steps", "/result#readiness"),
        ("worksheet", "/result#questions-to-ask"),
        ("reading-level", "/about#reading-level"),
        ("update-policy", "/about#update-policy"),
        ("funding", "/about#who"),
    ],
)
def test_what_issue_11_adds_is_met_where_it_will_be(item_id: str, section: str) -> None:
    item = next(i for i in IPDAS_ITEMS if i.id == item_id)
    assert item.status == "met"
    assert section in [w.href for w in item.where]


def test_a_where_link_must_be_a_path_of_the_site() -> None:
    for href in ("https://example.org/", "javascript:alert(1)", "/result#Bad Id"):
        with pytest.raises(ValidationError):
            Where(label="x", href=href)


# --- the error contact (content/advisor.yaml) -----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "href"),
    [
        ("errors@example.ac.uk", "mailto:errors@example.ac.uk"),
        (" errors@example.ac.uk ", "mailto:errors@example.ac.uk"),
        ("https://example.ac.uk/report", "https://example.ac.uk/report"),
        (None, None),
    ],
)
def test_an_error_contact_is_an_email_or_a_web_address(value, href) -> None:
    details = CONTENT.advisor.model_dump() | {"error_contact": value}
    assert AdvisorFile.model_validate(details).error_contact_href == href


@pytest.mark.parametrize(
    "value",
    ["write to us", "a@b", "mailto:a@b.org", "ftp://example.org", "javascript:alert(1)", ""],
)
def test_anything_else_is_refused(value) -> None:
    details = CONTENT.advisor.model_dump() | {"error_contact": value}
    with pytest.raises(ValidationError) as raised:
        AdvisorFile.model_validate(details)
    assert raised.value.errors()[0]["loc"] == ("error_contact",)


def test_the_shipped_programme_has_no_error_contact() -> None:
    assert CONTENT.advisor.error_contact is None


def _with_contact(monkeypatch, contact: str | None) -> None:
    advisor = CONTENT.advisor.model_copy(update={"error_contact": contact})
    monkeypatch.setattr(about, "CONTENT", CONTENT.model_copy(update={"advisor": advisor}))


def test_without_a_contact_the_page_says_what_to_do(monkeypatch) -> None:
    _with_contact(monkeypatch, None)
    text = text_of(about._report_error().render())
    assert "gives no address" in text and "issue tracker is not public" in text
    assert not [h for h in hrefs_of(about._report_error()) if h.startswith("mailto:")]


@pytest.mark.parametrize(
    ("contact", "href"),
    [
        ("errors@example.ac.uk", "mailto:errors@example.ac.uk"),
        ("https://example.ac.uk/report", "https://example.ac.uk/report"),
    ],
)
def test_with_a_contact_the_page_links_to_it(monkeypatch, contact: str, href: str) -> None:
    _with_contact(monkeypatch, contact)
    assert href in hrefs_of(about._report_error())
    assert "gives no address" not in text_of(about._report_error().render())


# --- the page ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page() -> rx.Component:
    return about.about()


def _within(element: dict, tag: str) -> list[dict]:
    found = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("name") == json.dumps(tag):
                found.append(node)
            for key, value in node.items():
                if key != "props":
                    walk(value)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(element.get("children", []))
    return found


def test_each_group_is_a_table_with_a_caption_and_header_cells(page) -> None:
    tables = tagged(page, "table")
    assert [props_of(t).get("id") for t in tables] == [f"ipdas-{g}" for g in GROUPS]
    for table, group in zip(tables, GROUPS, strict=True):
        captions = _within(table, "caption")
        assert len(captions) == 1 and text_of(captions[0]).startswith(GROUPS[group][0])
        scopes = [props_of(th).get("scope") for th in _within(table, "th")]
        assert scopes.count("col") == 2
        assert scopes.count("row") == len(items_in(group))
        rows = [text_of(th) for th in _within(table, "th") if props_of(th).get("scope") == "row"]
        assert rows == [item.item for item in items_in(group)]
        cells = " ".join(text_of(td) for td in _within(table, "td"))
        for item in items_in(group):
            assert STATUS_LABELS[item.status] in cells and item.note in cells


def test_headings_go_down_one_level_at_a_time(page) -> None:
    levels = []
    for element in elements(page):
        level = props_of(element).get("as")
        if element["name"] == "RadixThemesHeading" and isinstance(level, str):
            levels.append(int(level[1]))
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels


def test_the_page_shows_the_measured_grade_and_the_review_date(page) -> None:
    by_id = {props_of(e).get("id"): e for e in elements(page) if props_of(e).get("id")}
    assert text_of(by_id["reading-grade"]) == f"{measure(CONTENT).grade:.1f}"
    assert about.READING.evidence_version in text_of(by_id["reading-measured"])
    assert text_of(by_id["reviewed"]) == f"{CONTENT.study.reviewed:%-d %B %Y}"
    assert {"who", "update-policy", "reading-level", "standards"} <= ids_of(page)


def test_the_page_names_the_study_and_who_paid(page) -> None:
    text = text_of(page.render())
    assert CONTENT.study.citation.title in text and CONTENT.study.citation.journal in text
    assert CONTENT.study.citation.doi_url in hrefs_of(page)
    assert "No programme paid for it." in text


# --- the embedding site --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "site"),
    [
        ("https://medicine.example.ac.uk", "https://medicine.example.ac.uk"),
        ("https://Example.org:8080", "https://example.org:8080"),
        ("https://example.org/path", None),
        ("<script>alert(1)</script>", None),
        ("javascript:alert(1)", None),
        ("", None),
        (None, None),
    ],
)
def test_only_a_well_formed_origin_is_named(value, site) -> None:
    assert embedding_site(value) == site


def _props_in(element: dict) -> list[str]:
    return [prop for node in [element, *_all(element)] for prop in node.get("props", [])]


def _all(element: dict) -> list[dict]:
    found = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if "props" in node:
                found.append(node)
            for key, value in node.items():
                if key != "props":
                    walk(value)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(element.get("children", []))
    return found


def _link(prop: str) -> str | None:
    match = re.match(r'^(?:href|to):("(?:[^"\\]|\\.)*")$', prop)
    return json.loads(match.group(1)) if match else None


class _Router:
    def __init__(self, params):
        self.url = type("Url", (), {"query_parameters": params})()


@pytest.mark.parametrize(
    ("params", "site"),
    [
        ({"site": "https://medicine.example.ac.uk"}, "https://medicine.example.ac.uk"),
        ({"site": "https://evil.example/<b>"}, ""),
        ({}, ""),
    ],
)
def test_the_page_keeps_the_site_only_when_valid(monkeypatch, params, site) -> None:
    state = about.AboutState()
    monkeypatch.setattr(type(state), "router", _Router(params), raising=False)
    state.open_about()
    assert state.site == site


# --- every footer links here -----------------------------------------------------------------


def test_the_site_footer_links_to_the_about_page() -> None:
    shell = layout.page(rx.text("body"))
    footers = tagged(shell, "footer")
    assert len(footers) == 1
    assert layout.ABOUT_URL == about.ROUTE
    links = [link for prop in _props_in(footers[0]) if (link := _link(prop))]
    assert "/about" in links and "/api/docs" in links


def test_the_embed_footer_links_to_the_about_page_with_the_site() -> None:
    footers = tagged(embed.embed(), "footer")
    assert len(footers) == 1
    rendered = json.dumps(footers[0], default=str)
    assert "About this advisor" in rendered and "/about?site=" in rendered
    assert "embedding-site" in rendered


def test_the_page_says_what_is_kept_and_what_is_counted(page) -> None:
    assert "kept-and-counted" in ids_of(page)
    text = text_of(page.render())
    assert "No row is kept per person" in text
    assert "Global Privacy Control signal is not counted at all" in text


def test_with_counting_off_the_page_says_nothing_is_counted(monkeypatch) -> None:
    monkeypatch.setattr(settings, "counting", "off")
    text = text_of(about.about().render())
    assert "counts nothing: its counting is turned off" in text
    assert "No row is kept per person" not in text
