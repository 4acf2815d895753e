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

from engage.models import Team, User, Ward, team_member, team_ward


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

    def covers_all_wards(self) -> bool:
        return self.sees_all_wards

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
