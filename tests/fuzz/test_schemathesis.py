"""Schemathesis against /api/v1/openapi.json, in process: no server errors, and every answer as documented."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from . import world
from .conftest import FUZZ
from .pages import rule_for
from .test_api import OPERATIONS

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 8
# The document itself is what schemathesis reads, not an operation it tests (test_api.py fuzzes it).
DOCUMENTED_OPERATIONS = [operation for operation in OPERATIONS if operation[0] != "api.openapi_document"]


@pytest.fixture(scope="module")
def api_schema(fuzz_app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_app)


@pytest.mark.parametrize(("endpoint", "method"), DOCUMENTED_OPERATIONS)
def test_the_api_answers_as_its_openapi_document_says(endpoint, method, api_schema, fuzz_app, lead_token):
    operation = _operation(api_schema, endpoint, method)
    rule = rule_for(fuzz_app, endpoint)
    with fuzz_app.app_context():
        real = {name: value for name, value in world.url_values(rule).items() if name in rule.arguments}
    # Half the cases name objects that exist in the caller's organisation, so that the 200 answers are checked
    # against their schemas too, not only the 404s that random identifiers produce.
    cases = st.one_of(operation.as_strategy(path_parameters=real), operation.as_strategy())
    headers = {"Authorization": f"Bearer {lead_token}"}

    @settings(FUZZ, max_examples=EXAMPLES)
    @given(case=cases)
    def call(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    call()


def _operation(schema, endpoint: str, method: str):
    operation_id = f"{endpoint.removeprefix('api.')}_{method.lower()}"
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.definition.raw.get("operationId") == operation_id:
            return operation
    raise AssertionError(f"{endpoint} {method} is not in the OpenAPI document")
