"""JSON shapes of meetings and concerns, the same for every API answer."""

from __future__ import annotations


def _iso(value):
    # Moments come from UTCDateTime columns, aware and in UTC on every engine.
    return value.isoformat() if value is not None else None


def meeting_json(meeting) -> dict:
    vintage = meeting.wards[0].boundary_set.vintage if meeting.wards else None
    return {
        "id": meeting.id,
        "kind": meeting.kind,
        "kind_label": meeting.kind_label,
        "ward_codes": [w.code for w in meeting.wards],
        "ward_names": [w.name for w in meeting.wards],
        "vintage": vintage,
        "date": _iso(meeting.date),
        "start_time": meeting.start_time.strftime("%H:%M") if meeting.start_time else None,
        "venue": meeting.venue,
        "venue_lon": meeting.venue_lon,
        "venue_lat": meeting.venue_lat,
        "status": meeting.status,
        "attendance": meeting.attendance,
        "team_codes": [t.code for t in meeting.teams],
        "team_names": [t.name for t in meeting.teams],
        "police_partners": meeting.police_partners,
        "pcc_attended": meeting.pcc_attended,
        "notes": meeting.notes,
        "version": meeting.version,
        "is_demo": meeting.is_demo,
    }


def concern_json(concern, show_contact: bool = False) -> dict:
    body = {
        "id": concern.id,
        "meeting_id": concern.meeting_ref,
        "channel": concern.channel,
        "category": concern.category.code,
        "category_label": concern.category.label,
        "description": concern.description,
        "lon": concern.lon,
        "lat": concern.lat,
        "grid_ref": concern.grid_ref,
        "location_source": concern.location_source,
        "ward_code": concern.ward.code if concern.ward else None,
        "ward_name": concern.ward.name if concern.ward else None,
        "vintage": concern.boundary_set.vintage if concern.boundary_set else None,
        "needs_review": concern.needs_review,
        "raised_at": _iso(concern.raised_at),
        "residents": concern.residents,
        "priority": concern.priority,
        "status": concern.status,
        "lead_team": {"code": concern.lead_team.code, "name": concern.lead_team.name} if concern.lead_team else None,
        "copied_teams": [{"code": t.code, "name": t.name} for t in concern.copied_teams],
        "routed_by": _routed_by(concern),
        "we_did": concern.we_did or None,
        "is_demo": concern.is_demo,
    }
    if concern.lead_team is None:
        body["queue"] = "triage"
    if show_contact and concern.contact_consent:
        body["contact"] = {
            "name": concern.contact_name,
            "details": concern.contact_details,
            "consent_at": _iso(concern.contact_consent_at),
        }
    return body


def _routed_by(concern):
    """The rule ({id, note}) that routed it, or 'coverage' / 'triage' / 'manual'."""
    if concern.routed_by == "rule" and concern.routing_rule is not None:
        return {"rule": concern.routing_rule.id, "note": concern.routing_rule.note}
    return concern.routed_by


def correction_json(correction) -> dict:
    return {
        "id": correction.id,
        "concern_id": correction.concern_id,
        "text": correction.text,
        "author": correction.author,
        "created_at": _iso(correction.created_at),
    }
