"""Capture sync API: meetings and concerns from the phone's queue (or any client)."""

from datetime import date, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort, current_app, jsonify, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.exceptions import NotFound

from engage.accounts.access import login_required_any_role, role_required
from engage.accounts.policy import (
    concern_or_404,
    filter_concerns,
    filter_meetings,
    meeting_or_404,
    scope_for,
)
from engage.api import schemas as s
from engage.api.blueprint import bp
from engage.api.document import INVALID, answer, described, error
from engage.concerns.capture import (
    DuplicateMeeting,
    EntryWithdrawn,
    MeetingChanged,
    TeamHasActed,
    ValidationFailed,
    add_correction,
    amend_concern,
    amend_meeting,
    concern_differences,
    held_meeting_like,
    meeting_differences,
    raise_concern,
    record_meeting,
)
from engage.concerns.capture import (
    undo_concern as undo,
)
from engage.concerns.models import MEETING_STATUSES, Category, Concern, Meeting
from engage.concerns.privacy import record_contact_views
from engage.concerns.serialise import concern_json, correction_json, meeting_json
from engage.extensions import db
from engage.platform.db import utcnow

CAPTURE_ROLES = ("officer", "staff", "admin")
NOT_YOURS_NOW = error(
    "Not the user's own concern, the undo window has passed, or a team has already acted on it "
    "(then `correction_url` says where to send a correction instead)."
)


def _json_body():
    data = request.get_json(silent=True)
    if data is None:
        raise ValidationFailed({"body": "send a JSON object with Content-Type: application/json"})
    return data


def _invalid(exc: ValidationFailed):
    return jsonify(error="invalid entry: nothing was stored", fields=exc.errors), 422


def _store(make, model, to_json, replayed):
    """Create with the client's id. The same id again (even concurrently) is answered
    by `replayed(entry, data)`: 200 with what is stored only to a caller who may see it
    and sent the same entry (see `_replayed`)."""
    data = None
    try:
        data = _json_body()
        entry, created = make(data, current_user)
        if not created:
            return replayed(entry, data)
        db.session.flush()
        # Answered from what was just written: after the commit it would be re-read.
        body = to_json(entry)
        db.session.commit()
    except ValidationFailed as exc:
        db.session.rollback()
        return _invalid(exc)
    except EntryWithdrawn as exc:
        db.session.rollback()
        return jsonify(error=str(exc)), 410
    except DuplicateMeeting as exc:
        db.session.rollback()
        return _duplicate_meeting(exc)
    except sa.exc.IntegrityError:
        # Another request stored the same id between our look-up and insert.
        db.session.rollback()
        entry_id = (data or {}).get("id") if isinstance(data, dict) else None
        entry = db.session.get(model, str(entry_id)) if entry_id else None
        if entry is None:
            raise
        return replayed(entry, data)
    return jsonify(body), 201


def _replayed(kind, entry, or_404, differences, to_json):
    """An id already stored. To a caller who may not see that entry, exactly the 404 a
    GET of it gives them (nothing of its content; concern ids are public through
    Open311). To one who may: 409 naming the fields that differ when it is another
    entry under the same id, else 200 with the entry as stored (a resend)."""
    try:
        or_404(scope_for(current_user), entry.id)
    except NotFound:
        db.session.rollback()
        raise
    conflicts = differences(entry)
    if conflicts:
        db.session.rollback()
        return jsonify(
            error=f"a different {kind} is already stored with this id: nothing was stored; send this one with a new id",
            fields=conflicts,
        ), 409
    body = to_json(entry)
    db.session.rollback()
    return jsonify(body), 200


def _named(meeting: Meeting | None) -> dict | None:
    """A meeting named (id, wards, date, venue) for a caller who may see the meetings
    of its wards, as on the wards' pages: officers see every ward's; else None."""
    if meeting is None or not scope_for(current_user).sees_meetings_in([w.id for w in meeting.wards]):
        return None
    return {
        "id": meeting.id,
        "ward_codes": [w.code for w in meeting.wards],
        "ward_names": [w.name for w in meeting.wards],
        "date": meeting.date.isoformat(),
        "venue": meeting.venue,
        "status": meeting.status,
    }


def _duplicate_meeting(exc: DuplicateMeeting):
    """409 naming the meeting already stored, so the phone continues it."""
    existing = _named(exc.meeting)
    if existing is None:
        return jsonify(error="a held meeting with this ward, date and venue is already stored: nothing was stored"), 409
    return jsonify(error=str(exc), existing=existing), 409


def _may_see_contact(concern) -> bool:
    return scope_for(current_user).may_see_contact(concern)


def _record_contact_views(shown, where: str) -> None:
    """The audit rows for the concerns whose contact details this answer shows (those
    the policy allows; engage/concerns/privacy.py writes only where there are some)."""
    if record_contact_views([c for c in shown if _may_see_contact(c)], where):
        db.session.commit()


@bp.route("/v1/session")
@described(
    "A fresh CSRF token for a page loaded from the offline cache.",
    {200: answer(s.SessionInfo, "The user and a CSRF token.")},
)
@login_required_any_role
def session_info():
    """A fresh CSRF token for a page that was loaded from the offline cache."""
    return jsonify(email=current_user.email, roles=sorted(current_user.roles), csrf_token=generate_csrf())


@bp.route("/v1/categories")
@described(
    "The active concern categories, in display order.", {200: answer(s.Categories, "The categories.")}, public=True
)
def categories():
    rows = db.session.scalars(
        sa.select(Category).where(Category.is_active).order_by(Category.sort_order, Category.code)
    ).all()
    return jsonify(categories=[{"code": c.code, "label": c.label} for c in rows])


@bp.route("/v1/meetings", methods=["POST"])
@described(
    "Record a meeting (officers, staff, admins). Idempotent on `id`.",
    {
        201: answer(s.MeetingAnswer, "Stored."),
        200: answer(
            s.MeetingAnswer,
            "Already stored with this id, the same meeting sent again (a resend): the stored meeting, unchanged.",
        ),
        404: error(
            "A meeting the user may not see is stored with this id: the same answer as a GET of it, nothing "
            "of its content."
        ),
        409: answer(
            s.MeetingRefused,
            "Nothing was stored. Either another meeting is stored with this id (`fields` names the fields "
            "that differ: send it with a new id), or a held meeting with the same ward, date and venue "
            "(ignoring case and spacing) is stored under another id (`existing` is that meeting: continue it).",
        ),
        422: INVALID,
    },
    body=s.MeetingInput,
)
@role_required(*CAPTURE_ROLES)
def create_meeting():
    def replayed(meeting, data):
        return _replayed("meeting", meeting, meeting_or_404, lambda m: meeting_differences(m, data), meeting_json)

    return _store(record_meeting, Meeting, meeting_json, replayed)


@bp.route("/v1/concerns", methods=["POST"])
@described(
    "Record a concern and route it (officers, staff, admins). Idempotent on `id`.",
    {
        201: answer(s.ConcernAnswer, "Stored and routed."),
        200: answer(
            s.ConcernAnswer,
            "Already stored with this id, the same concern sent again (a resend): the stored concern, unchanged.",
        ),
        404: error(
            "A concern the user may not see is stored with this id: the same answer as a GET of it, nothing "
            "of its content."
        ),
        409: answer(
            s.ValidationErrorAnswer,
            "Another concern is stored with this id: nothing was stored; `fields` "
            "names the fields that differ. Send it with a new id.",
        ),
        410: error("A concern with this id was undone (deleted by the officer): it is not stored again."),
        422: INVALID,
    },
    body=s.ConcernInput,
)
@role_required(*CAPTURE_ROLES)
def create_concern():
    def to_json(concern):
        return concern_json(concern, _may_see_contact(concern))

    def replayed(concern, data):
        return _replayed(
            "concern",
            concern,
            concern_or_404,
            lambda c: concern_differences(c, data, compare_contact=_may_see_contact(c)),
            to_json,
        )

    return _store(raise_concern, Concern, to_json, replayed)


@bp.route("/v1/meetings/same")
@described(
    "The held meeting that one with this ward, date and venue would repeat (officers, staff, admins), so "
    "the phone asks to continue it before starting a second.",
    {
        200: answer(s.SameMeeting, "`meeting`: that meeting (its id, wards, date and venue), or null if none."),
        400: error("`ward_code` or `date` is missing, or `date` is not a date."),
    },
    query=s.SameMeetingQuery,
)
@role_required(*CAPTURE_ROLES)
def same_meeting():
    ward_code = request.args.get("ward_code", "").strip()
    try:
        day = date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        return jsonify(error=f"date '{request.args.get('date', '')}' is not like 2026-11-25"), 400
    if not ward_code:
        return jsonify(error="ward_code is required, e.g. E05009857"), 400
    return jsonify(meeting=_named(held_meeting_like([ward_code], day, request.args.get("venue", ""))))


@bp.route("/v1/meetings/<meeting_id>")
@described(
    "One meeting, if the user may see it.",
    {200: answer(s.MeetingAnswer, "The meeting."), 404: error("No such meeting that the user can see.")},
)
@login_required_any_role
def get_meeting(meeting_id):
    return jsonify(meeting_json(meeting_or_404(scope_for(current_user), meeting_id)))


@bp.route("/v1/meetings/<meeting_id>", methods=["PATCH"])
@described(
    "Edit a meeting (officers, staff, admins who may see it), from the `version` the edit started from.",
    {
        200: answer(s.MeetingAnswer, "Saved: the meeting with its new version."),
        404: error("No such meeting that the user can see."),
        409: answer(
            s.MeetingConflict,
            "Someone saved the meeting since that version: nothing was saved; `current` is the meeting as stored.",
        ),
        422: INVALID,
    },
    body=s.MeetingChange,
)
@role_required(*CAPTURE_ROLES)
def edit_meeting(meeting_id):
    """Send the `version` you edited: 409 with the stored meeting if someone saved first."""
    meeting = meeting_or_404(scope_for(current_user), meeting_id)
    try:
        amend_meeting(meeting, _json_body())
        db.session.flush()
        body = meeting_json(meeting)
        db.session.commit()
    except ValidationFailed as exc:
        db.session.rollback()
        return _invalid(exc)
    except (MeetingChanged, so.exc.StaleDataError):
        db.session.rollback()
        current = meeting_or_404(scope_for(current_user), meeting_id)
        return jsonify(
            error=f"the meeting was changed by someone else (now version {current.version}): "
            "nothing was saved; apply your edit to the current meeting and send it again",
            current=meeting_json(current),
        ), 409
    return jsonify(body)


@bp.route("/v1/meetings")
@described(
    "Meetings the user may see, newest first (at most 500); planned ones (`status=planned`) soonest first.",
    {200: answer(s.Meetings, "The meetings."), 400: error("`date` or `from` is not a date, or `status` is unknown.")},
    query=s.MeetingsQuery,
)
@login_required_any_role
def list_meetings():
    days = {}
    for name in ("date", "from"):
        if request.args.get(name):
            try:
                days[name] = date.fromisoformat(request.args[name])
            except ValueError:
                return jsonify(error=f"{name} '{request.args[name]}' is not like 2026-11-25"), 400
    status = request.args.get("status")
    if status and status not in MEETING_STATUSES:
        return jsonify(error=f"status '{status}' is not one of {', '.join(MEETING_STATUSES)}"), 400
    if status == "planned":
        # What is coming, soonest first (officers see every planned meeting: the policy).
        stmt = sa.select(Meeting).order_by(Meeting.date, Meeting.start_time, Meeting.id)
    else:
        stmt = sa.select(Meeting).order_by(Meeting.date.desc(), Meeting.start_time)
    if status:
        stmt = stmt.where(Meeting.status == status)
    if "date" in days:
        stmt = stmt.where(Meeting.date == days["date"])
    if "from" in days:
        stmt = stmt.where(Meeting.date >= days["from"])
    meetings = db.session.scalars(filter_meetings(scope_for(current_user), stmt.limit(500))).all()
    return jsonify(meetings=[meeting_json(m) for m in meetings])


@bp.route("/v1/concerns/<concern_id>")
@described(
    "One concern, if the user may see it.",
    {200: answer(s.ConcernAnswer, "The concern."), 404: error("No such concern that the user can see.")},
)
@login_required_any_role
def get_concern(concern_id):
    concern = concern_or_404(scope_for(current_user), concern_id)
    body = concern_json(concern, _may_see_contact(concern))
    _record_contact_views([concern], "API")
    return jsonify(body)


@bp.route("/v1/concerns")
@described(
    "Concerns the user may see, newest first (at most 500).",
    {200: answer(s.Concerns, "The concerns.")},
    query=s.ConcernsQuery,
)
@login_required_any_role
def list_concerns():
    stmt = sa.select(Concern).order_by(Concern.raised_at.desc()).limit(500)
    if request.args.get("meeting"):
        stmt = stmt.where(Concern.meeting_ref == request.args["meeting"])
    concerns = db.session.scalars(filter_concerns(scope_for(current_user), stmt)).all()
    shown = [c for c in concerns if _may_see_contact(c)]
    shown_ids = {c.id for c in shown}
    body = [concern_json(c, c.id in shown_ids) for c in concerns]
    _record_contact_views(shown, "API list")
    return jsonify(concerns=body)


def _own_recent_concern(concern_id) -> Concern:
    concern = concern_or_404(scope_for(current_user), concern_id)
    window = timedelta(minutes=current_app.config["ENGAGE_UNDO_MINUTES"])
    if concern.created_by_id != current_user.id or utcnow() - concern.created_at > window:
        abort(409, f"only the officer who saved a concern can change or undo it, within {window.seconds // 60} minutes")
    return concern


def _team_has_acted(exc: TeamHasActed):
    """409 saying why, and where the officer's correction goes instead."""
    return jsonify(error=str(exc), correction_url=url_for("api.add_concern_correction", concern_id=exc.concern.id)), 409


@bp.route("/v1/concerns/<concern_id>", methods=["DELETE"])
@described(
    "Undo a concern just saved: only its author, within the undo window, before a team acts on it. "
    "Its e-mails not yet sent are withdrawn.",
    {204: {"description": "Removed."}, 404: error("No such concern that the user can see."), 409: NOT_YOURS_NOW},
)
@role_required(*CAPTURE_ROLES)
def undo_concern(concern_id):
    concern = _own_recent_concern(concern_id)
    try:
        undo(concern)
        db.session.commit()
    except TeamHasActed as exc:
        db.session.rollback()
        return _team_has_acted(exc)
    except so.exc.StaleDataError:
        # The team changed it between our reading it and deleting it: kept.
        db.session.rollback()
        return _team_has_acted(TeamHasActed(concern_or_404(scope_for(current_user), concern_id)))
    return "", 204


@bp.route("/v1/concerns/<concern_id>", methods=["PATCH"])
@described(
    "Correct a concern just saved: only its author, within the undo window, before a team acts on it.",
    {
        200: answer(s.ConcernAnswer, "The corrected concern."),
        404: error("No such concern that the user can see."),
        409: NOT_YOURS_NOW,
        422: INVALID,
    },
    body=s.ConcernChange,
)
@role_required(*CAPTURE_ROLES)
def edit_concern(concern_id):
    concern = _own_recent_concern(concern_id)
    try:
        amend_concern(concern, _json_body())
        db.session.commit()
    except TeamHasActed as exc:
        db.session.rollback()
        return _team_has_acted(exc)
    except ValidationFailed as exc:
        db.session.rollback()
        return _invalid(exc)
    except so.exc.StaleDataError:
        db.session.rollback()
        return _team_has_acted(TeamHasActed(concern_or_404(scope_for(current_user), concern_id)))
    return jsonify(concern_json(concern, True))


@bp.route("/v1/concerns/<concern_id>/corrections", methods=["POST"])
@described(
    "Add a correction to a concern: only the officer who saved it, at any time. It is kept beside the "
    "concern (with its author and time) for the teams to read; nothing the teams did changes.",
    {201: answer(s.CorrectionAnswer, "Stored."), 404: error("No such concern that the user can see."), 422: INVALID},
    body=s.CorrectionInput,
)
@role_required(*CAPTURE_ROLES)
def add_concern_correction(concern_id):
    """The officer's correction of a concern they saved, at any time: kept beside it,
    shown to the teams; what the teams did is left as it is."""
    concern = concern_or_404(scope_for(current_user), concern_id)
    if concern.created_by_id != current_user.id:
        abort(403, "only the officer who saved a concern can add a correction to it")
    try:
        correction = add_correction(concern, _json_body(), current_user)
        db.session.flush()
        body = correction_json(correction)
        db.session.commit()
    except ValidationFailed as exc:
        db.session.rollback()
        return _invalid(exc)
    return jsonify(body), 201
