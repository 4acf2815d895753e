"""Reminders through the outbox (docs/actions.md, docs/notifications.md).

- **When an action falls due** (open, due today or before): one e-mail to its owner,
  the person's own address, or the owning team's contact address when no person owns
  it. Once per action and due date: re-dating it earns a new reminder.
- **Each week**: to every inspector of a team, the team's open actions overdue or due
  by the end of the ISO week (Monday to Sunday), once per team, inspector and week.

Both are idempotent: each message's Message-ID is made from what it is about
(`make_message_id(key)`), and the outbox's message_id is unique, so running the
reminders twice, or in two processes at once, queues each message once. They follow
the team's notify mode as routing e-mails do: a digest team's wait for its daily
digest (to the same recipient). Demo actions never e-mail anyone. `flask actions
remind` runs them; so does the outbox worker (`flask outbox send`) before each round.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.actions.models import Action
from engage.actions.services import owner_label
from engage.extensions import db
from engage.notify.models import OutboxMessage
from engage.notify.services import make_message_id, plural, render_email
from engage.teams.models import Team


@dataclass
class ReminderReport:
    due: int = 0
    weekly: int = 0

    def __str__(self):
        return f"{plural(self.due, 'reminder')} of actions due, {plural(self.weekly, 'weekly list')}"


def due_key(action: Action) -> str:
    return f"action-{action.id}-due-{action.due_date.isoformat()}"


def week_key(team: Team, user, today: date) -> str:
    year, week, _ = today.isocalendar()
    return f"actions-{year}-W{week:02d}-team-{team.id}-user-{user.id}"


def _state(team: Team | None) -> str:
    return "digest" if team is not None and team.notify_mode == "digest" else "pending"


def _queued(message_ids: list[str]) -> set[str]:
    if not message_ids:
        return set()
    return set(db.session.scalars(sa.select(OutboxMessage.message_id).where(OutboxMessage.message_id.in_(message_ids))))


def _queue(message: OutboxMessage) -> bool:
    """Add one message in its own savepoint: another process that queued the same one
    first (the unique message_id) leaves this one out, and nothing else."""
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except sa.exc.IntegrityError:
        return False
    return True


def _recipient(action: Action) -> str:
    user = action.owner_user
    if user is not None and not user.is_disabled and user.email:
        return user.email
    return action.owner_team.contact_email if action.owner_team is not None else ""


def queue_due_reminders(today: date) -> int:
    """One reminder per open action due today or before, to its owner, not sent yet for
    that due date. The caller commits."""
    actions = db.session.scalars(
        sa.select(Action)
        .where(Action.status == "open", Action.due_date <= today, Action.is_demo.is_(False))
        .options(so.joinedload(Action.owner_user), so.joinedload(Action.owner_team), so.joinedload(Action.concern))
        .order_by(Action.due_date, Action.id)
    ).all()
    done = _queued([make_message_id(due_key(a)) for a in actions])
    queued = 0
    for action in actions:
        message_id = make_message_id(due_key(action))
        recipient = _recipient(action)
        if message_id in done or not recipient:
            continue
        late = action.due_date < today
        message = OutboxMessage(
            team_id=action.owner_team_id,
            recipient=recipient,
            subject=f"[engage] Action {'overdue' if late else 'due today'}: {action.title}"[:255],
            body=render_email("action_due.txt", action=action, owner=owner_label(action), today=today, late=late),
            message_id=message_id,
            state=_state(action.owner_team),
        )
        queued += _queue(message)
    return queued


def team_week(team: Team, today: date) -> tuple[list[Action], list[Action]]:
    """The team's open actions (not demo) overdue, and due from today to Sunday."""
    sunday = today + timedelta(days=6 - today.weekday())
    actions = db.session.scalars(
        sa.select(Action)
        .where(
            Action.owner_team_id == team.id,
            Action.status == "open",
            Action.due_date <= sunday,
            Action.is_demo.is_(False),
        )
        .options(so.joinedload(Action.owner_user), so.joinedload(Action.concern))
        .order_by(Action.due_date, Action.id)
    ).all()
    return [a for a in actions if a.due_date < today], [a for a in actions if a.due_date >= today]


def queue_weekly_lists(today: date) -> int:
    """To each inspector of each team with open actions overdue or due this week, the
    list of them, once per ISO week. The caller commits."""
    teams = db.session.scalars(
        sa.select(Team)
        .where(
            Team.id.in_(
                sa.select(Action.owner_team_id).where(
                    Action.status == "open",
                    Action.due_date <= today + timedelta(days=6 - today.weekday()),
                    Action.is_demo.is_(False),
                )
            )
        )
        .order_by(Team.name)
    ).all()
    queued = 0
    for team in teams:
        inspectors = [u for u in team.members if "inspector" in u.roles and not u.is_disabled and u.email]
        done = _queued([make_message_id(week_key(team, u, today)) for u in inspectors])
        todo = [u for u in inspectors if make_message_id(week_key(team, u, today)) not in done]
        if not todo:
            continue
        late, this_week = team_week(team, today)
        if not late and not this_week:
            continue
        year, week, _ = today.isocalendar()
        for user in todo:
            message = OutboxMessage(
                team_id=team.id,
                recipient=user.email,
                subject=(
                    f"[engage] {team.name}'s actions, week {week}: {len(late)} overdue, {len(this_week)} due this week"
                )[:255],
                body=render_email(
                    "actions_week.txt",
                    team=team,
                    user=user,
                    late=late,
                    this_week=this_week,
                    today=today,
                    week=week,
                    year=year,
                    owner_label=owner_label,
                ),
                message_id=make_message_id(week_key(team, user, today)),
                state=_state(team),
            )
            queued += _queue(message)
    return queued


def queue_reminders(today: date) -> ReminderReport:
    """Both kinds, committed."""
    report = ReminderReport(due=queue_due_reminders(today), weekly=queue_weekly_lists(today))
    db.session.commit()
    return report
