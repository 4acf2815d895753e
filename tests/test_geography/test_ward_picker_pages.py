"""The ward-picker on every page where a ward is chosen or filtered: a name typed as
people say it does what its code did; a name matching nothing is said beside the box,
with the closest names, on the page itself (400 or 422, never a 500)."""

import csv
import io
import uuid

import sqlalchemy as sa

from engage.platform.audit import AuditEvent
from engage.reports.models import WardUpdate
from engage.teams.models import RoutingRule, Team

CENTRAL, NEWPORT, LINTHORPE, BROTTON, ST_GERMAINS = "E05009857", "E05009866", "E05009862", "E05001505", "E05001519"
LINTHORP = "No ward called &#39;linthorp&#39;. Did you mean: Linthorpe, Nunthorpe?"


def save(client, ward_code, text):
    response = client.post(
        "/api/v1/concerns",
        json={"id": str(uuid.uuid4()), "category": "drugs", "description": text, "ward_code": ward_code},
    )
    assert response.status_code == 201, response.get_json()


def the_box(page: str, box_id: str) -> str:
    start = page.index(f'<input id="{box_id}"')
    return page[start : page.index(">", start)]


def test_the_inbox_filters_by_a_ward_name_typed_in_lower_case(officer_client, staff_client, inspector_client):
    save(officer_client, LINTHORPE, "Dealing behind the shops on Linthorpe Road")
    save(officer_client, CENTRAL, "Cars racing round the Central roundabout")
    page = staff_client.get("/inbox?ward=linthorpe").get_data(as_text=True)
    assert "Linthorpe Road" in page and "Central roundabout" not in page
    assert 'value="Linthorpe"' in the_box(page, "f-ward")  # the box names the ward as the list does
    assert '<option value="Linthorpe" label="Linthorpe (Middlesbrough)"' in page

    # Codes still work, in any case, and "Newport ward" is Newport.
    save(officer_client, NEWPORT, "Bikes on the Newport bridge path")
    for typed in (NEWPORT, NEWPORT.lower(), "Newport ward"):
        page = inspector_client.get("/inbox", query_string={"ward": typed}).get_data(as_text=True)
        assert "Newport bridge" in page and "Central roundabout" not in page


def test_the_inbox_says_when_no_ward_has_that_name(staff_client):
    response = staff_client.get("/inbox?ward=linthorp&status=all")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'<p class="error" id="f-ward-error">{LINTHORP}</p>' in page
    box = the_box(page, "f-ward")
    assert 'value="linthorp"' in box and 'aria-invalid="true"' in box and "f-ward-error" in box
    assert page.count(LINTHORP) == 1  # beside the box, not again above the list


def test_exports_take_a_ward_name(officer_client, staff_client):
    save(officer_client, LINTHORPE, "Dealing behind the shops on Linthorpe Road")
    save(officer_client, CENTRAL, "Cars racing round the Central roundabout")
    response = staff_client.get("/exports/concerns.csv?ward=linthorpe")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["ward_code"] for r in rows] == [LINTHORPE]
    assert len(list(csv.DictReader(io.StringIO(staff_client.get(f"/exports/concerns.csv?ward={CENTRAL}").text)))) == 1


def test_exports_say_when_no_ward_has_that_name_and_keep_what_was_typed(staff_client):
    response = staff_client.get("/exports/concerns.csv?ward=linthorp&from=2026-01-01&contact=1")
    assert response.status_code == 400 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert LINTHORP in page and 'value="linthorp"' in the_box(page, "ward")
    assert 'value="2026-01-01"' in page and 'id="contact" name="contact" type="checkbox" value="1" checked' in page


def test_the_map_finds_a_ward_by_name(staff_client):
    response = staff_client.get("/maps?ward=st+germains")
    assert response.status_code == 302 and response.headers["Location"] == f"/wards/{ST_GERMAINS}"
    unknown = staff_client.get("/maps?ward=linthorp")
    assert unknown.status_code == 400
    page = unknown.get_data(as_text=True)
    assert LINTHORP in page and 'aria-invalid="true"' in the_box(page, "find-ward")


def team_form(**extra):
    return {
        "code": "INT-PICK",
        "name": "Picked by name",
        "kind": "int",
        "local_authority": "",
        "contact_email": "pick@example.org",
        "notify_mode": "immediate",
        "coverage": "wards",
        **extra,
    }


def test_the_team_form_adds_wards_by_name(admin_client, db):
    response = admin_client.post(
        "/admin/teams/new", data=team_form(wards=[CENTRAL], add_wards="linthorpe, Brotton ward")
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    team = db.session.scalar(sa.select(Team).where(Team.code == "INT-PICK"))
    assert sorted(w.code for w in team.wards) == sorted([CENTRAL, LINTHORPE, BROTTON])


def test_the_team_form_says_which_names_match_no_ward(admin_client, db):
    response = admin_client.post("/admin/teams/new", data=team_form(wards=[CENTRAL], add_wards="Brotton, linthorp"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert LINTHORP in page
    assert 'value="linthorp"' in the_box(page, "add_wards")  # Brotton, found, is ticked instead
    assert (
        f'id="wards-{BROTTON}" value="{BROTTON}" checked' in page
        and f'id="wards-{CENTRAL}" value="{CENTRAL}" checked' in page
    )
    assert db.session.scalar(sa.select(Team).where(Team.code == "INT-PICK")) is None


def test_a_routing_rule_takes_its_ward_by_name(admin_client, db, users):
    rule = {"local_authority": "", "category": "drugs", "lead_team": "", "priority": "0", "note": ""}
    refused = admin_client.post("/admin/routing/new", data={**rule, "ward": "linthorp"})
    assert refused.status_code == 422 and LINTHORP in refused.get_data(as_text=True)
    assert admin_client.post("/admin/routing/new", data={**rule, "ward": "linthorpe"}).status_code == 302
    made = db.session.scalar(sa.select(RoutingRule))
    assert made.ward.code == LINTHORPE
    # The form shows it again by name.
    assert 'value="Linthorpe"' in the_box(admin_client.get(f"/admin/routing/{made.id}").text, "ward")

    # And the audit trail names the new rule's link (it was recorded before it had a number).
    assert db.session.scalar(sa.select(AuditEvent.label).where(AuditEvent.entity == "routing_rule")) == ""
    audit = admin_client.get("/admin/audit?entity=routing_rule").get_data(as_text=True)
    assert f'href="/admin/routing/{made.id}">#{made.id}</a>' in audit


def test_testing_a_concern_takes_the_ward_by_name(admin_client, users):
    page = admin_client.get("/admin/routing?ward=central&category=drugs").get_data(as_text=True)
    assert "in Central</strong> (Middlesbrough)" in page
    refused = admin_client.get("/admin/routing?ward=linthorp&category=drugs")
    assert refused.status_code == 422 and LINTHORP in refused.get_data(as_text=True)


def test_you_said_we_did_takes_the_ward_by_name(staff_client, db):
    refused = staff_client.post("/updates/draft", data={"ward": "linthorp", "from": "2026-03-01", "to": "2026-05-31"})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert LINTHORP in page and 'value="linthorp"' in the_box(page, "ward") and 'value="2026-03-01"' in page
    drafted = staff_client.post(
        "/updates/draft", data={"ward": "st germains", "from": "2026-03-01", "to": "2026-05-31"}
    )
    assert drafted.status_code == 302
    assert db.session.scalar(sa.select(WardUpdate)).ward.code == ST_GERMAINS
