"""Log-in sessions end on the server: a copy of the cookie stops working when its
session is ended (logging out, a password change elsewhere, disabling, new roles, an
administrator), and API tokens stop with them where the change says so."""

from datetime import timedelta

import sqlalchemy as sa

from engage.accounts.models import LoginSession, User
from engage.accounts.services import issue_token
from tests.conftest import PASSWORD


def ident(obj) -> int:
    """The id of a fixture's object, readable once a request has detached it."""
    return sa.inspect(obj).identity[0]


NEW_PASSWORD = "tawny owls nest in Albert Park"


def log_in(app, email, password=PASSWORD):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def replay(app, client):
    """Another browser holding a copy of `client`'s session cookie."""
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    return copy


def is_logged_in(client) -> bool:
    response = client.get("/maps")
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


def token_for(db, user) -> str:
    issued = issue_token(user, "phone")
    db.session.commit()
    return issued.token


def token_works(client, token) -> bool:
    status = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code
    assert status in (200, 401)
    return status == 200


def test_a_cookie_copied_before_logging_out_no_longer_logs_in(app, users):
    browser = log_in(app, "officer@example.org")
    stolen = replay(app, browser)
    assert is_logged_in(stolen)  # the copy works while the session lives ...
    browser.post("/logout")
    assert not is_logged_in(stolen)  # ... and not once it was logged out
    assert not is_logged_in(browser)
    assert stolen.get("/api/v1/me").status_code == 401


def test_logging_out_ends_only_that_session(app, users):
    laptop = log_in(app, "officer@example.org")
    phone = log_in(app, "officer@example.org")
    laptop.post("/logout")
    assert not is_logged_in(laptop) and is_logged_in(phone)


def test_a_session_deleted_by_another_process_ends_at_the_next_request(app, db, users):
    browser = log_in(app, "staff@example.org")
    assert is_logged_in(browser)
    db.session.connection().execute(sa.text("DELETE FROM login_session"))  # as psql or another worker would
    assert not is_logged_in(browser)


def test_a_token_revoked_by_another_process_stops_at_the_next_request(app, db, users, client):
    token = token_for(db, users["officer"])
    assert token_works(client, token)
    db.session.connection().execute(sa.text("UPDATE api_token SET revoked_at = CURRENT_TIMESTAMP"))
    assert not token_works(client, token)


def test_changing_ones_password_ends_the_other_sessions_and_tokens_but_not_this_one(app, db, users, client):
    token = token_for(db, users["officer"])
    here = log_in(app, "officer@example.org")
    elsewhere = log_in(app, "officer@example.org")
    changed = here.post(
        "/account/password",
        data={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        follow_redirects=True,
    )
    text = changed.get_data(as_text=True)
    assert "Your password has been changed." in text
    assert "logged out on 1 other device(s)" in text and "your 1 API token(s) were revoked" in text
    assert is_logged_in(here)
    assert not is_logged_in(elsewhere)
    assert not token_works(client, token)
    assert log_in(app, "officer@example.org", NEW_PASSWORD)


def test_a_wrong_current_password_changes_nothing(app, users):
    here = log_in(app, "officer@example.org")
    elsewhere = log_in(app, "officer@example.org")
    refused = here.post(
        "/account/password", data={"current": "not my password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert "That is not your current password." in refused.get_data(as_text=True)
    assert is_logged_in(elsewhere)


def test_disabling_a_user_ends_their_sessions_and_revokes_their_tokens(app, db, users, admin_client, client):
    officer = ident(users["officer"])
    token = token_for(db, db.session.get(User, officer))
    browser = log_in(app, "officer@example.org")
    saved = admin_client.post(
        f"/admin/users/{officer}", data={"roles": ["officer"], "is_disabled": "y"}, follow_redirects=True
    )
    assert "Disabled: 1 session(s) ended, 1 API token(s) revoked." in saved.get_data(as_text=True)
    assert not is_logged_in(browser)
    assert not token_works(client, token)
    # Enabled again, they log in afresh; the revoked token stays revoked.
    admin_client.post(f"/admin/users/{officer}", data={"roles": ["officer"]})
    assert is_logged_in(log_in(app, "officer@example.org"))
    assert not token_works(client, token)


def test_changing_roles_ends_sessions_and_tokens_at_once(app, db, users, admin_client, client):
    officer = ident(users["officer"])
    token = token_for(db, db.session.get(User, officer))
    browser = log_in(app, "officer@example.org")
    assert browser.get("/capture").status_code == 200
    saved = admin_client.post(f"/admin/users/{officer}", data={"roles": ["officer", "staff"]}, follow_redirects=True)
    assert "Roles changed: 1 session(s) ended, 1 API token(s) revoked." in saved.get_data(as_text=True)
    assert not is_logged_in(browser)
    assert not token_works(client, token)


def test_saving_a_user_without_changing_roles_ends_nothing(app, db, users, admin_client, client):
    officer = ident(users["officer"])
    token = token_for(db, db.session.get(User, officer))
    browser = log_in(app, "officer@example.org")
    saved = admin_client.post(
        f"/admin/users/{officer}", data={"roles": ["officer"], "name": "Pat"}, follow_redirects=True
    )
    assert "Saved officer@example.org." in saved.get_data(as_text=True)
    assert is_logged_in(browser) and token_works(client, token)


def test_an_admin_giving_themselves_a_role_stays_logged_in(app, users):
    admin = log_in(app, "admin@example.org")
    admin_id = ident(users["admin"])
    assert admin.post(f"/admin/users/{admin_id}", data={"roles": ["admin", "staff"]}).status_code == 302
    assert is_logged_in(admin) and admin.get("/reports").status_code == 200


def test_an_admin_reset_ends_sessions_and_tokens(app, db, users, admin_client, client):
    staff = ident(users["staff"])
    token = token_for(db, db.session.get(User, staff))
    browser = log_in(app, "staff@example.org")
    assert admin_client.post(f"/admin/users/{staff}/password").status_code == 200
    assert not is_logged_in(browser)
    assert not token_works(client, token)


def test_an_admin_can_end_all_of_a_users_sessions(app, db, users, admin_client, client):
    staff = ident(users["staff"])
    token = token_for(db, db.session.get(User, staff))
    laptop, phone = log_in(app, "staff@example.org"), log_in(app, "staff@example.org")
    page = admin_client.get(f"/admin/users/{staff}").get_data(as_text=True)
    assert page.count("<td>Werkzeug/") == 2  # both sessions listed, with their browser
    done = admin_client.post(f"/admin/users/{staff}/sessions/end", follow_redirects=True)
    assert "staff@example.org: 2 session(s) ended, 1 API token(s) revoked." in done.get_data(as_text=True)
    assert not is_logged_in(laptop) and not is_logged_in(phone)
    assert not token_works(client, token)
    assert "Not logged in anywhere." in admin_client.get(f"/admin/users/{staff}").get_data(as_text=True)


def test_the_command_line_ends_sessions_too(app, db, runner, users, client):
    token = token_for(db, users["staff"])
    browser = log_in(app, "staff@example.org")
    ended = runner.invoke(args=["users", "end-sessions", "staff@example.org"])
    assert ended.exit_code == 0 and "1 session(s) ended, 1 API token(s) revoked" in ended.output
    assert not is_logged_in(browser) and not token_works(client, token)

    browser = log_in(app, "staff@example.org")
    runner.invoke(args=["users", "set-password", "staff@example.org"])
    assert not is_logged_in(browser)

    browser = log_in(app, "officer@example.org")
    token = token_for(db, db.session.get(User, ident(users["officer"])))
    disabled = runner.invoke(args=["users", "disable", "officer@example.org"])
    assert "1 session(s) ended, 1 API token(s) revoked" in disabled.output
    assert not is_logged_in(browser) and not token_works(client, token)


def test_only_a_hash_of_the_session_key_is_stored(app, db, users):
    browser = log_in(app, "officer@example.org")
    with browser.session_transaction() as session:
        key = session["login_key"]
    stored = db.session.scalars(sa.select(LoginSession.key_hash)).all()
    assert len(stored) == 1 and key not in stored[0] and len(stored[0]) == 64


def test_an_idle_session_is_dead_on_the_server(app, db, users):
    browser = log_in(app, "officer@example.org")
    session = db.session.scalar(sa.select(LoginSession))
    session.last_seen_at = session.last_seen_at - app.permanent_session_lifetime - timedelta(minutes=1)
    db.session.commit()
    assert not is_logged_in(browser)


def test_a_cookie_made_before_server_side_sessions_logs_in_nobody(app, users):
    # As Flask-Login alone made it: the user's id, no session key.
    old = app.test_client()
    with old.session_transaction() as session:
        session["_user_id"] = str(ident(users["officer"]))
        session["_fresh"] = True
    assert not is_logged_in(old)


def test_a_live_key_under_another_users_id_logs_in_nobody(app, users):
    # The cookie is signed, so this cannot be forged; still, key and id must agree.
    browser = log_in(app, "officer@example.org")
    with browser.session_transaction() as session:
        session["_user_id"] = str(ident(users["admin"]))
    assert browser.get("/admin/users").status_code == 302
