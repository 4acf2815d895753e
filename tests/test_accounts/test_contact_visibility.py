"""Who sees a resident's contact details is one rule (Scope.may_see_contact), so the
inbox, the API and the exports page agree: staff and admin, the inspectors of the
concern's lead team (who call the resident back) and the officer who wrote them down;
never a team the concern is only copied to; nobody where the resident did not consent.
Each showing of them, but to the officer who wrote them, is a row in the audit trail
naming who saw which concern, never the details themselves."""

import uuid

import pytest
import sqlalchemy as sa

from engage.accounts.policy import Scope
from engage.concerns.models import Concern
from engage.concerns.privacy import CONTACT_VIEW
from engage.platform.audit import AuditEvent
from tests.conftest import logged_in_client, make_team, make_user

NAME, DETAILS = "Mrs Smith", "07700 900123"


def raise_with_contact(client, consent=True):
    body = {"id": str(uuid.uuid4()), "category": "speeding", "description": "Cars too fast", "ward_code": "E05009857"}
    if consent:
        body |= {"contact_name": NAME, "contact_details": DETAILS, "contact_consent": True}
    assert client.post("/api/v1/concerns", json=body).status_code == 201
    return body["id"]


def shows_contact(client, concern_id):
    in_api = "contact" in client.get(f"/api/v1/concerns/{concern_id}").get_json()
    page = client.get(f"/inbox/concerns/{concern_id}")
    if page.status_code == 200:  # officers have no inbox, only the phone's API
        assert (DETAILS in page.get_data(as_text=True)) == in_api, "the inbox and the API disagree"
    return in_api


def contact_views(db, concern_id):
    return db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.entity == CONTACT_VIEW, AuditEvent.entity_id == concern_id)
    ).all()


@pytest.fixture
def copied(app):
    """A partner team the concern can be copied to, and its inspector's client."""
    team = make_team("COPY-TEST", ward_codes=(), kind="partner", coverage="wards")
    team_id = team.id
    return team_id, logged_in_client(app, make_user("copied@example.org", "inspector", teams=[team]))


def test_the_inbox_and_the_api_show_contact_details_to_the_same_people(
    app, users, officer_client, inspector_client, staff_client, db
):
    concern_id = raise_with_contact(officer_client)  # in Central: the inspector's team leads
    other_officer = logged_in_client(app, make_user("other.officer@example.org", "officer"))
    assert shows_contact(staff_client, concern_id)
    assert shows_contact(officer_client, concern_id)
    assert shows_contact(inspector_client, concern_id)
    assert not shows_contact(other_officer, concern_id)
    assert not shows_contact(staff_client, raise_with_contact(officer_client, consent=False))


def test_a_team_the_concern_is_only_copied_to_does_not_see_them(
    officer_client, inspector_client, staff_client, copied, db
):
    copied_team_id, copied_client = copied
    concern_id = raise_with_contact(officer_client)
    lead_id = db.session.scalar(sa.select(Concern.lead_team_id).where(Concern.id == concern_id))
    rerouted = staff_client.post(
        f"/inbox/concerns/{concern_id}",
        data={
            "action": "reroute",
            "reroute-lead": str(lead_id),
            "reroute-copies": [str(copied_team_id)],
            "reroute-reason": "the partner should know",
        },
    )
    assert rerouted.status_code == 302
    page = copied_client.get(f"/inbox/concerns/{concern_id}")
    assert page.status_code == 200 and "Cars too fast" in page.get_data(as_text=True)
    assert not shows_contact(copied_client, concern_id)
    assert shows_contact(inspector_client, concern_id)

    # Re-routed the other way round: the partner leads and the INT is copied.
    staff_client.post(
        f"/inbox/concerns/{concern_id}",
        data={
            "action": "reroute",
            "reroute-lead": str(copied_team_id),
            "reroute-copies": [str(lead_id)],
            "reroute-reason": "the partner calls back",
        },
    )
    assert shows_contact(copied_client, concern_id)
    assert not shows_contact(inspector_client, concern_id)


def test_each_viewing_is_audited_without_the_details(users, officer_client, inspector_client, staff_client, db):
    concern_id = raise_with_contact(officer_client)
    officer_client.get(f"/api/v1/concerns/{concern_id}")  # the officer reading back their own entry
    assert contact_views(db, concern_id) == []

    page = inspector_client.get(f"/inbox/concerns/{concern_id}").get_data(as_text=True)
    assert DETAILS in page
    inspector_client.get(f"/inbox/concerns/{concern_id}")
    staff_client.get(f"/api/v1/concerns/{concern_id}")
    views = contact_views(db, concern_id)
    assert [(v.actor, v.changes["where"][1]) for v in views] == [
        ("inspector@example.org", "concern page"),
        ("inspector@example.org", "concern page"),
        ("staff@example.org", "API"),
    ]
    everything = " ".join(f"{e.label} {e.changes}" for e in db.session.scalars(sa.select(AuditEvent)))
    assert NAME not in everything and DETAILS not in everything


def test_no_consent_says_so_and_audits_nothing(officer_client, inspector_client, db):
    concern_id = raise_with_contact(officer_client, consent=False)
    page = inspector_client.get(f"/inbox/concerns/{concern_id}").get_data(as_text=True)
    assert "No consent to contact" in page
    assert contact_views(db, concern_id) == []


def test_the_rule_itself():
    class Concern_:
        def __init__(self, lead, creator=None):
            self.lead_team_id, self.created_by_id = lead, creator

    staff = Scope(1, True, True, frozenset())
    lead = Scope(2, False, False, frozenset({10, 11}))
    copied = Scope(3, False, False, frozenset({12}))
    officer = Scope(4, False, True, frozenset())
    concern = Concern_(lead=10, creator=4)
    assert staff.may_see_contact(concern) and staff.may_see_contact()
    assert lead.may_see_contact(concern) and not lead.may_see_contact()  # None: exports stay staff-only
    assert not copied.may_see_contact(concern)
    assert officer.may_see_contact(concern) and not officer.may_see_contact(Concern_(lead=10, creator=5))
    assert not Scope(None, False, False, frozenset({10})).may_see_contact(concern)


def test_only_who_sees_every_concerns_contact_may_export_them(officer_client, inspector_client, staff_client, db):
    raise_with_contact(officer_client)
    assert "Include residents' contact details" in staff_client.get("/exports").get_data(as_text=True)
    # Even the lead team's inspector, who sees this concern's details on its page.
    assert "Include residents' contact details" not in inspector_client.get("/exports").get_data(as_text=True)
    header = inspector_client.get("/exports/concerns.csv?contact=1").get_data(as_text=True).splitlines()[0]
    assert "contact_name" not in header
    assert NAME in staff_client.get("/exports/concerns.csv?contact=1").get_data(as_text=True)
