"""Actions through the API: the list an inspector's own tools (or the phone) read, one
action with its history, and a change to it: a note, done, dropped with a reason, a new
due date. Who sees and who changes each is the policy's, as on the inbox's pages."""

from __future__ import annotations

from flask import abort, jsonify, request
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from engage.accounts.access import login_required_any_role
from engage.accounts.policy import action_or_404, may_change_action, scope_for
from engage.actions.lists import ActionFilters, inbox_actions
from engage.actions.models import Action
from engage.actions.services import ActionError, StaleAction, change_action, is_overdue, owner_label
from engage.api import schemas as s
from engage.api.blueprint import bp
from engage.api.document import INVALID, answer, described, error
from engage.concerns.capture import ValidationFailed
from engage.extensions import db
from engage.platform.dates import office_day
from engage.platform.parameters import DATABASE_MAX_INTEGER


def action_json(action: Action, scope, today) -> dict:
    return {
        "id": action.id,
        "title": action.title,
        "owner": owner_label(action),
        "due_date": action.due_date.isoformat() if action.due_date else None,
        "status": action.status,
        "overdue": is_overdue(action, today),
        "dropped_reason": action.dropped_reason,
        "closed_at": action.closed_at.isoformat() if action.closed_at else None,
        "concern_id": action.concern_id,
        "meeting_id": action.agenda_item.meeting_id if action.agenda_item else None,
        "may_change": may_change_action(scope, action),
        "version": action.version,
        "updated_at": action.updated_at.isoformat(),
        "is_demo": action.is_demo,
        "history": [
            {
                "at": u.at.isoformat(),
                "actor": u.actor,
                "note": u.note,
                "status": u.status,
                "owner": u.owner,
                "due_date": u.due_date.isoformat() if u.due_date else None,
            }
            for u in action.updates
        ],
    }


def _action_or_404(scope, action_id: str) -> Action:
    # Any id in the address is asked for (after the log-in check), so a word is a 404 too.
    if not action_id.isdigit() or int(action_id) > DATABASE_MAX_INTEGER:
        abort(404, f"no action {action_id} that you can see")
    return action_or_404(scope, int(action_id))


@bp.route("/v1/actions")
@described(
    "The actions the user may see, as the inbox lists them: open first, by due date; 50 a page.",
    {
        200: answer(s.ActionList, "One page of actions."),
        400: answer(s.ValidationErrorAnswer, "`show`, `status`, `source` or `page` is not valid: `fields` names each."),
    },
    query=s.ActionsQuery,
    tag="actions",
)
@login_required_any_role
def list_actions():
    filters = ActionFilters.from_args(request.args)
    errors = dict(filters.errors)
    raw_page = request.args.get("page", "1")
    if not raw_page.isdigit() or not 1 <= int(raw_page) <= DATABASE_MAX_INTEGER:
        errors["page"] = f"'{raw_page}' is not a page number: 1 or more"
    if errors:
        return jsonify(error="; ".join(errors.values()), fields=errors), 400
    scope, today = scope_for(current_user), office_day()
    page = inbox_actions(scope, filters, today, page=int(raw_page))
    return jsonify(actions=[action_json(a, scope, today) for a in page.items], page=page.page, has_next=page.has_next)


@bp.route("/v1/actions/<action_id>")
@described(
    "One action with its history.",
    {200: answer(s.ActionAnswer, "The action."), 404: error("No such action that the user may see.")},
    tag="actions",
)
@login_required_any_role
def get_action(action_id):
    scope = scope_for(current_user)
    return jsonify(action_json(_action_or_404(scope, action_id), scope, office_day()))


@bp.route("/v1/actions/<action_id>", methods=["PATCH"])
@described(
    "Change an action: a note, a new status (dropping needs a reason), a new due date. Its owner, the "
    "concern's lead team, staff and admin only; with the `version` read, so nobody's change is overwritten.",
    {
        200: answer(s.ActionAnswer, "The action as changed."),
        403: error("The user may see the action but not change it."),
        404: error("No such action that the user may see."),
        409: answer(s.ValidationErrorAnswer, "Changed since the `version` sent: nothing was saved."),
        422: INVALID,
    },
    body=s.ActionChange,
    tag="actions",
)
@login_required_any_role
def patch_action(action_id):
    scope = scope_for(current_user)
    action = _action_or_404(scope, action_id)
    if not may_change_action(scope, action):
        return jsonify(error="only the action's owner, the concern's lead team or staff can change it"), 403
    try:
        change_action(action, request.get_json(silent=True), actor_id=current_user.id, actor=current_user.email)
        db.session.commit()
    except ValidationFailed as exc:
        db.session.rollback()
        return jsonify(error="invalid change: nothing was saved", fields=exc.errors), 422
    except StaleAction as exc:
        db.session.rollback()
        return jsonify(error=str(exc), fields={"version": str(exc)}), 409
    except StaleDataError:
        db.session.rollback()
        message = "the action changed while yours was being saved: read it again, then send your change"
        return jsonify(error=message, fields={"version": message}), 409
    except ActionError as exc:
        db.session.rollback()
        return jsonify(error=f"{exc}: nothing was saved", fields={exc.field: str(exc)}), 422
    return jsonify(action_json(action, scope, office_day()))
