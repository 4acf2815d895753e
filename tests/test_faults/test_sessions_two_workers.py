"""Sessions and log-in limits under gunicorn with two workers, as production runs it
(CSRF on, the limits in Redis): a cookie copied before logging out is refused by both
workers, and failed log-ins counted by one worker count in the other.

Which worker answers is not left to chance: `on_each_worker` keeps one worker busy
with a request it has not finished sending, so the next connection must go to the
other, then the other way round; the access log (with each worker's pid) confirms it."""

from __future__ import annotations

import os
import re
import socket
import time
import uuid

import pytest
import requests

from engage.extensions import db
from tests.test_faults.servers import Gunicorn

pytestmark = pytest.mark.faults

REDIS = ("127.0.0.1", 6379)
REDIS_DB = 11  # the tests' own; keys are per e-mail and this run's e-mails are new
STAFF_PASSWORD = "two workers, one cookie jar"


def redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def redis_url():
    if not redis_answers():
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not answering on 127.0.0.1:6379 in CI: .ci/run should have started it")
        pytest.skip("Redis is not answering on 127.0.0.1:6379 (apt-get install redis-server)")
    return f"redis://{REDIS[0]}:{REDIS[1]}/{REDIS_DB}"


class Held:
    """A connection to the server that has sent half a request: the worker that took it
    waits for the rest, serving nothing else."""

    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=20)
        self.sock.sendall(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Held: 1\r\n")
        time.sleep(0.5)  # until a worker has accepted it

    def release(self) -> None:
        self.sock.sendall(b"Connection: close\r\n\r\n")
        while self.sock.recv(65536):
            pass
        self.sock.close()


def on_each_worker(server: Gunicorn, ask):
    """`ask()` answered once by each of the two workers, in turn."""
    first_busy = Held(server.port)
    first = ask()  # the other worker
    second_busy = Held(server.port)  # that other worker, now free again
    first_busy.release()  # the first worker finishes and is free
    second = ask()  # so the first worker answers
    second_busy.release()
    return first, second


def workers_that_answered(server: Gunicorn, path: str) -> set[str]:
    return {line.split()[0] for line in server.access_log.read_text().splitlines() if f" {path} " in line}


@pytest.fixture
def server(fault_database, tmp_path, redis_url):
    from engage.accounts.services import create_user

    with fault_database.app.app_context():
        create_user("staff@example.org", ["staff"], password=STAFF_PASSWORD)
        db.session.commit()
    access_log = tmp_path / "access.log"
    gunicorn = Gunicorn(
        fault_database.url,
        tmp_path,
        workers=2,
        args=("--access-logfile", str(access_log), "--access-logformat", "%(p)s %(m)s %(U)s %(s)s"),
        RATELIMIT_STORAGE_URI=redis_url,
        # This test's own count of failures per address would otherwise
        # add up across runs within 15 minutes (all come from 127.0.0.1).
        ENGAGE_LOGIN_LIMIT_ADDRESS="100000 per 15 minutes",
    )
    gunicorn.access_log = access_log
    gunicorn.start()
    yield gunicorn
    gunicorn.stop()
    assert "Traceback" not in gunicorn.log_text()


def csrf_from(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=20).text
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)[1]


def test_a_logged_out_cookie_is_dead_on_both_workers(server):
    browser = requests.Session()
    answer = browser.post(
        f"{server.url}/login",
        allow_redirects=False,
        timeout=20,
        data={
            "email": "staff@example.org",
            "password": STAFF_PASSWORD,
            "csrf_token": csrf_from(browser, f"{server.url}/login"),
        },
    )
    assert answer.status_code == 302
    stolen = {"session": browser.cookies["session"]}

    def replay():
        return requests.get(f"{server.url}/reports", cookies=stolen, allow_redirects=False, timeout=20)

    assert [r.status_code for r in on_each_worker(server, replay)] == [200, 200]
    out = browser.post(
        f"{server.url}/logout",
        data={"csrf_token": csrf_from(browser, f"{server.url}/reports")},
        allow_redirects=False,
        timeout=20,
    )
    assert out.status_code == 302
    refused = on_each_worker(server, replay)
    assert [r.status_code for r in refused] == [302, 302]
    assert all("/login" in r.headers["Location"] for r in refused)
    assert len(workers_that_answered(server, "/reports")) == 2


def test_failed_log_ins_are_counted_across_both_workers(server):
    email = f"nobody-{uuid.uuid4().hex[:8]}@example.org"  # a fresh account key in Redis
    browser = requests.Session()
    token = csrf_from(browser, f"{server.url}/login")

    def wrong():
        return browser.post(
            f"{server.url}/login",
            data={"email": email, "password": "wrong guess", "csrf_token": token},
            allow_redirects=False,
            timeout=20,
        )

    answers = [*on_each_worker(server, wrong), *on_each_worker(server, wrong), *on_each_worker(server, wrong)]
    # Five failures allowed for an account from one address, wherever they were counted:
    # each worker alone saw three.
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 401, 429]
    assert 0 < int(answers[-1].headers["Retry-After"]) <= 15 * 60
    assert "Too many failed attempts" in answers[-1].text
    assert len(workers_that_answered(server, "/login")) == 2


def test_a_token_revoked_by_one_worker_is_refused_by_the_other(server, fault_database):
    """No worker keeps a token it has seen: an administrator revokes it in a request one
    worker serves, and the very next request with it, served by the other, is refused."""
    from engage.accounts.models import User
    from engage.accounts.services import create_user, issue_token

    with fault_database.app.app_context():
        create_user("admin@example.org", ["admin"], password=STAFF_PASSWORD)
        staff = db.session.scalar(db.select(User).where(User.email == "staff@example.org"))
        issued = issue_token(staff, "phone")
        db.session.commit()
        staff_id, token_id, token = staff.id, issued.record.id, issued.token

    def use():
        return requests.get(f"{server.url}/api/v1/session", headers={"Authorization": f"Bearer {token}"}, timeout=20)

    # Both workers have seen the token work.
    assert [r.status_code for r in on_each_worker(server, use)] == [200, 200]

    admin = requests.Session()
    assert (
        admin.post(
            f"{server.url}/login",
            allow_redirects=False,
            timeout=20,
            data={
                "email": "admin@example.org",
                "password": STAFF_PASSWORD,
                "csrf_token": csrf_from(admin, f"{server.url}/login"),
            },
        ).status_code
        == 302
    )
    user_page = f"{server.url}/admin/users/{staff_id}"
    csrf = csrf_from(admin, user_page)

    first_busy = Held(server.port)
    revoked = admin.post(
        f"{user_page}/tokens/{token_id}/revoke", data={"csrf_token": csrf}, allow_redirects=False, timeout=20
    )  # served by the worker not held
    second_busy = Held(server.port)
    first_busy.release()
    refused = use()  # served by the worker that was held, which did not revoke it
    second_busy.release()
    assert revoked.status_code == 302
    assert refused.status_code == 401
    log = server.access_log.read_text().splitlines()
    revoker = next(line.split()[0] for line in log if "/revoke " in line)
    last_use = [line.split()[0] for line in log if " /api/v1/session " in line][-1]
    assert revoker != last_use
