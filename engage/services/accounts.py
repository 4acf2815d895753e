"""Accounts: creating users, checking passwords, API tokens."""
from __future__ import annotations

import hashlib
import itertools
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import timezone

import sqlalchemy as sa
import sqlalchemy.orm as so
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from email_validator import EmailNotValidError, validate_email

from engage.extensions import db
from engage.models import ROLES, ApiToken, Team, User, UserRole
from engage.models.base import utcnow
from engage.services.reference import attach, detached_copy

_hasher = PasswordHasher()
# Verified against when the email is unknown, so a wrong email costs the same time as
# a wrong password and the two cannot be told apart.
_DUMMY_HASH = _hasher.hash("not a real password")
MIN_PASSWORD_LENGTH = 10
TOKEN_PREFIX = "eng_"


class AccountError(ValueError):
    """Bad input for an account; `field` says which."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def use_cheap_hashing() -> None:
    """For the test suite only: argon2's cheapest profile, so that making a user per
    test costs microseconds. Never called by the app."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)
    _DUMMY_HASH = _hasher.hash("not a real password")


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise AccountError(f"'{email}' is not an email address: {exc}", field="email") from exc


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters", field="password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def create_user(email: str, roles: list[str], password: str | None = None, name: str = "",
                team_codes: list[str] = ()) -> User:
    email = normalise_email(email)
    if find_user(email):
        raise AccountError(f"a user with email {email} already exists", field="email")
    user = User(email=email, name=name)
    set_roles(user, roles)
    set_teams(user, team_codes)
    if password is not None:
        check_password_rules(password)
        user.password_hash = hash_password(password)
    db.session.add(user)
    return user


def set_roles(user: User, roles) -> None:
    roles = sorted(set(roles))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise AccountError(f"unknown role {', '.join(unknown)} (roles are {', '.join(ROLES)})", field="roles")
    if not roles:
        raise AccountError("give the user at least one role", field="roles")
    current = {r.role: r for r in user.role_rows}
    for role in set(current) - set(roles):
        user.role_rows.remove(current[role])
    for role in set(roles) - set(current):
        user.role_rows.append(UserRole(role=role))


def set_teams(user: User, team_codes) -> None:
    codes = sorted({c.strip() for c in team_codes if c.strip()})
    teams = db.session.scalars(sa.select(Team).where(Team.code.in_(codes))).all() if codes else []
    missing = sorted(set(codes) - {t.code for t in teams})
    if missing:
        raise AccountError(f"no team with code {', '.join(missing)}", field="teams")
    user.teams = list(teams)


def set_password(user: User, password: str, one_time: bool = False) -> None:
    check_password_rules(password)
    user.password_hash = hash_password(password)
    user.must_change_password = one_time


def authenticate(email: str, password: str) -> User | None:
    """The user if the email and password match an enabled account, else None;
    the caller says the same thing whichever part was wrong."""
    user = find_user(email or "")
    stored = user.password_hash if user and user.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if user is None or user.password_hash is None or user.is_disabled:
        return None
    if _hasher.check_needs_rehash(stored):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class IssuedToken:
    token: str
    record: ApiToken


def issue_token(user: User, label: str = "") -> IssuedToken:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(user=user, token_hash=_token_hash(token), prefix=token[:10], label=label)
    db.session.add(record)
    return IssuedToken(token, record)


# One query for the token, its user and the user's roles; the user's teams load if
# something asks for them. Built once: building the statement costs more than running it.
_TOKEN_LOOKUP = (
    sa.select(ApiToken).where(ApiToken.token_hash == sa.bindparam("token_hash"))
    .options(so.joinedload(ApiToken.user, innerjoin=True).joinedload(User.role_rows),
             so.joinedload(ApiToken.user, innerjoin=True).lazyload(User.teams))
)

# Looking the token up was a tenth of a concern POST's work, so each process keeps what
# it found for TOKEN_CACHE_SECONDS. Any change to a token, user or role written through
# this process's sessions (revoking, disabling, new roles; ORM or bulk statement) empties
# the cache when flushed and again when committed: it applies at once in this process.
# A change made by another process (another gunicorn worker, the CLI, psql) applies
# within TOKEN_CACHE_SECONDS. See docs/benchmarks.md.
TOKEN_CACHE_SECONDS = 10
_TOKEN_TABLES = {"api_token", "user_account", "user_role"}


@dataclass
class _KnownToken:
    expires: float
    user: User  # a detached copy: its columns and roles


_known_tokens: dict[str, _KnownToken] = {}
_known_generation = 0
_known_lock = threading.Lock()


def forget_tokens() -> None:
    global _known_generation
    with _known_lock:
        _known_tokens.clear()
        _known_generation += 1


def user_for_token(token: str) -> User | None:
    if not token or not token.startswith(TOKEN_PREFIX):
        return None
    token_hash = _token_hash(token)
    known = _known_tokens.get(token_hash)
    if known is not None and known.expires > time.monotonic():
        user = attach(known.user)
        return None if user.is_disabled else user
    generation = _known_generation
    record = db.session.execute(_TOKEN_LOOKUP, {"token_hash": token_hash}).unique().scalar_one_or_none()
    if record is None or record.revoked_at is not None or record.user.is_disabled:
        return None
    now = utcnow()
    # Recorded to the minute-ish, not on every request: a write per API call is waste.
    if record.last_used_at is None or (now - _aware(record.last_used_at)).total_seconds() > 300:
        record.last_used_at = now
    _remember_token(token_hash, record.user, generation)
    return record.user


def _remember_token(token_hash: str, user: User, generation: int) -> None:
    copy = detached_copy(user)
    so.attributes.set_committed_value(copy, "role_rows", [detached_copy(r) for r in user.role_rows])
    with _known_lock:
        # Not if a change was flushed or committed since the look-up began: it may
        # have read what that change replaced.
        if generation == _known_generation:
            if len(_known_tokens) >= 10_000:
                _known_tokens.clear()
            _known_tokens[token_hash] = _KnownToken(time.monotonic() + TOKEN_CACHE_SECONDS, copy)


@sa.event.listens_for(so.Session, "after_flush")
def _forget_tokens_on_change(session, flush_context):
    changed = (ApiToken, User, UserRole)
    if any(isinstance(obj, changed) for obj in itertools.chain(session.new, session.dirty, session.deleted)):
        session.info["engage.tokens_changed"] = True
        forget_tokens()


@sa.event.listens_for(so.Session, "do_orm_execute")
def _forget_tokens_on_bulk_change(orm_execute_state):
    if (orm_execute_state.is_update or orm_execute_state.is_delete) and \
            getattr(getattr(orm_execute_state.statement, "table", None), "name", None) in _TOKEN_TABLES:
        orm_execute_state.session.info["engage.tokens_changed"] = True
        forget_tokens()


@sa.event.listens_for(so.Session, "after_commit")
def _forget_tokens_on_commit(session):
    # Again once committed: a look-up that ran between the flush and the commit read
    # the old rows.
    if session.info.pop("engage.tokens_changed", False):
        forget_tokens()


@sa.event.listens_for(so.Session, "after_rollback")
def _forget_nothing_on_rollback(session):
    session.info.pop("engage.tokens_changed", None)


def _aware(moment):
    # SQLite hands back naive datetimes for timezone-aware columns.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def revoke_token(record: ApiToken) -> None:
    if record.revoked_at is None:
        record.revoked_at = utcnow()
