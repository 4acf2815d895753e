"""Reporting back (issue #21), without a client: a mark sent twice is stored once; two
phones' marks for one concern are both kept, in the order made; "not satisfied" puts the
concern back before its lead team with the residents' note and tells the team; a
satisfied mark changes nothing; a concern the user may not brief is refused as if it did
not exist; bad input is named."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import NotFound

from engage.concerns.capture import ValidationFailed, raise_concern, record_meeting
from engage.concerns.models import ReportBack, StatusChange
from engage.concerns.reporting_back import ReportBackConflict, marks_for, record_report_back
from engage.concerns.workflow import change_status
from engage.extensions import db
from engage.geography.boundaries import current_boundary_set
from engage.geography.models import Ward
from engage.notify.models import OutboxMessage
from tests.conftest import TODAY, make_team

CENTRAL = "E05009857"  # covered by the inspector's team INT-TEST


def at(hour: int, minute: int = 0) -> str:
    return datetime.combine(TODAY, time(hour, minute), tzinfo=UTC).isoformat()


def concern(ward=CENTRAL, text="Cars racing on Union Street", acted=False, user=None, is_demo=False):
    body = {"id": str(uuid.uuid4()), "ward_code": ward, "category": "speeding", "description": text}
    c, _ = raise_concern(body, user, notify=False, is_demo=is_demo)
    if acted:
        change_status(c, "action_taken", "Speed checks on Tuesdays", None, "test")
    db.session.commit()
    return c


def meeting(ward=CENTRAL):
    body = {"id": str(uuid.uuid4()), "ward_codes": [ward], "date": TODAY.isoformat(), "venue": "St Hilda's Hall"}
    m, _ = record_meeting(body)
    db.session.commit()
    return m


def mark(c, view="satisfied", note="", marked_at=None, meeting_id=None, **more):
    body = {"id": str(uuid.uuid4()), "concern_id": c.id, "view": view, "note": note, "marked_at": marked_at or at(19)}
    if meeting_id:
        body["meeting_id"] = meeting_id
    return body | more


def history(c) -> list[StatusChange]:
    return db.session.scalars(
        sa.select(StatusChange).where(StatusChange.concern_id == c.id).order_by(StatusChange.id)
    ).all()


def outbox(c) -> list[OutboxMessage]:
    return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.concern_id == c.id)).all()


def test_a_mark_sent_again_is_stored_once_and_another_under_its_id_is_refused(app_ctx, users):
    c = concern(acted=True)
    body = mark(c, note="Much better now")
    first, created = record_report_back(body, users["officer"])
    db.session.commit()
    again, created_again = record_report_back(dict(body), users["officer"])
    assert (created, created_again) == (True, False) and again.id == first.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportBack)) == 1
    with pytest.raises(ReportBackConflict) as refused:
        record_report_back(body | {"view": "not_satisfied"}, users["officer"])
    assert set(refused.value.differences) == {"view"}
    assert c.status == "action_taken"  # the refused "not satisfied" reopened nothing


def test_two_phones_marks_for_one_concern_are_both_kept_in_the_order_made(app_ctx, users, team):
    c = concern(acted=True)
    other_officer = users["staff"]
    # The second phone had signal first: its later mark arrives before the earlier one.
    record_report_back(mark(c, "partly", "Better on weekdays", marked_at=at(19, 40)), other_officer)
    record_report_back(mark(c, "satisfied", "", marked_at=at(19, 5)), users["officer"])
    db.session.commit()
    marks = marks_for([c.id])[c.id]
    assert [(m.view, m.note, m.actor) for m in marks] == [
        ("satisfied", "", "officer@example.org"),
        ("partly", "Better on weekdays", "staff@example.org"),
    ]


def test_not_satisfied_reopens_the_concern_to_its_lead_team_with_the_note(app_ctx, users, team):
    c = concern(acted=True)
    m = meeting()
    record_report_back(mark(c, "not_satisfied", "Still racing every night", meeting_id=m.id), users["officer"])
    db.session.commit()
    assert c.status == "in_progress" and c.lead_team_id == team.id
    last = history(c)[-1]
    day = f"{TODAY.day} {TODAY:%B %Y}"
    assert last.note == (
        f"Residents not satisfied when reported back at Your Force Your Voice, St Hilda's Hall on {day}: "
        "Still racing every night"
    )
    assert (last.from_status, last.to_status, last.actor) == ("action_taken", "in_progress", "officer@example.org")
    (told,) = outbox(c)
    assert told.recipient == team.contact_email and told.state == "pending"
    assert "Residents not satisfied" in told.subject and "Still racing every night" in told.body


def test_not_satisfied_with_a_concern_still_open_keeps_its_status_and_records_the_note(app_ctx, users, team):
    c = concern()
    team.notify_mode = "digest"
    before = c.status
    record_report_back(mark(c, "not_satisfied", "Nothing has changed", marked_at=at(20)), users["officer"])
    db.session.commit()
    assert c.status == before
    last = history(c)[-1]
    assert (last.from_status, last.to_status) == (before, before)
    assert last.note == f"Residents not satisfied when reported back on {TODAY.day} {TODAY:%B %Y}: Nothing has changed"
    (told,) = outbox(c)
    assert told.state == "digest"  # the team's mode is respected


def test_a_satisfied_mark_changes_nothing(app_ctx, users):
    c = concern(acted=True)
    changes = len(history(c))
    for view in ("satisfied", "partly"):
        record_report_back(mark(c, view), users["officer"])
    db.session.commit()
    assert c.status == "action_taken" and len(history(c)) == changes and outbox(c) == []


def test_an_officer_may_mark_any_concern_of_a_ward_but_others_only_their_own_scope(app_ctx, users):
    stockton = db.session.scalar(
        sa.select(Ward.code)
        .where(Ward.boundary_set_id == current_boundary_set().id, Ward.local_authority.has(code="E06000004"))
        .order_by(Ward.code)
    )
    make_team("INT-STOCK", ward_codes=(stockton,), lad_code="E06000004")
    elsewhere = concern(ward=stockton, text="Logged by someone else")
    # The officer did not log it, yet reads it in the ward's brief, so may mark it.
    record_report_back(mark(elsewhere), users["officer"])
    # The inspector's team covers Middlesbrough only: the same answer as for no such concern.
    with pytest.raises(NotFound):
        record_report_back(mark(elsewhere), users["inspector"])
    with pytest.raises(NotFound):
        record_report_back(mark(elsewhere) | {"concern_id": str(uuid.uuid4())}, users["officer"])


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"view": "happy"}, "view", "'happy' is not one of satisfied, partly, not_satisfied"),
        ({"view": None}, "view", "required"),
        ({"marked_at": "yesterday evening"}, "marked_at", "is not an ISO 8601 date and time"),
        ({"marked_at": None}, "marked_at", "required"),
        ({"marked_at": (datetime.now(UTC) + timedelta(days=3)).isoformat()}, "marked_at", "in the future"),
        ({"id": "not-a-uuid"}, "id", "is not a UUID"),
        ({"concern_id": "12"}, "concern_id", "is not a UUID"),
        ({"meeting_id": str(uuid.uuid4())}, "meeting_id", "no meeting"),
    ],
)
def test_bad_input_is_named_and_nothing_is_stored(app_ctx, users, change, field, says):
    c = concern(acted=True)
    with pytest.raises(ValidationFailed) as refused:
        record_report_back(mark(c, "not_satisfied") | change, users["officer"])
    assert says in refused.value.errors[field]
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportBack)) == 0


def test_a_demo_concerns_mark_is_demo_and_tells_nobody(app_ctx, users):
    c = concern(acted=True, is_demo=True)
    stored, _ = record_report_back(mark(c, "not_satisfied", "No"), users["officer"])
    db.session.commit()
    assert stored.is_demo and c.status == "in_progress" and outbox(c) == []
    assert marks_for([c.id], demo=False) == {}
