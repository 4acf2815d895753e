"""Planned meetings: the list from today on, a form to plan one in a ward, and cancelling
one. Officers, staff and admins (those who run meetings); what each sees is the policy's
`filter_meetings`."""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectField, StringField, SubmitField

from engage.accounts.access import role_required
from engage.accounts.policy import meeting_or_404, scope_for
from engage.admin.forms import as_choices
from engage.concerns.capture import DuplicateMeeting, ValidationFailed
from engage.concerns.inbox_forms import parse_day
from engage.concerns.models import MEETING_KINDS
from engage.concerns.planning import cancel_planned, plan_meeting, upcoming_planned
from engage.demo.source import source_from
from engage.extensions import db
from engage.geography.ward_names import resolve_ward
from engage.platform.forms import Form

bp = Blueprint("meetings", __name__, url_prefix="/meetings")

# The kinds held in a ward; partnership and scrutiny meetings have their own pages.
WARD_KINDS = [(k, v) for k, v in MEETING_KINDS.items() if k not in ("partnership", "scrutiny")]


class PlanForm(Form):
    ward = StringField("Ward")
    day = StringField("Date", render_kw={"type": "date"})
    start_time = StringField("Start time (optional)", render_kw={"type": "time"})
    venue = StringField("Venue")
    kind = SelectField("Kind of meeting", choices=as_choices(WARD_KINDS), default="your_force_your_voice")
    submit = SubmitField("Plan the meeting")


class CancelForm(Form):
    submit = SubmitField("Cancel")


def _read(form: PlanForm) -> tuple[dict, dict]:
    """The form's values, and a message per field for what cannot be read."""
    problems, values = {}, {}
    choice = resolve_ward(form.ward.data)
    if choice.ward is None:
        problems["ward"] = choice.problem or "Give the ward the meeting is in."
    else:
        values["ward_code"] = choice.ward.code
    try:
        values["day"] = parse_day(form.day.data or "")
    except ValueError:
        problems["day"] = "Give the date as a day, like 2026-12-15 or 15/12/2026."
    text = (form.start_time.data or "").strip()
    try:
        values["start_time"] = datetime.strptime(text, "%H:%M").time() if text else None
    except ValueError:
        problems["start_time"] = "Give the time like 18:30, or leave it empty."
    return values, problems


def _page(form, problems, status=200):
    scope = scope_for(current_user)
    source = source_from(request.args)
    meetings = upcoming_planned(scope, date.today(), source.is_demo)
    return render_template(
        "meetings/planned.html", form=form, problems=problems, meetings=meetings, cancel=CancelForm(), source=source
    ), status


@bp.route("/planned", methods=["GET", "POST"])
@role_required("officer", "staff", "admin")
def planned():
    form = PlanForm()
    if request.method == "GET":
        form.ward.data = request.args.get("ward", "")
        return _page(form, {})
    if not form.validate():
        return _page(form, {k: " ".join(v) for k, v in form.errors.items()}, 422)
    values, problems = _read(form)
    if not problems:
        try:
            meeting = plan_meeting(
                **values,
                venue=form.venue.data or "",
                kind=form.kind.data,
                today=date.today(),
                user=current_user,
            )
        except ValidationFailed as exc:
            field = {"date": "day", "ward_codes": "ward"}
            problems = {field.get(k, k): f"{v[:1].upper()}{v[1:]}." for k, v in exc.errors.items()}
        except DuplicateMeeting as exc:  # pragma: no cover - only held meetings are checked for twins
            problems = {"venue": str(exc)}
        else:
            db.session.commit()
            wards = ", ".join(w.name for w in meeting.wards)
            flash(f"Planned: {meeting.kind_label} in {wards} on {meeting.date:%-d %B %Y}.", "info")
            return redirect(url_for("meetings.planned"))
    return _page(form, problems, 422)


@bp.route("/<meeting_id>/cancel", methods=["POST"])
@role_required("officer", "staff", "admin")
def cancel(meeting_id):
    meeting = meeting_or_404(scope_for(current_user), meeting_id)
    if not CancelForm().validate():
        flash("The form had expired: nothing was cancelled. Try again.", "error")
        return redirect(url_for("meetings.planned"))
    try:
        cancel_planned(meeting)
    except ValidationFailed as exc:
        flash(f"Nothing changed: {exc.errors['status']}.", "error")
    else:
        db.session.commit()
        flash(f"Cancelled the meeting of {meeting.date:%-d %B %Y}.", "info")
    return redirect(url_for("meetings.planned"))
