"""The OpenAPI document describes exactly the API there is: every Flask rule under /api/
with each of its methods, and nothing that is not a rule. A new API route without a
description fails here (describe it with `described` beside the view; engage/api/document.py)."""

import re

from openapi_spec_validator import validate

from engage.api.document import openapi_document

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def api_operations(app) -> set[tuple[str, str]]:
    operations = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        # Flask's <name> and <converter:name> are OpenAPI's {name}.
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        operations |= {(method.lower(), path) for method in rule.methods - IGNORED_METHODS}
    return operations


def operations(document):
    """(path, method, operation) of each operation; a path item's shared `parameters`
    (its path parameters) are not one."""
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield path, method, operation


def documented_operations(document) -> set[tuple[str, str]]:
    return {(method, path) for path, method, _ in operations(document)}


def test_every_api_route_is_described_and_every_description_is_a_route(app):
    routes = api_operations(app)
    documented = documented_operations(openapi_document(app))
    assert routes - documented == set(), "API routes missing from the document"
    assert documented - routes == set(), "the document describes routes that do not exist"


def test_the_document_is_valid_openapi_and_served_publicly(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    document = response.get_json()
    assert document == openapi_document(client.application)
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_public_and_protected_operations_say_so(app):
    """Operations anyone may call carry `security: []`; the others need a token or a
    session, and document 401 and 403."""
    public = {
        ("get", "/api/wards"),
        ("get", "/api/locate"),
        ("get", "/api/authorities"),
        ("get", "/api/openapi.json"),
        ("get", "/api/v1/categories"),
    }
    for path, method, operation in operations(openapi_document(app)):
        if (method, path) in public:
            assert operation.get("security") == [], (method, path)
        else:
            assert "security" not in operation, (method, path)
            assert {"401", "403"} <= set(operation["responses"]), (method, path)


def test_anonymous_callers_get_401_json_from_protected_operations(client):
    """What the document says about logging in holds: no token, no session -> 401 {error}."""
    document = openapi_document(client.application)
    for path, method, operation in operations(document):
        if operation.get("security") == []:
            continue
        url = path.replace("{", "").replace("}", "")  # any value: the log-in check comes first
        response = client.open(url, method=method.upper(), json={} if method in ("post", "patch") else None)
        assert response.status_code == 401, (method, path, response.status_code)
        assert set(response.get_json()) == {"error"}
