"""Each role against each blueprint: logged out -> log-in (or 401 for the API),
wrong role -> 403, right role -> 200. Scoped data -> 404 outside the user's area."""

import pytest
import sqlalchemy as sa

from engage.platform.audit import AuditEvent
from tests.conftest import INSPECTOR_WARDS

# (url, roles that may open it)
PROTECTED = [
    ("/admin/users", {"admin"}),
    ("/api/v1/me", {"officer", "inspector", "staff", "admin"}),
    ("/api/v1/wards", {"officer", "inspector", "staff", "admin"}),
]
PUBLIC = ["/", "/wards/E05009857", "/api/wards", "/api/locate?lon=-1.2345&lat=54.5742", "/login"]


@pytest.mark.parametrize("url, allowed", PROTECTED)
def test_logged_out_is_sent_to_log_in(client, url, allowed):
    response = client.get(url)
    if url.startswith("/api/"):
        assert response.status_code == 401 and "error" in response.get_json()
    else:
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


@pytest.mark.parametrize("role", ["officer", "inspector", "staff", "admin"])
@pytest.mark.parametrize("url, allowed", PROTECTED)
def test_each_role_against_each_protected_page(request, role, url, allowed):
    client = request.getfixturevalue(f"{role}_client")
    assert client.get(url).status_code == (200 if role in allowed else 403)


@pytest.mark.parametrize("url", PUBLIC)
def test_public_pages(client, url):
    assert client.get(url).status_code == 200


def test_inspector_sees_only_their_teams_wards(inspector_client, staff_client, officer_client):
    mine = inspector_client.get("/api/v1/wards").get_json()["wards"]
    assert sorted(w["ward_code"] for w in mine) == sorted(INSPECTOR_WARDS)
    assert inspector_client.get("/api/v1/wards/E05009857").status_code == 200
    other = inspector_client.get("/api/v1/wards/E05001552")  # Yarm, not their team's
    assert other.status_code == 404
    assert len(staff_client.get("/api/v1/wards").get_json()["wards"]) == 79
    assert len(officer_client.get("/api/v1/wards").get_json()["wards"]) == 79


def test_partner_covering_an_authority_sees_its_wards(app, db):
    from tests.conftest import logged_in_client, make_team, make_user

    fire = make_team("CFB-RC", ward_codes=(), kind="partner", coverage="authority", lad_code="E06000003")
    client = logged_in_client(app, make_user("fire@example.org", "inspector", teams=[fire]))
    wards = client.get("/api/v1/wards").get_json()["wards"]
    assert len(wards) == 22 and {w["lad_name"] for w in wards} == {"Redcar and Cleveland"}


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers  # only when ENGAGE_HTTPS


def test_forms_refuse_posts_without_the_csrf_token(app, client, users):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/login", data={"email": "staff@example.org", "password": "x" * 12})
        assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_audit_trail_records_who_changed_what(db, runner, users):
    runner.invoke(args=["users", "disable", "officer@example.org"])
    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
    created = [e for e in events if e.action == "create" and e.entity == "user_account"]
    assert {e.label for e in created} >= {"officer@example.org", "inspector@example.org"}
    assert all("password_hash" not in e.changes for e in events)
    disabled = events[-1]
    assert disabled.action == "update" and disabled.label == "officer@example.org"
    assert disabled.changes == {"is_disabled": [False, True]}
    assert disabled.actor.startswith("cli:")
    team_created = next(e for e in events if e.entity == "team")
    assert sorted(team_created.changes["wards"][1]) == sorted(INSPECTOR_WARDS)


def test_audit_rows_cannot_be_changed_or_deleted(db, users):
    event_id = db.session.scalar(sa.select(AuditEvent.id).limit(1))
    for statement in (
        sa.update(AuditEvent).where(AuditEvent.id == event_id).values(actor="someone else"),
        sa.delete(AuditEvent).where(AuditEvent.id == event_id),
    ):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with db.session.begin_nested():
                db.session.execute(statement)
