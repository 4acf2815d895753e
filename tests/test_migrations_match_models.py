"""The models describe the schema the migrations build, on whichever engine the suite
runs: autogenerate (`flask db migrate`) against a freshly migrated database proposes
nothing, so it never offers to drop an index or column a migration made."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import current_app
from flask_migrate import check, upgrade

from engage.concerns.link_columns import NOT_ON_THE_MODELS, include_object
from engage.extensions import db
from tests.conftest import make_test_app

# SQLite cannot reflect the expression index uq_team_code_lower, and alembic says so.
pytestmark = [
    pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index"),
    pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index"),
]


@pytest.fixture(scope="module")
def migrated(databases, tmp_path_factory):
    app = make_test_app(databases.new("schema"), tmp_path_factory.mktemp("instance"))
    with app.app_context():
        upgrade()
        yield app
        db.engine.dispose()


def differences(include=include_object):
    opts = dict(current_app.extensions["migrate"].configure_args, include_object=include)
    with db.engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection, opts=opts), db.metadata)


def test_autogenerate_finds_no_difference(migrated):
    assert differences() == []


def test_autogenerate_through_env_py_finds_none(migrated):
    check()  # `flask db check`: exits 1 if migrations/env.py's autogenerate finds anything


def test_only_the_link_columns_are_left_out(migrated):
    """What include_object skips is in the database (the list is not stale), and is
    all that autogenerate would otherwise propose to drop."""
    inspector = sa.inspect(db.engine)
    in_database = {("column", t, c["name"]) for t in ("concern_copy", "meeting_ward") for c in inspector.get_columns(t)}
    in_database |= {("index", t, i["name"]) for t in ("concern_copy", "meeting_ward") for i in inspector.get_indexes(t)}
    skipped = {(kind, table, name) for kind, pairs in NOT_ON_THE_MODELS.items() for table, name in pairs}
    assert skipped <= in_database
    proposed = set()
    for diff in differences(include=None):
        if diff[0] == "remove_column":
            proposed.add(("column", diff[2], diff[3].name))
        elif diff[0] == "remove_index":
            proposed.add(("index", diff[1].table.name, diff[1].name))
        else:
            proposed.add(diff)
    assert proposed == skipped
