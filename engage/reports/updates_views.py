""" "You said, we did": drafting each ward's update, editing it beside its concerns,
previewing the public page and publishing it (a confirm step), and withdrawing it."""

from datetime import date, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage.accounts.access import require_roles
from engage.concerns.workflow import LABELS
from engage.extensions import db
from engage.geography.ward_names import resolve_ward
from engage.platform import english
from engage.platform.dates import office_day
from engage.platform.db import utcnow
from engage.reports.models import WardUpdate
from engage.reports.public_page import shown, ward_page
from engage.reports.updates import (
    UpdateError,
    UpdateText,
    compose,
    concerns_by_id,
    draft_update,
    publication_problems,
    publish_update,
    read_text,
    save_text,
    stored_text,
    text_problems,
    withdraw_update,
)
from engage.reports.updates_wording import CHANNELS

bp = Blueprint("updates", __name__, url_prefix="/updates")
bp.add_app_template_filter(english.day_month, "day_month")


@bp.before_request
def staff_only():
    return require_roles("staff", "admin")


@bp.route("")
def index():
    return _index()


def _index(ward=None, errors=None, status=200):
    """The list and the draft form; after a refused draft, with what was typed and why."""
    updates = db.session.scalars(
        sa.select(WardUpdate)
        .options(so.selectinload(WardUpdate.ward))  # one query for the wards, not one per update
        .order_by(WardUpdate.updated_at.desc())
        .limit(200)
    ).all()
    today = office_day()
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
            fresh = update.id is None
            db.session.commit()
        except UpdateError as exc:
            db.session.rollback()
            errors["period"] = str(exc)
        else:
            if update.state == "published":
                flash("That period is already published: here it is. Preview your changes to publish them.", "info")
            elif not fresh:
                flash("Drafted again: the concerns are brought up to date and your wording is kept.", "info")
            return redirect(url_for("updates.edit", update_id=update.id))
    return _index(choice, errors, 400)


def _update_or_404(update_id) -> WardUpdate:
    return db.session.get(WardUpdate, update_id) or abort(404, "There is no such update.")


def _posted_text(update: WardUpdate) -> UpdateText | None:
    """The editor's text as posted; None when the form carries none."""
    if "count" not in request.form:
        return None
    # One item per theme the form was drawn with: never more than the form has fields.
    count = min(request.form.get("count", type=int) or 0, len(request.form))
    items = [
        {
            "category": request.form.get(f"category-{i}", ""),
            "label": request.form.get(f"label-{i}", ""),
            "you_said": request.form.get(f"you_said-{i}", ""),
            "we_did": request.form.get(f"we_did-{i}", ""),
            "chosen": request.form.getlist(f"chosen-{i}"),
        }
        for i in range(count)
    ]
    return read_text(update, request.form.get("intro", ""), items)


def _editor(update, text, problems=None, error=None, notice=None, status=200):
    ids = [i for item in text.items for i in item.get("concerns") or ()]
    return render_template(
        "updates/edit.html",
        update=update,
        text=text,
        concerns=concerns_by_id(ids),
        problems=problems or {},
        error=error,
        notice=notice,
        labels=LABELS,
        channels=CHANNELS,
        office_day=office_day,
    ), status


def _preview(update, text):
    page = ward_page(update.ward, preview=shown(update, text, utcnow()))
    return render_template("updates/preview.html", page=page, update=update, text=text)


@bp.route("/<int:update_id>", methods=["GET", "POST"])
def edit(update_id):
    update = _update_or_404(update_id)
    if request.method == "GET":
        return _editor(update, stored_text(update))
    text = _posted_text(update)
    if text is None:
        flash("Nothing was changed.", "info")
        return redirect(url_for("updates.edit", update_id=update.id))
    action = request.form.get("action", "save")
    if action == "publish":  # publishing always goes through the preview
        return publish(update_id)
    problems = text_problems(text)
    if problems:
        # Shown again as typed, beside each field; nothing is stored.
        return _editor(update, text, problems, "Nothing was saved: correct the text marked below.", status=422)
    if action == "back":  # from the preview: as typed, nothing stored
        return _editor(update, text)
    try:
        if action.startswith("compose-"):
            index = int(action.removeprefix("compose-")) if action[8:].isdigit() else -1
            text = compose(update, text, index)
            if update.state == "published":
                notice = "Rewritten below, not yet on the public page: preview the changes to publish them."
                return _editor(update, text, notice=notice)
            flash(f"“You said” for {text.items[index]['label']} rewritten from the ticked concerns: check it.", "info")
        else:
            flash("Saved.", "info")
        save_text(update, text)
    except UpdateError as exc:
        return _editor(update, text, error=f"Nothing was saved: {exc}.", status=422)
    db.session.commit()
    anchor = f"theme-{action.removeprefix('compose-')}" if action.startswith("compose-") else None
    return redirect(url_for("updates.edit", update_id=update.id, _anchor=anchor))


@bp.route("/<int:update_id>/publish", methods=["POST"])
def publish(update_id):
    """Without `confirm`, the preview of the public page (a draft's text is saved, as
    typed); with it, the text as previewed is published."""
    update = _update_or_404(update_id)
    text = _posted_text(update) or stored_text(update)
    problems = publication_problems(update, text)
    if problems:
        whole = problems.pop("", None)
        error = f"Not published: {whole}." if whole else "Not published: correct the text marked below."
        return _editor(update, text, problems, error, status=422)
    if request.form.get("confirm") != "yes":
        if update.state != "published":
            save_text(update, text)
            db.session.commit()
        return _preview(update, text)
    publish_update(update, text, current_user.email)
    db.session.commit()
    flash("Published: the ward's public page and Open311 show it now.", "info")
    return redirect(url_for("updates.edit", update_id=update.id))


@bp.route("/<int:update_id>/withdraw", methods=["GET", "POST"])
def withdraw(update_id):
    """Asks first; with `confirm`, the update leaves the public page and Open311 at once."""
    update = _update_or_404(update_id)
    if update.state != "published":
        flash("This update is not on the public page: there is nothing to withdraw.", "error")
        return redirect(url_for("updates.edit", update_id=update.id))
    if request.method == "POST" and request.form.get("confirm") == "yes":
        withdraw_update(update, current_user.email)
        db.session.commit()
        flash(
            "Withdrawn: the public page and Open311 no longer show it. Edit it and publish it again when ready.", "info"
        )
        return redirect(url_for("updates.edit", update_id=update.id))
    return render_template("updates/withdraw.html", update=update, shown_update=shown(update))
