"""A partner agency sees only what is routed to it (issue #16, part B).

The fire brigade's team covers all of Cleveland, but its inspector must not list or
export every concern in Cleveland (drug reports included): on every screen they see
the concerns routed to their team, as lead or copy, and nothing else through it; no
meetings; a resident's contact details only where it leads. An INT's inspector still
sees every concern in the INT's wards. engage/accounts/policy.py decides all of it.
"""

from __future__ import annotations

import csv
import io
import json
import uuid

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from shapely.geometry import shape

from engage.concerns.models import Category
from engage.extensions import db
from engage.teams.models import RoutingRule
from tests.conftest import TODAY, logged_in_client, make_team

CENTRAL = "E05009857"  # one of INT-TEST's wards
ELSEWHERE = "E05001552"  # no INT covers it: its concerns go to triage unless a rule says otherwise

ROUTED = {"FIRE-IN-CENTRAL", "YOUTH-LED-BY-CFB"}
NOT_ROUTED = {"DRUGS-IN-CENTRAL", "SPEEDING-ELSEWHERE"}
MEETING_VENUE = "Partner-never-sees Hall"


@pytest.fixture
def cfb(app):
    """The fire brigade: a partner agency covering all of Cleveland."""
    return make_team("CFB-TEST", ward_codes=(), kind="partner", coverage="all")


def inside_wards(client, codes) -> dict[str, tuple[float, float]]:
    """A point inside each of these wards (for the heat map, concerns need one)."""
    features = client.get("/api/wards").get_json()["features"]
    return {
        f["properties"]["ward_code"]: shape(f["geometry"]).representative_point().coords[0]
        for f in features
        if f["properties"]["ward_code"] in codes
    }


@pytest.fixture
def concerns(app, cfb, team, officer_client):
    """Fire setting anywhere copied to CFB (the ward's INT leads); youth antisocial
    behaviour led by CFB; drugs and speeding not routed to CFB. {description: id}."""

    def category(code):
        return db.session.scalar(sa.select(Category).where(Category.code == code))

    db.session.add_all(
        [
            RoutingRule(category=category("fire_setting"), copy_teams=[cfb], note="fire: the INT leads, CFB copied"),
            RoutingRule(category=category("youth_asb"), lead_team=cfb, note="youth: CFB leads"),
        ]
    )
    db.session.commit()
    assert (
        officer_client.post(
            "/api/v1/meetings",
            json={
                "id": str(uuid.uuid4()),
                "ward_codes": [CENTRAL],
                "date": TODAY.isoformat(),
                "venue": MEETING_VENUE,
            },
        ).status_code
        == 201
    )
    ids, points = {}, inside_wards(officer_client, {CENTRAL, ELSEWHERE})
    for description, code, ward in (
        ("FIRE-IN-CENTRAL", "fire_setting", CENTRAL),
        ("YOUTH-LED-BY-CFB", "youth_asb", ELSEWHERE),
        ("DRUGS-IN-CENTRAL", "drugs", CENTRAL),
        ("SPEEDING-ELSEWHERE", "speeding", ELSEWHERE),
    ):
        lon, lat = points[ward]
        body = {
            "id": str(uuid.uuid4()),
            "category": code,
            "description": description,
            "lon": lon,
            "lat": lat,
            "location_source": "map",
            "contact_consent": True,
            "contact_name": f"Resident of {description}",
        }
        answer = officer_client.post("/api/v1/concerns", json=body)
        assert answer.status_code == 201, answer.get_json()
        ids[description] = body["id"]
    return ids


def inspector_of(app, email, *team_codes, roles=("inspector",)):
    """A client logged in as an inspector in these teams (by code: the team rows of the
    fixtures are detached once a request has ended)."""
    from engage.accounts.services import create_user

    user = create_user(email, list(roles), password="correct horse battery", team_codes=list(team_codes))
    db.session.commit()
    return logged_in_client(app, user)


@pytest.fixture
def partner_client(app, cfb):
    return inspector_of(app, "cfb@example.org", "CFB-TEST")


def named(text: str) -> set[str]:
    return {d for d in ROUTED | NOT_ROUTED if d in text}


def test_the_inbox_holds_only_what_is_routed_to_the_partner(concerns, partner_client, inspector_client):
    assert named(partner_client.get("/inbox?status=all").get_data(as_text=True)) == ROUTED
    # The INT's inspector still sees every concern in their wards, routed to them or not.
    assert named(inspector_client.get("/inbox?status=all").get_data(as_text=True)) == {
        "FIRE-IN-CENTRAL",
        "DRUGS-IN-CENTRAL",
    }


def test_the_api_lists_and_opens_only_what_is_routed(concerns, partner_client):
    listed = partner_client.get("/api/v1/concerns").get_json()["concerns"]
    assert {c["description"] for c in listed} == ROUTED
    # The resident's contact details only where the partner leads (it calls back), not
    # where it is copied.
    assert {c["description"] for c in listed if "contact" in c} == {"YOUTH-LED-BY-CFB"}
    for description, concern_id in concerns.items():
        expected = 200 if description in ROUTED else 404
        assert partner_client.get(f"/api/v1/concerns/{concern_id}").status_code == expected, description
    assert partner_client.get(f"/inbox/concerns/{concerns['DRUGS-IN-CENTRAL']}").status_code == 404
    page = partner_client.get(f"/inbox/concerns/{concerns['FIRE-IN-CENTRAL']}").get_data(as_text=True)
    assert "FIRE-IN-CENTRAL" in page and "Resident of" not in page


def test_exports_hold_only_what_is_routed(concerns, partner_client):
    rows = list(csv.DictReader(io.StringIO(partner_client.get("/exports/concerns.csv").get_data(as_text=True))))
    assert {r["description"] for r in rows} == ROUTED
    sheet = load_workbook(io.BytesIO(partner_client.get("/exports/concerns.xlsx").data)).active
    column = [c.value for c in sheet[1]].index("What was raised")
    assert {row[column] for row in sheet.iter_rows(min_row=2, values_only=True)} == ROUTED
    features = json.loads(partner_client.get("/exports/concerns.geojson").data)["features"]
    assert {f["properties"]["description"] for f in features} == ROUTED
    # Asking for contact details gives none; meetings: none through a partner team.
    with_contact = partner_client.get("/exports/concerns.csv?contact=1").get_data(as_text=True)
    assert "contact_name" not in with_contact.splitlines()[0]
    meetings = list(csv.DictReader(io.StringIO(partner_client.get("/exports/meetings.csv").get_data(as_text=True))))
    assert meetings == []


def test_ward_pages_show_only_what_is_routed_and_no_meetings(concerns, partner_client, inspector_client):
    inbox_ward = partner_client.get(f"/inbox/wards/{CENTRAL}")
    assert inbox_ward.status_code == 200
    assert named(inbox_ward.get_data(as_text=True)) == {"FIRE-IN-CENTRAL"}
    assert MEETING_VENUE not in inbox_ward.get_data(as_text=True)
    drilldown = partner_client.get(f"/wards/{CENTRAL}").get_data(as_text=True)
    assert "Concerns by month" in drilldown
    assert "Fire setting and arson: 1" in drilldown and "Drugs and drug dealing" not in drilldown
    assert "New: 1" in drilldown and MEETING_VENUE not in drilldown
    # The INT's inspector, for comparison: both concerns of the ward, and its meeting.
    theirs = inspector_client.get(f"/wards/{CENTRAL}").get_data(as_text=True)
    assert "New: 2" in theirs and MEETING_VENUE in theirs
    assert MEETING_VENUE in inspector_client.get(f"/inbox/wards/{CENTRAL}").get_data(as_text=True)


def test_map_data_counts_only_what_is_routed(concerns, partner_client):
    wards = partner_client.get("/api/v1/maps/wards").get_json()
    assert wards["total"] == 2
    assert wards["wards"][CENTRAL]["count"] == 1 and wards["wards"][ELSEWHERE]["count"] == 1
    drugs = partner_client.get("/api/v1/maps/wards?category=drugs").get_json()
    assert drugs["total"] == 0
    heat = partner_client.get("/api/v1/maps/heat").get_json()
    assert sum(n for _, _, n in heat["points"]) == 2


def test_reports_and_meetings_are_not_for_a_partner(concerns, partner_client):
    for url in ("/reports", "/reports/coverage", "/reports/panel?from=2026-01-01&to=2026-06-30", "/updates"):
        assert partner_client.get(url).status_code == 403, url
    assert partner_client.get("/api/v1/meetings").get_json()["meetings"] == []


def test_an_inspector_in_an_int_and_a_partner_sees_both_but_no_more(app, concerns):
    both = inspector_of(app, "both@example.org", "INT-TEST", "CFB-TEST")
    listed = {c["description"] for c in both.get("/api/v1/concerns").get_json()["concerns"]}
    assert listed == {"FIRE-IN-CENTRAL", "DRUGS-IN-CENTRAL", "YOUTH-LED-BY-CFB"}
    assert both.get("/api/v1/maps/wards").get_json()["total"] == 3
    assert MEETING_VENUE in both.get(f"/inbox/wards/{CENTRAL}").get_data(as_text=True)
    # CFB's coverage opens the other ward's page, but not its meetings or unrouted concerns.
    elsewhere = both.get(f"/inbox/wards/{ELSEWHERE}").get_data(as_text=True)
    assert named(elsewhere) == {"YOUTH-LED-BY-CFB"}


def test_an_int_covering_all_of_cleveland_still_sees_every_concern(app, concerns):
    make_team("INT-ALL", ward_codes=(), kind="int", coverage="all")
    client = inspector_of(app, "int-all@example.org", "INT-ALL")
    listed = {c["description"] for c in client.get("/api/v1/concerns").get_json()["concerns"]}
    assert listed == ROUTED | NOT_ROUTED
    assert client.get("/api/v1/maps/wards").get_json()["total"] == 4
    assert len(client.get("/api/v1/meetings").get_json()["meetings"]) == 1


def test_an_officer_who_is_also_an_int_inspector_sees_the_ints_wards_not_all_of_cleveland(app, concerns):
    # An officer's "every ward" is for logging meetings, not for reading others' concerns.
    client = inspector_of(app, "officer-inspector@example.org", "INT-TEST", roles=("officer", "inspector"))
    listed = {c["description"] for c in client.get("/api/v1/concerns").get_json()["concerns"]}
    assert listed == {"FIRE-IN-CENTRAL", "DRUGS-IN-CENTRAL"}
