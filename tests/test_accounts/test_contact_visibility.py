"""Who sees a resident's contact details is one rule (Scope.may_see_contact), so the
inbox, the API and the exports page agree: staff and admin, and the officer who wrote
them down; never a team's inspector; nobody where the resident did not consent."""

import uuid

from tests.conftest import logged_in_client, make_user


def raise_with_contact(client, consent=True):
    body = {"id": str(uuid.uuid4()), "category": "speeding", "description": "Cars too fast", "ward_code": "E05009857"}
    if consent:
        body |= {"contact_name": "Mrs Smith", "contact_details": "07700 900123", "contact_consent": True}
    assert client.post("/api/v1/concerns", json=body).status_code == 201
    return body["id"]


def shows_contact(client, concern_id):
    in_api = "contact" in client.get(f"/api/v1/concerns/{concern_id}").get_json()
    page = client.get(f"/inbox/concerns/{concern_id}")
    if page.status_code == 200:  # officers have no inbox, only the phone's API
        assert ("07700 900123" in page.get_data(as_text=True)) == in_api, "the inbox and the API disagree"
    return in_api


def test_the_inbox_and_the_api_show_contact_details_to_the_same_people(
    app, users, officer_client, inspector_client, staff_client, db
):
    concern_id = raise_with_contact(officer_client)
    other_officer = logged_in_client(app, make_user("other.officer@example.org", "officer"))
    assert shows_contact(staff_client, concern_id)
    assert shows_contact(officer_client, concern_id)
    assert not shows_contact(other_officer, concern_id)
    assert not shows_contact(inspector_client, concern_id)
    assert not shows_contact(staff_client, raise_with_contact(officer_client, consent=False))


def test_only_who_sees_every_concerns_contact_may_export_them(officer_client, inspector_client, staff_client, db):
    raise_with_contact(officer_client)
    assert "Include residents' contact details" in staff_client.get("/exports").get_data(as_text=True)
    assert "Include residents' contact details" not in inspector_client.get("/exports").get_data(as_text=True)
    header = inspector_client.get("/exports/concerns.csv?contact=1").get_data(as_text=True).splitlines()[0]
    assert "contact_name" not in header
    assert "Mrs Smith" in staff_client.get("/exports/concerns.csv?contact=1").get_data(as_text=True)
