"""Which teams cover a ward: the one rule, as SQL.

A team covers a ward when it names the ward in its list (`coverage == "wards"`), when
it covers the whole of the ward's local authority (`"authority"`), or when it covers
all of Cleveland (`"all"`). Routing (a real concern and the admin's "Test a concern"
box alike) asks it which INT leads on a ward; scope asks it which wards a user's teams
cover. Both directions are built from `covers` below, so they cannot disagree.
"""

from __future__ import annotations

import sqlalchemy as sa

from engage.geography.models import Ward
from engage.teams.models import Team, team_ward


def covers(ward_id, local_authority_id):
    """The condition, on `Team`, that the team covers the ward given by these two
    values (plain values or columns of an outer query)."""
    # Correlated to whichever enclosing query holds the ward (and the team), however deep.
    listed = sa.select(team_ward.c.team_id).where(team_ward.c.ward_id == ward_id).correlate_except(team_ward)
    return sa.or_(
        Team.id.in_(listed),
        sa.and_(Team.coverage == "authority", Team.local_authority_id == local_authority_id),
        Team.coverage == "all",
    )


# A team that names the ward beats one covering its authority, which beats one
# covering all of Cleveland; then by code, so the choice never depends on row order.
PREFERENCE = (sa.case((Team.coverage == "wards", 0), (Team.coverage == "authority", 1), else_=2), Team.code)


def ints_covering(ward_id, local_authority_id):
    """A SELECT of the ids of the INTs covering the ward, the preferred one first:
    the first is the ward's INT, which routing makes the lead."""
    return sa.select(Team.id).where(Team.kind == "int", covers(ward_id, local_authority_id)).order_by(*PREFERENCE)


def wards_covered_by(team_ids):
    """A SELECT of the ids of the wards any of these teams covers (of every boundary
    set), for use in `IN (...)`."""
    return sa.select(Ward.id).where(sa.exists().where(Team.id.in_(team_ids), covers(Ward.id, Ward.local_authority_id)))
