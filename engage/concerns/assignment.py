"""Who in the lead team owns a concern, and when it is due.

A new concern is due its category's target (`Category.target_days`) after the day it
was raised, on the office's calendar; a category with no target leaves it with none.
The lead team (or staff) may then name an owner among the team's members and move the
due date; each change is kept in `concern_assignment`. Who may is the policy's
(`Scope.leads`); the caller asks it, and commits.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from engage.accounts.models import User, team_member
from engage.concerns.models import Category, Concern, ConcernAssignment
from engage.extensions import db
from engage.platform.dates import office_day
from engage.platform.db import utcnow
from engage.teams.models import Team

# A due date years ahead is a typing slip (2062 for 2026), not a plan.
LATEST_DUE_YEARS = 5


# People by the name they are shown by: their name, or their e-mail if it has none.
BY_NAME = sa.func.lower(sa.func.coalesce(sa.func.nullif(User.name, ""), User.email))


class AssignmentError(ValueError):
    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def default_due_date(category: Category | None, raised_at: datetime) -> date | None:
    if category is None or not category.target_days:
        return None
    return office_day(raised_at) + timedelta(days=category.target_days)


def team_members(team_id: int | None) -> list[User]:
    """A team's members whose accounts are in use, by name: who may own its concerns and actions."""
    if team_id is None:
        return []
    return db.session.scalars(
        sa.select(User)
        .join(team_member, team_member.c.user_id == User.id)
        .where(team_member.c.team_id == team_id, ~User.is_disabled)
        .order_by(BY_NAME, User.email)
    ).all()


def lead_team_members(concern: Concern) -> list[User]:
    """Who may own the concern: the lead team's members whose accounts are in use."""
    return team_members(concern.lead_team_id)


def display_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.name or user.email


def check_owner(concern: Concern, owner_id: int | None) -> User | None:
    """The member named, or an AssignmentError saying why they cannot own it. An owner
    who has since left the team stays while nobody changes the owner."""
    if owner_id is None:
        return None
    if owner_id == concern.owner_id:
        return concern.owner
    members = {user.id: user for user in lead_team_members(concern)}
    if owner_id in members:
        return members[owner_id]
    if concern.lead_team is None:
        raise AssignmentError("the concern is in the triage queue: route it to a team before naming an owner", "owner")
    user = db.session.get(User, owner_id)
    who = display_name(user) if user is not None else "that person"
    raise AssignmentError(f"{who} is not a member of {concern.lead_team.name}, the concern's lead team", "owner")


def check_due_date(concern: Concern, due: date | None) -> None:
    if due is None:
        return
    raised = office_day(concern.raised_at)
    if due < raised:
        raise AssignmentError(f"the due date is before the concern was raised ({raised:%-d %b %Y})", "due_date")
    latest = office_day() + timedelta(days=365 * LATEST_DUE_YEARS)
    if due > latest:
        raise AssignmentError(f"the due date is more than {LATEST_DUE_YEARS} years ahead: check the year", "due_date")


def assign(concern: Concern, owner_id: int | None, due: date | None, actor: User) -> ConcernAssignment | None:
    """Set the owner (a lead team member, or nobody) and due date (or none); None when
    both are as they were, so nothing is written."""
    owner = check_owner(concern, owner_id)
    check_due_date(concern, due)
    if concern.owner_id == owner_id and concern.due_date == due:
        return None
    concern.owner = owner
    concern.due_date = due
    change = ConcernAssignment(
        concern=concern,
        at=utcnow(),
        owner_id=owner_id,
        owner=display_name(owner),
        due_date=due,
        actor_id=actor.id,
        actor=actor.email,
    )
    db.session.add(change)
    return change


def assignment_history(concern: Concern) -> list[ConcernAssignment]:
    return db.session.scalars(
        sa.select(ConcernAssignment)
        .where(ConcernAssignment.concern_id == concern.id)
        .order_by(ConcernAssignment.at, ConcernAssignment.id)
    ).all()


def members_by_team(team_ids=None) -> dict[str, list[User]]:
    """{team name: its members in use}, of these teams (every team's when None): whom a
    bulk assignment may name, each concern then checked against its own lead team."""
    stmt = (
        sa.select(Team.name, User)
        .join(team_member, team_member.c.team_id == Team.id)
        .join(User, User.id == team_member.c.user_id)
        .where(~User.is_disabled)
        .order_by(Team.name, BY_NAME, User.email)
    )
    if team_ids is not None:
        stmt = stmt.where(Team.id.in_(team_ids))
    groups: dict[str, list[User]] = {}
    for team_name, user in db.session.execute(stmt):
        groups.setdefault(team_name, []).append(user)
    return groups
