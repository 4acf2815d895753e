"""Helpers for tests against the live server (its own database, really committed)."""

import uuid

import sqlalchemy as sa

from engage.extensions import db


def live_user_with_token(live_server, *roles, password=None):
    """A user in the live server's database and a bearer token for it."""
    from engage.accounts.services import create_user, issue_token

    email = f"{roles[0]}-{uuid.uuid4().hex[:8]}@example.org"
    with live_server.app.app_context():
        user = create_user(email, list(roles), password=password or "live server password")
        token = issue_token(user).token
        db.session.commit()
    return email, token


def live_count(live_server, model, **where):
    with live_server.app.app_context():
        stmt = sa.select(sa.func.count()).select_from(model)
        for key, value in where.items():
            stmt = stmt.where(getattr(model, key) == value)
        return db.session.scalar(stmt)
