"""SQLite's connection settings and transaction start, set up by create_app.

Registered on the Engine class, as before, so that every SQLite engine gets them
(the app's, and those tests and scripts make beside it); `init_app` may run once per
app, and many apps are made in one process (tests), so it registers only once.
PostgreSQL connections are left alone.
"""

from sqlalchemy import event
from sqlalchemy.engine import Engine


def init_app(app) -> None:
    for name, listener in (("connect", _sqlite_pragmas), ("before_cursor_execute", _sqlite_begin)):
        if not event.contains(Engine, name, listener):
            event.listen(Engine, name, listener)


def _sqlite_pragmas(dbapi_connection, connection_record):
    # SQLite ignores foreign keys unless asked, and pysqlite's own transaction
    # handling breaks SAVEPOINT; take control of BEGIN ourselves (see _sqlite_begin).
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        # Readers do not wait for the writer (phones syncing while others read).
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def _sqlite_begin(conn, cursor, statement, parameters, context, executemany):
    # SQLite has one writer at a time. A transaction opens at its first write, with
    # BEGIN IMMEDIATE, so that the write lock is held only from there to the commit:
    # reads before it (logging in, looking up, locating) run as single statements,
    # each seeing the latest commit, as PostgreSQL's READ COMMITTED does, and a
    # request that only reads never takes the lock. Taking it up front means two
    # writers queue on busy_timeout instead of one failing with "database is locked"
    # when a read transaction is upgraded to a write.
    if conn.dialect.name != "sqlite" or cursor.connection.in_transaction:
        return
    if statement.lstrip()[:6].upper() not in ("SELECT", "PRAGMA", "VACUUM"):
        cursor.execute("BEGIN IMMEDIATE")
