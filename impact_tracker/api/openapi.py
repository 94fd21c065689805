"""GET /api/v1/openapi.json: an OpenAPI 3.1 document generated from the registered API routes.

Each route contributes its path, methods and path parameters from the URL map, its summary from its
docstring and, where it declares them with @documented, its request and response schemas. A route added
without a docstring still appears, so the document cannot silently miss an endpoint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, jsonify

from .blueprint import bp

PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail", "errors"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}},
        },
    },
}

SCHEMAS: dict[str, dict] = {
    "Problem": PROBLEM_SCHEMA,
    "Organisation": {
        "type": "object",
        "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
    },
    "Me": {
        "type": "object",
        "required": ["id", "email", "name", "organisation", "roles"],
        "properties": {
            "id": {"type": "integer"},
            "email": {"type": "string", "format": "email"},
            "name": {"type": "string"},
            "organisation": {"oneOf": [{"$ref": "#/components/schemas/Organisation"}, {"type": "null"}]},
            "roles": {"type": "array", "items": {"type": "string"}},
        },
    },
}



def register_schema(name: str, schema: dict) -> None:
    """Add a named JSON schema to the document's components (each API module registers its own)."""
    SCHEMAS[name] = schema


_CONVERTER_TYPES = {"IntegerConverter": "integer", "RowIdConverter": "integer", "FloatConverter": "number"}


def documented(*, response: str | None = None, request: str | None = None,
               query: tuple[str, ...] = (), status: int = 200) -> Callable:
    """Attach schema names (keys of SCHEMAS), query parameters and the success status to an API view."""

    def mark(view: Callable) -> Callable:
        view.openapi = {"response": response, "request": request, "query": query, "status": status}
        return view

    return mark


def _problem(description: str) -> dict:
    return {"description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _operation(rule, method: str, view: Callable) -> dict[str, Any]:
    meta = getattr(view, "openapi", {})
    doc = (view.__doc__ or rule.endpoint).strip().splitlines()[0]
    ok: dict[str, Any] = {"description": "Success"}
    if meta.get("response"):
        ok["content"] = {"application/json": {"schema": {"$ref": f"#/components/schemas/{meta['response']}"}}}
    operation: dict[str, Any] = {
        "operationId": f"{rule.endpoint.removeprefix('api.')}_{method.lower()}",
        "summary": doc,
        "parameters": _parameters(rule, meta.get("query", ())),
        "responses": {str(meta.get("status", 200)): ok, "401": _problem("No valid token or session"),
                      "404": _problem("Not found, or not visible to the caller")},
    }
    if meta.get("request"):
        operation["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{meta['request']}"}}}}
        operation["responses"]["422"] = _problem("Invalid fields")
    if method == "PUT" and rule.rule.endswith(">"):
        operation["responses"]["201"] = ok  # a PUT to an item's own URL creates it the first time, then replaces it
    operation["responses"].update(_refusals(method, meta))
    return operation


def _refusals(method: str, meta: dict) -> dict[str, dict]:
    """The problem answers an operation gives besides 401 and 404, so that clients know to expect them."""
    found = {}
    if meta.get("query"):
        found["422"] = _problem("Invalid query parameters")
    if method in ("POST", "PUT", "PATCH", "DELETE"):
        found["403"] = _problem("Visible to the caller, who may not change it")
        found["409"] = _problem("Changed by someone else since it was read, or not in a state that allows this")
    if meta.get("request"):
        found.update({"400": _problem("The body is not a JSON object"), "413": _problem("The body is too large"),
                      "422": _problem("Invalid fields")})
    return found


def _parameters(rule, query: tuple[str, ...]) -> list[dict]:
    params = [
        {"name": name, "in": "path", "required": True,
         "schema": {"type": _CONVERTER_TYPES.get(type(rule._converters[name]).__name__, "string")}}
        for name in rule.arguments
    ]
    params += [{"name": name, "in": "query", "required": False, "schema": {"type": "string"}} for name in query]
    return params


def build_document(app) -> dict:
    """The OpenAPI 3.1 document for every rule of the API blueprint."""
    paths: dict[str, dict] = {}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        path = "/".join("{" + part[1:-1].split(":")[-1] + "}" if part.startswith("<") else part
                        for part in rule.rule.split("/"))
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(rule, method, view)
    return {
        "openapi": "3.1.0",
        "info": {"title": "IMPACT Tracker API", "version": "1"},
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
        "paths": dict(sorted(paths.items())),
    }


@bp.get("/openapi.json")
def openapi_document():
    """This OpenAPI document (public, so that tools can read it before they have a token)."""
    return jsonify(build_document(current_app))
