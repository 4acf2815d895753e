"""Fault tests: each works on a database of its own, really committed (not the
rolled-back test transaction), and breaks something real under the app."""

from __future__ import annotations

import faulthandler
import shutil
import sqlite3
import uuid
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask import Flask

from engage.extensions import db
from tests.conftest import make_test_app, prepare_database

# No fault test may hang the run: past this, every thread's stack is printed and the
# run ends (CI then fails loudly instead of timing out). Each test also has its own,
# tighter deadlines.
TEST_LIMIT_SECONDS = 150


@pytest.fixture(autouse=True)
def _time_limit():
    faulthandler.dump_traceback_later(TEST_LIMIT_SECONDS, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


@dataclass
class FaultDatabase:
    url: str
    app: Flask  # an app on this database, for setting up and checking (never served)
    token: str  # an officer's API token
    team_email: str

    def scalar(self, stmt):
        with self.app.app_context():
            return db.session.scalar(stmt)

    def count(self, model, *where) -> int:
        return self.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


@pytest.fixture(scope="session")
def _fault_template(databases, tmp_path_factory) -> tuple[str, str]:
    """Built once: the migrations, the 2018 wards, an officer with an API token and one
    team covering all of Cleveland (so every concern is routed to it and queues one
    e-mail). Each test gets a copy: building takes seconds, copying a fraction of one."""
    from engage.accounts.services import create_user, issue_token
    from engage.teams.models import Team

    url = databases.new(f"faults{uuid.uuid4().hex[:8]}")
    app = make_test_app(url, tmp_path_factory.mktemp("faults-template"))
    prepare_database(app)
    with app.app_context():
        officer = create_user("officer@example.org", ["officer"], password="fault tests password")
        token = issue_token(officer).token
        db.session.add(
            Team(code="INT-ALL", name="Cleveland INT", kind="int", coverage="all", contact_email="int-all@example.org")
        )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()  # PostgreSQL copies a template only while nobody is connected to it
    return url, token


def _copy_database(databases, template_url: str) -> str:
    if databases.base_url is None:
        path = sa.engine.make_url(template_url).database
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything into the main file
        conn.close()
        copy = str(databases.tmp_dir / f"faults{uuid.uuid4().hex[:8]}.sqlite")
        shutil.copyfile(path, copy)
        return f"sqlite:///{copy}"
    name = f"engage_faults_{uuid.uuid4().hex[:8]}"
    template = sa.engine.make_url(template_url).database
    admin = sa.create_engine(databases.base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    admin.dispose()
    databases.created.append(name)  # dropped with the others at the end of the run
    return databases.base_url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def fault_database(databases, _fault_template, tmp_path) -> FaultDatabase:
    """A database of the test's own, beside the test database as conftest makes them."""
    template_url, token = _fault_template
    url = _copy_database(databases, template_url)
    app = make_test_app(url, tmp_path / "instance")
    yield FaultDatabase(url, app, token, "int-all@example.org")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
