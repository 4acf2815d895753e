"""A second baseline for bench/capture.py: the bare insert's one row, written from
inside the app, behind what every capture request pays before it does any work of
its own: the bearer-token log-in and role check, the app's extensions (CSRF,
rate limiter, security headers, the outage handler) and its database session
(Flask-SQLAlchemy, pool pre-ping, the SQLite write lock taken at the first write).

Nothing of a concern's own work happens here (no validation, locating, routing,
audit entry or answer), so its rate is the most a concern POST could reach in this
app: how far the concern POST falls below it is the concern's work, how far this
falls below the bare insert is the cost of the app's framework.
"""

import uuid

from flask import Blueprint, request

from bench.bare_app import rows
from engage import create_app
from engage.accounts.access import role_required
from engage.extensions import csrf, db

bp = Blueprint("bench_authed", __name__)
csrf.exempt(bp)  # as the API: a bearer token is not a cookie a page could forge


@bp.post("/authed-insert")
@role_required("officer", "staff", "admin")
def authed_insert():
    db.session.execute(rows.insert().values(id=str(uuid.uuid4()), body=request.get_data(as_text=True)))
    db.session.commit()
    return {"ok": True}, 201


app = create_app()
app.register_blueprint(bp)
