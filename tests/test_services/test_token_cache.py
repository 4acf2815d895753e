"""Bearer tokens are looked up once per TOKEN_CACHE_SECONDS per process; a change
made through this process applies at once, one made elsewhere within that time."""
import uuid

import pytest
import sqlalchemy as sa

from engage.models import ApiToken, User, UserRole
from engage.models.base import utcnow
from engage.services import accounts
from engage.services.accounts import issue_token

CENTRAL = "E05009857"


def concern_body():
    return {"id": str(uuid.uuid4()), "category": "off_road_bikes", "description": "Quad bikes", "ward_code": CENTRAL}


@pytest.fixture
def token(db, users):
    issued = issue_token(users["officer"])
    db.session.commit()
    return issued.token, issued.record.id, users["officer"].id


def post(client, token):
    return client.post("/api/v1/concerns", json=concern_body(), headers={"Authorization": f"Bearer {token}"})


def test_a_known_token_is_not_looked_up_again(client, db, token):
    assert post(client, token[0]).status_code == 201   # looked up, last use recorded
    assert post(client, token[0]).status_code == 201   # looked up, remembered
    statements = []
    connection = db.session.connection()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    sa.event.listen(connection, "before_cursor_execute", listener)
    try:
        assert post(client, token[0]).status_code == 201
    finally:
        sa.event.remove(connection, "before_cursor_execute", listener)
    assert not [s for s in statements if "api_token" in s or "user_role" in s]


@pytest.mark.parametrize("how", ["revoke", "disable", "bulk disable", "remove role"])
def test_changes_made_in_this_process_apply_at_once(client, db, token, how):
    value, token_id, user_id = token
    assert post(client, value).status_code == 201
    assert post(client, value).status_code == 201
    if how == "revoke":
        db.session.get(ApiToken, token_id).revoked_at = utcnow()
    elif how == "disable":
        db.session.get(User, user_id).is_disabled = True
    elif how == "bulk disable":
        db.session.execute(sa.update(User).where(User.id == user_id).values(is_disabled=True))
    else:
        db.session.get(User, user_id).role_rows = [UserRole(role="inspector")]
    db.session.commit()
    assert post(client, value).status_code == (403 if how == "remove role" else 401)


def test_a_change_made_elsewhere_applies_within_the_cache_time(client, db, token):
    value, token_id, _ = token
    assert post(client, value).status_code == 201
    assert post(client, value).status_code == 201
    # As another process would: straight to the database, past this process's sessions.
    db.session.connection().execute(
        sa.text("UPDATE api_token SET revoked_at = :now WHERE id = :id"), {"now": utcnow(), "id": token_id})
    assert post(client, value).status_code == 201  # still remembered ...
    for known in accounts._known_tokens.values():
        known.expires -= accounts.TOKEN_CACHE_SECONDS  # ... until TOKEN_CACHE_SECONDS have passed
    assert post(client, value).status_code == 401
    assert accounts.TOKEN_CACHE_SECONDS <= 30
