"""Error pages: JSON for API clients, HTML for people."""

import math
import threading
import time

import sqlalchemy as sa
from flask import jsonify, make_response, render_template, request
from werkzeug.exceptions import BadRequest, HTTPException

from engage.extensions import db, limiter
from engage.platform import malformed
from engage.platform.http import wants_json
from engage.platform.parameters import BadParameter

# SQLite result codes that mean "cannot get at the database just now" (busy, locked,
# I/O error, cannot open, lock protocol), as opposed to a bad statement, which SQLite
# also reports as OperationalError.
SQLITE_UNAVAILABLE = {5, 6, 10, 14, 15}

# One log line per outage, not one per request: set by the first request refused,
# cleared (with a line saying how long it lasted) by the first statement that succeeds.
_outage_lock = threading.Lock()

_outage_since: float | None = None


def too_many_message() -> str:
    # Flask-Limiter adds Retry-After (RATELIMIT_HEADERS_ENABLED) from the same figure.
    current = limiter.current_limit
    # Whole seconds, as the Retry-After header counts them.
    wait = max(1, math.ceil(int(current.reset_at - time.time()) / 60)) if current is not None else 15
    return f"Too many failed attempts. Wait {wait} minute{'s' if wait != 1 else ''} and try again."


def too_many(exc):
    """429 anywhere; the log-in page answers its own (engage/accounts/views.py)."""
    if wants_json():
        return jsonify(error=too_many_message()), 429
    return render_template("error.html", error=exc), 429


def register(app):

    malformed.register(app)

    app.register_error_handler(429, too_many)

    @app.errorhandler(HTTPException)
    def http_error(exc):
        if wants_json():
            return jsonify(error=exc.description), exc.code
        return render_template("error.html", error=exc), exc.code

    @app.errorhandler(BadParameter)
    def bad_parameter(exc):
        # A query parameter no list or filter can use: named, as any other 400.
        return http_error(BadRequest(str(exc)))

    @app.errorhandler(Exception)
    def server_error(exc):
        db.session.rollback()
        app.logger.exception("unhandled error on %s", request.path)
        if wants_json():
            return jsonify(error="internal error; it has been logged"), 500
        return render_template("error.html", error=None), 500

    @app.errorhandler(sa.exc.DBAPIError)
    @app.errorhandler(sa.exc.TimeoutError)
    def database_error(exc):
        if not database_unavailable(exc):
            return server_error(exc)
        try:
            db.session.rollback()
        except sa.exc.SQLAlchemyError:
            pass  # the connection is gone; the session is discarded at teardown anyway
        _outage_began(app, exc)
        return unavailable_response(app.config["ENGAGE_RETRY_AFTER_SECONDS"])

    with app.app_context():
        for engine in db.engines.values():
            sa.event.listen(
                engine,
                "after_cursor_execute",
                lambda conn, cursor, statement, *args: _outage_over(app, conn, statement),
            )


def database_unavailable(exc) -> bool:
    """The database cannot be reached or is too busy: worth trying again later."""
    if isinstance(exc, sa.exc.TimeoutError):
        return True  # every pooled connection stayed busy for pool_timeout
    if not isinstance(exc, sa.exc.DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    if not isinstance(exc, sa.exc.OperationalError):
        return False
    code = getattr(exc.orig, "sqlite_errorcode", None)
    return code is None or code & 0xFF in SQLITE_UNAVAILABLE


def unavailable_response(retry_after: int):
    """503 with Retry-After. The page is plain: the usual layout asks the database
    who is logged in."""
    message = "The database is unavailable for a moment; try again shortly (an entry sent twice is stored once)."
    if wants_json():
        response = jsonify(error=message, retry_after=retry_after)
    else:
        response = make_response(render_template("unavailable.html", retry_after=retry_after))
    response.status_code = 503
    response.headers["Retry-After"] = str(retry_after)
    response.headers["Cache-Control"] = "no-store"
    return response


def _outage_began(app, exc):
    global _outage_since
    with _outage_lock:
        if _outage_since is not None:
            return
        _outage_since = time.monotonic()
    app.logger.error("database unavailable, answering 503 until it is back: %s", getattr(exc, "orig", exc) or exc)


def _outage_over(app, conn, statement):
    global _outage_since
    if _outage_since is None:  # the usual case: one comparison per statement
        return
    # SQLite's outage is a write lock someone else holds, which readers do not wait
    # for (WAL): only a write that went through says it is over.
    if conn.dialect.name == "sqlite" and statement.lstrip()[:6].upper() == "SELECT":
        return
    with _outage_lock:
        if _outage_since is None:
            return
        lasted, _outage_since = time.monotonic() - _outage_since, None
    app.logger.warning("database answering again after %.1f s", lasted)
