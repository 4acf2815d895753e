"""Actions in the inbox: the user's and their teams' list, an action's page (its history
and the form to update it), and proposing one on a concern's page
(`templates/actions/_concern_actions.html`). Routes on the inbox's blueprint, so the
inbox's roles apply; who may see or change each action is the policy's."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from engage.accounts.policy import action_or_404, concern_or_404, may_change_action, scope_for
from engage.actions.forms import ProposeForm, UpdateForm
from engage.actions.lists import (
    SHOW,
    STATUS_FILTERS,
    ActionFilters,
    concern_actions,
    inbox_actions,
    inbox_counts,
    ward_actions,
)
from engage.actions.services import (
    STATUS_LABELS,
    ActionError,
    chosen_owner,
    create_action,
    is_overdue,
    owner_label,
    owner_options,
    owner_value,
    owning_team,
    update_action,
)
from engage.admin.forms import as_choices
from engage.concerns.inbox_views import bp
from engage.extensions import db
from engage.geography.models import Ward
from engage.platform.dates import office_day
from engage.platform.parameters import whole_number

WARD_PAGE_ACTIONS = 30


def _sentence(exc: Exception) -> str:
    """The service's message as a sentence (an e-mail address leading it stays as it is)."""
    text = str(exc)
    if "@" not in text.split(" ", 1)[0]:
        text = f"{text[:1].upper()}{text[1:]}"
    return f"{text}."


def _propose_form(concern, submitted: bool = False) -> ProposeForm:
    form = ProposeForm(formdata=request.form if submitted else None, prefix="propose")
    form.owner.choices = as_choices([("", "Choose…"), *owner_options(concern.lead_team)])
    return form


def _update_form(action, submitted: bool = False) -> UpdateForm:
    # Only this action's own POST reads the request: several sit on a concern's page.
    data = {
        "status": action.status,
        "due_date": action.due_date.isoformat() if action.due_date else "",
        "owner": owner_value(action),
    }
    form = UpdateForm(
        formdata=request.form if submitted else None, prefix=f"action{action.id}", data=None if submitted else data
    )
    form.owner.choices = as_choices(owner_options(owning_team(action), action))
    return form


def actions_panel(concern, propose_form: ProposeForm | None = None, failed: UpdateForm | None = None) -> dict:
    """What _concern_actions.html shows: the concern's actions with their history, the
    form to propose one (its lead team and staff) and to update each (`may_change_action`)."""
    scope = scope_for(current_user)
    items = concern_actions(scope, concern)
    may_propose = scope.leads(concern)
    forms = {a.id: _update_form(a) for a in items if may_change_action(scope, a)}
    if failed is not None:
        forms[int(failed._prefix.removeprefix("action").rstrip("-"))] = failed
    return {
        "actions": items,
        "may_propose": may_propose,
        "form": propose_form or (_propose_form(concern) if may_propose and concern.lead_team else None),
        "update_forms": forms,
    }


def ward_action_list(ward, demo: bool = False):
    """The ward page's actions: from its concerns (any vintage of the ward), the open
    ones and those closed lately, as the user may see them."""
    ward_ids = db.session.scalars(sa.select(Ward.id).where(Ward.code == ward.code)).all()
    return ward_actions(ward_ids, scope_for(current_user), office_day(), demo, limit=WARD_PAGE_ACTIONS)


@bp.context_processor
def _action_helpers():
    return {
        "actions_panel": actions_panel,
        "ward_action_list": ward_action_list,
        "action_counts": lambda demo=False: inbox_counts(scope_for(current_user), office_day(), demo=demo),
        "action_owner": owner_label,
        "action_overdue": lambda a: is_overdue(a, office_day()),
        "action_labels": STATUS_LABELS,
    }


@bp.route("/actions")
def actions():
    scope = scope_for(current_user)
    filters = ActionFilters.from_args(request.args)
    today = office_day()
    page = inbox_actions(scope, filters, today, page=whole_number(request.args, "page", 1, minimum=1))
    return render_template(
        "actions/index.html",
        page=page,
        filters=filters,
        counts=inbox_counts(scope, today, demo=filters.source.is_demo),
        show_filters=SHOW,
        status_filters=STATUS_FILTERS,
        today=today,
        everyone=scope.sees_everything,
    ), (400 if filters.errors else 200)


@bp.route("/concerns/<concern_id>/actions", methods=["POST"])
def propose_action(concern_id):
    scope = scope_for(current_user)
    concern = concern_or_404(scope, concern_id)
    if not scope.leads(concern):
        abort(403, "only the concern's lead team (or staff) can agree an action on it")
    form = _propose_form(concern, submitted=True)
    if concern.lead_team is None:
        form.owner.errors = ["The concern is in the triage queue: route it to a team before agreeing an action."]
    elif form.validate():
        try:
            action = create_action(
                title=form.title.data,
                due_date=form.due,
                today=office_day(),
                actor_id=current_user.id,
                actor=current_user.email,
                concern=concern,
                **chosen_owner(form.owner.data, concern.lead_team),
            )
            db.session.commit()
        except ActionError as exc:
            db.session.rollback()
            getattr(form, exc.field).errors = [*getattr(form, exc.field).errors, _sentence(exc)]
        else:
            flash(f"Action agreed: {owner_label(action)}, due {action.due_date:%-d %b %Y}.", "info")
            return redirect(url_for("inbox.concern", concern_id=concern.id, _anchor="actions"))
    return render_template("actions/propose.html", concern=concern, panel=actions_panel(concern, form)), 422


def _apply(action, form: UpdateForm):
    changes = {"note": form.note.data or "", "due_date": form.due}
    if form.status.data != action.status:
        changes |= {"status": form.status.data, "dropped_reason": form.dropped_reason.data or ""}
    if action.due_date is not None and form.due is None:
        raise ActionError("give the date the action is due: a due date cannot be taken off", "due_date")
    changes |= chosen_owner(form.owner.data, owning_team(action), action)
    return update_action(action, actor_id=current_user.id, actor=current_user.email, **changes)


@bp.route("/actions/<int:action_id>", methods=["GET", "POST"])
def action(action_id):
    scope = scope_for(current_user)
    action = action_or_404(scope, action_id)
    may_change = may_change_action(scope, action)
    form = _update_form(action) if may_change else None
    status = 200
    if request.method == "POST":
        if not may_change:
            abort(403, "only the action's owner, the concern's lead team or staff can change it")
        form = _update_form(action, submitted=True)
        if form.validate():
            try:
                _apply(action, form)
                db.session.commit()
            except ActionError as exc:
                db.session.rollback()
                field = getattr(form, exc.field)
                field.errors = [*field.errors, _sentence(exc)]
            except StaleDataError:
                db.session.rollback()
                form.note.errors = ["Someone changed this action while you were writing: read it again, then save."]
            else:
                flash(f"Saved: the action is {STATUS_LABELS[action.status].lower()}.", "info")
                if request.form.get("back") == "concern" and action.concern_id:
                    return redirect(
                        url_for("inbox.concern", concern_id=action.concern_id, _anchor=f"action-{action.id}")
                    )
                return redirect(url_for("inbox.action", action_id=action.id))
        status = 422
        db.session.refresh(action)
    return render_template(
        "actions/action.html", action=action, form=form, overdue=is_overdue(action, office_day())
    ), status
