"""Acting on concerns besides moving their status: the owner and due date, set on a
concern's page (`templates/inbox/_assignment.html`), and the inbox's bulk actions."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from engage.accounts.models import User
from engage.accounts.policy import concern_or_404, scope_for
from engage.concerns.assignment import (
    AssignmentError,
    assign,
    assignment_history,
    display_name,
    lead_team_members,
    members_by_team,
)
from engage.concerns.bulk import act_on_many, concern_name
from engage.concerns.inbox import DUE_FILTERS, OWNER_FILTERS, SORTS
from engage.concerns.inbox_forms import NOBODY, AssignmentForm, BulkForm
from engage.concerns.inbox_views import bp, index
from engage.concerns.workflow import LABELS, OPEN_STATUSES, TRANSITIONS
from engage.extensions import db
from engage.platform.dates import office_day

# What the bulk bar may move concerns to (never back to "new").
BULK_STATUSES = tuple(s for s in LABELS if any(s in moves for moves in TRANSITIONS.values()))


def _assignment_form(concern, submitted: bool = False) -> AssignmentForm:
    # Only the assignment's own POST reads the request: a status form posted to the
    # concern's page must not blank these fields.
    form = AssignmentForm(
        formdata=None if not submitted else request.form,
        prefix="assign",
        data=None if submitted else {"owner": str(concern.owner_id or ""), "due_date": concern.due_date or ""},
    )
    members = lead_team_members(concern)
    form.owner.choices = [("", "Nobody yet")] + [(str(u.id), display_name(u)) for u in members]
    if concern.owner is not None and concern.owner not in members:
        form.owner.choices.append((str(concern.owner_id), f"{display_name(concern.owner)} (no longer in the team)"))
    return form


def assignment_panel(concern, form: AssignmentForm | None = None) -> dict:
    """What _assignment.html shows: the owner, due date and their history, and the
    form for those who may change them (the lead team, staff)."""
    may_assign = scope_for(current_user).leads(concern)
    return {
        "may_assign": may_assign,
        "form": form or (_assignment_form(concern) if may_assign else None),
        "history": assignment_history(concern),
        "overdue": concern.due_date is not None and concern.due_date < office_day() and concern.status in OPEN_STATUSES,
    }


def bulk_panel() -> dict:
    """What the inbox's bulk bar shows: its form (as posted, when it was refused), whom
    it may assign to, by team, and the statuses it may move to."""
    scope = scope_for(current_user)
    form = g.get("bulk_form") or BulkForm(formdata=None, prefix="bulk")
    return {
        "form": form,
        "ticked": set(form.ids.data or ()),
        "owners": members_by_team(None if scope.sees_everything else scope.team_ids),
        "nobody": NOBODY,
        "statuses": [(s, LABELS[s]) for s in BULK_STATUSES],
    }


def _without(*names) -> str:
    """This inbox page's address less some of its parameters (a chip's "remove")."""
    args = {k: v for k, v in request.args.items() if k not in names and k != "page"}
    return url_for("inbox.index", **args)


@bp.context_processor
def _panels():
    return {
        "assignment_panel": assignment_panel,
        "bulk_panel": bulk_panel,
        "inbox_without": _without,
        "office_today": office_day(),
        "open_statuses": OPEN_STATUSES,
        "owner_filters": OWNER_FILTERS,
        "due_filters": DUE_FILTERS,
        "sorts": SORTS,
    }


@bp.route("/concerns/<concern_id>/assignment", methods=["POST"])
def assignment(concern_id):
    scope = scope_for(current_user)
    concern = concern_or_404(scope, concern_id)
    if not scope.leads(concern):
        abort(403, "only the concern's lead team (or staff) can say who owns it and when it is due")
    form = _assignment_form(concern, submitted=True)
    if form.validate():
        try:
            change = assign(concern, form.owner_id, form.due, current_user)
        except AssignmentError as exc:
            message = str(exc)
            getattr(form, exc.field).errors.append(f"{message[:1].upper()}{message[1:]}.")
        else:
            db.session.commit()
            if change is None:
                flash("Nothing changed: the owner and due date are as they were.", "info")
            else:
                owner = change.owner or "nobody"
                due = f"due {change.due_date:%-d %b %Y}" if change.due_date else "no due date"
                flash(f"Owner: {owner}; {due}.", "info")
            return redirect(url_for("inbox.concern", concern_id=concern.id, _anchor="assignment"))
    return render_template("inbox/assignment.html", concern=concern, panel=assignment_panel(concern, form)), 422


def _summary(action: str, outcome, owner: str, to: str | None) -> str:
    n = len(outcome.done)
    concerns = f"{n} concern{'' if n == 1 else 's'}"
    if action == "acknowledge":
        return f"Acknowledged {concerns}."
    if action == "assign":
        return f"Assigned {concerns} to {owner}." if owner else f"Took the owner off {concerns}."
    return f"Moved {concerns} to {LABELS.get(to, to).lower()}."


@bp.route("/bulk", methods=["POST"])
def bulk():
    form = BulkForm(prefix="bulk")
    if not form.validate():
        # The inbox again, as it was, with the ticks kept and the problem by its field.
        g.bulk_form = form
        body, _status = index()
        return body, 422
    scope = scope_for(current_user)
    outcome = act_on_many(
        scope,
        form.ids.data,
        form.action.data,
        current_user,
        owner_id=form.owner_id,
        to=form.to.data or None,
        note=form.note.data or "",
    )
    db.session.commit()
    if outcome.done:
        owner = display_name(db.session.get(User, form.owner_id)) if form.owner_id else ""
        flash(_summary(form.action.data, outcome, owner, form.to.data), "info")
    if outcome.refused:
        flash(
            "Not done: " + "; ".join(f"{concern_name(c)}: {why}" for c, why in outcome.refused) + ".",
            "error",
        )
    if outcome.missing:
        flash(f"{outcome.missing} of the ticked concerns could not be found: they are no longer yours to see.", "error")
    return redirect(url_for("inbox.index", **request.args))
