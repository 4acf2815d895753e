"""Accounts, roles, log-in sessions and API tokens, and which teams a user belongs to."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin

from engage.extensions import db
from engage.platform.db import UTCDateTime, utcnow
from engage.teams.models import Team

ROLES = ("officer", "inspector", "staff", "admin")

team_member = sa.Table(
    "team_member",
    db.metadata,
    sa.Column("team_id", sa.ForeignKey("team.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    __audited__ = True
    __audit_exclude__ = {"password_hash", "last_login_at"}

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    password_hash: so.Mapped[str | None] = so.mapped_column(sa.String(255))
    # An admin-set one-time password must be changed at the next log-in.
    must_change_password: so.Mapped[bool] = so.mapped_column(default=False)
    is_disabled: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_login_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    role_rows: so.Mapped[list[UserRole]] = so.relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="UserRole.role"
    )
    teams: so.Mapped[list[Team]] = so.relationship(
        secondary=team_member, back_populates="members", lazy="selectin", order_by="Team.code"
    )

    @property
    def roles(self) -> set[str]:
        return {r.role for r in self.role_rows}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return not self.is_disabled

    def __repr__(self):
        return f"<User {self.email}>"


class UserRole(db.Model):
    __tablename__ = "user_role"
    __table_args__ = (sa.CheckConstraint("role IN ('officer', 'inspector', 'staff', 'admin')", name="role_known"),)

    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    role: so.Mapped[str] = so.mapped_column(sa.String(16), primary_key=True)


# Codes are unique whatever their case (migration 0005), declared here so that
# autogenerate sees no drift.
sa.Index("uq_team_code_lower", sa.func.lower(Team.__table__.c.code), unique=True)


class ApiToken(db.Model):
    """A bearer token for programmatic clients. Only a SHA-256 of it is stored: the
    token is random and long, so a slow hash adds nothing."""

    __tablename__ = "api_token"
    __audited__ = True
    __audit_exclude__ = {"token_hash", "last_used_at"}

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    prefix: so.Mapped[str] = so.mapped_column(sa.String(16))
    label: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    user: so.Mapped[User] = so.relationship()


class LoginSession(db.Model):
    """One log-in in one browser. Its random key travels in the signed session cookie;
    only a SHA-256 of it is stored. The cookie works while this row exists: logging out
    deletes it, and so do a password change (the user's other sessions), disabling the
    user, changing their roles, or an administrator ending their sessions."""

    __tablename__ = "login_session"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    key_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # Refreshed at most every few minutes; past the idle time the session is dead.
    last_seen_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    user_agent: so.Mapped[str] = so.mapped_column(sa.String(200), default="")

    user: so.Mapped[User] = so.relationship()
