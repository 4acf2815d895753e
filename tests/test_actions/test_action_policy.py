"""Who sees and who changes an action (engage/accounts/policy.py), without a client:
from a concern, as its readers and its lead team; from a partnership meeting's agenda
item, staff and the owner only; the owner always."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from engage.accounts.policy import filter_actions, may_change_action, scope_for
from engage.actions.lists import ActionFilters, inbox_actions, inbox_counts
from engage.actions.models import Action
from engage.actions.services import create_action
from engage.concerns.capture import raise_concern, record_meeting
from engage.extensions import db
from engage.minutes.models import AgendaItem
from tests.conftest import TODAY, make_team, make_user


@pytest.fixture
def world(app_ctx, users, team):
    partner = make_team("CFB-TEST", ward_codes=(), kind="partner", coverage="all")
    other = make_team("INT-STOCK", ward_codes=("E05001552",), lad_code="E06000004")
    people = {
        **users,
        "colleague": make_user("colleague@example.org", "inspector", teams=[team]),
        "partner": make_user("partner@example.org", "inspector", teams=[partner]),
        "stranger": make_user("stranger@example.org", "inspector", teams=[other]),
    }
    concern, _ = raise_concern(
        {"id": str(uuid.uuid4()), "category": "speeding", "description": "Racing", "ward_code": "E05009857"},
        users["officer"],
        notify=False,
    )
    concern.copied_teams.append(partner)
    meeting, _ = record_meeting(
        {"id": str(uuid.uuid4()), "ward_codes": ["E05009857"], "date": TODAY.isoformat(), "kind": "partnership"},
        users["staff"],
    )
    item = AgendaItem(meeting=meeting, number=3, title="Off-road bikes")
    db.session.add(item)
    db.session.flush()
    due = TODAY + timedelta(days=7)
    common = dict(due_date=due, today=TODAY, actor_id=None, actor="t")
    actions = {
        "team's": create_action(title="Patrol", concern=concern, owner_team=team, **common),
        "colleague's": create_action(
            title="Call back", concern=concern, owner_team=team, owner_user=people["colleague"], **common
        ),
        "minuted, a name": create_action(
            title="Barrier", agenda_item=item, owner_name="J Feaks, Redcar and Cleveland Borough Council", **common
        ),
        "minuted, the stranger's team": create_action(title="Signs", agenda_item=item, owner_team=other, **common),
    }
    db.session.commit()
    return people, actions


# who: (sees, may change) for each action
TABLE = {
    "staff": {"team's": "YY", "colleague's": "YY", "minuted, a name": "YY", "minuted, the stranger's team": "YY"},
    "inspector": {"team's": "YY", "colleague's": "YY", "minuted, a name": "NN", "minuted, the stranger's team": "NN"},
    "colleague": {"team's": "YY", "colleague's": "YY", "minuted, a name": "NN", "minuted, the stranger's team": "NN"},
    "partner": {"team's": "YN", "colleague's": "YN", "minuted, a name": "NN", "minuted, the stranger's team": "NN"},
    "stranger": {"team's": "NN", "colleague's": "NN", "minuted, a name": "NN", "minuted, the stranger's team": "YY"},
    "officer": {"team's": "YN", "colleague's": "YN", "minuted, a name": "NN", "minuted, the stranger's team": "NN"},
}


@pytest.mark.parametrize("who", sorted(TABLE))
def test_who_sees_and_changes_which_action(world, who):
    people, actions = world
    scope = scope_for(people[who])
    seen = set(db.session.scalars(filter_actions(scope, sa.select(Action.id))))
    found = {
        name: ("Y" if a.id in seen else "N") + ("Y" if may_change_action(scope, a) else "N")
        for name, a in actions.items()
    }
    assert found == TABLE[who]


def test_the_inbox_list_is_mine_and_my_teams(world):
    people, actions = world
    colleague = scope_for(people["colleague"])
    titles = lambda scope, **args: [a.title for a in inbox_actions(scope, ActionFilters.from_args(args), TODAY).items]  # noqa: E731
    assert titles(colleague) == ["Patrol", "Call back"]
    assert titles(colleague, show="mine") == ["Call back"]
    assert titles(scope_for(people["stranger"])) == ["Signs"]
    assert titles(scope_for(people["staff"])) == ["Patrol", "Call back", "Barrier", "Signs"]
    assert inbox_counts(colleague, TODAY + timedelta(days=8)).overdue == 2
    # The partner reads the concern's actions on its page, but they are not its to do.
    assert titles(scope_for(people["partner"])) == []
