"""Schemathesis fuzzes the local API from our own OpenAPI document, within a bounded budget.

Every documented operation gets generated requests (valid ones from the patterns and examples,
so the 200 answers are exercised, and invalid ones); each answer must be documented: a status
the route declares, a body of its schema, and never a 5xx.
"""

from __future__ import annotations

from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402

from lba_desktop.partner_api.service import ApiService  # noqa: E402
from lba_desktop.web.app import create_app  # noqa: E402
from lba_desktop.web.openapi import build_openapi  # noqa: E402

EXAMPLES_PER_OPERATION = 25  # about a minute in all on a laptop
# Never a 5xx; only documented statuses, content types and bodies. Upstream's rules across
# parameters (romes or romeDomain, insee with a position) cannot be written in OpenAPI, so a
# request valid parameter by parameter may get its documented 400: not a failure here.
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]


@pytest.fixture(scope="module")
def api_schema(demo_catalogue_file: Path):
    # The in-process client names itself "testserver": a Host this server must accept.
    app = create_app(ApiService.open(demo_catalogue_file), rates={}, hosts=("testserver",))
    return schemathesis.openapi.from_asgi("/api/docs/openapi.json", app)


def test_every_operation_answers_as_documented(api_schema) -> None:
    # Operation by operation through Hypothesis directly: schemathesis' pytest plugin does not
    # run under this pytest (9.x).
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == len(build_openapi()["paths"]) == 19
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def answers_as_documented(case) -> None:
            case.call_and_validate(checks=CHECKS)

        answers_as_documented()
