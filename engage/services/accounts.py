"""Accounts: creating users, checking passwords, API tokens."""
from __future__ import annotations

import hashlib
import secrets
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


# One query for the token, its user and the user's roles, on every request (never
# cached, so a revoked token or disabled user stops at once); the user's teams load if
# something asks for them. Built once: building the statement costs more than running it.
_TOKEN_LOOKUP = (
    sa.select(ApiToken).where(ApiToken.token_hash == sa.bindparam("token_hash"))
    .options(so.joinedload(ApiToken.user, innerjoin=True).joinedload(User.role_rows),
             so.joinedload(ApiToken.user, innerjoin=True).lazyload(User.teams))
)


def user_for_token(token: str) -> User | None:
    if not token or not token.startswith(TOKEN_PREFIX):
        return None
    record = db.session.execute(_TOKEN_LOOKUP, {"token_hash": _token_hash(token)}).unique().scalar_one_or_none()
    if record is None or record.revoked_at is not None or record.user.is_disabled:
        return None
    now = utcnow()
    # Recorded to the minute-ish, not on every request: a write per API call is waste.
    if record.last_used_at is None or (now - _aware(record.last_used_at)).total_seconds() > 300:
        record.last_used_at = now
    return record.user


def _aware(moment):
    # SQLite hands back naive datetimes for timezone-aware columns.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def revoke_token(record: ApiToken) -> None:
    if record.revoked_at is None:
        record.revoked_at = utcnow()
