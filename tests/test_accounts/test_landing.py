"""Where each role lands after logging in: a plain function, and the log-in page using it."""

import uuid

import pytest

from engage.accounts.services import Landing, find_user, landing_for
from tests.conftest import PASSWORD, make_user

TRIAGE = Landing("inbox.index", (("queue", "triage"),))


def raise_outside_the_wards(officer_client):
    """A concern no team leads: it waits in the OPCC triage queue."""
    response = officer_client.post(
        "/api/v1/concerns",
        json={
            "id": str(uuid.uuid4()),
            "category": "fly_tipping",
            "description": "Mattresses",
            "lon": -1.05,
            "lat": 54.62,
        },
    )
    assert response.status_code == 201
    return response.get_json()["id"]


def test_each_role_lands_on_its_work(app, users):
    with app.app_context():
        assert landing_for(users["officer"]) == Landing("capture.index")
        assert landing_for(users["inspector"]) == Landing("inbox.index")
        assert landing_for(users["staff"]) == Landing("reports.index")  # nothing waits in triage
        assert landing_for(users["admin"]) == Landing("admin.index")


def test_staff_land_on_triage_while_it_holds_a_real_open_concern(app, users, officer_client, db):
    from engage.concerns.models import Concern

    concern_id = raise_outside_the_wards(officer_client)
    with app.app_context():
        staff = find_user("staff@example.org")
        assert landing_for(staff) == TRIAGE
        concern = db.session.get(Concern, concern_id)
        concern.is_demo = True  # demo rows never count as work waiting
        db.session.commit()
        assert landing_for(staff) == Landing("reports.index")
        concern.is_demo, concern.status = False, "closed"
        db.session.commit()
        assert landing_for(staff) == Landing("reports.index")


@pytest.mark.parametrize(
    "roles, landing",
    [
        (("officer", "inspector"), Landing("inbox.index")),
        (("officer", "staff"), Landing("reports.index")),
        (("inspector", "staff"), Landing("reports.index")),
        (("staff", "admin"), Landing("admin.index")),
        (("officer", "inspector", "staff", "admin"), Landing("admin.index")),
    ],
)
def test_several_roles_land_on_the_most_senior_ones_work(app, roles, landing):
    with app.app_context():
        assert landing_for(make_user(f"{'-'.join(roles)}@example.org", *roles)) == landing


@pytest.mark.parametrize(
    "email, location",
    [
        ("officer@example.org", "/capture"),
        ("inspector@example.org", "/inbox"),
        ("staff@example.org", "/reports"),
        ("admin@example.org", "/admin/"),
    ],
)
def test_logging_in_lands_on_the_roles_page(client, users, email, location):
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == location
    # Opening the log-in page again, logged in, goes there too.
    assert client.get("/login").headers["Location"] == location


def test_a_same_site_next_link_still_wins(app, users):
    response = app.test_client().post(
        "/login", query_string={"next": "/maps"}, data={"email": "officer@example.org", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/maps"
    other = app.test_client().post(
        "/login",
        query_string={"next": "https://evil.example/"},
        data={"email": "inspector@example.org", "password": PASSWORD},
    )
    assert other.headers["Location"] == "/inbox"


def test_staff_log_in_to_the_triage_queue_when_it_holds_something(client, users, officer_client):
    raise_outside_the_wards(officer_client)
    response = client.post("/login", data={"email": "staff@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/inbox?queue=triage"
