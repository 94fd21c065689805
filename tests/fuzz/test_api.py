"""Every API endpoint and method, fuzzed: never a server error; a refusal is problem+json that says why."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from impact_tracker import create_app
from impact_tracker.api.openapi import build_document

from ..conftest import _config
from . import world
from .conftest import FUZZ
from .pages import build, rule_for, watched
from .strategies import junk_json, junk_text

EXAMPLES = 10
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _operations(app) -> list[tuple[str, str]]:
    return sorted((rule.endpoint, method) for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")
                  for method in rule.methods - {"HEAD", "OPTIONS"})


_APP = create_app(_config())
OPERATIONS = _operations(_APP)
DOCUMENT = build_document(_APP)


def _documented(path: str, method: str) -> dict:
    return DOCUMENT["paths"][path][method.lower()]


def _openapi_path(rule) -> str:
    return "/".join("{" + part[1:-1].split(":")[-1] + "}" if part.startswith("<") else part
                    for part in rule.rule.split("/"))


def _body_names(operation: dict) -> list[str]:
    """The request schema's property names, so that junk lands in fields the endpoint reads."""
    ref = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    schema = DOCUMENT["components"]["schemas"].get(ref.get("$ref", "").rsplit("/", 1)[-1], {})
    return sorted(schema.get("properties", {}))


def _bodies(names: list[str]) -> st.SearchStrategy:
    """A JSON document as bytes: junk, an object with the endpoint's fields holding junk, or not JSON at all."""
    shaped = st.fixed_dictionaries({}, optional=dict.fromkeys(names, junk_json))
    documents = st.one_of(junk_json, shaped).map(lambda value: json.dumps(value).encode())
    broken = st.sampled_from([b"", b"{", b"{'title': 1}", b"null", b"\xff\xfe{}", b'{"a": NaN}', b"[" * 5000])
    return st.one_of(documents, broken, st.binary(max_size=200))


def _queries(operation: dict) -> st.SearchStrategy:
    names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    return st.fixed_dictionaries({}, optional=dict.fromkeys(names + ["page", "per_page"], junk_text))


def test_every_api_operation_is_documented_and_fuzzed():
    """The fuzzer takes its operations from the URL map: each needs URL values it can fill in, and a document entry."""
    for endpoint, method in OPERATIONS:
        rule = rule_for(_APP, endpoint)
        assert world.can_resolve(rule), f"add a resolver to tests/fuzz/world.py for {rule.rule}"
        assert _documented(_openapi_path(rule), method)


@pytest.mark.parametrize(("endpoint", "method"), OPERATIONS)
def test_junk_sent_to_the_api_is_refused_with_a_readable_problem(endpoint, method, fuzz_app, lead_token):
    rule = rule_for(fuzz_app, endpoint)
    operation = _documented(_openapi_path(rule), method)
    client = fuzz_app.test_client()
    headers = {"Authorization": f"Bearer {lead_token}"}

    @settings(FUZZ, max_examples=EXAMPLES)
    @given(body=_bodies(_body_names(operation)), query=_queries(operation),
           content_type=st.sampled_from(["application/json", "application/json", "text/plain", None]))
    def send_junk(body, query, content_type):
        with fuzz_app.app_context():
            path = build(fuzz_app, endpoint, world.url_values(rule))
        payload = {"data": body, "content_type": content_type} if method in UNSAFE else {}
        answer = watched(fuzz_app, lambda: client.open(path, method=method, query_string=query, headers=headers,
                                                       **payload))
        response = answer.response
        assert response.status_code < 500, response.get_data(as_text=True)[:2000]
        if response.status_code < 400:
            return  # accepted
        assert_readable_problem(response)
        assert answer.committed == [], f"a refused call saved: {answer.committed}"
        assert answer.changed_counts(fuzz_app) == []

    send_junk()


def assert_readable_problem(response) -> None:
    """RFC 9457 problem+json with a detail in words and, per field, a message."""
    assert response.mimetype == "application/problem+json", response.get_data(as_text=True)[:500]
    problem = response.get_json()
    assert problem["status"] == response.status_code
    assert isinstance(problem["detail"], str) and len(problem["detail"]) > 10, problem
    for error in problem["errors"]:
        assert error.get("message"), problem
