""" "You said, we did": drafting and publishing each ward's update."""

from datetime import date, timedelta

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage.accounts.access import require_roles
from engage.extensions import db
from engage.geography.ward_names import resolve_ward
from engage.reports.models import WardUpdate
from engage.reports.updates import (
    UpdateError,
    draft_update,
    edit_update,
    publish_update,
)

bp = Blueprint("updates", __name__, url_prefix="/updates")


@bp.before_request
def staff_only():
    return require_roles("staff", "admin")


@bp.route("")
def index():
    return _index()


def _index(ward=None, errors=None, status=200):
    """The list and the draft form; after a refused draft, with what was typed and why."""
    updates = db.session.scalars(sa.select(WardUpdate).order_by(WardUpdate.updated_at.desc()).limit(200)).all()
    today = date.today()
    return render_template(
        "updates/index.html",
        updates=updates,
        ward=ward,
        errors=errors or {},
        default_from=request.form.get("from") or (today - timedelta(days=90)).isoformat(),
        default_to=request.form.get("to") or today.isoformat(),
    ), status


@bp.route("/draft", methods=["POST"])
def draft():
    choice = resolve_ward(request.form.get("ward"))
    ward, errors = choice.ward, {}
    if ward is None:
        errors["ward"] = choice.problem or "Choose a ward."
    try:
        start = date.fromisoformat(request.form.get("from", ""))
        end = date.fromisoformat(request.form.get("to", ""))
    except ValueError:
        errors["period"] = "give the period as two dates"
        start = end = None
    if not errors:
        try:
            update = draft_update(ward, start, end)
            db.session.commit()
            return redirect(url_for("updates.edit", update_id=update.id))
        except UpdateError as exc:
            db.session.rollback()
            errors["period"] = str(exc)
    return _index(choice, errors, 400)


@bp.route("/<int:update_id>", methods=["GET", "POST"])
def edit(update_id):
    update = db.session.get(WardUpdate, update_id) or abort(404, "no such update")
    error, problems = None, {}
    if request.method == "POST":
        # One item per theme the form was drawn with: never more than the form has fields.
        count = min(request.form.get("count", type=int) or 0, len(request.form))
        items = [
            {
                "category": request.form.get(f"category-{i}", ""),
                "label": request.form.get(f"label-{i}", ""),
                "you_said": request.form.get(f"you_said-{i}", ""),
                "we_did": request.form.get(f"we_did-{i}", ""),
            }
            for i in range(count)
        ]
        problems = edit_update(update, request.form.get("intro", ""), items)
        if problems:
            # Shown again as typed, beside each field; nothing is stored.
            error = "Nothing was saved: correct the text marked below."
        elif request.form.get("action") == "publish":
            try:
                publish_update(update, current_user.email)
            except UpdateError as exc:
                error = str(exc)
        if error is None:
            db.session.commit()
            flash(
                "Published: the ward's public page shows it now." if update.state == "published" else "Saved.", "info"
            )
            return redirect(url_for("updates.edit", update_id=update.id))
    return render_template("updates/edit.html", update=update, error=error, problems=problems), (422 if error else 200)
