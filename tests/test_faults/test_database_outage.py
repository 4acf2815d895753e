"""The database unavailable during capture.

PostgreSQL: the app reaches it through a TCP proxy that the test stops (every open
connection cut, new ones refused) and starts again. SQLite has no server to lose; it
is unavailable when another process holds the file's lock (a backup, a long import)
longer than the app waits for it. The test holds an exclusive lock and shortens the
app's wait (busy_timeout) from 10 s to 0.2 s, so a short lock is an outage; a lock
longer than 10 s takes the same path in production ("database is locked"). Such a
lock stops writers only: pages that only read still answer (the file is in WAL mode,
and a request takes the write lock at its first write, not before).

Throughout, the phone keeps its entries and sends them once the database is back; the
server answers 503 with Retry-After (JSON to the API, a plain page to people), never a
500, and logs the outage once, not once per request. The outage lasts
ENGAGE_FAULT_OUTAGE_SECONDS (3 by default; 30 is the case the issue names: the code
path is the same, only the number of retries grows)."""

from __future__ import annotations

import datetime
import logging
import os
import sqlite3
import threading
import time

import pytest
import sqlalchemy as sa

from engage.concerns.models import Concern, Meeting
from engage.extensions import db
from engage.platform.errors import database_unavailable
from tests.conftest import make_test_app
from tests.test_faults.phone import Phone
from tests.test_faults.servers import TcpProxy, get, served

pytestmark = pytest.mark.faults

OUTAGE_SECONDS = float(os.environ.get("ENGAGE_FAULT_OUTAGE_SECONDS", "3"))
RETRY_AFTER = 5


class ProxyOutage:
    def __init__(self, proxy: TcpProxy):
        self.proxy = proxy

    def begin(self):
        self.proxy.stop()

    def end(self):
        self.proxy.start()


class SqliteLock:
    def __init__(self, path: str):
        self.path = path
        self.connection = None

    def begin(self):
        self.connection = sqlite3.connect(self.path, isolation_level=None)
        self.connection.execute("BEGIN EXCLUSIVE")

    def end(self):
        if self.connection is not None:
            self.connection.execute("ROLLBACK")
            self.connection.close()
            self.connection = None


@pytest.fixture
def unreliable(fault_database, tmp_path):
    """(app, outage): an app whose database can be taken away and given back."""
    url = sa.engine.make_url(fault_database.url)
    proxy = None
    if url.get_backend_name() == "postgresql":
        proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
        proxy.start()
        app_url = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        outage = ProxyOutage(proxy)
    else:
        app_url = fault_database.url
        outage = SqliteLock(url.database)
    app = make_test_app(app_url, tmp_path / "served-instance", ENGAGE_RETRY_AFTER_SECONDS=RETRY_AFTER)
    if proxy is None:
        with app.app_context():
            sa.event.listen(db.engine, "connect", lambda dbapi, record: dbapi.execute("PRAGMA busy_timeout=200"))
    yield app, outage
    if proxy is None:
        outage.end()
    else:
        proxy.stop()
    with app.app_context():
        db.engine.dispose()


def _log(caplog, text):
    return [r for r in caplog.records if r.name == "engage" and text in r.getMessage()]


def test_database_unavailable_during_capture(unreliable, fault_database, caplog):
    app, outage = unreliable
    caplog.set_level(logging.INFO, logger="engage")
    today = datetime.date.today().isoformat()
    with served(app) as url:
        phone = Phone(url, fault_database.token, backoff=0.1, max_delay=0.5)
        meeting = phone.add_meeting(ward_codes=["E05009857"], date=today, venue="Hall")
        for i in range(5):
            phone.add_concern(meeting_id=meeting, category="speeding", description=f"Before {i}")
        phone.sync(within=30)
        answered_before = len(phone.answers)

        outage.begin()
        began = time.monotonic()
        for i in range(10):  # the officer goes on recording
            phone.add_concern(meeting_id=meeting, category="speeding", description=f"During {i}")
        syncing = threading.Thread(target=phone.sync, kwargs={"within": OUTAGE_SECONDS + 60}, daemon=True)
        syncing.start()
        page = get(url, "/", {"Accept": "text/html"})
        api = get(
            url, "/api/v1/concerns", {"Accept": "application/json", "Authorization": f"Bearer {fault_database.token}"}
        )
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - began)))
        assert phone.waiting, "entries recorded during the outage were sent while it lasted"
        outage.end()
        ended = time.monotonic()
        syncing.join(timeout=60)
        assert not syncing.is_alive() and not phone.error, phone.error

    # The phone kept everything and sent it once the database was back.
    assert not phone.waiting
    during = phone.answers[answered_before:]
    refused = [a for a in during if a.status != 201]
    assert refused, "no request met the outage"
    for answer in refused:
        assert answer.status == 503, (answer.status, answer.body)
        assert answer.headers["Retry-After"] == str(RETRY_AFTER)
        assert "unavailable" in answer.body["error"] and answer.body["retry_after"] == RETRY_AFTER
        assert answer.answered_at < ended + 1
    assert all(a.status == 201 for a in during if a.sent_at > ended + 1)
    assert fault_database.count(Concern) == 15 and fault_database.count(Meeting) == 1
    assert fault_database.count(Concern, Concern.description.like("During %")) == 10

    if fault_database.url.startswith("sqlite"):
        # A held write lock stops writers only: reading goes on.
        assert page[0] == 200 and api[0] == 200, (page[0], api[0])
    else:
        # People get a page, with Retry-After, that needs nothing from the database.
        status, headers, body = page
        assert status == 503 and headers["Retry-After"] == str(RETRY_AFTER)
        assert headers["Content-Type"].startswith("text/html") and "Unavailable for a moment" in body
        status, headers, body = api
        assert status == 503 and headers["Retry-After"] == str(RETRY_AFTER) and '"retry_after"' in body

    # One line when it went, one when it came back, however many requests were refused.
    assert len(refused) + 2 >= 3
    assert len(_log(caplog, "database unavailable")) == 1
    assert len(_log(caplog, "database answering again")) == 1
    assert not _log(caplog, "unhandled error")


def test_connections_cut_while_idle_do_not_fail_the_next_request(databases, request, caplog):
    """Connections the database dropped while nobody was asking (a restart at night, a
    firewall's idle timeout) are replaced before use (pool_pre_ping): the first
    request afterwards succeeds."""
    if databases.base_url is None:
        pytest.skip("SQLite has no connection to cut: the file is opened, not reached over the network")
    app, outage = request.getfixturevalue("unreliable")
    fault_database = request.getfixturevalue("fault_database")
    caplog.set_level(logging.INFO, logger="engage")
    headers = {"Accept": "application/json", "Authorization": f"Bearer {fault_database.token}"}
    with served(app) as url:
        assert get(url, "/api/v1/concerns", headers)[0] == 200
        with app.app_context():
            assert db.engine.pool.checkedin() >= 1
        outage.begin()
        outage.end()
        assert [get(url, "/api/v1/concerns", headers)[0] for _ in range(3)] == [200, 200, 200]
    assert not _log(caplog, "database unavailable")


def test_only_an_unavailable_database_is_a_503(tmp_path):
    """A bad statement (which SQLite also calls OperationalError) is a bug: 500."""
    import psycopg

    def wrapped(error):
        return sa.exc.DBAPIError.instance("SELECT 1", {}, error, type(error).__mro__[-3])

    path = str(tmp_path / "lock.sqlite")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    other = sqlite3.connect(path, timeout=0)
    with pytest.raises(sqlite3.OperationalError) as locked:
        other.execute("SELECT * FROM t")
    with pytest.raises(sqlite3.OperationalError) as syntax:
        sqlite3.connect(":memory:").execute("SELEC 1")
    with pytest.raises(sqlite3.OperationalError) as missing:
        sqlite3.connect(":memory:").execute("SELECT * FROM nowhere")
    holder.execute("ROLLBACK")

    assert database_unavailable(sa.exc.OperationalError("SELECT 1", {}, locked.value))
    assert not database_unavailable(sa.exc.OperationalError("SELEC 1", {}, syntax.value))
    assert not database_unavailable(sa.exc.OperationalError("SELECT", {}, missing.value))
    refused = psycopg.OperationalError("connection failed: Connection refused")
    assert database_unavailable(sa.exc.OperationalError(None, None, refused))
    assert database_unavailable(sa.exc.TimeoutError("QueuePool limit reached"))
    assert not database_unavailable(sa.exc.IntegrityError("INSERT", {}, psycopg.IntegrityError("duplicate")))
    gone = sa.exc.InterfaceError(
        "SELECT 1", {}, psycopg.InterfaceError("connection closed"), connection_invalidated=True
    )
    assert database_unavailable(gone)
