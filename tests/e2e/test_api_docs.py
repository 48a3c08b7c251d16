"""The API documentation works under the pages' Content-Security-Policy, loading nothing from
elsewhere (the shared context fixture fails the test on any policy violation)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.server]


def test_the_api_docs_render_and_answer_under_the_policy(new_context, app_server) -> None:
    page = new_context().new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto(f"{app_server.url}/api/docs")
    assert response is not None and response.ok
    assert "script-src 'self'" in response.headers["content-security-policy"]

    # Swagger UI started (its inline script ran) and read the OpenAPI document.
    operation = page.locator(".opblock-summary-path", has_text="/api/v1/health").first
    expect(operation).to_be_visible()
    operation.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(
        page.locator(".live-responses-table tr.response td.response-col_status").first
    ).to_have_text("200")

    assert all(url.startswith(app_server.url) for url in requested), requested
