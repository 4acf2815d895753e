"""The pages as staff use them: create a meeting, add items and an action, record who
came; a refused form keeps what was typed and says why; an agenda imported from a file;
the Word files downloaded and recorded in the audit trail."""

from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa

from engage.actions.models import Action
from engage.concerns.models import Meeting
from engage.extensions import db
from engage.platform.audit import AuditEvent
from tests.conftest import TODAY
from tests.test_minutes.conftest import FEAKS


def _create(client, series="Eston Hills group", day=TODAY):
    answer = client.post(
        "/minutes",
        data={
            "kind": "partnership",
            "series": series,
            "date": day.isoformat(),
            "start_time": "13:30",
            "venue": "Eston",
        },
    )
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def test_staff_run_a_meeting_from_its_page(staff_client):
    page = _create(staff_client)
    meeting_id = page.rsplit("/", 1)[-1]
    assert (
        staff_client.post(f"{page}/items", data={"title": "Off-road bikes", "presenter": "Insp Smith"}).status_code
        == 302
    )
    meeting = db.session.get(Meeting, meeting_id)
    item = meeting.agenda[0]
    answer = staff_client.post(
        f"{page}/items/{item.id}/actions",
        data={"title": "Report on the Section 59 notices", "owner_name": FEAKS, "due_date": ""},
    )
    assert answer.status_code == 302
    staff_client.post(f"{page}/attendance", data={"present": FEAKS + "\r\nE Pout, OPCC", "apologies": "S Hume"})
    shown = staff_client.get(page).text
    assert "1. Off-road bikes" in shown and "Insp Smith" in shown
    assert f"ACTION – {FEAKS}</strong>: Report on the Section 59 notices" in shown
    assert "E Pout, OPCC" in shown
    listing = staff_client.get("/minutes").text
    assert "Eston Hills group" in listing and f"{TODAY:%-d %B %Y}" in listing


def test_a_refused_form_keeps_what_was_typed(staff_client):
    page = _create(staff_client)
    staff_client.post(f"{page}/items", data={"title": "Off-road bikes"})
    item_id = db.session.scalar(sa.select(Meeting).where(Meeting.id == page.rsplit("/", 1)[-1])).agenda[0].id
    answer = staff_client.post(
        f"{page}/items/{item_id}/actions",
        data={
            "title": "Chase the council",
            "owner_name": "R Kipling",
            "due_date": (TODAY - timedelta(days=1)).isoformat(),
        },
    )
    assert answer.status_code == 400
    assert 'value="Chase the council"' in answer.text and 'value="R Kipling"' in answer.text
    assert "already past" in answer.text
    answer = staff_client.post(f"{page}/items/{item_id}/actions", data={"title": "Chase the council"})
    assert "say who owns the action" in answer.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Action)) == 0
    answer = staff_client.post(
        "/minutes", data={"kind": "partnership", "series": "Working Together", "date": "31/02/2027"}
    )
    assert answer.status_code == 400
    assert "is not a date" in answer.text and 'value="Working Together"' in answer.text


def test_an_agenda_imported_from_a_file_or_refused_with_its_line(staff_client):
    page = _create(staff_client)
    bad = {"file": (io.BytesIO(b"1. Welcome\nTea\n2. Bikes"), "agenda.txt")}
    answer = staff_client.post(f"{page}/import", data=bad, content_type="multipart/form-data")
    assert answer.status_code == 400 and "Line 2 could not be read" in answer.text
    meeting = db.session.get(Meeting, page.rsplit("/", 1)[-1])
    assert meeting.agenda == []
    corrupt = {"file": (io.BytesIO(b"PK\x03\x04broken"), "agenda.docx")}
    assert staff_client.post(f"{page}/import", data=corrupt, content_type="multipart/form-data").status_code == 400
    good = {"file": (io.BytesIO("1. Welcome\n2. Off-road bikes – Insp Smith".encode()), "agenda.txt")}
    assert staff_client.post(f"{page}/import", data=good, content_type="multipart/form-data").status_code == 302
    db.session.expire_all()
    assert [(i.number, i.title, i.presenter) for i in db.session.get(Meeting, meeting.id).agenda] == [
        (1, "Welcome", ""),
        (2, "Off-road bikes", "Insp Smith"),
    ]


def test_the_minutes_download_is_recorded(staff_client):
    page = _create(staff_client, series="Working Together")
    answer = staff_client.get(f"{page}/minutes.docx")
    assert answer.status_code == 200 and answer.data[:2] == b"PK"
    assert f'filename="minutes-working-together-{TODAY.isoformat()}.docx"' in answer.headers["Content-Disposition"]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.entity == "export").order_by(AuditEvent.id.desc()))
    assert event.actor == "staff@example.org" and event.entity_id.startswith("minutes-")


def test_the_next_meeting_marks_a_carried_action_done_and_approves_the_minutes(staff_client):
    first = _create(staff_client, series="Working Together", day=TODAY - timedelta(days=30))
    staff_client.post(f"{first}/items", data={"title": "Needles"})
    item_id = db.session.get(Meeting, first.rsplit("/", 1)[-1]).agenda[0].id
    staff_client.post(f"{first}/items/{item_id}/actions", data={"title": "Map the bins", "owner_name": "R Kipling"})
    action_id = db.session.scalar(sa.select(Action.id))
    second = _create(staff_client, series="Working Together")
    shown = staff_client.get(second).text
    assert "Actions from previous meeting" in shown and "Map the bins" in shown
    assert (
        staff_client.post(f"{second}/actions/{action_id}", data={"status": "done", "note": "Mapped"}).status_code == 302
    )
    assert staff_client.post(f"{second}/approve-previous").status_code == 302
    db.session.expire_all()
    assert db.session.get(Action, action_id).status == "done"
    assert db.session.get(Meeting, first.rsplit("/", 1)[-1]).minutes_approved_by == "staff@example.org"
    again = staff_client.post(f"{second}/approve-previous")
    assert again.status_code == 400 and "already approved" in again.text


def test_an_officer_is_not_shown_the_offices_planned_meetings(staff_client, officer_client):
    """Officers see every planned ward meeting (they hold them), not the office's own."""
    page = _create(staff_client, day=TODAY + timedelta(days=7))
    meeting_id = page.rsplit("/", 1)[-1]
    assert db.session.get(Meeting, meeting_id).status == "planned"
    assert officer_client.get(f"/api/v1/meetings/{meeting_id}").status_code == 404
    assert meeting_id not in officer_client.get("/api/v1/meetings").text
    assert officer_client.get(page).status_code == 403


def test_a_meetings_details_are_changed_from_its_page_and_a_mistake_keeps_what_was_typed(staff_client):
    page = _create(staff_client)
    moved = (TODAY + timedelta(days=14)).isoformat()
    answer = staff_client.post(
        f"{page}/details",
        data={"series": "Eston Hills group", "date": moved, "start_time": "18:00", "venue": "Eston Library"},
    )
    assert answer.status_code == 302
    shown = staff_client.get(page).text
    assert "Eston Library" in shown and "18:00" in shown and f"{TODAY + timedelta(days=14):%-d %B %Y}" in shown
    refused = staff_client.post(
        f"{page}/details",
        data={"series": "Eston Hills group", "date": "next Tuesday", "start_time": "", "venue": "The Hub"},
    )
    assert refused.status_code == 400
    assert "“next Tuesday” is not a date" in refused.text and 'value="The Hub"' in refused.text
    meeting = db.session.scalars(sa.select(Meeting).where(Meeting.series == "Eston Hills group")).one()
    assert meeting.venue == "Eston Library"  # nothing of the refused form kept
