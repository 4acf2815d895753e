"""What a client may send to change an action (`PATCH /api/v1/actions/<id>`): the request
body of the API contract, read with the same field rules as the phone's entries."""

from __future__ import annotations

from engage.actions.models import ACTION_STATUSES
from engage.concerns.schemas import Choice, Day, Entry, Text, WholeNumber

NOTE_LIMIT = 10000


class ActionChange(Entry):
    """A note, a new status (dropping one needs a reason), a new due date; with the
    version the client read, so a change made meanwhile is never overwritten."""

    version = WholeNumber(
        minimum=1,
        required=True,
        error_messages={"required": "required: the action's version as you read it"},
        metadata={"description": "The `version` of the action as read: a change made since answers 409."},
    )
    note = Text(max_length=NOTE_LIMIT, load_default="", metadata={"description": "What was done or said."})
    status = Choice(ACTION_STATUSES, metadata={"description": "open, done or dropped."})
    dropped_reason = Text(max_length=NOTE_LIMIT, load_default="", metadata={"description": "Why, when dropped."})
    due_date = Day(metadata={"description": "A new due date (it cannot be taken off)."})
