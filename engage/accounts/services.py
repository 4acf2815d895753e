"""Accounts: creating users, checking passwords, log-in sessions, API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from engage.accounts.models import ROLES, ApiToken, LoginSession, User, UserRole
from engage.concerns.models import Concern
from engage.concerns.workflow import OPEN_STATUSES
from engage.extensions import db
from engage.platform.db import utcnow
from engage.teams.models import Team

_hasher = PasswordHasher()

# Verified against when the email is unknown, so a wrong email costs the same time as
# a wrong password and the two cannot be told apart. Made by the first log-in rather
# than on import: hashing takes 0.1 s and 64 MiB, which every command and worker paid
# (issue #20).
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _hasher.hash("not a real password")
    return _DUMMY_HASH


MIN_PASSWORD_LENGTH = 12

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
    _DUMMY_HASH = None  # made again, with the cheap profile, on first use


def normalise_email(email: str) -> str:
    # Loaded on first use (0.09 s, with the DNS library it brings): issue #20.
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise AccountError(f"'{email}' is not an email address: {exc}", field="email") from exc


# zxcvbn (Dropbox's estimator, with its list of 30,000 common passwords and its
# patterns: words with digits added, keyboard runs, repeats, dates, l33t) puts a password
# at 0-4; below 3 it would fall to an online or a modest offline guessing attack.
MIN_PASSWORD_SCORE = 3

# zxcvbn's time grows with the length; the first 72 characters decide its answer.
_ESTIMATE_CHARACTERS = 72


def password_problem(password: str, email: str) -> str | None:
    """Why this password may not be used for the account with this email, or None.
    The one rule for every password chosen or set: changing one's own, an admin's reset,
    the command line."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"the password must be at least {MIN_PASSWORD_LENGTH} characters"
    name = (email or "").split("@", 1)[0].lower()
    if len(name) >= 3 and name in password.lower():
        return f"the password must not contain the name of the e-mail address ('{name}')"
    from zxcvbn import zxcvbn  # heavy (its word lists): loaded on first use (issue #20)

    estimate = zxcvbn(password[:_ESTIMATE_CHARACTERS], user_inputs=[name] if name else [])
    if estimate["score"] < MIN_PASSWORD_SCORE:
        why = estimate["feedback"]["warning"] or "it is a common password or close to one"
        return (
            f"the password is too easy to guess ({why.rstrip('.')}): try a few unrelated words, "
            "or a password manager's suggestion"
        )
    return None


def check_password_rules(password: str, email: str) -> None:
    problem = password_problem(password, email)
    if problem:
        raise AccountError(problem, field="password")


def new_one_time_password(email: str) -> str:
    """A random password (16 characters) that itself passes the rules."""
    while True:
        password = secrets.token_urlsafe(12)
        if password_problem(password, email) is None:
            return password


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def create_user(
    email: str, roles: list[str], password: str | None = None, name: str = "", team_codes: list[str] = ()
) -> User:
    email = normalise_email(email)
    if find_user(email):
        raise AccountError(f"a user with email {email} already exists", field="email")
    user = User(email=email, name=name)
    set_roles(user, roles)
    set_teams(user, team_codes)
    if password is not None:
        check_password_rules(password, email)
        user.password_hash = hash_password(password)
    db.session.add(user)
    return user


def set_roles(user: User, roles, keep_session: str | None = None) -> Ended | None:
    """Gives the user exactly these roles; None if they had them already. A change ends
    the user's sessions (but `keep_session`) and revokes their API tokens: what was
    granted under the old roles is not carried over."""
    roles = sorted(set(roles))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise AccountError(f"unknown role {', '.join(unknown)} (roles are {', '.join(ROLES)})", field="roles")
    if not roles:
        raise AccountError("give the user at least one role", field="roles")
    current = {r.role: r for r in user.role_rows}
    if set(current) == set(roles):
        return None
    for role in set(current) - set(roles):
        user.role_rows.remove(current[role])
    for role in set(roles) - set(current):
        user.role_rows.append(UserRole(role=role))
    ended = end_sessions(user, keep_session=keep_session) if user.id is not None else Ended(0, 0)
    ended.roles_changed = True
    return ended


def set_teams(user: User, team_codes) -> None:
    codes = sorted({c.strip() for c in team_codes if c.strip()})
    teams = db.session.scalars(sa.select(Team).where(Team.code.in_(codes))).all() if codes else []
    missing = sorted(set(codes) - {t.code for t in teams})
    if missing:
        raise AccountError(f"no team with code {', '.join(missing)}", field="teams")
    user.teams = list(teams)


@dataclass
class Ended:
    """What a change ended: the user's log-in sessions and API tokens."""

    sessions: int
    tokens: int
    roles_changed: bool = False

    def __add__(self, other: Ended) -> Ended:
        return Ended(
            self.sessions + other.sessions, self.tokens + other.tokens, self.roles_changed or other.roles_changed
        )

    def __str__(self):
        return f"{self.sessions} session(s) ended, {self.tokens} API token(s) revoked"


def set_password(user: User, password: str, one_time: bool = False, keep_session: str | None = None) -> Ended:
    """Checks the rules, stores the password, ends the user's other sessions (all but
    `keep_session`, the one changing its own password) and revokes their API tokens."""
    check_password_rules(password, user.email)
    user.password_hash = hash_password(password)
    user.must_change_password = one_time
    return end_sessions(user, keep_session=keep_session)


def set_disabled(user: User, disabled: bool) -> Ended:
    """Disabling ends every session and revokes every API token of the user (enabling
    again brings neither back). Disabled users cannot log in."""
    user.is_disabled = disabled
    return end_sessions(user) if disabled else Ended(0, 0)


def authenticate(email: str, password: str) -> User | None:
    """The user if the email and password match an enabled account, else None;
    the caller says the same thing whichever part was wrong."""
    # Asked for whoever logs in, so that the first log-in's cost of making it says
    # nothing about whether the email is known.
    dummy = _dummy_hash()
    user = find_user(email or "")
    stored = user.password_hash if user and user.password_hash else dummy
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
# Looked up on every request, in every process: a token revoked, or whose user was
# disabled or given other roles, stops (or changes) on the next request everywhere.
_TOKEN_LOOKUP = (
    sa.select(ApiToken)
    .where(ApiToken.token_hash == sa.bindparam("token_hash"))
    .options(
        so.joinedload(ApiToken.user, innerjoin=True).joinedload(User.role_rows),
        so.joinedload(ApiToken.user, innerjoin=True).lazyload(User.teams),
    )
)


def user_for_token(token: str) -> User | None:
    if not token or not token.startswith(TOKEN_PREFIX):
        return None
    record = db.session.execute(_TOKEN_LOOKUP, {"token_hash": _token_hash(token)}).unique().scalar_one_or_none()
    if record is None or record.revoked_at is not None or record.user.is_disabled:
        return None
    now = utcnow()
    # Recorded to the minute-ish, not on every request: a write per API call is waste.
    if record.last_used_at is None or (now - record.last_used_at).total_seconds() > 300:
        record.last_used_at = now
    return record.user


def revoke_token(record: ApiToken) -> None:
    if record.revoked_at is None:
        record.revoked_at = utcnow()


def end_sessions(user: User, keep_session: str | None = None, tokens: bool = True) -> Ended:
    """Ends the user's log-in sessions but `keep_session` (a key) and, unless told not
    to, revokes their API tokens. Effective on their next request, in every process."""
    stmt = sa.delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep_session:
        stmt = stmt.where(LoginSession.key_hash != _token_hash(keep_session))
    sessions = db.session.execute(stmt).rowcount
    live = (
        db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))).all()
        if tokens
        else []
    )
    for token in live:
        revoke_token(token)  # one by one, through the ORM: each revocation is in the audit trail
    return Ended(sessions, len(live))


# A session seen within this long is not written to again: one write per few minutes.
_SEEN_GRANULARITY = timedelta(minutes=5)


def start_session(user: User, user_agent: str = "", idle: timedelta | None = None) -> str:
    """A new log-in session for the user: its key, to keep in the session cookie.
    The user's sessions idle for longer than `idle` are cleared on the way."""
    if idle is not None:
        db.session.execute(
            sa.delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.last_seen_at < utcnow() - idle)
        )
    key = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user_id=user.id, key_hash=_token_hash(key), user_agent=(user_agent or "")[:200]))
    return key


_SESSION_LOOKUP = (
    sa.select(LoginSession)
    .where(LoginSession.key_hash == sa.bindparam("key_hash"))
    .options(so.joinedload(LoginSession.user, innerjoin=True).joinedload(User.role_rows))
)


def user_for_session(key: str | None, idle: timedelta) -> User | None:
    """The user whose live session has this key, or None: no such session (logged out,
    ended), idle for longer than `idle`, or the user is disabled."""
    if not key or not isinstance(key, str):
        return None
    record = db.session.execute(_SESSION_LOOKUP, {"key_hash": _token_hash(key)}).unique().scalar_one_or_none()
    if record is None or record.user.is_disabled:
        return None
    now = utcnow()
    seen = record.last_seen_at
    if now - seen > idle:
        return None
    if now - seen > _SEEN_GRANULARITY:
        record.last_seen_at = now
    return record.user


def end_session(key: str | None) -> None:
    """Logging out: this session's key stops working, wherever it is replayed from."""
    if key and isinstance(key, str):
        db.session.execute(sa.delete(LoginSession).where(LoginSession.key_hash == _token_hash(key)))


def live_sessions(user: User, idle: timedelta) -> list[LoginSession]:
    return list(
        db.session.scalars(
            sa.select(LoginSession)
            .where(LoginSession.user_id == user.id, LoginSession.last_seen_at >= utcnow() - idle)
            .order_by(LoginSession.last_seen_at.desc())
        )
    )


@dataclass(frozen=True)
class Landing:
    """Where a user's work is: an endpoint and its query arguments, for url_for."""

    endpoint: str
    args: tuple = ()  # ((name, value), ...): hashable, so a Landing compares by value


def triage_waiting() -> bool:
    """Whether the OPCC triage queue holds anything: a real open concern with no lead team."""
    return bool(
        db.session.scalar(
            sa.select(
                sa.exists().where(Concern.lead_team_id.is_(None), Concern.status.in_(OPEN_STATUSES), ~Concern.is_demo)
            )
        )
    )


def landing_for(user: User) -> Landing:
    """The page a user lands on after logging in: their work. With several roles, the
    most senior decides (admin, then staff, inspector, officer): a senior role's work is
    the wider one, and the pages of the others are one click away in the menu."""
    if user.has_role("admin"):
        return Landing("admin.index")
    if user.has_role("staff"):
        return Landing("inbox.index", (("queue", "triage"),)) if triage_waiting() else Landing("reports.index")
    if user.has_role("inspector"):
        return Landing("inbox.index")
    if user.has_role("officer"):
        return Landing("capture.index")
    return Landing("wards.index")
