"""The pages of the office's partnership and scrutiny meetings: the list by series, a new
meeting, and one meeting's page (agenda, attendance, minutes and actions per item, the
previous meeting's notes and actions), its Word files and an agenda imported from a
file. Staff and admin only (`Scope.runs_office_meetings`). Each view parses the form,
calls one service and renders; a refused form comes back with what was typed and why."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage.accounts.access import require_roles
from engage.accounts.models import User
from engage.accounts.policy import scope_for
from engage.actions.services import STATUS_LABELS, ActionError, is_overdue, owner_label
from engage.concerns.models import MEETING_KINDS
from engage.extensions import db
from engage.minutes import services
from engage.minutes.agenda_import import AgendaRefused, import_agenda, read_agenda_file
from engage.minutes.models import AgendaItem
from engage.minutes.services import MinutesError
from engage.platform.dates import office_day
from engage.platform.parameters import DATABASE_MAX_INTEGER
from engage.teams.models import Team

bp = Blueprint("minutes", __name__, url_prefix="/minutes")


@bp.before_request
def office_only():
    refusal = require_roles("officer", "inspector", "staff", "admin")
    if refusal is not None:
        return refusal
    if not scope_for(current_user).runs_office_meetings:
        abort(403, "Partnership and scrutiny meetings are run by the office: staff and admin.")
    return None


def _actor() -> tuple[int, str]:
    return current_user.id, current_user.email


def _meeting_or_404(meeting_id):
    meeting = services.office_meeting(meeting_id)
    if meeting is None:
        abort(404, f"There is no partnership or scrutiny meeting {meeting_id}.")
    return meeting


def _item_or_404(meeting, item_id) -> AgendaItem:
    item = next((i for i in meeting.agenda if i.id == item_id), None)
    if item is None:
        abort(404, "That item is not on this meeting's agenda.")
    return item


def _whole(name: str) -> int | None:
    value = (request.form.get(name) or "").strip()
    if not value.isdigit() or int(value) > DATABASE_MAX_INTEGER:
        return None
    return int(value)


# --- The list and a new meeting ------------------------------------------------------


@bp.route("")
def index():
    return _index()


def _index(errors=None, status=200):
    return render_template(
        "minutes/index.html",
        series=services.meetings_by_series(),
        series_names=services.series_names(),
        kinds={k: MEETING_KINDS[k] for k in services.OFFICE_KINDS},
        errors=errors or {},
        typed=request.form if errors else {},
    ), status


@bp.route("", methods=["POST"])
def create():
    form = request.form
    try:
        day, start = services.parse_when(form.get("date", ""), form.get("start_time", ""))
        meeting = services.create_meeting(
            kind=form.get("kind", ""),
            series=form.get("series", ""),
            day=day,
            start_time=start,
            venue=form.get("venue", ""),
            today=office_day(),
            actor_id=current_user.id,
        )
        db.session.commit()
    except MinutesError as exc:
        db.session.rollback()
        return _index({exc.field: str(exc)}, 400)
    flash(
        "Meeting created."
        + (" Its agenda opens with the previous meeting's notes and actions." if meeting.agenda else ""),
        "info",
    )
    return redirect(url_for("minutes.meeting", meeting_id=meeting.id))


# --- One meeting ---------------------------------------------------------------------


@bp.route("/<meeting_id>")
def meeting(meeting_id):
    return _page(_meeting_or_404(meeting_id))


def _page(meeting, failed: str = "", errors=None, status=200):
    """The meeting's page; after a refused form (`failed` names it), that form shows
    what was typed and the message beside its field."""
    today = office_day()
    return render_template(
        "minutes/meeting.html",
        m=meeting,
        previous=services.previous_meeting(meeting),
        carried=services.carried_actions(meeting),
        present=services.attendance_text(meeting, "present"),
        apologies=services.attendance_text(meeting, "apologies"),
        users=db.session.scalars(
            sa.select(User).where(User.is_disabled.is_(False)).order_by(User.name, User.email)
        ).all(),
        teams=db.session.scalars(sa.select(Team).order_by(Team.name)).all(),
        owner_label=owner_label,
        status_labels=STATUS_LABELS,
        overdue=lambda a: is_overdue(a, today),
        failed=failed,
        errors=errors or {},
        typed=request.form if failed else {},
    ), status


def _refused(meeting, form: str, exc: Exception):
    db.session.rollback()
    meeting = _meeting_or_404(meeting.id)  # as stored: nothing of the refused form kept
    return _page(meeting, form, {getattr(exc, "field", "file"): str(exc)}, 400)


def _back(meeting, anchor: str = ""):
    return redirect(url_for("minutes.meeting", meeting_id=meeting.id) + (f"#{anchor}" if anchor else ""))


@bp.route("/<meeting_id>/details", methods=["POST"])
def details(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    form = request.form
    try:
        day, start = services.parse_when(form.get("date", ""), form.get("start_time", ""))
        services.edit_meeting(
            meeting,
            series=form.get("series", ""),
            day=day,
            start_time=start,
            venue=form.get("venue", ""),
            today=office_day(),
        )
        db.session.commit()
    except MinutesError as exc:
        return _refused(meeting, "details", exc)
    flash("Meeting details saved.", "info")
    return _back(meeting)


@bp.route("/<meeting_id>/items", methods=["POST"])
def add_item(meeting_id):
    m = _meeting_or_404(meeting_id)
    try:
        item = services.add_item(m, request.form.get("title", ""), request.form.get("presenter", ""))
        db.session.commit()
    except MinutesError as exc:
        return _refused(m, "new-item", exc)
    return _back(m, f"item-{item.id}")


@bp.route("/<meeting_id>/items/<int:item_id>", methods=["POST"])
def edit_item(meeting_id, item_id):
    m = _meeting_or_404(meeting_id)
    item = _item_or_404(m, item_id)
    form = request.form
    try:
        services.edit_item(
            item,
            title=form.get("title", item.title),
            presenter=form.get("presenter", item.presenter),
            discussion=form.get("discussion", item.discussion),
        )
        db.session.commit()
    except MinutesError as exc:
        return _refused(m, f"item-{item_id}", exc)
    flash(f"Item {item.number} saved.", "info")
    return _back(m, f"item-{item.id}")


@bp.route("/<meeting_id>/items/<int:item_id>/move", methods=["POST"])
def move_item(meeting_id, item_id):
    m = _meeting_or_404(meeting_id)
    item = _item_or_404(m, item_id)
    to = _whole("to")
    if to is None:
        return _refused(m, f"item-{item_id}", MinutesError("give the item's new number", "to"))
    services.move_item(item, to)
    db.session.commit()
    flash(f"“{item.title}” is now item {item.number}.", "info")
    return _back(m, "agenda")


@bp.route("/<meeting_id>/items/<int:item_id>/delete", methods=["POST"])
def delete_item(meeting_id, item_id):
    m = _meeting_or_404(meeting_id)
    item = _item_or_404(m, item_id)
    title = item.title
    try:
        services.delete_item(item)
        db.session.commit()
    except MinutesError as exc:
        return _refused(m, f"item-{item_id}", exc)
    flash(f"“{title}” taken off the agenda; the items after it moved up.", "info")
    return _back(m, "agenda")


@bp.route("/<meeting_id>/attendance", methods=["POST"])
def attendance(meeting_id):
    m = _meeting_or_404(meeting_id)
    try:
        services.set_attendance(m, request.form.get("present", ""), request.form.get("apologies", ""))
        db.session.commit()
    except MinutesError as exc:
        return _refused(m, "attendance", exc)
    flash("Attendance saved.", "info")
    return _back(m, "attendance")


def _owner(form):
    """The owner chosen: a user and/or a team from the lists, or a name as minuted."""
    user = team = None
    if form.get("owner_user"):
        user_id = _whole("owner_user")
        user = db.session.get(User, user_id) if user_id else None
        if user is None:
            raise MinutesError("choose the owner from the list", "owner")
    if form.get("owner_team"):
        team_id = _whole("owner_team")
        team = db.session.get(Team, team_id) if team_id else None
        if team is None:
            raise MinutesError("choose the team from the list", "owner")
    return user, team


def _due(form) -> date | None:
    text = (form.get("due_date") or "").strip()
    if not text:
        return None
    try:
        return services.parse_when(text, "")[0]
    except MinutesError as exc:
        raise MinutesError(str(exc).replace("give it as 04/03/2027", "give it as 15/07/2027"), "due_date") from None


@bp.route("/<meeting_id>/items/<int:item_id>/actions", methods=["POST"])
def add_action(meeting_id, item_id):
    m = _meeting_or_404(meeting_id)
    item = _item_or_404(m, item_id)
    form = request.form
    actor_id, actor = _actor()
    try:
        user, team = _owner(form)
        services.add_item_action(
            item,
            title=form.get("title", ""),
            due_date=_due(form),
            today=office_day(),
            actor_id=actor_id,
            actor=actor,
            owner_user=user,
            owner_team=team,
            owner_name=form.get("owner_name", ""),
        )
        db.session.commit()
    except (MinutesError, ActionError) as exc:
        return _refused(m, f"action-{item_id}", exc)
    flash(f"Action added to item {item.number}.", "info")
    return _back(m, f"item-{item.id}")


@bp.route("/<meeting_id>/actions/<int:action_id>", methods=["POST"])
def update_action(meeting_id, action_id):
    """Done, dropped, or a note: for an action carried into the meeting (item 2) or
    agreed under one of its own items."""
    m = _meeting_or_404(meeting_id)
    form = request.form
    status = form.get("status") or None
    actor_id, actor = _actor()
    own = next((i for i in m.agenda for a in i.actions if a.id == action_id), None)
    try:
        if own is not None:
            services.update_item_action(
                own, action_id, status=status, note=form.get("note", ""), actor_id=actor_id, actor=actor
            )
        else:
            services.update_carried_action(
                m, action_id, status=status, note=form.get("note", ""), actor_id=actor_id, actor=actor
            )
        db.session.commit()
    except MinutesError as exc:
        if exc.field == "action":
            db.session.rollback()
            abort(404, str(exc))
        return _refused(m, f"update-{action_id}", exc)
    flash("Action updated.", "info")
    return _back(m, f"action-{action_id}")


@bp.route("/<meeting_id>/approve-previous", methods=["POST"])
def approve_previous(meeting_id):
    m = _meeting_or_404(meeting_id)
    try:
        previous = services.approve_previous_minutes(m, current_user.email)
        db.session.commit()
    except MinutesError as exc:
        return _refused(m, "approve", exc)
    flash(f"The minutes of {previous.date:%-d %B %Y} are approved as an accurate record.", "info")
    return _back(m, "agenda")


# --- Files ---------------------------------------------------------------------------


@bp.route("/<meeting_id>/<any(agenda, minutes):what>.docx")
def download(meeting_id, what):
    m = _meeting_or_404(meeting_id)
    body = services.render_document(m, what)
    services.record_download(m, what)
    db.session.commit()
    name = f"{what}-{services.file_stem(m)}.docx"
    return Response(
        body, mimetype=services.DOCX_MIMETYPE, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@bp.route("/<meeting_id>/import", methods=["GET", "POST"])
def import_file(meeting_id):
    m = _meeting_or_404(meeting_id)
    if request.method == "GET":
        return render_template("minutes/import.html", m=m, error=None)
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise AgendaRefused("choose the agenda file to import (.docx or .txt)")
        items = read_agenda_file(upload.filename, upload.read(1024 * 1024 + 1))
        count = import_agenda(m, items)
        db.session.commit()
    except AgendaRefused as exc:
        db.session.rollback()
        return render_template("minutes/import.html", m=_meeting_or_404(meeting_id), error=str(exc)), 400
    flash(f"{count} item{'' if count == 1 else 's'} imported from “{upload.filename}”.", "info")
    return _back(m, "agenda")
