"""Failed log-ins are limited per address, per account from one address, and per
account from all addresses together (much higher), so one attacker is slowed without
locking the account's owner out; the address is the client's as ENGAGE_TRUSTED_PROXIES
reverse proxies report it, and nobody else's word is taken. Limits from the defaults
(engage/config.py): 5 per account and address, 50 per account, 30 per address, each
per 15 minutes."""

import pytest

from tests.conftest import PASSWORD, make_test_app

ATTACKER = "198.51.100.66"
OWNER = "203.0.113.10"


def attempt(client, email, password="wrong guess", address=ATTACKER, **headers):
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}, headers=headers
    )


def test_one_address_guessing_one_account_is_stopped_for_that_address_only(app, users):
    attacker, owner = app.test_client(), app.test_client()
    for _ in range(5):
        assert attempt(attacker, "officer@example.org").status_code == 401
    blocked = attempt(attacker, "officer@example.org", PASSWORD)  # even the right password now
    assert blocked.status_code == 429
    # The owner, from their own address, still logs in.
    assert attempt(owner, "officer@example.org", PASSWORD, address=OWNER).status_code == 302


def test_a_refusal_says_when_to_try_again(app, users):
    client = app.test_client()
    for _ in range(5):
        attempt(client, "officer@example.org")
    page = attempt(client, "officer@example.org")
    assert page.status_code == 429
    retry = int(page.headers["Retry-After"])
    assert 0 < retry <= 15 * 60
    assert f"Wait {-(-retry // 60)} minute" in page.get_data(as_text=True)
    assert 'name="email"' in page.get_data(as_text=True)  # the log-in form, to try later
    as_json = attempt(client, "officer@example.org", Accept="application/json")
    assert as_json.status_code == 429 and "Retry-After" in as_json.headers
    assert as_json.get_json()["error"].startswith("Too many failed attempts. Wait ")


def test_one_address_guessing_many_accounts_is_stopped(app, users):
    client = app.test_client()
    for n in range(30):
        assert attempt(client, f"guess{n}@example.org").status_code == 401
    assert attempt(client, "guess99@example.org").status_code == 429
    assert attempt(client, "staff@example.org", PASSWORD).status_code == 429  # the address, whatever account
    assert attempt(app.test_client(), "staff@example.org", PASSWORD, address=OWNER).status_code == 302


def test_many_addresses_guessing_one_account_are_stopped_together(app, users):
    client = app.test_client()
    for n in range(50):
        assert attempt(client, "staff@example.org", address=f"192.0.2.{n + 1}").status_code == 401
    assert attempt(client, "staff@example.org", address="192.0.2.200").status_code == 429
    # Other accounts are not affected.
    assert attempt(client, "officer@example.org", PASSWORD, address="192.0.2.201").status_code == 302


def test_successful_log_ins_do_not_count(app, users):
    for _ in range(8):
        client = app.test_client()
        assert attempt(client, "officer@example.org", PASSWORD).status_code == 302


def test_x_forwarded_for_is_not_believed_without_a_trusted_proxy(app, users):
    client = app.test_client()
    for n in range(5):  # a client inventing a new address for every guess
        attempt(client, "officer@example.org", X_Forwarded_For=f"10.9.8.{n}")
    assert attempt(client, "officer@example.org", PASSWORD, X_Forwarded_For="10.9.8.77").status_code == 429


@pytest.fixture
def behind_proxy(app, tmp_path):
    """The app as deployed behind one nginx: ENGAGE_TRUSTED_PROXIES=1 (same database)."""
    proxied = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, ENGAGE_TRUSTED_PROXIES="1")
    yield proxied
    from engage.extensions import limiter

    with app.app_context():
        limiter.reset()


def test_behind_a_trusted_proxy_the_forwarded_address_counts(behind_proxy, users):
    nginx = "127.0.0.1"  # every request arrives from the proxy
    client = behind_proxy.test_client()
    for _ in range(5):
        assert attempt(client, "officer@example.org", address=nginx, X_Forwarded_For=ATTACKER).status_code == 401
    assert attempt(client, "officer@example.org", PASSWORD, address=nginx, X_Forwarded_For=ATTACKER).status_code == 429
    # The owner's requests come through the same proxy, from another address: not locked out.
    assert (
        attempt(
            behind_proxy.test_client(), "officer@example.org", PASSWORD, address=nginx, X_Forwarded_For=OWNER
        ).status_code
        == 302
    )
    # Only the address the proxy added counts: one the client put before it is ignored.
    assert (
        attempt(client, "officer@example.org", address=nginx, X_Forwarded_For=f"10.1.1.1, {ATTACKER}").status_code
        == 429
    )


@pytest.mark.parametrize("value", ["-1", "one", "1.5", "99"])
def test_a_wrong_number_of_trusted_proxies_stops_start_up(tmp_path, value):
    with pytest.raises(RuntimeError, match="ENGAGE_TRUSTED_PROXIES must be a whole number from 0 to 5"):
        make_test_app("sqlite://", tmp_path, ENGAGE_TRUSTED_PROXIES=value)
