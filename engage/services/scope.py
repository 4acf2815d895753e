"""What a user may see, in one place. Every list, detail page, API answer and export
filters through here, so an inspector's view cannot differ between screens.

- staff and admin: everything;
- officer: every ward (they log meetings anywhere), and the entries they logged;
- inspector: the wards their teams cover and what is routed to their teams.
Someone with several roles sees the union.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from engage.models import Team, User, Ward, team_ward


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    sees_everything: bool
    sees_all_wards: bool
    team_ids: frozenset[int]

    def ward_ids(self):
        """A SELECT of the ward ids this user may see (for use in `IN (...)`)."""
        by_list = sa.select(team_ward.c.ward_id).where(team_ward.c.team_id.in_(self.team_ids))
        by_authority = (
            sa.select(Ward.id)
            .join(Team, Team.local_authority_id == Ward.local_authority_id)
            .where(Team.id.in_(self.team_ids), Team.coverage == "authority")
        )
        return sa.union(by_list, by_authority)

    def filter_wards(self, stmt):
        if self.sees_all_wards:
            return stmt
        return stmt.where(Ward.id.in_(self.ward_ids()))


def scope_for(user: User | None) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False):
        return Scope(None, False, False, frozenset())
    roles = user.roles
    team_ids = frozenset(t.id for t in user.teams) if "inspector" in roles else frozenset()
    everything = bool(roles & {"staff", "admin"})
    all_wards = everything or "officer" in roles or any(
        t.coverage == "all" for t in user.teams if t.id in team_ids
    )
    return Scope(user.id, everything, all_wards, team_ids)


def routed_to_teams(team_ids):
    """Concerns whose lead or copied team is one of these."""
    from engage.models import Concern, concern_copy

    return sa.or_(
        Concern.lead_team_id.in_(team_ids),
        Concern.id.in_(sa.select(concern_copy.c.concern_id).where(concern_copy.c.team_id.in_(team_ids))),
    )


def filter_concerns(scope: Scope, stmt):
    """Concerns this user may see. Inspectors: those routed to their teams and those
    in the wards their teams cover; officers: those they logged."""
    from engage.models import Concern

    if scope.sees_everything:
        return stmt
    conditions = []
    if scope.user_id is not None:
        conditions.append(Concern.created_by_id == scope.user_id)
    if scope.team_ids:
        conditions.append(routed_to_teams(scope.team_ids))
        if scope.sees_all_wards:
            conditions.append(Concern.ward_id.isnot(None))
        else:
            conditions.append(Concern.ward_id.in_(scope.ward_ids()))
    return stmt.where(sa.or_(*conditions)) if conditions else stmt.where(sa.false())


def filter_meetings(scope: Scope, stmt):
    from engage.models import Meeting, meeting_ward

    if scope.sees_everything:
        return stmt
    conditions = []
    if scope.user_id is not None:
        conditions.append(Meeting.created_by_id == scope.user_id)
    if scope.team_ids:
        conditions.append(Meeting.id.in_(
            sa.select(meeting_ward.c.meeting_id).where(meeting_ward.c.ward_id.in_(scope.ward_ids()))
        ))
    return stmt.where(sa.or_(*conditions)) if conditions else stmt.where(sa.false())
