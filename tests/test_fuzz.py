"""API fuzzing from the OpenAPI document: over 1,000 generated requests, valid and invalid, on
every route; no 5xx, and every invalid request is a 4xx that says what is wrong and where."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from advisor import db
from advisor.api import create_api
from advisor.content import load_content
from advisor.ratelimit import Limits

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES_PER_OPERATION_AND_MODE = 130
# 4xx answers that are not about a field: missing token, unknown id, too large, disabled.
NOT_ABOUT_A_FIELD = {401, 403, 404, 405, 413, 503}

pytestmark = pytest.mark.slow  # over 1,000 requests: about 20 s


def test_generated_requests_never_fail_the_server(tmp_path):
    url = f"sqlite:///{tmp_path / 'fuzz.db'}"
    db.migrate(url)
    app = create_api(
        load_content(ROOT / "content"),
        engine=db.engine_for(url),
        admin_token="a-token-long-enough-to-enable-the-insights",
        # Every generated request comes from one client: no rate limit in the way of coverage.
        limits=Limits.create(
            saves_per_minute=10_000,
            sign_in_failures_per_10_minutes=10_000,
            sign_in_failures_everyone_per_10_minutes=10_000,
        ),
    )
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {
        "/api/v1/recommendations",
        "/api/v1/assessments",
        "/api/v1/assessments/{assessment_id}",
        "/api/v1/insights",
        "/api/v1/evidence",
    }
    sent: dict[str, int] = {}
    problems: list[str] = []

    for operation in operations:
        for mode in GenerationMode:

            @settings(
                max_examples=EXAMPLES_PER_OPERATION_AND_MODE,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def check(case) -> None:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    response = case.call()
                label = f"{case.method} {case.operation.path}"
                sent[label] = sent.get(label, 0) + 1
                status = response.status_code
                if status >= 500 or status == 400:
                    problems.append(f"{label} -> {status}: {response.text[:200]}")
                elif status == 422:
                    details = response.json()["detail"]
                    if not details or not all(d["field"] and d["message"] for d in details):
                        problems.append(f"{label} -> 422 without a field: {response.text[:200]}")
                elif status >= 400 and status not in NOT_ABOUT_A_FIELD:
                    problems.append(f"{label} -> unexpected {status}")
                elif status in NOT_ABOUT_A_FIELD and not response.json().get("detail"):
                    problems.append(f"{label} -> {status} without a message")

            try:
                check()
            except Unsatisfiable:
                # Nothing to make invalid: an operation without parameters or a body.
                assert mode is GenerationMode.NEGATIVE and not operation.body, operation.path

    assert not problems, "\n".join(problems[:20])
    assert set(sent) == {f"{op.method.upper()} {op.path}" for op in operations}
    assert sum(sent.values()) >= 1000, sent
