"""One rule for every password chosen or set (engage.accounts.services.password_problem):
at least 12 characters, not a common password or close to one (zxcvbn), and not
containing the name of the e-mail address. Checked wherever a password is set: changing
one's own, the command line, and the one-time passwords admins and the CLI make."""

import re

import pytest
import sqlalchemy as sa

from engage.accounts.models import User
from engage.accounts.services import (
    AccountError,
    new_one_time_password,
    password_problem,
    set_password,
)
from tests.conftest import PASSWORD


@pytest.mark.parametrize(
    "password, why",
    [
        ("short1!", "at least 12 characters"),
        ("elevenchars", "at least 12 characters"),
        ("password1234", "too easy to guess (This is a very common password)"),
        ("Password1234", "too easy to guess"),
        ("qwertyuiop12", "too easy to guess"),
        ("123456789012", "too easy to guess"),
        ("aaaaaaaaaaaa", "too easy to guess"),
        ("iloveyou2024", "too easy to guess"),
        ("liverpool123", "too easy to guess"),
        ("Jo.Inspector-rocks-2026", "must not contain the name of the e-mail address ('jo.inspector')"),
        ("my jo.inspector password", "must not contain the name of the e-mail address"),
    ],
)
def test_refused_with_the_reason(password, why):
    assert why in password_problem(password, "jo.inspector@example.org")


@pytest.mark.parametrize(
    "password",
    [
        PASSWORD,
        "tawny owls nest in Albert Park",
        "xK3#pq9Lm2vR",
        "a" * 5 + "!Zq9$k" + "w" * 3 + "7Tn%",
        "é" * 3 + "Zq9$kwT7n%",
    ],
)
def test_accepted(password):
    assert password_problem(password, "jo.inspector@example.org") is None


def test_a_short_email_name_is_not_held_against_the_password():
    # "jo" (under 3 characters) may well appear in a good password.
    assert password_problem("jovial tawny owls nesting", "jo@example.org") is None
    assert "e-mail address ('joe')" in password_problem("joe's tawny owls nesting", "Joe@example.org")


def test_one_time_passwords_pass_the_rules():
    for _ in range(50):
        assert password_problem(new_one_time_password("abc@example.org"), "abc@example.org") is None


def test_set_password_refuses_and_changes_nothing(db, users):
    user = db.session.scalar(sa.select(User).where(User.email == "officer@example.org"))
    before = user.password_hash
    with pytest.raises(AccountError, match="too easy to guess") as refused:
        set_password(user, "password1234")
    assert refused.value.field == "password" and user.password_hash == before


@pytest.mark.parametrize(
    "password, shown",
    [
        ("short", "The password must be at least 12 characters."),
        ("password1234", "The password is too easy to guess (This is a very common password)"),
        ("officer-password-2026", "The password must not contain the name of the e-mail address (&#39;officer&#39;)."),
    ],
)
def test_changing_ones_own_password_shows_why_at_the_field(app, client, users, password, shown):
    client.post("/login", data={"email": "officer@example.org", "password": PASSWORD})
    response = client.post("/account/password", data={"current": PASSWORD, "password": password, "confirm": password})
    html = response.get_data(as_text=True)
    # At the new password's field; the old password still works.
    assert response.status_code == 200
    assert shown in re.search(r'<p class="error" id="password-error">([^<]*)</p>', html).group(1)
    client.post("/logout")
    assert client.post("/login", data={"email": "officer@example.org", "password": PASSWORD}).status_code == 302


def test_the_command_line_refuses_a_weak_password(runner, db):
    weak = runner.invoke(
        args=["users", "create", "sam@example.org", "--role", "staff", "--password-stdin"], input="password1234\n"
    )
    assert weak.exit_code == 2 and "too easy to guess" in weak.output
    named = runner.invoke(
        args=["users", "create", "sam@example.org", "--role", "staff", "--password-stdin"],
        input="sam-and-his-tawny-owls\n",
    )
    assert named.exit_code == 2 and "name of the e-mail address ('sam')" in named.output
    assert db.session.scalar(sa.select(User).where(User.email == "sam@example.org")) is None
    good = runner.invoke(
        args=["users", "create", "sam@example.org", "--role", "staff", "--password-stdin"],
        input="tawny owls nest in Albert Park\n",
    )
    assert good.exit_code == 0


def test_an_admin_reset_makes_a_password_that_passes(app, db, admin_client, users):
    staff_id = sa.inspect(users["staff"]).identity[0]
    page = admin_client.post(f"/admin/users/{staff_id}/password").get_data(as_text=True)
    password = re.search(r'<code id="one-time-password">([^<]+)</code>', page).group(1)
    assert password_problem(password, "staff@example.org") is None
