"""Fixtures: a database built from the migrations (SQLite by default, PostgreSQL when
DATABASE_URL says so) holding the real 79-ward register, and each test wrapped in a
transaction that is rolled back, so tests see a clean register and stay fast."""

from __future__ import annotations

import os
import threading
import uuid
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
import time_machine
from flask_migrate import upgrade

from engage import create_app
from engage.config import normalise_database_url
from engage.extensions import db as _db
from engage.geography.boundaries import ensure_default_boundaries

REPO = Path(__file__).resolve().parent.parent
GEODATA_DIR = os.environ.get("ENGAGE_GEODATA_DIR", str(REPO.parent / "shared" / "geodata"))


# The moment every in-process test runs at (tests/test_services and tests/test_views pin
# it for every test; others ask for `today`). A test's data placed relative to the real
# date would test something different each day: one that passes in June can fail in
# December. Browser and fault tests run on the real clock instead: Chromium judges a
# cookie's expiry by its own clock and gunicorn runs in other processes, so those tests
# only use dates that hold on any day ("today", "in 10 days").
# ENGAGE_TEST_NOW (an ISO moment in UTC) moves it, to check that the suite holds on
# another day: a year's end, a leap day, just before midnight.
PINNED_NOW = datetime.fromisoformat(os.environ.get("ENGAGE_TEST_NOW", "2026-06-17T10:30:00+00:00"))
TODAY = PINNED_NOW.date()


@pytest.fixture
def today():
    """The pinned date; while the test runs, the process's clock (date.today(),
    datetime.now(), time.time()) reads PINNED_NOW and ticks on from there."""
    with time_machine.travel(PINNED_NOW, tick=True):
        yield TODAY


class TemporaryDatabases:
    """Fresh databases for one test run. On PostgreSQL they are created beside the one
    DATABASE_URL names (never touching it) and dropped at the end."""

    def __init__(self, base_url: str | None, tmp_dir: Path):
        self.base_url = sa.engine.make_url(normalise_database_url(base_url)) if base_url else None
        self.tmp_dir = tmp_dir
        self.created: list[str] = []

    def new(self, label: str) -> str:
        if self.base_url is None:
            return f"sqlite:///{self.tmp_dir / (label + '.sqlite')}"
        name = f"engage_{label}_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(self.base_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
        self.created.append(name)
        return self.base_url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self):
        if not self.created:
            return
        admin = sa.create_engine(self.base_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in self.created:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing():
    from engage.accounts.services import use_cheap_hashing

    use_cheap_hashing()


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    dbs = TemporaryDatabases(os.environ.get("DATABASE_URL"), tmp_path_factory.mktemp("db"))
    yield dbs
    dbs.drop_all()


def make_test_app(database_url: str, instance: Path, **extra):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        # Most request tests post forms directly; tests/test_views/test_security.py
        # turns CSRF back on to prove it is enforced.
        "WTF_CSRF_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "ENGAGE_GEODATA_DIR": GEODATA_DIR,
    }
    config.update(extra)
    app = create_app(config)
    app.instance_path = str(instance)
    return app


def prepare_database(app):
    """Schema from the migrations (as production gets it), then the default wards."""
    with app.app_context():
        upgrade()
        ensure_default_boundaries(app.config["ENGAGE_GEODATA_DIR"], app.config["ENGAGE_DEFAULT_BOUNDARIES"])
        _db.session.commit()
        _db.session.remove()


@pytest.fixture(scope="session")
def _session_app(databases, tmp_path_factory):
    app = make_test_app(databases.new("test"), tmp_path_factory.mktemp("instance"))
    prepare_database(app)
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture
def app(_session_app):
    """The app, with every database change of the test rolled back afterwards.

    No app context is held open during the test: requests must each get their own
    (and their own `g`), as in production. The session is bound to one connection
    whose outer transaction is rolled back at the end, whatever the test committed."""
    with _session_app.app_context():
        connection = _db.engine.connect()
    outer = connection.begin()
    original = _db.session
    factory = so.sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
    # One session for the whole test, in or out of an app context (tests are single-threaded).
    _db.session = so.scoped_session(factory, scopefunc=lambda: "test")
    try:
        yield _session_app
    finally:
        _db.session.remove()
        _db.session = original
        outer.rollback()
        connection.close()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def app_ctx(app):
    """An app context for service tests that read configuration. Not for tests that
    also make requests: those would share this context's `g`."""
    with app.app_context():
        yield app


@pytest.fixture(autouse=True)
def _fresh_rate_limits(_session_app):
    from engage.extensions import limiter

    with _session_app.app_context():
        limiter.reset()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


PASSWORD = "correct horse battery"
INSPECTOR_WARDS = ("E05009857", "E05009866", "E05009867")  # Central, Newport, North Ormesby


def make_user(email, *roles, teams=(), password=PASSWORD):
    from engage.accounts.services import create_user

    user = create_user(email, list(roles), password=password, team_codes=[t.code for t in teams])
    _db.session.commit()
    return user


def make_team(code="INT-TEST", ward_codes=INSPECTOR_WARDS, kind="int", coverage="wards", lad_code="E06000002"):
    from engage.geography.boundaries import current_boundary_set
    from engage.geography.models import LocalAuthority, Ward
    from engage.teams.models import Team

    authority = _db.session.scalar(sa.select(LocalAuthority).where(LocalAuthority.code == lad_code))
    wards = _db.session.scalars(
        sa.select(Ward).where(Ward.boundary_set_id == current_boundary_set().id, Ward.code.in_(ward_codes))
    ).all()
    team = Team(
        code=code,
        name=f"Team {code}",
        kind=kind,
        coverage=coverage,
        local_authority=authority,
        contact_email=f"{code.lower()}@example.org",
        wards=list(wards),
    )
    _db.session.add(team)
    _db.session.commit()
    return team


def logged_in_client(app, user):
    """A test client whose session is logged in as `user`, as the log-in page would make
    it: a server-side log-in session, its key and the user's id in the cookie."""
    from engage.accounts.access import SESSION_KEY
    from engage.accounts.models import User
    from engage.accounts.services import start_session

    client = app.test_client()
    user_id = sa.inspect(user).identity[0]  # readable even once the user is detached
    key = start_session(_db.session.get(User, user_id), "test client")
    _db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
        session[SESSION_KEY] = key
    return client


@pytest.fixture
def team(app):
    return make_team()


@pytest.fixture
def users(app, team):
    """One user per role; the inspector is in `team` (three Middlesbrough wards)."""
    return {
        "officer": make_user("officer@example.org", "officer"),
        "inspector": make_user("inspector@example.org", "inspector", teams=[team]),
        "staff": make_user("staff@example.org", "staff"),
        "admin": make_user("admin@example.org", "admin"),
    }


@pytest.fixture
def officer_client(app, users):
    return logged_in_client(app, users["officer"])


@pytest.fixture
def inspector_client(app, users):
    return logged_in_client(app, users["inspector"])


@pytest.fixture
def staff_client(app, users):
    return logged_in_client(app, users["staff"])


@pytest.fixture
def admin_client(app, users):
    return logged_in_client(app, users["admin"])


@pytest.fixture(scope="session")
def live_server(databases, tmp_path_factory):
    """The app served over HTTP in a thread, on its own database, for browser tests."""
    from werkzeug.serving import make_server

    app = make_test_app(databases.new("live"), tmp_path_factory.mktemp("live-instance"))
    prepare_database(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.app = app
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    with app.app_context():
        _db.engine.dispose()


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is missing in CI: `make setup` should have installed it")
        pytest.skip("Chromium is not installed: sudo apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A browser page that may reach only the live server: anything else is blocked,
    so a page that needs the internet fails its test."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    blocked = []

    def guard(route):
        if route.request.url.startswith(live_server.url):
            return route.continue_()
        blocked.append(route.request.url)
        return route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.blocked_requests = blocked
    yield page
    context.close()


# Tests of the browser, of faults (real servers, real clocks) and of geodata run on the real clock;
# every other folder's tests run on the pinned day (TODAY), whatever day the suite runs.
REAL_CLOCK = {"test_browser", "test_faults", "test_geodata", "tests", "js"}


@pytest.fixture(autouse=True)
def _on_the_pinned_day(request):
    if request.path.parent.name not in REAL_CLOCK:
        request.getfixturevalue("today")
