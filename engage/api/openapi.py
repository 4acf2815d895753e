"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json.

Kept by hand beside the views it describes (engage/api/blueprint.py*.py, shapes from
engage/concerns/serialise.py), with the enumerations taken from the models so the two
cannot drift apart. tests/test_views/test_openapi.py checks that every /api/ rule is
described here and every path here is a rule; tests/test_views/test_api_schemathesis.py
sends generated requests and checks each answer against this document.
"""
from __future__ import annotations

from copy import deepcopy

from flask import jsonify

from engage.api.blueprint import bp
from engage.concerns.models import (
    CONCERN_CHANNELS,
    CONCERN_STATUSES,
    LOCATION_SOURCES,
    MEETING_KINDS,
    MEETING_STATUSES,
    PRIORITIES,
)
from engage.geography.models import DESIGNATIONS
from engage.maps.services import BREAK_METHODS

UUID = {"type": "string", "format": "uuid"}
DATE = {"type": "string", "format": "date"}
DATETIME = {"type": "string", "format": "date-time"}


def _nullable(schema: dict) -> dict:
    schema = deepcopy(schema)
    kind = schema.get("type")
    if kind is not None:
        schema["type"] = [kind, "null"] if isinstance(kind, str) else [*kind, "null"]
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], None]
    return schema


def _obj(properties: dict, required=None, extra=False) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else list(required),
        "additionalProperties": extra,
    }


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str, media="application/json") -> dict:
    return {"description": description, "content": {media: {"schema": schema}}}


def _error(description: str) -> dict:
    return _json(_ref("Error"), description)


UNAUTHORISED = _error("Not logged in and no valid API token (`Authorization: Bearer ...`).")
FORBIDDEN = _error("The user's roles do not allow this, or they must first change a one-time password.")
BAD_REQUEST = _error("A malformed parameter, such as one holding a NUL character, or a JSON body nested more "
                     "than 32 levels deep; for a browser session writing without its CSRF token, the CSRF refusal.")
TOO_LARGE = _error("The body is over the size limit (ENGAGE_MAX_UPLOAD_BYTES); the message says the limit.")
NO_BOUNDARIES = _error("No boundary set has been imported yet.")
INVALID = _json(_ref("ValidationError"), "Invalid entry; nothing was stored. `fields` says what is wrong with each field.")

# Every endpoint that needs a login answers these the same way.
LOGGED_IN = {"401": UNAUTHORISED, "403": FORBIDDEN}

WARD_ROW = {
    "ward_code": {"type": "string"},
    "ward_name": {"type": "string"},
    "lad_code": {"type": "string"},
    "lad_name": {"type": "string"},
    "designation": {"type": "string", "enum": ["", *DESIGNATIONS],
                    "description": "The designation in force today; empty when none is recorded."},
}

SCHEMAS = {
    "Error": {
        "type": "object",
        "description": "Every refusal: a sentence for a person to read.",
        "properties": {
            "error": {"type": "string"},
            "vintage": {"type": "string", "description": "Only on /api/locate's 404: the set searched."},
            "retry_after": {"type": "integer", "description": "Only on 503 while the database is unreachable: "
                                                             "seconds to wait (also in Retry-After)."},
            "correction_url": {"type": "string", "description": "Only on 409 when a team has already acted on "
                                                                "the concern: where to POST a correction instead."},
        },
        "required": ["error"],
        "additionalProperties": False,
    },
    "ValidationError": _obj({
        "error": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"},
                   "description": "Field name (or `body`) -> what is wrong with it."},
    }),
    "Geometry": _obj({
        "type": {"type": "string", "enum": ["Polygon", "MultiPolygon"]},
        "coordinates": {"type": "array"},
    }),
    "WardRow": _obj(WARD_ROW),
    "WardFeature": _obj({
        "type": {"const": "Feature"},
        "properties": _obj({
            "ward_code": {"type": "string"},
            "ward_name": {"type": "string"},
            "lad_code": {"type": "string"},
            "lad_name": {"type": "string"},
            "designation": _nullable({"type": "string", "enum": list(DESIGNATIONS)}),
            "designation_from": _nullable(DATE),
            "designation_is_sample": {"type": "boolean"},
        }),
        "geometry": _ref("Geometry"),
    }),
    "WardDetail": _obj({
        **WARD_ROW,
        "vintage": {"type": "string"},
        "designation_from": _nullable(DATE),
        "designation_is_sample": {"type": "boolean"},
    }),
    "LocatedWard": _obj({
        "ward_code": {"type": "string"},
        "ward_name": {"type": "string"},
        "lad_code": {"type": "string"},
        "lad_name": {"type": "string"},
        "vintage": {"type": "string"},
    }),
    "Category": _obj({"code": {"type": "string"}, "label": {"type": "string"}}),
    "TeamRef": _obj({"code": {"type": "string"}, "name": {"type": "string"}}),
    "Meeting": _obj({
        "id": UUID,
        "kind": {"type": "string", "enum": list(MEETING_KINDS)},
        "kind_label": {"type": "string"},
        "ward_codes": {"type": "array", "items": {"type": "string"}},
        "ward_names": {"type": "array", "items": {"type": "string"}},
        "vintage": _nullable({"type": "string"}),
        "date": DATE,
        "start_time": _nullable({"type": "string", "pattern": r"^\d\d:\d\d$"}),
        "venue": {"type": "string"},
        "venue_lon": _nullable({"type": "number"}),
        "venue_lat": _nullable({"type": "number"}),
        "status": {"type": "string", "enum": list(MEETING_STATUSES)},
        "attendance": _nullable({"type": "integer", "minimum": 0}),
        "police_partners": {"type": "string"},
        "pcc_attended": {"type": "boolean"},
        "notes": {"type": "string"},
        "version": {"type": "integer"},
        "is_demo": {"type": "boolean"},
    }),
    "Concern": _obj(
        {
            "id": UUID,
            "meeting_id": _nullable(UUID),
            "channel": {"type": "string", "enum": list(CONCERN_CHANNELS)},
            "category": {"type": "string"},
            "category_label": {"type": "string"},
            "description": {"type": "string"},
            "lon": _nullable({"type": "number"}),
            "lat": _nullable({"type": "number"}),
            "grid_ref": _nullable({"type": "string"}),
            "location_source": {"type": "string", "enum": list(LOCATION_SOURCES)},
            "ward_code": _nullable({"type": "string"}),
            "ward_name": _nullable({"type": "string"}),
            "vintage": _nullable({"type": "string"}),
            "needs_review": {"type": "boolean"},
            "raised_at": DATETIME,
            "residents": {"type": "integer", "minimum": 1},
            "priority": {"type": "string", "enum": list(PRIORITIES)},
            "status": {"type": "string", "enum": list(CONCERN_STATUSES)},
            "lead_team": {"oneOf": [_ref("TeamRef"), {"type": "null"}]},
            "copied_teams": {"type": "array", "items": _ref("TeamRef")},
            "routed_by": {
                "description": "The rule that routed it, or how it was routed otherwise.",
                "oneOf": [
                    _obj({"rule": {"type": "integer"}, "note": {"type": "string"}}),
                    _nullable({"type": "string", "enum": ["rule", "coverage", "triage", "manual"]}),
                ],
            },
            "we_did": _nullable({"type": "string"}),
            "is_demo": {"type": "boolean"},
            "queue": {"const": "triage", "description": "Present only when no team leads on it."},
            "contact": {
                **_obj({"name": _nullable({"type": "string"}), "details": _nullable({"type": "string"}),
                        "consent_at": _nullable(DATETIME)}),
                "description": "Only for staff, admins and the officer who saved it, and only with consent.",
            },
        },
        required=["id", "meeting_id", "channel", "category", "category_label", "description", "lon", "lat",
                  "grid_ref", "location_source", "ward_code", "ward_name", "vintage", "needs_review",
                  "raised_at", "residents", "priority", "status", "lead_team", "copied_teams", "routed_by",
                  "we_did", "is_demo"],
    ),
    "MeetingInput": _obj(
        {
            "id": {**UUID, "description": "Made on the device: sending the same id again stores nothing new."},
            "kind": {"type": "string", "description": "A kind code or its label.",
                     "examples": list(MEETING_KINDS)},
            "ward_codes": {"type": "array", "items": {"type": "string", "examples": ["E05009857"]}, "minItems": 1,
                           "description": "Codes of wards in the current boundary set (any case)."},
            "date": DATE,
            "start_time": {"type": "string", "examples": ["18:30"]},
            "venue": {"type": "string", "maxLength": 200},
            "status": {"type": "string", "enum": list(MEETING_STATUSES)},
            "attendance": {"type": "integer", "minimum": 0},
            "police_partners": {"type": "string", "maxLength": 2000},
            "pcc_attended": {"type": "boolean"},
            "notes": {"type": "string", "maxLength": 10000},
            "venue_lon": {"type": "number", "minimum": -180, "maximum": 180},
            "venue_lat": {"type": "number", "minimum": -90, "maximum": 90},
        },
        required=["id", "ward_codes", "date"],
        extra=True,
    ),
    "ConcernInput": _obj(
        {
            "id": {**UUID, "description": "Made on the device: sending the same id again stores nothing new."},
            "meeting_id": UUID,
            "category": {"type": "string", "description": "A code from /api/v1/categories.",
                         "examples": ["youth_asb"]},
            "description": {"type": "string", "maxLength": 10000},
            "lon": {"type": "number", "minimum": -180, "maximum": 180},
            "lat": {"type": "number", "minimum": -90, "maximum": 90},
            "grid_ref": {"type": "string", "maxLength": 24, "examples": ["NZ 4966 1942"]},
            "ward_code": {"type": "string", "maxLength": 9},
            "location_source": {"type": "string", "enum": ["gps", "map"]},
            "contact_consent": {"type": "boolean"},
            "contact_name": {"type": "string", "maxLength": 200},
            "contact_details": {"type": "string", "maxLength": 400},
            "channel": {"type": "string", "enum": list(CONCERN_CHANNELS)},
            "raised_at": DATETIME,
            "residents": {"type": "integer", "minimum": 1},
            "priority": {"type": "string", "enum": list(PRIORITIES)},
        },
        required=["id", "category", "description"],
        extra=True,
    ),
    "ConcernChange": _obj(
        {
            "category": {"type": "string"},
            "description": {"type": "string", "maxLength": 10000},
            "residents": {"type": "integer", "minimum": 1},
            "priority": {"type": "string", "enum": list(PRIORITIES)},
        },
        required=[],
        extra=True,
    ),
    "CorrectionInput": _obj({"text": {"type": "string", "minLength": 1, "maxLength": 10000}}, extra=True),
    "Correction": _obj({
        "id": {"type": "integer"},
        "concern_id": UUID,
        "text": {"type": "string"},
        "author": {"type": "string", "description": "The e-mail address of the officer who wrote it."},
        "created_at": DATETIME,
    }),
    "MeetingChange": _obj(
        {
            "version": {"type": "integer", "minimum": 1,
                        "description": "The version the edit started from: if the meeting has changed since, "
                                       "nothing is saved and the answer is 409 with the meeting as stored."},
            "date": DATE,
            "start_time": _nullable({"type": "string", "examples": ["18:30"]}),
            "venue": {"type": "string", "maxLength": 200},
            "status": {"type": "string", "enum": list(MEETING_STATUSES)},
            "attendance": _nullable({"type": "integer", "minimum": 0}),
            "pcc_attended": {"type": "boolean"},
            "notes": {"type": "string", "maxLength": 10000},
        },
        required=["version"],
        extra=True,
    ),
    "MapFilters": _obj(
        {
            "from": DATE,
            "to": DATE,
            "source": {"type": "string", "enum": ["real", "demo"]},
            "category": {"type": "string"},
            "lad": {"type": "string"},
            "designation": {"type": "string", "enum": list(DESIGNATIONS)},
            "status": {"type": "string"},
        },
        required=["from", "to", "source"],
    ),
}

VINTAGE = {"name": "vintage", "in": "query", "required": False, "schema": {"type": "string"},
           "description": "A boundary set's vintage, e.g. 2018-12 (default: the current set)."}
MAP_FILTERS = [
    {"name": "from", "in": "query", "schema": DATE, "description": "Default: a year before `to`."},
    {"name": "to", "in": "query", "schema": DATE, "description": "Default: today."},
    {"name": "source", "in": "query", "schema": {"type": "string", "enum": ["real", "demo"]}},
    {"name": "category", "in": "query", "schema": {"type": "string"}},
    {"name": "lad", "in": "query", "schema": {"type": "string"}},
    {"name": "designation", "in": "query", "schema": {"type": "string", "enum": list(DESIGNATIONS)}},
    {"name": "status", "in": "query", "schema": {"type": "string"},
     "description": "`open`, or one status: " + ", ".join(CONCERN_STATUSES)},
]


def _path_param(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema, "description": description}


def _op(summary: str, responses: dict, *, public=False, parameters=None, body=None, tag="capture") -> dict:
    operation = {"summary": summary, "tags": [tag], "responses": responses}
    if public:
        operation["security"] = []
    if parameters:
        operation["parameters"] = parameters
    if body:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": _ref(body)}}}
        responses.setdefault("413", TOO_LARGE)
    # Any request whose address holds a NUL character, or whose JSON body nests deeper
    # than 32 levels, is refused (engage/platform/malformed.py).
    responses.setdefault("400", BAD_REQUEST)
    return operation


def _feature_collection(feature: dict) -> dict:
    return _obj(
        {"type": {"const": "FeatureCollection"}, "vintage": {"type": "string"},
         "attribution": {"type": "string"}, "features": {"type": "array", "items": feature}},
        required=["type", "vintage", "features"],
    )


AUTHORITY_FEATURE = _obj({
    "type": {"const": "Feature"},
    "properties": _obj({"lad_code": {"type": "string"}, "lad_name": {"type": "string"}}),
    "geometry": _ref("Geometry"),
})

CONCERN_ID = _path_param("concern_id", {"type": "string"}, "The concern's UUID.")
MEETING_ID = _path_param("meeting_id", {"type": "string"}, "The meeting's UUID.")

PATHS = {
    "/api/wards": {"get": _op(
        "Every ward of a boundary set, as GeoJSON with today's designations.",
        {"200": _json(_feature_collection(_ref("WardFeature")), "The wards.", "application/geo+json"),
         "404": _error("No boundary set with that vintage.")},
        public=True, parameters=[VINTAGE], tag="register")},
    "/api/locate": {"get": _op(
        "The ward at a point: `lon` and `lat` (WGS84), or `grid` (an OS grid reference).",
        {"200": _json(_ref("LocatedWard"), "The ward containing the point."),
         "400": _error("Neither lon/lat nor grid given, or they are not valid coordinates."),
         "404": _error("Outside every ward of the set (the answer names the vintage), or no such set.")},
        public=True, tag="register", parameters=[
            {"name": "lon", "in": "query", "schema": {"type": "number"}},
            {"name": "lat", "in": "query", "schema": {"type": "number"}},
            {"name": "grid", "in": "query", "schema": {"type": "string"}, "examples": {"central": {"value": "NZ 4966 1942"}}},
            VINTAGE,
        ])},
    "/api/authorities": {"get": _op(
        "Outlines of the four local authorities (dissolved from the current wards).",
        {"200": _json(_feature_collection(AUTHORITY_FEATURE), "The authorities.", "application/geo+json"),
         "503": NO_BOUNDARIES},
        public=True, tag="register")},
    "/api/openapi.json": {"get": _op(
        "This document.", {"200": _json({"type": "object"}, "The OpenAPI description.")},
        public=True, tag="register")},
    "/api/v1/me": {"get": _op(
        "Who the token or session belongs to.",
        {"200": _json(_obj({
            "email": {"type": "string"}, "name": {"type": "string"},
            "roles": {"type": "array", "items": {"type": "string"}},
            "teams": {"type": "array", "items": _obj({"code": {"type": "string"}, "name": {"type": "string"},
                                                       "kind": {"type": "string"}})},
        }), "The user."), **LOGGED_IN}, tag="register")},
    "/api/v1/session": {"get": _op(
        "A fresh CSRF token for a page loaded from the offline cache.",
        {"200": _json(_obj({"email": {"type": "string"}, "roles": {"type": "array", "items": {"type": "string"}},
                            "csrf_token": {"type": "string"}}), "The user and a CSRF token."),
         **LOGGED_IN})},
    "/api/v1/categories": {"get": _op(
        "The active concern categories, in display order.",
        {"200": _json(_obj({"categories": {"type": "array", "items": _ref("Category")}}), "The categories.")},
        public=True)},
    "/api/v1/wards": {"get": _op(
        "The wards of the current set the user may see, with today's designations.",
        {"200": _json(_obj({"vintage": {"type": "string"}, "wards": {"type": "array", "items": _ref("WardRow")}}),
                      "The wards."),
         "503": NO_BOUNDARIES, **LOGGED_IN}, tag="register")},
    "/api/v1/wards/{code}": {"get": _op(
        "One ward of the current set, if the user may see it.",
        {"200": _json(_ref("WardDetail"), "The ward."),
         "404": _error("No such ward, or not in the user's area."),
         "503": NO_BOUNDARIES, **LOGGED_IN},
        parameters=[_path_param("code", {"type": "string"}, "A ward code such as E05009857 (any case).")],
        tag="register")},
    "/api/v1/meetings": {
        "get": _op(
            "Meetings the user may see, newest first (at most 500).",
            {"200": _json(_obj({"meetings": {"type": "array", "items": _ref("Meeting")}}), "The meetings."),
             "400": _error("`date` is not a date."), **LOGGED_IN},
            parameters=[{"name": "date", "in": "query", "schema": DATE, "description": "Only meetings on this day."}]),
        "post": _op(
            "Record a meeting (officers, staff, admins). Idempotent on `id`.",
            {"201": _json(_ref("Meeting"), "Stored."),
             "200": _json(_ref("Meeting"), "Already stored with this id, the same meeting sent again (a resend): "
                                           "the stored meeting, unchanged."),
             "404": _error("A meeting the user may not see is stored with this id: the same answer as a GET "
                           "of it, nothing of its content."),
             "409": _json(_ref("ValidationError"), "Another meeting is stored with this id: nothing was stored; "
                                                   "`fields` names the fields that differ. Send it with a new id."),
             "422": INVALID, **LOGGED_IN},
            body="MeetingInput"),
    },
    "/api/v1/meetings/{meeting_id}": {
        "get": _op(
            "One meeting, if the user may see it.",
            {"200": _json(_ref("Meeting"), "The meeting."), "404": _error("No such meeting that the user can see."),
             **LOGGED_IN},
            parameters=[MEETING_ID]),
        "patch": _op(
            "Edit a meeting (officers, staff, admins who may see it), from the `version` the edit started from.",
            {"200": _json(_ref("Meeting"), "Saved: the meeting with its new version."),
             "404": _error("No such meeting that the user can see."),
             "409": _json(_obj({"error": {"type": "string"}, "current": _ref("Meeting")}),
                          "Someone saved the meeting since that version: nothing was saved; `current` is the "
                          "meeting as stored."),
             "422": INVALID, **LOGGED_IN},
            parameters=[MEETING_ID], body="MeetingChange"),
    },
    "/api/v1/concerns": {
        "get": _op(
            "Concerns the user may see, newest first (at most 500).",
            {"200": _json(_obj({"concerns": {"type": "array", "items": _ref("Concern")}}), "The concerns."),
             **LOGGED_IN},
            parameters=[{"name": "meeting", "in": "query", "schema": {"type": "string"},
                         "description": "Only concerns raised at this meeting (its UUID)."}]),
        "post": _op(
            "Record a concern and route it (officers, staff, admins). Idempotent on `id`.",
            {"201": _json(_ref("Concern"), "Stored and routed."),
             "200": _json(_ref("Concern"), "Already stored with this id, the same concern sent again (a resend): "
                                           "the stored concern, unchanged."),
             "404": _error("A concern the user may not see is stored with this id: the same answer as a GET "
                           "of it, nothing of its content."),
             "409": _json(_ref("ValidationError"), "Another concern is stored with this id: nothing was stored; "
                                                   "`fields` names the fields that differ. Send it with a new id."),
             "410": _error("A concern with this id was undone (deleted by the officer): it is not stored again."),
             "422": INVALID, **LOGGED_IN},
            body="ConcernInput"),
    },
    "/api/v1/concerns/{concern_id}": {
        "get": _op(
            "One concern, if the user may see it.",
            {"200": _json(_ref("Concern"), "The concern."), "404": _error("No such concern that the user can see."),
             **LOGGED_IN},
            parameters=[CONCERN_ID]),
        "patch": _op(
            "Correct a concern just saved: only its author, within the undo window, before a team acts on it.",
            {"200": _json(_ref("Concern"), "The corrected concern."),
             "404": _error("No such concern that the user can see."),
             "409": _error("Not the user's own concern, the undo window has passed, or a team has already "
                           "acted on it (then `correction_url` says where to send a correction instead)."),
             "422": INVALID, **LOGGED_IN},
            parameters=[CONCERN_ID], body="ConcernChange"),
        "delete": _op(
            "Undo a concern just saved: only its author, within the undo window, before a team acts on it. "
            "Its e-mails not yet sent are withdrawn.",
            {"204": {"description": "Removed."},
             "404": _error("No such concern that the user can see."),
             "409": _error("Not the user's own concern, the undo window has passed, or a team has already "
                           "acted on it (then `correction_url` says where to send a correction instead)."),
             **LOGGED_IN},
            parameters=[CONCERN_ID]),
    },
    "/api/v1/concerns/{concern_id}/corrections": {
        "post": _op(
            "Add a correction to a concern: only the officer who saved it, at any time. It is kept beside the "
            "concern (with its author and time) for the teams to read; nothing the teams did changes.",
            {"201": _json(_ref("Correction"), "Stored."),
             "404": _error("No such concern that the user can see."),
             "422": INVALID, **LOGGED_IN},
            parameters=[CONCERN_ID], body="CorrectionInput"),
    },
    "/api/v1/maps/wards": {"get": _op(
        "Concern counts per ward for the choropleth, with class breaks.",
        {"200": _json(_obj({
            "vintage": {"type": "string"},
            "filters": _ref("MapFilters"),
            "measure": {"type": "string", "enum": ["count", "per_meeting"]},
            "breaks": {"type": "array", "items": {"type": "number"}},
            "method": {"type": "string", "enum": list(BREAK_METHODS.values())},
            "total": {"type": "integer", "minimum": 0},
            "wards": {"type": "object", "additionalProperties": _obj({
                "count": {"type": "integer", "minimum": 0}, "meetings": {"type": "integer", "minimum": 0},
                "per_meeting": _nullable({"type": "number"})})},
            "demo": {"type": "boolean"},
        }), "Counts by ward code."),
         "400": _error("A filter, `measure` or `breaks` is not valid."), "503": NO_BOUNDARIES, **LOGGED_IN},
        tag="maps", parameters=[
            *MAP_FILTERS,
            {"name": "measure", "in": "query", "schema": {"type": "string", "enum": ["count", "per_meeting"]}},
            {"name": "breaks", "in": "query", "schema": {"type": "string", "enum": list(BREAK_METHODS)}},
        ])},
    "/api/v1/maps/heat": {"get": _op(
        "Concern density in square cells for the heat layer.",
        {"200": _json(_obj({
            "filters": _ref("MapFilters"),
            "demo": {"type": "boolean"},
            "cell_degrees": {"type": "number"},
            "zoom": {"type": "integer", "minimum": 8, "maximum": 17},
            "max": {"type": "integer", "minimum": 0},
            "points": {"type": "array", "items": {
                "type": "array", "items": {"type": "number"}, "minItems": 3, "maxItems": 3,
                "description": "[lat, lon, count]: a cell's centre and how many concerns it holds."}},
        }), "The cells."),
         "400": _error("A filter or `zoom` is not valid."), "503": NO_BOUNDARIES, **LOGGED_IN},
        tag="maps", parameters=[
            *MAP_FILTERS,
            {"name": "zoom", "in": "query", "schema": {"type": "integer", "minimum": -2**31 + 1, "maximum": 2**31 - 1},
             "description": "Map zoom; 8 to 17 (outside: the nearest). Default 11; not a whole number, or one "
                            "beyond what the database holds: 400."},
        ])},
}


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "engage",
            "version": "1",
            "description": (
                "The JSON API of engage (Your Force Your Voice): the ward register, point location, and the "
                "capture API used by the phone app and other clients. Send an API token as "
                "`Authorization: Bearer ...` (an administrator issues tokens under Admin > Users), or use a "
                "logged-in browser session (which must send its CSRF token in `X-CSRFToken` when writing). "
                "Every refusal is JSON: `{\"error\": ...}`, with `fields` on 422."
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}, {"sessionCookie": []}],
        "tags": [{"name": "register"}, {"name": "capture"}, {"name": "maps"}],
        "paths": deepcopy(PATHS),
        "components": {
            "schemas": deepcopy(SCHEMAS),
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer",
                               "description": "An API token (starts `eng_`), issued under Admin > Users."},
                "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
    }


@bp.route("/openapi.json")
def openapi_json():
    return jsonify(openapi_document())
