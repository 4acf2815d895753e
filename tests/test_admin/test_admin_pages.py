"""The admin screens: who may open them, and the path an administrator takes to set up
a team and an inspector, down to what that inspector then sees and the audit trail."""

import re

import pytest
import sqlalchemy as sa

from engage.accounts.models import ApiToken, User
from engage.accounts.services import issue_token
from engage.teams.models import Team

HARTLEPOOL_THREE = ("E05008942", "E05008943", "E05008944")  # Burn Valley, De Bruce, Fens and Rossmere


def ident(obj) -> int:
    """The id of a fixture's object, readable once a request has detached it."""
    return sa.inspect(obj).identity[0]


ADMIN_PAGES = ["/admin/", "/admin/users", "/admin/users/new", "/admin/teams", "/admin/teams/new", "/admin/audit"]


@pytest.mark.parametrize("role", ["officer", "inspector", "staff"])
@pytest.mark.parametrize("url", ADMIN_PAGES + ["/admin/users/{admin}", "/admin/teams/{team}"])
def test_admin_pages_are_for_admins_only(request, users, team, role, url):
    client = request.getfixturevalue(f"{role}_client")
    assert client.get(url.format(admin=ident(users["admin"]), team=ident(team))).status_code == 403


@pytest.mark.parametrize("role", ["officer", "inspector", "staff"])
@pytest.mark.parametrize("url", ["/admin/users/new", "/admin/teams/new", "/admin/users/{admin}/password"])
def test_admin_posts_are_for_admins_only(request, users, role, url):
    client = request.getfixturevalue(f"{role}_client")
    assert client.post(url.format(admin=ident(users["admin"])), data={}).status_code == 403


@pytest.mark.parametrize("url", ADMIN_PAGES + ["/admin/users/{admin}", "/admin/teams/{team}"])
def test_admin_pages_open_for_admins(admin_client, users, team, url):
    response = admin_client.get(url.format(admin=ident(users["admin"]), team=ident(team)), follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for link in ("/admin/users", "/admin/teams", "/admin/audit"):
        assert f'href="{link}"' in page


def _one_time_password(response) -> str:
    return re.search(r'<code id="one-time-password">([^<]+)</code>', response.get_data(as_text=True)).group(1)


def test_team_and_inspector_set_up_through_the_forms(app, db, admin_client):
    response = admin_client.post(
        "/admin/teams/new",
        data={
            "code": "INT-HPL-N",
            "name": "Hartlepool North INT",
            "kind": "int",
            "local_authority": "E06000001",
            "contact_email": "Hpl.North@Example.org",
            "coverage": "wards",
            "wards": list(HARTLEPOOL_THREE),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    team = db.session.scalar(sa.select(Team).where(Team.code == "INT-HPL-N"))
    assert sorted(w.code for w in team.wards) == sorted(HARTLEPOOL_THREE)
    assert team.contact_email == "hpl.north@example.org" and not team.is_demo

    response = admin_client.post(
        "/admin/users/new",
        data={
            "email": "jo.inspector@example.org",
            "name": "Jo Inspector",
            "roles": ["inspector"],
            "teams": ["INT-HPL-N"],
        },
    )
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = _one_time_password(response)
    inspector = db.session.scalar(sa.select(User).where(User.email == "jo.inspector@example.org"))
    assert inspector.roles == {"inspector"} and [t.code for t in inspector.teams] == ["INT-HPL-N"]
    assert inspector.must_change_password

    # The one-time password logs them in once, and must be changed before anything else.
    client = app.test_client()
    login = client.post("/login", data={"email": "jo.inspector@example.org", "password": password})
    assert login.status_code == 302 and login.headers["Location"].endswith("/account/password")
    assert client.get("/api/v1/wards").status_code == 403
    changed = client.post(
        "/account/password",
        data={"current": password, "password": "a new long password", "confirm": "a new long password"},
    )
    assert changed.status_code == 302

    wards = client.get("/api/v1/wards").get_json()["wards"]
    assert sorted(w["ward_code"] for w in wards) == sorted(HARTLEPOOL_THREE)
    assert client.get(f"/api/v1/wards/{HARTLEPOOL_THREE[0]}").status_code == 200
    assert client.get("/api/v1/wards/E05001552").status_code == 404  # Yarm

    audit = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "INT-HPL-N" in audit and "jo.inspector@example.org" in audit
    assert all(code in audit for code in HARTLEPOOL_THREE)  # the team's wards, on its creation
    user_created = admin_client.get("/admin/audit?entity=user_account&action=create&actor=admin@").get_data(
        as_text=True
    )
    assert "jo.inspector@example.org" in user_created and "inspector" in user_created
    assert re.search(r"teams</span>:\s*INT-HPL-N", user_created)


def test_new_team_form_errors_sit_by_their_fields_and_keep_what_was_typed(admin_client, team):
    response = admin_client.post(
        "/admin/teams/new",
        data={
            "code": "int-test",
            "name": "Typed Team Name",
            "kind": "partner",
            "local_authority": "",
            "contact_email": "not-an-email",
            "coverage": "authority",
            "wards": ["E05008942"],
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.search(r"id=\"code-error\">There is already a team with the code int-test", page)
    assert re.search(r'id="contact_email-error">[^<]*not an email address', page)
    assert re.search(r'id="local_authority-error">A team covering a whole authority needs that authority', page)
    assert 'value="Typed Team Name"' in page and 'value="not-an-email"' in page
    assert re.search(r'value="partner" checked', page) and re.search(r'value="authority" checked', page)
    assert re.search(r'value="E05008942" checked', page)


def test_wards_coverage_needs_wards(admin_client):
    response = admin_client.post(
        "/admin/teams/new",
        data={"code": "INT-EMPTY", "name": "Empty", "kind": "int", "coverage": "wards", "local_authority": ""},
    )
    assert response.status_code == 422 and 'id="wards-error"' in response.get_data(as_text=True)


def test_edit_team_coverage_and_members(db, admin_client, team, users):
    response = admin_client.post(
        f"/admin/teams/{ident(team)}",
        data={
            "code": "INT-TEST",
            "name": "Team INT-TEST",
            "kind": "int",
            "local_authority": "E06000003",
            "contact_email": "",
            "coverage": "authority",
            "members": [ident(users["officer"])],
        },
    )
    assert response.status_code == 302
    team = db.session.get(Team, ident(team))
    assert team.coverage == "authority" and team.wards == [] and team.local_authority.code == "E06000003"
    assert [u.email for u in team.members] == ["officer@example.org"]  # the inspector was taken out
    listing = admin_client.get("/admin/teams").get_data(as_text=True)
    assert "all of Redcar and Cleveland" in listing


def test_new_user_form_errors_keep_what_was_typed(admin_client, users):
    response = admin_client.post("/admin/users/new", data={"email": "staff@example.org", "name": "Sam Typed"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="roles-error">Give the user at least one role.' in page
    assert 'value="Sam Typed"' in page and 'value="staff@example.org"' in page
    again = admin_client.post(
        "/admin/users/new", data={"email": "staff@example.org", "name": "Sam", "roles": ["staff"]}
    )
    assert (
        again.status_code == 422
        and 'id="email-error">a user with email staff@example.org already exists' in again.get_data(as_text=True)
    )
    assert re.search(r'value="staff" checked', again.get_data(as_text=True))


def test_edit_user_roles_teams_and_disable(db, admin_client, users, team):
    response = admin_client.post(
        f"/admin/users/{ident(users['officer'])}",
        data={"name": "Olly Officer", "roles": ["officer", "inspector"], "teams": ["INT-TEST"], "is_disabled": "y"},
    )
    assert response.status_code == 302
    officer = db.session.get(User, ident(users["officer"]))
    assert officer.name == "Olly Officer" and officer.roles == {"officer", "inspector"}
    assert officer.is_disabled and [t.code for t in officer.teams] == ["INT-TEST"]
    listing = admin_client.get("/admin/users").get_data(as_text=True)
    assert "Olly Officer" in listing and "disabled" in listing


def test_an_admin_cannot_lock_themselves_out(db, admin_client, users):
    response = admin_client.post(f"/admin/users/{ident(users['admin'])}", data={"roles": ["staff"], "is_disabled": "y"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "cannot remove your own admin role" in page and "cannot disable your own account" in page
    admin = db.session.get(User, ident(users["admin"]))
    assert admin.roles == {"admin"} and not admin.is_disabled


def test_set_one_time_password(app, db, admin_client, users):
    response = admin_client.post(f"/admin/users/{ident(users['staff'])}/password")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = _one_time_password(response)
    assert db.session.get(User, ident(users["staff"])).must_change_password
    login = app.test_client().post("/login", data={"email": "staff@example.org", "password": password})
    assert login.headers["Location"].endswith("/account/password")


def test_tokens_listed_and_revoked(db, admin_client, users):
    officer_id = ident(users["officer"])
    issued = issue_token(db.session.get(User, officer_id), "capture phone")
    db.session.commit()
    prefix, token_id = issued.record.prefix, issued.record.id
    page = admin_client.get(f"/admin/users/{officer_id}").get_data(as_text=True)
    assert prefix in page and "capture phone" in page and "never" in page
    assert issued.token not in page
    other = admin_client.post(f"/admin/users/{ident(users['staff'])}/tokens/{token_id}/revoke")
    assert other.status_code == 404
    response = admin_client.post(f"/admin/users/{officer_id}/tokens/{token_id}/revoke")
    assert response.status_code == 302
    assert db.session.get(ApiToken, token_id).revoked_at is not None
    assert "revoked" in admin_client.get(f"/admin/users/{officer_id}").get_data(as_text=True)


def test_team_notify_mode_on_the_form_and_the_list(db, admin_client, team):
    form = admin_client.get(f"/admin/teams/{ident(team)}").get_data(as_text=True)
    assert re.search(r'value="immediate" checked', form) and "One e-mail a day" in form
    response = admin_client.post(
        f"/admin/teams/{ident(team)}",
        data={
            "code": "INT-TEST",
            "name": "Team INT-TEST",
            "kind": "int",
            "local_authority": "E06000002",
            "contact_email": "int-test@example.org",
            "notify_mode": "digest",
            "coverage": "wards",
            "wards": ["E05009857"],
        },
    )
    assert response.status_code == 302
    assert db.session.get(Team, ident(team)).notify_mode == "digest"
    assert re.search(r'value="digest" checked', admin_client.get(f"/admin/teams/{ident(team)}").get_data(as_text=True))
    assert "daily digest" in admin_client.get("/admin/teams").get_data(as_text=True)
    refused = admin_client.post(
        f"/admin/teams/{ident(team)}",
        data={
            "code": "INT-TEST",
            "name": "Team INT-TEST",
            "kind": "int",
            "local_authority": "E06000002",
            "notify_mode": "weekly",
            "coverage": "wards",
            "wards": ["E05009857"],
        },
    )
    assert refused.status_code == 422 and 'id="notify_mode-error"' in refused.get_data(as_text=True)


def test_team_codes_are_unique_whatever_their_case_in_the_database_too(db, team):
    # The forms and imports already refuse it; migration 0005's index stops anything else.
    db.session.add(Team(code="int-test", name="Shadow", kind="int", coverage="all"))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
