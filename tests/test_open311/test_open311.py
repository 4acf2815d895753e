"""Open311 GeoReport v2: fields, formats and errors as the specification gives them,
and a submitted request stored and routed as a captured concern is."""

import re
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from engage.accounts.services import issue_token
from engage.concerns.capture import raise_concern
from engage.concerns.models import Category, Concern
from engage.geography.boundaries import current_boundary_set
from engage.geography.models import Ward
from engage.notify.models import OutboxMessage
from engage.platform.db import utcnow
from engage.reports.models import WardUpdate
from tests.conftest import make_team, make_user

BASE = "/open311/v2"
CENTRAL = "E05009857"
SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")


def xml(response, root):
    assert response.content_type == "text/xml; charset=utf-8"
    assert response.data.startswith(b"<?xml")
    tree = ET.fromstring(response.data)
    assert tree.tag == root
    return tree


def errors_of(response, fmt):
    """The specification's error list, read from either format."""
    if fmt == "json":
        assert response.content_type == "application/json; charset=utf-8"
        body = response.get_json()
        assert isinstance(body, list) and body and all(list(e) == ["code", "description"] for e in body)
        return body
    tree = xml(response, "errors")
    out = []
    for error in tree:
        assert error.tag == "error" and [c.tag for c in error] == ["code", "description"]
        out.append({"code": int(error.findtext("code")), "description": error.findtext("description")})
    return out


def central_point(db):
    ward = db.session.scalar(
        sa.select(Ward).where(Ward.code == CENTRAL, Ward.boundary_set_id == current_boundary_set().id)
    )
    return ward.label_lon, ward.label_lat


def token_for(app, db, *roles):
    user = make_user(f"{roles[0]}-{uuid.uuid4().hex[:6]}@example.org", *roles)
    with app.app_context():
        token = issue_token(user).token
        db.session.commit()
    return token


def concern(app, db, **fields):
    body = {
        "id": str(uuid.uuid4()),
        "category": "drugs",
        "description": "Dealing from a car by the play area",
        "ward_code": CENTRAL,
        "raised_at": utcnow().isoformat(),
    }
    is_demo = fields.pop("is_demo", False)
    status = fields.pop("status", None)
    we_did = fields.pop("we_did", None)
    body.update(fields)
    with app.app_context():
        stored, _ = raise_concern(body, is_demo=is_demo)
        if status:
            stored.status = status
        if we_did:
            stored.we_did = we_did
        db.session.commit()
        return stored.id


@pytest.fixture
def officer_token(app, db):
    return token_for(app, db, "officer")


# --- discovery and services -------------------------------------------------------


def test_discovery_in_both_formats(client):
    body = client.get(f"{BASE}/discovery.json").get_json()
    assert list(body) == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2") and endpoint["formats"] == ["text/xml", "application/json"]
    tree = xml(client.get(f"{BASE}/discovery.xml"), "discovery")
    assert [c.tag for c in tree] == ["changeset", "contact", "key_service", "endpoints"]
    assert [f.text for f in tree.find("endpoints/endpoint/formats")] == ["text/xml", "application/json"]


def test_services_one_per_active_category(client, db):
    db.session.execute(sa.update(Category).where(Category.code == "parking").values(is_active=False))
    db.session.commit()
    body = client.get(f"{BASE}/services.json").get_json()
    active = db.session.scalars(sa.select(Category.code).where(Category.is_active).order_by(Category.sort_order)).all()
    assert [s["service_code"] for s in body] == list(active) and "parking" not in active
    for service in body:
        assert list(service) == SERVICE_FIELDS
        assert service["metadata"] is False and service["type"] == "realtime" and service["group"]
    drugs = next(s for s in body if s["service_code"] == "drugs")
    assert drugs["service_name"] == "Drugs and drug dealing" and "drug dealing" in drugs["keywords"]

    tree = xml(client.get(f"{BASE}/services.xml"), "services")
    assert [s.findtext("service_code") for s in tree] == list(active)
    for service in tree:
        assert service.tag == "service" and [c.tag for c in service] == SERVICE_FIELDS
        assert service.findtext("metadata") == "false"


def test_service_definition_has_no_attributes(client):
    assert client.get(f"{BASE}/services/drugs.json").get_json() == {"service_code": "drugs", "attributes": []}
    tree = xml(client.get(f"{BASE}/services/drugs.xml"), "service_definition")
    assert tree.findtext("service_code") == "drugs" and len(tree.find("attributes")) == 0


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_code_is_404_in_the_spec_error_format(client, fmt):
    response = client.get(f"{BASE}/services/no_such_thing.{fmt}")
    assert response.status_code == 404
    assert errors_of(response, fmt) == [{"code": 404, "description": "service_code 'no_such_thing' was not found"}]


def test_unknown_resources_and_methods_answer_in_the_spec_format(client):
    response = client.get(f"{BASE}/tokens/123.xml")
    assert response.status_code == 404 and errors_of(response, "xml")[0]["code"] == 404
    response = client.post(f"{BASE}/services.json")
    assert response.status_code == 405 and response.headers["Allow"] == "GET"
    assert errors_of(response, "json")[0]["code"] == 405


# --- submitting ---------------------------------------------------------------------


def test_post_creates_a_concern_routed_to_the_wards_int_then_listed(app, client, db, officer_token):
    team_id = make_team("INT-CENTRAL", ward_codes=(CENTRAL,)).id
    lon, lat = central_point(db)
    response = client.post(
        f"{BASE}/requests.json",
        data={
            "api_key": officer_token,
            "service_code": "off_road_bikes",
            "lat": str(lat),
            "long": str(lon),
            "description": "Quad bikes on the field behind the school",
            "jurisdiction_id": "cleveland.pcc.police.uk",
        },
    )
    assert response.status_code == 201, response.data
    [answer] = response.get_json()
    assert list(answer) == ["service_request_id", "service_notice", "account_id"]
    assert answer["account_id"] is None and "Team INT-CENTRAL" in answer["service_notice"]

    stored = db.session.get(Concern, answer["service_request_id"])
    stored_id = stored.id
    assert stored.channel == "open311" and stored.ward.code == CENTRAL and stored.lead_team_id == team_id
    assert stored.routed_by == "coverage" and not stored.needs_review
    assert stored.description == "Quad bikes on the field behind the school"
    # Routed as a captured concern is, e-mail to the team included.
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.concern_id == stored.id, OutboxMessage.team_id == team_id)
        )
        == 1
    )

    listed = client.get(f"{BASE}/requests.json").get_json()
    [record] = [r for r in listed if r["service_request_id"] == stored_id]
    assert list(record) == REQUEST_FIELDS
    assert record["status"] == "open" and record["service_code"] == "off_road_bikes"
    assert record["description"] == "Off-road motorbikes and quads"  # never the resident's words
    assert record["agency_responsible"] == "Team INT-CENTRAL" and record["address"] == "Central"
    assert record["lat"] == round(lat, 3) and record["long"] == round(lon, 3)
    assert W3C.match(record["requested_datetime"]) and W3C.match(record["updated_datetime"])
    assert record["media_url"] is None and record["status_notes"] is None


@pytest.mark.parametrize(
    "address, ward_code, source",
    [
        ("central ward", CENTRAL, "ward"),
        ("St Germain's", "E05001519", "ward"),
        ("NZ 4966 1942", None, "grid"),
    ],
)
def test_post_placed_by_address_string(client, db, officer_token, address, ward_code, source):
    response = client.post(
        f"{BASE}/requests.xml",
        data={"api_key": officer_token, "service_code": "speeding", "address_string": address, "description": "Racing"},
    )
    assert response.status_code == 201
    tree = xml(response, "service_requests")
    assert [c.tag for c in tree[0]] == ["service_request_id", "service_notice", "account_id"]
    stored = db.session.get(Concern, tree[0].findtext("service_request_id"))
    assert stored.location_source == source and not stored.needs_review
    if ward_code:
        assert stored.ward.code == ward_code
    else:
        assert stored.grid_ref == address and stored.ward is not None


def test_post_that_cannot_be_placed_is_kept_for_review(client, db, officer_token):
    response = client.post(
        f"{BASE}/requests.json",
        data={
            "api_key": officer_token,
            "service_code": "parking",
            "address_string": "behind the big Tesco",
            "description": "Cars on the pavement",
        },
    )
    assert response.status_code == 201
    stored = db.session.get(Concern, response.get_json()[0]["service_request_id"])
    assert stored.needs_review and stored.ward is None and stored.lead_team_id is None
    assert "Location given: behind the big Tesco" in stored.description
    record = client.get(f"{BASE}/requests/{stored.id}.json").get_json()[0]
    assert record["agency_responsible"] == "OPCC triage" and record["address"] is None and record["lat"] is None


def test_personal_fields_are_not_stored(client, db, officer_token):
    response = client.post(
        f"{BASE}/requests.json",
        data={
            "api_key": officer_token,
            "service_code": "drugs",
            "address_string": "Central",
            "description": "Dealing by the shops",
            "email": "jo@example.org",
            "first_name": "Jo",
            "last_name": "Bloggs",
            "phone": "01642 000000",
            "device_id": "abc",
            "account_id": "42",
        },
    )
    stored = db.session.get(Concern, response.get_json()[0]["service_request_id"])
    assert stored.contact_name is None and stored.contact_details is None and not stored.contact_consent
    assert "jo@example.org" not in stored.description and "Bloggs" not in stored.description


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_with_a_bad_api_key_is_403(app, client, db, fmt):
    for key in ("", "eng_not-a-real-token", token_for(app, db, "inspector")):
        response = client.post(
            f"{BASE}/requests.{fmt}", data={"api_key": key, "service_code": "drugs", "address_string": "Central"}
        )
        assert response.status_code == 403
        assert errors_of(response, fmt)[0]["code"] == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Concern)) == 0


@pytest.mark.parametrize(
    "form, status, says",
    [
        ({"address_string": "Central"}, 400, "service_code was not provided"),
        (
            {"service_code": "no_such_thing", "address_string": "Central"},
            404,
            "service_code 'no_such_thing' was not found",
        ),
        ({"service_code": "drugs"}, 400, "a location was not provided"),
        ({"service_code": "drugs", "lat": "54.57"}, 400, "lat and long must be sent together"),
        ({"service_code": "drugs", "lat": "north", "long": "-1.2"}, 400, "lat"),
        ({"service_code": "drugs", "address_string": "Central", "description": "a\x0cb"}, 400, "description: must not"),
    ],
)
def test_post_errors(client, db, officer_token, form, status, says):
    response = client.post(f"{BASE}/requests.json", data={"api_key": officer_token, **form})
    assert response.status_code == status
    [error] = errors_of(response, "json")
    assert error["code"] == status and says in error["description"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Concern)) == 0


def test_post_needs_no_csrf_token(app, client, officer_token):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(
            f"{BASE}/requests.json",
            data={"api_key": officer_token, "service_code": "drugs", "address_string": "Central"},
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 201


# --- reading requests ----------------------------------------------------------------


def test_requests_xml_has_the_spec_fields(app, client, db):
    concern_id = concern(app, db, lon=-1.23456, lat=54.57123, ward_code=None)
    tree = xml(client.get(f"{BASE}/requests.xml"), "service_requests")
    [request] = [r for r in tree if r.findtext("service_request_id") == concern_id]
    assert request.tag == "request" and [c.tag for c in request] == REQUEST_FIELDS
    assert request.findtext("lat") == "54.571" and request.findtext("long") == "-1.235"
    assert request.findtext("media_url") == "" and W3C.match(request.findtext("requested_datetime"))
    one = xml(client.get(f"{BASE}/requests/{concern_id}.xml"), "service_requests")
    assert len(one) == 1 and one[0].findtext("service_request_id") == concern_id


def test_status_is_open_or_closed_from_the_workflow(app, client, db):
    ids = {
        status: concern(app, db, status=status)
        for status in ("new", "acknowledged", "in_progress", "action_taken", "closed", "no_action")
    }
    listed = {r["service_request_id"]: r["status"] for r in client.get(f"{BASE}/requests.json").get_json()}
    assert {s: listed[i] for s, i in ids.items()} == {
        "new": "open",
        "acknowledged": "open",
        "in_progress": "open",
        "action_taken": "closed",
        "closed": "closed",
        "no_action": "closed",
    }
    open_ids = {r["service_request_id"] for r in client.get(f"{BASE}/requests.json?status=open,open").get_json()}
    closed_ids = {r["service_request_id"] for r in client.get(f"{BASE}/requests.json?status=closed").get_json()}
    assert open_ids == {ids["new"], ids["acknowledged"], ids["in_progress"]}
    assert closed_ids == {ids["action_taken"], ids["closed"], ids["no_action"]}
    both = client.get(f"{BASE}/requests.json?status=open,closed").get_json()
    assert len(both) == 6


def test_filters_dates_codes_ids_and_paging(app, client, db):
    now = utcnow()
    recent = concern(app, db, category="speeding", raised_at=(now - timedelta(days=2)).isoformat())
    older = concern(app, db, category="parking", raised_at=(now - timedelta(days=200)).isoformat())
    demo = concern(app, db, is_demo=True)

    default = {r["service_request_id"] for r in client.get(f"{BASE}/requests.json").get_json()}
    assert recent in default and older not in default and demo not in default  # last 90 days, no demo

    start = (now - timedelta(days=210)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (now - timedelta(days=190)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    window = client.get(f"{BASE}/requests.json", query_string={"start_date": start, "end_date": end}).get_json()
    assert [r["service_request_id"] for r in window] == [older]
    # An unencoded '+' arrives as a space; still understood.
    spaced = client.get(f"{BASE}/requests.json?start_date={start}&end_date={end.replace('+', '%20')}").get_json()
    assert [r["service_request_id"] for r in spaced] == [older]

    codes = client.get(f"{BASE}/requests.json?service_code=speeding,drugs").get_json()
    assert [r["service_request_id"] for r in codes] == [recent]

    by_id = client.get(f"{BASE}/requests.json?service_request_id={older},{recent},{demo}&status=closed").get_json()
    assert {r["service_request_id"] for r in by_id} == {older, recent}  # overrides the other arguments

    concern(app, db)
    page = client.get(f"{BASE}/requests.json?page_size=1").get_json()
    second = client.get(f"{BASE}/requests.json?page_size=1&page=2").get_json()
    assert len(page) == len(second) == 1 and page[0]["service_request_id"] != second[0]["service_request_id"]


@pytest.mark.parametrize(
    "query, says",
    [
        ("start_date=2020-01-01T00:00:00Z&end_date=2020-06-01T00:00:00Z", "more than 90 days"),
        ("start_date=2020-02-01T00:00:00Z&end_date=2020-01-01T00:00:00Z", "after end_date"),
        ("start_date=last+tuesday", "not a W3C date"),
        ("status=pending", "open or closed"),
        ("page_size=1001", "1 to 1000"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_request_queries_are_400(client, query, says, fmt):
    response = client.get(f"{BASE}/requests.{fmt}?{query}")
    assert response.status_code == 400
    [error] = errors_of(response, fmt)
    assert error["code"] == 400 and says in error["description"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_or_demo_request_is_404(app, client, db, fmt):
    demo = concern(app, db, is_demo=True)
    for request_id in (str(uuid.uuid4()), demo, "not-an-id"):
        response = client.get(f"{BASE}/requests/{request_id}.{fmt}")
        assert response.status_code == 404 and errors_of(response, fmt)[0]["code"] == 404


def test_we_did_is_published_only_under_a_published_you_said_we_did(app, client, db):
    raised = datetime(2026, 3, 10, 19, 0, tzinfo=UTC)
    concern_id = concern(
        app,
        db,
        raised_at=raised.isoformat(),
        status="action_taken",
        we_did="Patrols on Friday evenings; a warrant was executed.",
    )
    ward = db.session.scalar(
        sa.select(Ward).where(Ward.code == CENTRAL, Ward.boundary_set_id == current_boundary_set().id)
    )
    update = WardUpdate(
        ward=ward,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
        state="draft",
        items=[{"category": "drugs", "label": "Drugs", "you_said": "x", "we_did": "y"}],
    )
    db.session.add(update)
    db.session.commit()
    update_id = update.id
    query = {"start_date": "2026-03-01T00:00:00Z", "end_date": "2026-03-31T00:00:00Z"}

    def notes():
        [record] = client.get(f"{BASE}/requests.json", query_string=query).get_json()
        assert record["service_request_id"] == concern_id and record["status"] == "closed"
        return record["status_notes"]

    assert notes() is None  # a draft is not published
    db.session.get(WardUpdate, update_id).state = "published"
    db.session.commit()
    # The text staff published for the theme, never the team's own note.
    assert notes() == "y"
    update = db.session.get(WardUpdate, update_id)
    update.period_start, update.period_end = date(2026, 4, 1), date(2026, 6, 30)
    db.session.commit()
    assert notes() is None  # published, but for another period


TEAM_NOTE = "Spoke to Mrs Edith Parr at 14 Grange Road, TS1 2AB; her son Kyle is the dealer."
PUBLISHED = "Warrants executed on two addresses; patrols stepped up around the play area."


def publish_you_said_we_did(staff_client, db, ward_code, start, end, we_did):
    """Staff draft the ward's update, rewrite each theme's "we did" as `we_did[category]`
    (a category left out is emptied, so not published) and publish it, through the pages
    (the preview, then its confirm step)."""
    assert (
        staff_client.post(
            "/updates/draft", data={"ward": ward_code, "from": start.isoformat(), "to": end.isoformat()}
        ).status_code
        == 302
    )
    update = db.session.scalar(sa.select(WardUpdate).join(WardUpdate.ward).where(Ward.code == ward_code))
    update_id = update.id
    form = {"count": str(len(update.items)), "intro": "What you told us, and what was done.", "action": "publish"}
    for i, item in enumerate(update.items):
        text = we_did.get(item["category"], "")
        form.update(
            {
                f"category-{i}": item["category"],
                f"label-{i}": item["label"],
                f"you_said-{i}": item["you_said"] if text else "",
                f"we_did-{i}": text,
            }
        )
    assert staff_client.post(f"/updates/{update_id}", data=form).status_code == 200  # the preview
    assert staff_client.post(f"/updates/{update_id}/publish", data=form | {"confirm": "yes"}).status_code == 302
    update = db.session.get(WardUpdate, update_id)
    assert update.state == "published"
    return update


def test_status_notes_are_only_the_text_staff_published_for_the_concerns_it_covers(
    app, client, staff_client, db, today
):
    raised = (utcnow() - timedelta(days=10)).isoformat()
    covered = concern(app, db, raised_at=raised, status="action_taken", we_did=TEAM_NOTE)
    # Same ward and period, a theme staff emptied before publishing: not published.
    emptied = concern(app, db, category="parking", raised_at=raised, status="action_taken", we_did=TEAM_NOTE)
    # Same theme, another ward with nothing published.
    elsewhere = concern(app, db, ward_code="E05009866", raised_at=raised, status="action_taken", we_did=TEAM_NOTE)
    publish_you_said_we_did(staff_client, db, CENTRAL, today - timedelta(days=30), today, {"drugs": PUBLISHED})
    # Raised in the ward, theme and period, but stored after the update was drafted:
    # staff never wrote anything about it.
    later = concern(app, db, raised_at=raised, status="action_taken", we_did=TEAM_NOTE)

    bodies = [client.get(f"{BASE}/requests.{fmt}") for fmt in ("json", "xml")]
    bodies += [
        client.get(f"{BASE}/requests/{i}.{fmt}")
        for i in (covered, emptied, elsewhere, later)
        for fmt in ("json", "xml")
    ]
    bodies.append(client.get(f"/public/wards/{CENTRAL}"))
    for response in bodies:
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        for private in ("Edith", "Parr", "Grange Road", "TS1 2AB", "Kyle"):
            assert private not in text, (response.request.path, private)
    assert PUBLISHED in bodies[-1].get_data(as_text=True)

    notes = {r["service_request_id"]: r["status_notes"] for r in bodies[0].get_json()}
    assert notes == {covered: PUBLISHED, emptied: None, elsewhere: None, later: None}
    tree = xml(bodies[1], "service_requests")
    assert {r.findtext("service_request_id"): r.findtext("status_notes") or None for r in tree} == {
        covered: PUBLISHED,
        emptied: None,
        elsewhere: None,
        later: None,
    }
    assert client.get(f"{BASE}/requests/{covered}.json").get_json()[0]["status_notes"] == PUBLISHED


def test_a_published_update_without_its_moment_still_shows(app, client, staff_client, db, today):
    covered = concern(app, db, raised_at=(utcnow() - timedelta(days=3)).isoformat(), status="action_taken")
    update = publish_you_said_we_did(staff_client, db, CENTRAL, today - timedelta(days=7), today, {"drugs": PUBLISHED})
    update.published_at = None  # as a hand-edited or restored row may be
    db.session.commit()
    page = client.get(f"/public/wards/{CENTRAL}")
    assert page.status_code == 200 and PUBLISHED in page.get_data(as_text=True)
    for fmt in ("json", "xml"):
        assert client.get(f"{BASE}/requests.{fmt}").status_code == 200
    assert client.get(f"{BASE}/requests/{covered}.json").get_json()[0]["status_notes"] == PUBLISHED


def test_reads_are_open_to_any_site(client):
    response = client.get(f"{BASE}/services.json")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
