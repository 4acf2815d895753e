"""The status workflow of a concern, from "new" to "closed", and reopening."""

from __future__ import annotations

from dataclasses import dataclass

from engage.concerns.models import Concern, StatusChange
from engage.extensions import db
from engage.platform.db import utcnow

LABELS = {
    "new": "New",
    "acknowledged": "Acknowledged",
    "in_progress": "In progress",
    "action_taken": "Action taken",
    "closed": "Closed",
    "no_action": "No action",
}

OPEN_STATUSES = ("new", "acknowledged", "in_progress")

# from -> allowed next statuses. Going back to in_progress from a finished state is a reopen.
TRANSITIONS = {
    "new": ("acknowledged", "in_progress", "action_taken", "no_action"),
    "acknowledged": ("in_progress", "action_taken", "no_action"),
    "in_progress": ("action_taken", "no_action"),
    "action_taken": ("closed", "in_progress"),
    "closed": ("in_progress",),
    "no_action": ("in_progress",),
}

# What each move needs written down.
NOTE_REQUIRED = {
    "action_taken": 'say what was done (the "we did" text)',
    "no_action": "give the reason no action is taken",
}

REOPEN_FROM = ("action_taken", "closed", "no_action")


class WorkflowError(ValueError):
    def __init__(self, message: str, field: str = "status"):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Move:
    to: str
    label: str
    needs_note: bool


def moves_from(status: str) -> list[Move]:
    out = []
    for to in TRANSITIONS.get(status, ()):
        label = "Reopen" if to == "in_progress" and status in REOPEN_FROM else LABELS[to]
        out.append(Move(to, label, to in NOTE_REQUIRED or (to == "in_progress" and status in REOPEN_FROM)))
    return out


def change_status(concern: Concern, to: str, note: str, actor_id: int | None, actor: str, at=None) -> StatusChange:
    """`at` backdates the change (imports and demo data); by default it is now."""
    note = (note or "").strip()
    if to not in TRANSITIONS.get(concern.status, ()):
        raise WorkflowError(
            f"a concern that is {LABELS.get(concern.status, concern.status).lower()} "
            f"cannot become {LABELS.get(to, to).lower()}"
        )
    if to in NOTE_REQUIRED and not note:
        raise WorkflowError(NOTE_REQUIRED[to], field="note")
    reopening = to == "in_progress" and concern.status in REOPEN_FROM
    if reopening and not note:
        raise WorkflowError("say why the concern is reopened", field="note")
    now = at or utcnow()
    change = StatusChange(
        concern=concern, at=now, from_status=concern.status, to_status=to, note=note, actor_id=actor_id, actor=actor
    )
    concern.status = to
    concern.status_changed_at = now
    db.session.add(change)
    if to == "action_taken":
        concern.we_did = note
    if concern.first_action_at is None and to in ("acknowledged", "in_progress", "action_taken", "no_action"):
        concern.first_action_at = now
    return change
