"""Making and changing actions: the checks every screen shares (an owner, a due date not
already past, a reason to drop one) and the history each change leaves. Who may see or
change an action is the policy's (engage/accounts/policy.py); these functions trust
their caller to have asked."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from engage.accounts.models import User
from engage.actions.models import ACTION_STATUSES, Action, ActionUpdate
from engage.actions.schemas import ActionChange
from engage.concerns import assignment
from engage.concerns.capture import ValidationFailed
from engage.concerns.schemas import read
from engage.extensions import db
from engage.platform.db import utcnow

TITLE_LIMIT = 500
OWNER_NAME_LIMIT = 254

STATUS_LABELS = {"open": "Open", "done": "Done", "dropped": "Dropped"}


class ActionError(ValueError):
    """What is wrong with an action, and which field it is about (a form marks it)."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def owner_label(action: Action) -> str:
    """The owner as people say it: "A Smith (Redcar INT)", "Redcar INT", or the name as minuted."""
    user = action.owner_user
    person = (user.name or user.email) if user is not None else action.owner_name
    team = action.owner_team.name if action.owner_team else ""
    if person and team:
        return f"{person} ({team})"
    return person or team


def is_overdue(action: Action, today: date) -> bool:
    return action.status == "open" and action.due_date is not None and action.due_date < today


def overdue(today: date):
    """The SQL condition for `is_overdue`."""
    return sa.and_(Action.status == "open", Action.due_date.isnot(None), Action.due_date < today)


def _title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ActionError("say what is to be done", "title")
    if len(title) > TITLE_LIMIT:
        raise ActionError(f"the action is {len(title)} characters long; at most {TITLE_LIMIT}", "title")
    return title


def _owner_name(name: str) -> str:
    name = " ".join((name or "").split())
    if len(name) > OWNER_NAME_LIMIT:
        raise ActionError(f"the owner's name is {len(name)} characters long; at most {OWNER_NAME_LIMIT}", "owner")
    return name


def create_action(
    *,
    title: str,
    due_date: date | None,
    today: date,
    actor_id: int | None,
    actor: str,
    owner_user=None,
    owner_team=None,
    owner_name: str = "",
    concern=None,
    agenda_item=None,
    require_due_date: bool = True,
) -> Action:
    """A new open action. It needs an owner (a user, a team, or a name as minuted), a
    source (a concern or an agenda item) and, unless `require_due_date` is false (a
    minuted action with no date), a due date from today on."""
    title = _title(title)
    owner_name = _owner_name(owner_name)
    if owner_user is None and owner_team is None and not owner_name:
        raise ActionError("say who owns the action: a person, a team, or a name as minuted", "owner")
    if owner_user is not None and owner_team is not None and owner_team not in owner_user.teams:
        raise ActionError(f"{owner_user.name or owner_user.email} is not a member of {owner_team.name}", "owner")
    if due_date is None and require_due_date:
        raise ActionError("give the date the action is due", "due_date")
    if due_date is not None and due_date < today:
        raise ActionError(f"the due date {due_date:%-d %B %Y} is already past: give today or a later day", "due_date")
    if (concern is None) == (agenda_item is None):
        raise ValueError("an action comes from one concern or one agenda item")
    if owner_user is not None and not owner_name:
        owner_name = owner_user.name or owner_user.email
    source_demo = concern.is_demo if concern is not None else agenda_item.meeting.is_demo
    action = Action(
        title=title,
        owner_user=owner_user,
        owner_team=owner_team,
        owner_name=owner_name,
        due_date=due_date,
        status="open",
        concern=concern,
        agenda_item=agenda_item,
        created_by_id=actor_id,
        created_by=actor,
        is_demo=bool(source_demo),
    )
    db.session.add(action)
    action.updates.append(
        ActionUpdate(
            note="Action agreed",
            status="open",
            owner=owner_label(action),
            due_date=due_date,
            actor_id=actor_id,
            actor=actor,
        )
    )
    return action


_UNCHANGED = object()


def update_action(
    action: Action,
    *,
    actor_id: int | None,
    actor: str,
    note: str = "",
    status: str | None = None,
    dropped_reason: str = "",
    due_date=_UNCHANGED,
    owner_user=_UNCHANGED,
    owner_team=_UNCHANGED,
    owner_name=_UNCHANGED,
) -> ActionUpdate:
    """Change an action and write down what changed. A note on its own is an update
    too ("spoke to the council on Monday"). Dropping needs a reason; re-opening a done or
    dropped action clears when it was closed. A due date may move into the past here:
    an action agreed in good time can still be late."""
    note = (note or "").strip()
    update = ActionUpdate(note=note, status="", owner="", due_date=None, actor_id=actor_id, actor=actor)
    changed = bool(note)
    if status is not None and status != action.status:
        if status not in ACTION_STATUSES:
            raise ActionError(f"'{status}' is not a status: one of {', '.join(ACTION_STATUSES)}", "status")
        if status == "dropped":
            dropped_reason = (dropped_reason or note).strip()
            if not dropped_reason:
                raise ActionError("say why the action is dropped", "dropped_reason")
            action.dropped_reason = dropped_reason
            # The history says why, even when the reason was typed apart from a note.
            update.note = update.note or dropped_reason
        action.status = status
        action.closed_at = None if status == "open" else utcnow()
        update.status = status
        changed = True
    if due_date is not _UNCHANGED and due_date != action.due_date:
        action.due_date = due_date
        update.due_date = due_date
        changed = True
    owner_changes = {
        k: v
        for k, v in (("owner_user", owner_user), ("owner_team", owner_team), ("owner_name", owner_name))
        if v is not _UNCHANGED
    }
    if owner_changes:
        before = owner_label(action)
        for key, value in owner_changes.items():
            setattr(action, key, _owner_name(value) if key == "owner_name" else value)
        if "owner_user" in owner_changes and action.owner_user is not None and "owner_name" not in owner_changes:
            action.owner_name = action.owner_user.name or action.owner_user.email
        if action.owner_user is None and action.owner_team is None and not action.owner_name:
            raise ActionError("say who owns the action: a person, a team, or a name as minuted", "owner")
        if owner_label(action) != before:
            update.owner = owner_label(action)
            changed = True
    if not changed:
        raise ActionError("nothing to record: change something or write a note", "note")
    action.updates.append(update)
    return update


# --- owners as a form offers them ------------------------------------------------------

TEAM_ONLY = "team"  # the owner list's "the whole team"


def owning_team(action: Action | None = None, concern=None):
    """The team an action is owned within: its own, else its concern's lead team."""
    if action is not None and action.owner_team is not None:
        return action.owner_team
    concern = concern if concern is not None else (action.concern if action is not None else None)
    return concern.lead_team if concern is not None else None


def team_members(team) -> list:
    """Who in a team may own an action: as for a concern (concerns/assignment.py)."""
    return assignment.team_members(team.id if team is not None else None)


def owner_options(team, action: Action | None = None) -> list[tuple[str, str]]:
    """(value, label) for an owner list: the team itself, then each member; an owner no
    longer among them stays on the list while nobody changes it."""
    options = []
    if team is not None:
        options.append((TEAM_ONLY, f"{team.name} (the team)"))
        options += [(f"user:{u.id}", f"{u.name or u.email} ({team.name})") for u in team_members(team)]
    if action is not None:
        current = owner_value(action)
        if current not in {value for value, _ in options}:
            options.append((current, owner_label(action)))
    return options


def owner_value(action: Action) -> str:
    if action.owner_user_id is not None:
        return f"user:{action.owner_user_id}"
    if action.owner_team_id is not None:
        return TEAM_ONLY
    return "as-minuted"


def chosen_owner(value: str, team, action: Action | None = None) -> dict:
    """The owner a list's value names, as create_action and update_action take it, or an
    ActionError naming the owner field."""
    value = (value or "").strip()
    if not value:
        raise ActionError("choose who owns the action: the team or one of its members", "owner")
    if action is not None and value == owner_value(action):
        return {"owner_user": action.owner_user, "owner_team": action.owner_team}
    if value == TEAM_ONLY and team is not None:
        return {"owner_user": None, "owner_team": team}
    if value.startswith("user:") and value[5:].isdigit() and len(value) < 15 and team is not None:
        members = {u.id: u for u in team_members(team)}
        user = members.get(int(value[5:]))
        if user is None:
            other = db.session.get(User, int(value[5:]))
            who = (other.name or other.email) if other is not None else "That person"
            raise ActionError(f"{who} is not a member of {team.name}", "owner")
        return {"owner_user": user, "owner_team": team}
    raise ActionError("choose the owner from the list", "owner")


class StaleAction(ActionError):
    """The action changed since the client read it: nothing is saved."""

    def __init__(self, action: Action):
        super().__init__(
            f"the action changed since you read it (now version {action.version}): read it again, then send your change",
            "version",
        )
        self.action = action


def change_action(action: Action, data, *, actor_id: int | None, actor: str):
    """A change sent by a client (`ActionChange`): a ValidationFailed naming each wrong
    field, a StaleAction when it was read before the last change, an ActionError when
    the change itself is refused; else the change, through `update_action`."""
    values, errors = read(ActionChange(), data)
    if errors:
        raise ValidationFailed(errors)
    if values["version"] != action.version:
        raise StaleAction(action)
    changes = {"note": values.get("note", "")}
    if "status" in values:
        changes |= {"status": values["status"], "dropped_reason": values.get("dropped_reason", "")}
    if "due_date" in values:
        changes["due_date"] = values["due_date"]
    return update_action(action, actor_id=actor_id, actor=actor, **changes)
