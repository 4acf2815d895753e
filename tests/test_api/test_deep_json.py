"""A JSON body nested deeper than any entry needs is 400 with a message, on every route
that reads JSON (and on those that do not), never the RecursionError 500 Python's
parser raises near a thousand levels. A real server (gunicorn) is asked the same in
tests/test_faults/test_hostile_requests.py."""

from __future__ import annotations

import json
import uuid

import pytest
import sqlalchemy as sa

from engage.concerns.models import Concern, Meeting
from engage.platform.malformed import MAX_JSON_DEPTH, nesting

MESSAGE = f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep; no entry here needs more than a few."


def nested(depth: int, inner="1") -> str:
    return "[" * depth + inner + "]" * depth


def concern(**fields) -> dict:
    return {"id": str(uuid.uuid4()), "category": "speeding", "description": "Cars too fast", **fields}


@pytest.fixture
def entries(officer_client):
    meeting = {"id": str(uuid.uuid4()), "ward_codes": ["E05009857"], "date": "2026-01-05"}
    assert officer_client.post("/api/v1/meetings", json=meeting).status_code == 201
    stored = officer_client.post("/api/v1/concerns", json=concern()).get_json()
    return {"meeting": meeting["id"], "concern": stored["id"]}


ROUTES = [
    ("POST", "/api/v1/meetings"),
    ("POST", "/api/v1/concerns"),
    ("PATCH", "/api/v1/meetings/{meeting}"),
    ("PATCH", "/api/v1/concerns/{concern}"),
    ("GET", "/api/v1/concerns"),
]
BODIES = {
    "a hundred thousand [": "[" * 100_000,  # the parser's RecursionError
    "valid, 5000 deep": '{"id": ' + nested(5000) + "}",
    "valid, 33 deep": '{"description": ' + nested(MAX_JSON_DEPTH) + "}",  # the object is a level
}


@pytest.mark.parametrize("method, url", ROUTES, ids=[f"{m} {u}" for m, u in ROUTES])
@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
def test_deeply_nested_json_is_400_not_500(officer_client, db, entries, method, url, body):
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Concern))
    response = officer_client.open(url.format(**entries), method=method, data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {"error": MESSAGE}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Concern)) == before
    assert db.session.get(Meeting, entries["meeting"]).version == 1


def test_nesting_up_to_the_limit_is_read_as_usual(officer_client, db):
    """32 levels pass the check and reach the entry's own validation (422: not text)."""
    body = (
        '{"id": "' + str(uuid.uuid4()) + '", "category": "speeding", "description": ' + nested(MAX_JSON_DEPTH - 1) + "}"
    )
    response = officer_client.post("/api/v1/concerns", data=body, content_type="application/json")
    assert response.status_code == 422 and response.get_json()["fields"] == {"description": "must be text"}


def test_open311_answers_in_its_own_format(app):
    response = app.test_client().post("/open311/v2/requests.json", data="[" * 100_000, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == [{"code": 400, "description": MESSAGE}]


@pytest.mark.parametrize(
    "value, depth",
    [
        (1, 0),
        ("text", 0),
        ([], 1),
        ({}, 1),
        ({"a": [1, {"b": []}]}, 4),
        ([[[]], []], 3),
        (json.loads(nested(200)), MAX_JSON_DEPTH + 1),  # counting stops past the limit
    ],
)
def test_nesting(value, depth):
    assert nesting(value) == depth
