"""The inbox's bulk actions: acknowledge, assign or change the status of several
concerns at once. Each concern goes through the same service as on its own page
(workflow.change_status, assignment.assign), so its history records the change as if
made there. Not all-or-nothing: a concern the user may not act on, or whose move is not
allowed, is left as it was and named in the outcome; the rest are done. The caller
commits."""

from __future__ import annotations

from dataclasses import dataclass, field

from engage.accounts.models import User
from engage.accounts.policy import Scope, visible_concern
from engage.concerns.assignment import AssignmentError, assign
from engage.concerns.models import Concern
from engage.concerns.workflow import WorkflowError, change_status

# A page of the inbox is 50; a few pages' worth is the most one press should change.
MAX_AT_ONCE = 200


@dataclass
class BulkOutcome:
    done: list[Concern] = field(default_factory=list)
    refused: list[tuple[Concern, str]] = field(default_factory=list)  # (concern, why not)
    missing: int = 0  # ids of no concern the user may see


def concern_name(concern: Concern) -> str:
    """How a message names a concern: what was raised, its category and ward."""
    text = " ".join(concern.description.split())
    short = text if len(text) <= 40 else text[:39].rstrip() + "…"
    where = f", {concern.ward.name}" if concern.ward else ""
    return f"“{short}” ({concern.category.label}{where})"


def _act(scope: Scope, concern: Concern, action: str, actor: User, owner_id, to: str | None, note: str) -> None:
    if action == "assign":
        if not scope.leads(concern):
            raise AssignmentError("only its lead team can assign it", "owner")
        assign(concern, owner_id, concern.due_date, actor)
        return
    if not scope.acts_on(concern):
        raise WorkflowError("it is not routed to your teams")
    change_status(concern, "acknowledged" if action == "acknowledge" else to, note, actor.id, actor.email)


def act_on_many(
    scope: Scope,
    concern_ids,
    action: str,
    actor: User,
    owner_id: int | None = None,
    to: str | None = None,
    note: str = "",
) -> BulkOutcome:
    """`action` 'acknowledge', 'assign' (to `owner_id`, None for nobody) or 'status'
    (to `to`, with `note` on each). Each concern is checked before it is changed, so a
    refused one is left untouched."""
    ids = list(dict.fromkeys(str(i) for i in concern_ids))
    if len(ids) > MAX_AT_ONCE:
        raise ValueError(f"at most {MAX_AT_ONCE} concerns at once")
    outcome = BulkOutcome()
    for concern_id in ids:
        concern = visible_concern(scope, concern_id)
        if concern is None:
            outcome.missing += 1
            continue
        try:
            _act(scope, concern, action, actor, owner_id, to, note)
        except (WorkflowError, AssignmentError) as exc:
            outcome.refused.append((concern, str(exc)))
        else:
            outcome.done.append(concern)
    return outcome
