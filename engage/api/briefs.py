"""The ward brief on the phone and "reported back" marks (issue #21): the brief of a
planned meeting's wards as JSON the phone keeps for offline reading, and the marks the
officer makes at the meeting, sent from the phone's queue. Both through the brief's
policy (`for_briefing`): an officer reads, and may mark, every concern of a ward."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import jsonify, request
from flask_login import current_user

from engage.accounts.access import login_required_any_role
from engage.accounts.policy import for_briefing, meeting_or_404, scope_for
from engage.api import schemas as s
from engage.api.blueprint import bp
from engage.api.document import INVALID, answer, described, error
from engage.concerns.capture import ValidationFailed
from engage.concerns.models import ReportBack
from engage.concerns.reporting_back import ReportBackConflict, record_report_back, report_back_json
from engage.extensions import db
from engage.records.ward_recorded import ASB
from engage.reports.ward_brief import BriefConcern, WardBrief, WardNotFound, build_ward_brief, find_brief_ward


def _item(c: BriefConcern, section: str) -> dict:
    return {
        "id": c.id,
        "section": section,
        "raised_on": c.raised_on.isoformat(),
        "category": c.category,
        "description": c.description,
        "status": c.status,
        "is_open": c.is_open,
        "lead_team": c.lead_team,
        "owner": c.owner,
        "age_days": c.age_days,
        "due_date": c.due_date.isoformat() if c.due_date else None,
        "overdue": c.overdue,
        "we_did": c.we_did,
        "marks": [
            {"view": m.view, "view_label": m.label, "marked_on": m.marked_on.isoformat(), "note": m.note}
            for m in c.marks
        ],
    }


def _meetings(capped) -> list[dict]:
    return [
        {"date": m.date.isoformat(), "kind": m.kind, "venue": m.venue, "attendance": m.attendance} for m in capped.items
    ]


def brief_json(b: WardBrief) -> dict:
    """One ward's brief as the phone stores it: what the page shows of sections 1 to 3
    and 6, and the "reported back" count. No contact details (the brief holds none)."""
    j = b.reported_back
    return {
        "ward_code": b.ward.code,
        "ward_name": b.ward.name,
        "authority": b.authority,
        "designation": b.designation,
        "whole": b.whole,
        "meetings_shown": b.meetings_shown,
        "held": _meetings(b.held),
        "planned": _meetings(b.planned),
        "previous_meeting": b.previous_meeting.isoformat() if b.previous_meeting else None,
        "since": b.since.isoformat(),
        "since_phrase": b.since_phrase,
        "items": [_item(c, "since") for c in b.since_concerns.items]
        + [_item(c, "earlier_open") for c in b.earlier_open.items],
        "since_more": b.since_concerns.more,
        "earlier_open_more": b.earlier_open.more,
        "open_total": b.open_total,
        "overdue_total": b.overdue_total,
        "reported_back": {
            "satisfied": j.satisfied,
            "partly": j.partly,
            "not_satisfied": j.not_satisfied,
            "total": j.total,
            "sentence": j.sentence,
        },
        "actions": [
            {
                "title": a.title,
                "owner": a.owner,
                "due_date": a.due_date.isoformat() if a.due_date else None,
                "status": a.status,
                "overdue": a.overdue,
                "closed_on": a.closed_on.isoformat() if a.closed_on else None,
            }
            for a in b.actions.items
        ],
        "actions_more": b.actions.more,
        "themes": _themes(b.themes),
        "you_said_we_did": _update(b.you_said_we_did),
        # Beside what the meetings said: what the wider public said, and what was recorded.
        "priorities": b.priorities.sentence if b.priorities else None,
        "recorded": _recorded(b.recorded),
    }


def _recorded(r) -> str | None:
    """police.uk's latest month in the ward in a sentence, with its caveat; None when no
    month is imported."""
    if r is None or not r.rows:
        return None
    latest = r.rows[-1]
    asb = latest.by_type[r.type_names.index(ASB)]
    return (
        f"{'Demo data: ' if r.is_demo else ''}police.uk recorded {asb:,} anti-social behaviour "
        f"incident{'' if asb == 1 else 's'} and {latest.all_types:,} crimes and incidents in all here in "
        f"{latest.month:%B %Y}, its latest month imported. {r.caveat}"
    )


def _themes(t) -> dict:
    rows = [
        {
            "label": r.label,
            "ward": r.ward,
            "ward_share": t.share(r.ward, t.ward_total),
            "authority_share": t.share(r.authority, t.authority_total),
            "cleveland_share": t.share(r.cleveland, t.cleveland_total),
        }
        for r in t.rows
    ]
    return {"start": t.start.isoformat(), "end": t.end.isoformat(), "ward_total": t.ward_total, "rows": rows}


def _update(u) -> dict | None:
    if u is None:
        return None
    return {
        "period_start": u.period_start.isoformat(),
        "period_end": u.period_end.isoformat(),
        "intro": u.intro,
        "items": u.items,
    }


@bp.route("/v1/meetings/<meeting_id>/brief")
@described(
    "The ward brief of a meeting's wards, for the phone to keep and read offline: the last meetings, the "
    "concerns raised since the previous meeting and those still open, each with its status, lead team, "
    '"we did" text and "reported back" marks. Any meeting the user may brief (an officer: every ward\'s); '
    "no contact details.",
    {200: answer(s.MeetingBrief, "The brief."), 404: error("No such meeting that the user may brief.")},
)
@login_required_any_role
def meeting_brief(meeting_id):
    scope = for_briefing(scope_for(current_user))
    meeting = meeting_or_404(scope, meeting_id)
    today = date.today()
    source = "demo" if meeting.is_demo else "real"
    briefs = []
    for code in dict.fromkeys(w.code for w in meeting.wards):
        try:
            ward = find_brief_ward(code, scope)
        except WardNotFound:
            continue  # not in the user's area (or no longer a ward): its concerns are not theirs to read
        briefs.append(brief_json(build_ward_brief(ward, today, scope, source)))
    return jsonify(
        meeting={
            "id": meeting.id,
            "kind_label": meeting.kind_label,
            "ward_codes": [w.code for w in meeting.wards],
            "ward_names": [w.name for w in meeting.wards],
            "date": meeting.date.isoformat(),
            "start_time": meeting.start_time.strftime("%H:%M") if meeting.start_time else None,
            "venue": meeting.venue,
            "status": meeting.status,
            "is_demo": meeting.is_demo,
        },
        prepared_on=today.isoformat(),
        source=source,
        briefs=briefs,
    )


@bp.route("/v1/report-backs", methods=["POST"])
@described(
    "Mark a concern reported back at a meeting, with how residents judged what was done. Idempotent on "
    "`id`; marks for one concern (from any number of phones) are all kept, in `marked_at` order. "
    '"not_satisfied" puts the concern back before its lead team with the note (a finished one is reopened) '
    "and tells the team.",
    {
        201: answer(s.ReportBackAnswer, "Stored."),
        200: answer(s.ReportBackAnswer, "Already stored with this id, the same mark sent again: the mark as stored."),
        404: error("No such concern that the user may brief (the same answer whether it exists or not)."),
        409: answer(
            s.ValidationErrorAnswer,
            "Another mark is stored with this id: nothing was stored; `fields` names the fields that differ.",
        ),
        422: INVALID,
    },
    body=s.ReportBackInput,
)
@login_required_any_role
def create_report_back():
    data = request.get_json(silent=True)
    try:
        if data is None:
            raise ValidationFailed({"body": "send a JSON object with Content-Type: application/json"})
        try:
            mark, created = record_report_back(data, current_user)
            db.session.flush()
        except sa.exc.IntegrityError:
            # Another request stored the same id between our look-up and insert: a resend.
            db.session.rollback()
            if not isinstance(data, dict) or db.session.get(ReportBack, str(data.get("id"))) is None:
                raise
            mark, created = record_report_back(data, current_user)
        body = report_back_json(mark)
        db.session.commit()
    except ValidationFailed as exc:
        db.session.rollback()
        return jsonify(error="invalid mark: nothing was stored", fields=exc.errors), 422
    except ReportBackConflict as exc:
        db.session.rollback()
        return jsonify(error=str(exc), fields=exc.differences), 409
    except Exception:
        db.session.rollback()
        raise
    return jsonify(body), 201 if created else 200
