"""A concern's page says where it is (map data, how it was placed, grid reference, the
meeting with a link) and lets staff correct its ward and copy it to teams by ticking
boxes. The map itself is drawn in tests/test_browser/test_concern_page.py."""

import json
import re
import uuid

import sqlalchemy as sa

from engage.concerns.models import Concern
from engage.extensions import db
from tests.conftest import TODAY, make_team

CENTRAL = "E05009857"
YARM = "E05001552"


def raise_(client, **extra):
    body = {"id": str(uuid.uuid4()), "category": "speeding", "description": "Cars too fast"} | extra
    answer = client.post("/api/v1/concerns", json=body)
    assert answer.status_code == 201, answer.get_json()
    return body["id"]


def map_data(html):
    found = re.search(r'<script type="application/json" id="concern-map-data">(.*?)</script>', html, re.S)
    return json.loads(found.group(1)) if found else None


def test_a_point_shows_how_it_was_placed_its_grid_reference_and_the_meeting(officer_client, inspector_client):
    meeting_id = str(uuid.uuid4())
    assert (
        officer_client.post(
            "/api/v1/meetings",
            json={"id": meeting_id, "ward_codes": [CENTRAL], "date": TODAY.isoformat(), "venue": "Town Hall"},
        ).status_code
        == 201
    )
    concern_id = raise_(officer_client, meeting_id=meeting_id, lon=-1.2345, lat=54.5742, location_source="map")
    html = inspector_client.get(f"/inbox/concerns/{concern_id}").get_data(as_text=True)
    assert "By a tap on the map" in html
    assert re.search(r'id="grid-ref">NZ 4958 2015</span> <span class="hint">\(worked out from the point\)', html)
    data = map_data(html)
    assert data["point"] == [54.5742, -1.2345]
    assert data["ward"]["properties"]["ward_code"] == CENTRAL and data["ward"]["geometry"]["type"]
    assert f'href="/inbox/wards/{CENTRAL}#meetings">Your Force Your Voice, Town Hall' in html
    assert 'id="meetings"' in inspector_client.get(f"/inbox/wards/{CENTRAL}").get_data(as_text=True)


def test_a_typed_grid_reference_is_shown_as_typed(officer_client, inspector_client):
    concern_id = raise_(officer_client, grid_ref="NZ 4966 1942")
    html = inspector_client.get(f"/inbox/concerns/{concern_id}").get_data(as_text=True)
    assert "From a grid reference typed in" in html and 'id="grid-ref">NZ 4966 1942</span>' in html
    assert "worked out from the point" not in html


def test_only_the_ward_known_draws_its_outline_and_says_no_exact_place(officer_client, inspector_client):
    concern_id = raise_(officer_client, ward_code=CENTRAL)
    html = inspector_client.get(f"/inbox/concerns/{concern_id}").get_data(as_text=True)
    assert "A ward chosen by hand" in html and "None: no exact place was given" in html
    data = map_data(html)
    assert data["point"] is None and data["ward"]["properties"]["ward_code"] == CENTRAL


def test_unplaced_has_no_map(officer_client, staff_client):
    html = staff_client.get(f"/inbox/concerns/{raise_(officer_client)}").get_data(as_text=True)
    assert map_data(html) is None and "needs review" in html


def test_staff_correct_the_ward_by_name_and_it_is_rerouted(officer_client, staff_client, inspector_client, team):
    stockton = make_team("INT-STOCK", ward_codes=(YARM,), lad_code="E06000004")
    stockton_id = stockton.id
    concern_id = raise_(officer_client, ward_code=CENTRAL)
    page = staff_client.get(f"/inbox/concerns/{concern_id}").get_data(as_text=True)
    assert '<datalist id="ward-ward-wards">' in page and '<option value="Yarm" label="Yarm (Stockton-on-Tees)"' in page

    unknown = staff_client.post(f"/inbox/concerns/{concern_id}", data={"action": "ward", "ward-ward": "Yarmm"})
    html = unknown.get_data(as_text=True)
    assert unknown.status_code == 422
    assert "No ward called &#39;Yarmm&#39;. Did you mean: Yarm?" in html
    assert 'value="Yarmm"' in html  # what was typed stays in the box

    done = staff_client.post(
        f"/inbox/concerns/{concern_id}", data={"action": "ward", "ward-ward": "yarm", "ward-note": "Yarm high street"}
    )
    assert done.status_code == 302
    concern = db.session.get(Concern, concern_id)
    assert concern.ward.code == YARM and concern.lead_team_id == stockton_id
    html = staff_client.get(f"/inbox/concerns/{concern_id}").get_data(as_text=True)
    assert "ward corrected from Central to Yarm by staff@example.org (Yarm high street)" in html
    # No longer in Central, so no longer the Central inspector's to see.
    assert inspector_client.get(f"/inbox/concerns/{concern_id}").status_code == 404


def test_only_staff_may_correct_a_ward(officer_client, inspector_client):
    concern_id = raise_(officer_client, ward_code=CENTRAL)
    html = inspector_client.get(f"/inbox/concerns/{concern_id}").get_data(as_text=True)
    assert "Correct the ward" not in html
    refused = inspector_client.post(f"/inbox/concerns/{concern_id}", data={"action": "ward", "ward-ward": "Yarm"})
    assert refused.status_code == 403
    assert db.session.scalar(sa.select(Concern.ward_id).where(Concern.id == concern_id)) is not None


def test_copy_to_is_a_fieldset_of_checkboxes(officer_client, staff_client, team):
    concern_id = raise_(officer_client, ward_code=CENTRAL)
    html = staff_client.get(f"/inbox/concerns/{concern_id}").get_data(as_text=True)
    fieldset = re.search(r'<fieldset class="field checkbox-list">(.*?)</fieldset>', html, re.S).group(1)
    assert "<legend>Copy to</legend>" in fieldset
    assert re.search(r'<input id="reroute-copies-0" name="reroute-copies" type="checkbox" value="\d+">', fieldset)
    assert '<label for="reroute-copies-0">Team INT-TEST</label>' in fieldset
    assert "<select multiple" not in html
