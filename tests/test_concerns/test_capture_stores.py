"""A concern stored by capture comes with its routing, the teams copied in, their
e-mails and one audit entry that leaves out the resident's contact details; and it is
routed by teams, rules and categories as stored at that moment, however they changed."""

import uuid

import pytest
import sqlalchemy as sa

from engage.concerns.capture import raise_concern
from engage.concerns.models import Category, Concern, ConcernRouting
from engage.geography.models import LocalAuthority
from engage.notify.models import OutboxMessage
from engage.platform.audit import AuditEvent, acting_as
from engage.teams.models import RoutingRule
from tests.conftest import make_team

CENTRAL, YARM = "E05009857", "E05001552"


def concern_body(**extra):
    return {"id": str(uuid.uuid4()), "category": "off_road_bikes", "description": "Quad bikes on the field", **extra}


VOLATILE = {
    "id",
    "concern_id",
    "created_at",
    "updated_at",
    "routed_at",
    "next_attempt_at",
    "message_id",
    "at",
    "raised_at",
    "contact_consent_at",
}


def store(db, **fields):
    body = {
        "id": str(uuid.uuid4()),
        "category": "fire_setting",
        "description": "Bins set alight behind the shops",
        "residents": 3,
        "priority": "high",
        "contact_consent": True,
        "contact_name": "A Resident",
        "contact_details": "01642 000000",
        **fields,
    }
    with acting_as(None, "test"):
        concern, created = raise_concern(body)
        db.session.flush()
        db.session.commit()
    assert created
    return concern.id


def rows(db, concern_id):
    def plain(table, where):
        found = [dict(r._mapping) for r in db.session.execute(sa.select(table).where(where))]
        for row in found:
            for key in VOLATILE & row.keys():
                row.pop(key)
            for key, value in row.items():
                if isinstance(value, str):
                    row[key] = value.replace(concern_id, "<id>")
        return sorted(found, key=repr)

    copy = (
        sa.Table("concern_copy", db.metadata, autoload_with=db.engine)
        if "concern_copy" not in db.metadata.tables
        else db.metadata.tables["concern_copy"]
    )
    audit = plain(AuditEvent.__table__, (AuditEvent.entity == "concern") & (AuditEvent.entity_id == concern_id))
    for entry in audit:
        entry["changes"] = {k: v for k, v in entry["changes"].items() if k not in VOLATILE}
    return {
        "concern": plain(Concern.__table__, Concern.id == concern_id),
        "routing": plain(ConcernRouting.__table__, ConcernRouting.concern_id == concern_id),
        "copies": sorted(t for (_c, t) in db.session.execute(sa.select(copy).where(copy.c.concern_id == concern_id))),
        "outbox": plain(OutboxMessage.__table__, OutboxMessage.concern_id == concern_id),
        "audit": audit,
    }


@pytest.fixture
def copying_rule(app_ctx, db, team):
    """Fire setting in Middlesbrough: led by the ward's INT, the fire brigade copied in."""
    fire_brigade = make_team("CFB", ward_codes=(), kind="partner", coverage="all")
    middlesbrough = db.session.scalar(sa.select(LocalAuthority).where(LocalAuthority.code == "E06000002"))
    fire = db.session.scalar(sa.select(Category).where(Category.code == "fire_setting"))
    db.session.add(RoutingRule(local_authority=middlesbrough, category=fire, lead_team=None, copy_teams=[fire_brigade]))
    db.session.commit()
    return fire_brigade


def test_copies_and_emails_are_written(db, copying_rule, team):
    stored = rows(db, store(db, ward_code="E05009857"))
    assert stored["copies"] == [copying_rule.id]
    assert sorted(m["recipient"] for m in stored["outbox"]) == sorted([team.contact_email, copying_rule.contact_email])
    # Contact details are stored (with consent) but never audited.
    assert stored["concern"][0]["contact_name"] == "A Resident"
    assert len(stored["audit"]) == 1 and "contact_name" not in stored["audit"][0]["changes"]
    assert [r["lead_team_id"] for r in stored["routing"]] == [team.id]


def test_a_new_team_routes_the_very_next_concern(officer_client, db):
    # No team covers Yarm ...
    assert (
        officer_client.post("/api/v1/concerns", json=concern_body(ward_code=YARM)).get_json()["routed_by"] == "triage"
    )
    make_team("INT-YARM", ward_codes=(YARM,), lad_code="E06000004")
    # ... and the very next concern is routed to the new one.
    body = officer_client.post("/api/v1/concerns", json=concern_body(ward_code=YARM)).get_json()
    assert body["lead_team"] == {"code": "INT-YARM", "name": "Team INT-YARM"} and body["routed_by"] == "coverage"


def test_a_change_made_outside_the_orm_is_seen(officer_client, db):
    assert officer_client.post("/api/v1/concerns", json=concern_body(ward_code=CENTRAL)).status_code == 201
    db.session.execute(sa.text("UPDATE category SET is_active = false WHERE code = 'off_road_bikes'"))
    db.session.commit()
    refused = officer_client.post("/api/v1/concerns", json=concern_body(ward_code=CENTRAL))
    assert refused.status_code == 422 and "category" in refused.get_json()["fields"]


def test_the_answer_is_what_is_stored(officer_client, db, team):
    """The POST's answer equals a fresh read of the concern."""
    middlesbrough = db.session.scalar(sa.select(LocalAuthority).where(LocalAuthority.code == "E06000002"))
    fire = make_team("CFB", ward_codes=(), kind="partner", coverage="all")
    db.session.add(
        RoutingRule(
            local_authority=middlesbrough,
            category=db.session.scalar(sa.select(Category).where(Category.code == "fire_setting")),
            lead_team=None,
            copy_teams=[fire],
            note="Fire brigade copied on fire setting",
        )
    )
    db.session.commit()
    routed = []
    for body in (
        concern_body(category="fire_setting", lon=-1.2345, lat=54.5742),  # located by the server
        concern_body(category="fire_setting", ward_code=CENTRAL),
        concern_body(grid_ref="NZ 4966 1942"),
        concern_body(lon=-0.9, lat=54.75),
    ):  # outside every ward
        posted = officer_client.post("/api/v1/concerns", json=body)
        assert posted.status_code == 201
        db.session.expunge_all()
        answered = posted.get_json()
        assert officer_client.get(f"/api/v1/concerns/{body['id']}").get_json() == answered
        routed.append(answered["routed_by"])
    assert routed[1] == {"rule": routed[1]["rule"], "note": "Fire brigade copied on fire setting"}
    assert answered["queue"] == "triage" and answered["vintage"] == "2018-12"
