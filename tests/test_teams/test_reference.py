"""The per-process cache of routing's reference data (services/reference.py): any
change to the tables it reads, however made, is seen by the next concern."""
import uuid

import sqlalchemy as sa

from engage.accounts.services import issue_token
from engage.concerns.models import Category, Concern
from engage.geography.models import LocalAuthority, Ward
from engage.teams.models import RoutingRule, Team
from engage.teams.reference import current_stamp, reference_data
from tests.conftest import make_team

# As in migrations/versions/0006_reference_version.py.
TABLES = ("category", "boundary_set", "ward", "team", "team_ward", "routing_rule", "routing_rule_copy")
CENTRAL, YARM = "E05009857", "E05001552"


def concern_body(**extra):
    return {"id": str(uuid.uuid4()), "category": "off_road_bikes", "description": "Quad bikes on the field",
            **extra}


def test_every_reference_table_has_its_trigger(db):
    # A batch migration that rebuilds one of these tables on SQLite drops its triggers.
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        found = set(conn.execute(sa.text(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = 'bump_reference_version' AND NOT t.tgisinternal")).scalars())
        assert found == set(TABLES)
    else:
        found = set(conn.execute(sa.text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'bump_reference_version_%'")).scalars())
        assert found == {f"bump_reference_version_{t}_{e}" for t in TABLES for e in ("insert", "update", "delete")}


def test_changes_made_any_way_move_the_stamp(db, team):
    stamps = [current_stamp()]

    def moved():
        db.session.flush()
        stamps.append(current_stamp())
        return stamps[-1] != stamps[-2]

    team.contact_email = "changed@example.org"
    assert moved()
    team.wards = team.wards[:1]  # team_ward only
    assert moved()
    partner = make_team("CFB", ward_codes=(), kind="partner", coverage="all")
    assert moved()
    db.session.add(RoutingRule(category=db.session.scalar(sa.select(Category).where(Category.code == "drugs")),
                               lead_team=partner, copy_teams=[team]))
    assert moved()
    db.session.execute(sa.update(Category).where(Category.code == "drugs").values(label="Drugs"))
    assert moved()
    db.session.execute(sa.text("UPDATE ward SET name = name WHERE code = :code"), {"code": YARM})
    assert moved()
    db.session.execute(sa.text("DELETE FROM routing_rule_copy"))
    assert moved()
    # Writing a concern changes none of it.
    stamp = current_stamp()
    drugs = db.session.scalar(sa.select(Category).where(Category.code == "drugs"))
    db.session.add(Concern(id=str(uuid.uuid4()), category=drugs, description="x", raised_at=team.created_at))
    db.session.flush()
    assert current_stamp() == stamp


def test_a_new_team_routes_the_very_next_concern(officer_client, db):
    # The cache is warm with no team covering Yarm ...
    assert officer_client.post("/api/v1/concerns", json=concern_body(ward_code=YARM)).get_json()["routed_by"] == "triage"
    make_team("INT-YARM", ward_codes=(YARM,), lad_code="E06000004")
    # ... and the next concern in the same process sees the team.
    body = officer_client.post("/api/v1/concerns", json=concern_body(ward_code=YARM)).get_json()
    assert body["lead_team"] == {"code": "INT-YARM", "name": "Team INT-YARM"} and body["routed_by"] == "coverage"


def test_a_change_made_outside_the_orm_is_seen(officer_client, db):
    assert officer_client.post("/api/v1/concerns", json=concern_body(ward_code=CENTRAL)).status_code == 201
    db.session.execute(sa.text("UPDATE category SET is_active = false WHERE code = 'off_road_bikes'"))
    db.session.commit()
    refused = officer_client.post("/api/v1/concerns", json=concern_body(ward_code=CENTRAL))
    assert refused.status_code == 422 and "category" in refused.get_json()["fields"]


def test_a_rolled_back_change_leaves_no_trace_in_the_cache(app_ctx, db):
    from engage.concerns.capture import raise_concern

    before = reference_data()
    savepoint = db.session.begin_nested()
    yarm = db.session.scalar(sa.select(Ward).where(Ward.code == YARM))
    db.session.add(Team(code="INT-GONE", name="Gone", kind="int", coverage="wards", wards=[yarm]))
    inside = reference_data()
    assert inside.stamp != before.stamp and any(t.code == "INT-GONE" for t in inside.teams.values())
    savepoint.rollback()
    after = reference_data()
    assert after.stamp == before.stamp and not any(t.code == "INT-GONE" for t in after.teams.values())
    concern, _ = raise_concern(concern_body(ward_code=YARM))
    db.session.flush()
    assert concern.lead_team_id is None and concern.routed_by == "triage"


def test_the_answer_is_what_is_stored(officer_client, db, team):
    """Built from cached rows, the POST's answer equals a fresh read of the concern."""
    middlesbrough = db.session.scalar(sa.select(LocalAuthority).where(LocalAuthority.code == "E06000002"))
    fire = make_team("CFB", ward_codes=(), kind="partner", coverage="all")
    db.session.add(RoutingRule(local_authority=middlesbrough, category=db.session.scalar(
        sa.select(Category).where(Category.code == "fire_setting")), lead_team=None, copy_teams=[fire],
        note="Fire brigade copied on fire setting"))
    db.session.commit()
    routed = []
    for body in (concern_body(category="fire_setting", lon=-1.2345, lat=54.5742),  # located by the server
                 concern_body(category="fire_setting", ward_code=CENTRAL),
                 concern_body(grid_ref="NZ 4966 1942"),
                 concern_body(lon=-0.9, lat=54.75)):                                 # outside every ward
        posted = officer_client.post("/api/v1/concerns", json=body)
        assert posted.status_code == 201
        db.session.expunge_all()
        answered = posted.get_json()
        assert officer_client.get(f"/api/v1/concerns/{body['id']}").get_json() == answered
        routed.append(answered["routed_by"])
    assert routed[1] == {"rule": routed[1]["rule"], "note": "Fire brigade copied on fire setting"}
    assert answered["queue"] == "triage" and answered["vintage"] == "2018-12"


def test_a_concern_post_asks_the_database_little(client, db, users):
    token = issue_token(users["officer"]).token
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    meeting = str(uuid.uuid4())
    client.post("/api/v1/meetings", json={"id": meeting, "ward_codes": [CENTRAL], "date": "2026-11-20"},
                headers=headers)
    assert client.post("/api/v1/concerns", json=concern_body(), headers=headers).status_code == 201  # warm
    statements = []
    connection = db.session.connection()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    sa.event.listen(connection, "before_cursor_execute", listener)
    try:
        assert client.post("/api/v1/concerns", json=concern_body(meeting_id=meeting),
                           headers=headers).status_code == 201
    finally:
        sa.event.remove(connection, "before_cursor_execute", listener)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    # The token with its user and roles; is the id stored; the reference stamp; the meeting's ward.
    assert len(selects) <= 4, "\n\n".join(selects)
