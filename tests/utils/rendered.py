"""What a compiled component tree holds, read from Reflex's render() output without a browser:
the element ids and link targets of a page, its elements by tag."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import reflex as rx

# Props are rendered as `key:<JS expression>`; literal strings are JSON strings there.
_ID = re.compile(r'^id:("(?:[^"\\]|\\.)*")$')
_LINK = re.compile(r'^(?:href|to):("(?:[^"\\]|\\.)*")$')


def elements(component: rx.Component) -> Iterator[dict[str, Any]]:
    """Every element of the tree, both branches of every condition included."""

    def walk(node: Any) -> Iterator[dict[str, Any]]:
        if isinstance(node, dict):
            if "name" in node and "props" in node:
                yield node
            for key, value in node.items():
                if key != "props":
                    yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    yield from walk(component.render())


def _literal(props: list[str], pattern: re.Pattern[str]) -> list[str]:
    found = []
    for prop in props:
        match = pattern.match(prop)
        if match:
            found.append(json.loads(match.group(1)))
    return found


def ids_of(component: rx.Component) -> set[str]:
    return {i for el in elements(component) for i in _literal(el["props"], _ID)}


def hrefs_of(component: rx.Component) -> list[str]:
    return [h for el in elements(component) for h in _literal(el["props"], _LINK)]


def props_of(element: dict[str, Any]) -> dict[str, Any]:
    """An element's literal props (expressions are left as their source text)."""
    props = {}
    for prop in element["props"]:
        key, _, value = prop.partition(":")
        try:
            props[key] = json.loads(value)
        except ValueError:
            props[key] = value
    return props


def tagged(component: rx.Component, tag: str) -> list[dict[str, Any]]:
    return [el for el in elements(component) if el["name"] == json.dumps(tag)]


def text_of(element: dict[str, Any]) -> str:
    """The literal text inside an element (text held in Vars is not included)."""
    parts = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "contents" in node:
                try:
                    value = json.loads(node["contents"])
                except ValueError:
                    return
                if isinstance(value, str | int | float) and not isinstance(value, bool):
                    parts.append(str(value))
            for key, value in node.items():
                if key != "props":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(element)
    return "".join(parts)
