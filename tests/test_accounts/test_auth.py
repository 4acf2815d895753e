import re

import pytest
import sqlalchemy as sa

from engage.accounts.models import User
from tests.conftest import PASSWORD


def log_in(client, email, password):
    return client.post("/login", data={"email": email, "password": password})


def test_login_page_has_the_labelled_form(client):
    html = client.get("/login").get_data(as_text=True)
    assert re.search(r'<label for="email">Email</label>', html)
    assert re.search(r'<label for="password">Password</label>', html)
    assert 'value="Log in"' in html


def test_log_in_and_out(client, users):
    response = log_in(client, "Officer@Example.org", PASSWORD)
    assert response.status_code == 302
    assert "officer@example.org" in client.get("/").get_data(as_text=True)
    assert client.get("/api/v1/me").get_json()["roles"] == ["officer"]
    client.post("/logout")
    assert client.get("/api/v1/me").status_code == 401


def test_wrong_password_and_unknown_email_get_the_same_message(client, users):
    wrong = log_in(client, "officer@example.org", "not the password")
    unknown = log_in(client, "nobody@example.org", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    for response in (wrong, unknown):
        assert "Email or password is wrong." in response.get_data(as_text=True)
    # What was typed in the email box is kept.
    assert 'value="nobody@example.org"' in unknown.get_data(as_text=True)


def test_disabled_user_cannot_log_in_and_tokens_stop(client, runner, users):
    token = runner.invoke(args=["users", "token", "officer@example.org"]).output.strip()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    runner.invoke(args=["users", "disable", "officer@example.org"])
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert log_in(client, "officer@example.org", PASSWORD).status_code == 401


def test_tokens_are_stored_hashed_and_can_be_revoked(client, runner, db, users):
    token = runner.invoke(args=["users", "token", "staff@example.org", "--label", "laptop"]).output.strip()
    assert token.startswith("eng_")
    from engage.accounts.models import ApiToken

    stored = db.session.scalars(sa.select(ApiToken)).all()
    assert len(stored) == 1 and token not in (stored[0].token_hash, stored[0].prefix)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).get_json()["email"] == "staff@example.org"
    assert "Revoked 1" in runner.invoke(args=["users", "revoke-token", "staff@example.org"]).output
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer eng_madeup"}).status_code == 401


def test_login_is_rate_limited_per_account(client, users):
    for _ in range(5):
        assert log_in(client, "officer@example.org", "wrong").status_code == 401
    blocked = log_in(client, "officer@example.org", PASSWORD)
    assert blocked.status_code == 429
    assert "Too many failed attempts" in blocked.get_data(as_text=True)
    # Another account from the same address is not locked out by that.
    assert log_in(client, "staff@example.org", PASSWORD).status_code == 302


def test_one_time_password_must_be_changed_first(client, runner, users):
    output = runner.invoke(args=["users", "set-password", "staff@example.org"]).output
    one_time = output.strip().rsplit(" ", 1)[-1]
    response = log_in(client, "staff@example.org", one_time)
    assert response.headers["Location"].endswith("/account/password")
    assert client.get("/admin/users").headers.get("Location", "").endswith("/account/password")
    short = client.post("/account/password", data={"current": one_time, "password": "short", "confirm": "short"})
    assert "The password must be at least 12 characters." in short.get_data(as_text=True)
    done = client.post(
        "/account/password",
        data={"current": one_time, "password": "a new long password", "confirm": "a new long password"},
    )
    assert done.status_code == 302
    client.post("/logout")
    assert log_in(client, "staff@example.org", "a new long password").status_code == 302


def test_passwords_are_hashed(db, users):
    user = db.session.scalar(sa.select(User).where(User.email == "officer@example.org"))
    assert user.password_hash.startswith("$argon2") and PASSWORD not in user.password_hash


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "/\t/evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/inbox\nSet-Cookie: x=1",
        "https://evil.example/",
        "javascript:alert(1)",
        "http:/evil.example",
        "evil.example",
        "/\u2028/evil.example",
        "///evil.example",
        "",
        " /inbox",
    ],
)
def test_next_goes_to_the_landing_page_unless_a_same_site_path(client, users, target):
    response = client.post(
        "/login", query_string={"next": target}, data={"email": "staff@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/reports"  # staff, triage empty


@pytest.mark.parametrize(
    "target",
    [
        "/inbox?page=2",
        "/maps?from=2026-01-01&to=2026-03-31",
        "/wards/E05009857",
        "/admin/users/3",
        "/%09/this-is-a-path",
    ],
)
def test_next_goes_back_to_a_same_site_path(client, users, target):
    response = client.post(
        "/login", query_string={"next": target}, data={"email": "staff@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302 and response.headers["Location"] == target


def test_a_nul_in_next_is_refused_before_logging_in(client, users):
    # As any NUL in an address is (engage/platform/malformed.py): 400, never a 500.
    response = client.post(
        "/login", query_string={"next": "/\x00"}, data={"email": "staff@example.org", "password": PASSWORD}
    )
    assert response.status_code == 400


def test_next_checks_also_hold_for_the_function(users):
    from engage.accounts.access import is_safe_next

    assert not is_safe_next(None) and not is_safe_next(["/"]) and is_safe_next("/")


def test_users_cli(runner, db):
    created = runner.invoke(args=["users", "create", "new@example.org", "--role", "officer", "--role", "staff"])
    assert created.exit_code == 0 and "One-time password" in created.output
    bad = runner.invoke(args=["users", "create", "not-an-email", "--role", "officer"])
    assert bad.exit_code == 2 and "not an email address" in bad.output
    duplicate = runner.invoke(args=["users", "create", "new@example.org", "--role", "officer"])
    assert "already exists" in duplicate.output
    no_team = runner.invoke(args=["users", "create", "x@example.org", "--role", "inspector", "--team", "NOPE"])
    assert "no team with code NOPE" in no_team.output
    stdin = runner.invoke(
        args=["users", "create", "p@example.org", "--role", "admin", "--password-stdin"], input="a good long password\n"
    )
    assert stdin.exit_code == 0 and "One-time" not in stdin.output
    listing = runner.invoke(args=["users", "list"]).output
    assert "new@example.org\tofficer,staff\t-\tactive" in listing


def test_status_tells_a_new_install_how_to_make_the_first_admin(runner):
    output = runner.invoke(args=["status"]).output
    assert "79 wards" in output and "users create" in output and "--role admin" in output
