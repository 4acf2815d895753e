"""A meeting of a series: its agenda numbered 1, 2, 3 whatever is added, moved or taken
off; attendance as minuted; the next meeting opening with the previous one's notes to
approve and its actions still open (and not the done ones)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engage.actions.services import owner_label
from engage.extensions import db
from engage.minutes import services
from engage.minutes.services import MinutesError
from tests.conftest import TODAY
from tests.test_minutes.conftest import FEAKS, new_meeting


def _agenda(meeting):
    db.session.refresh(meeting)
    return [(i.number, i.title) for i in meeting.agenda]


def test_a_first_meeting_of_a_series_starts_with_an_empty_agenda(app_ctx):
    meeting = new_meeting(series="Eston Hills group")
    assert meeting.agenda == [] and meeting.status == "planned"
    assert services.previous_meeting(meeting) is None


def test_items_are_numbered_in_order_and_close_up_when_moved_or_taken_off(app_ctx):
    meeting = new_meeting(series="Scrutiny, Delivery and Performance", kind="scrutiny")
    for title in ("Apologies for absence", "Declarations of interests", "Finance", "Any other business"):
        services.add_item(meeting, title)
    db.session.commit()
    finance = meeting.agenda[2]
    services.move_item(finance, 1)
    db.session.commit()
    assert _agenda(meeting) == [
        (1, "Finance"),
        (2, "Apologies for absence"),
        (3, "Declarations of interests"),
        (4, "Any other business"),
    ]
    services.delete_item(meeting.agenda[1])
    db.session.commit()
    assert _agenda(meeting) == [(1, "Finance"), (2, "Declarations of interests"), (3, "Any other business")]
    services.move_item(meeting.agenda[0], 99)  # past the end: the last place
    db.session.commit()
    assert [n for n, _ in _agenda(meeting)] == [1, 2, 3] and _agenda(meeting)[-1] == (3, "Finance")


def test_an_item_with_actions_is_not_taken_off(held):
    with pytest.raises(MinutesError, match="never deleted"):
        services.delete_item(held["bikes"])


@pytest.mark.parametrize(
    ("title", "field", "words"),
    [
        ("   ", "title", "give the item's title"),
        ("x" * 301, "title", "at most 300"),
        ("Bad\x0bline", "title", "vertical tab"),
    ],
)
def test_an_item_needs_a_fit_title(app_ctx, title, field, words):
    meeting = new_meeting()
    with pytest.raises(MinutesError) as refused:
        services.add_item(meeting, title)
    assert refused.value.field == field and words in str(refused.value)


def test_attendance_is_kept_as_minuted(held):
    meeting = held["meeting"]
    assert [(p.name, p.organisation, p.attendance) for p in meeting.attendees] == [
        ("B Coppinger", "Police and Crime Commissioner for Cleveland (Chair)", "present"),
        ("J Feaks", "Redcar and Cleveland Borough Council", "present"),
        ("Steve Hume", "Stockton Borough Council", "apologies"),
    ]
    assert services.attendance_text(meeting, "present").splitlines()[1] == FEAKS


def test_the_next_meeting_of_the_series_carries_the_open_actions_not_the_done_ones(held):
    nxt = new_meeting(series="working together", day=TODAY + timedelta(days=30))  # the series, however typed
    db.session.commit()
    assert services.previous_meeting(nxt).id == held["meeting"].id
    assert [(i.number, i.kind) for i in nxt.agenda] == [(1, "previous_notes"), (2, "previous_actions")]
    assert nxt.agenda[0].title == f"Notes of the previous meeting – {(TODAY - timedelta(days=60)).day} " + (
        f"{TODAY - timedelta(days=60):%B %Y}"
    )
    carried = services.carried_actions(nxt)
    assert [a.title for a in carried] == ["Provide an update on target hardening", "Patrol the beck path"]
    assert owner_label(carried[0]) == FEAKS
    # The rows are the ones agreed, not copies.
    assert {a.id for a in carried} == {held["feaks"].id, held["patrol"].id}
    assert all(a.agenda_item.meeting_id == held["meeting"].id for a in carried)


def test_an_action_done_at_the_next_meeting_is_shown_done_there_and_carried_no_further(held):
    nxt = new_meeting(day=TODAY)
    db.session.commit()
    services.update_carried_action(
        nxt, held["patrol"].id, status="done", note="Patrols since March", actor_id=None, actor="staff@example.org"
    )
    services.update_carried_action(
        nxt, held["feaks"].id, status=None, note="Chased by e-mail", actor_id=None, actor="staff@example.org"
    )
    db.session.commit()
    here = {a.title: a.status for a in services.carried_actions(nxt)}
    assert here == {"Provide an update on target hardening": "open", "Patrol the beck path": "done"}
    assert held["feaks"].updates[-1].note == "Chased by e-mail"
    third = new_meeting(day=TODAY + timedelta(days=90))
    db.session.commit()
    # Still open from two meetings back; the one done at the last meeting is not carried.
    assert [a.title for a in services.carried_actions(third)] == ["Provide an update on target hardening"]


def test_only_a_carried_action_is_updated_from_a_meeting(held):
    other = new_meeting(series="Eston Hills group", day=TODAY)
    with pytest.raises(MinutesError, match="not one carried"):
        services.update_carried_action(
            other, held["feaks"].id, status="done", note="", actor_id=None, actor="staff@example.org"
        )


def test_approving_the_previous_minutes(held):
    nxt = new_meeting(day=TODAY)
    db.session.commit()
    previous = services.approve_previous_minutes(nxt, "staff@example.org")
    db.session.commit()
    assert previous.id == held["meeting"].id
    assert previous.minutes_approved_at is not None and previous.minutes_approved_by == "staff@example.org"
    with pytest.raises(MinutesError, match="already approved"):
        services.approve_previous_minutes(nxt, "admin@example.org")
    with pytest.raises(MinutesError, match="no previous meeting"):
        services.approve_previous_minutes(held["meeting"], "staff@example.org")


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"kind": "pact"}, "kind"),
        ({"series": "  "}, "series"),
        ({"venue": "v" * 201}, "venue"),
    ],
)
def test_a_meeting_needs_a_kind_and_a_series(app_ctx, form, field):
    args = dict(kind="partnership", series="Working Together", venue="")
    with pytest.raises(MinutesError) as refused:
        services.create_meeting(**(args | form), day=TODAY, start_time=None, today=TODAY, actor_id=None)
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("day", "start", "field"), [("", "", "date"), ("31/02/2027", "", "date"), ("2027-03-04", "25:00", "start_time")]
)
def test_dates_and_times_as_typed(day, start, field):
    with pytest.raises(MinutesError) as refused:
        services.parse_when(day, start)
    assert refused.value.field == field


def test_a_date_typed_the_british_way():
    assert services.parse_when("04/03/2027", "13.30")[0].isoformat() == "2027-03-04"


def test_a_meetings_details_are_corrected_and_its_carried_items_follow(held):
    earlier = held["meeting"]
    following = new_meeting(day=TODAY + timedelta(days=20))
    notes = following.agenda[0]
    assert notes.kind == "previous_notes" and notes.title.endswith(f"{earlier.date:%-d %B %Y}")
    services.edit_meeting(
        following,
        series="Working Together",
        day=TODAY - timedelta(days=1),
        start_time=None,
        venue="Kirkleatham",
        today=TODAY,
    )
    assert following.venue == "Kirkleatham" and following.status == "held" and following.start_time is None
    # Moved before the only earlier meeting of its series, its carried items would belong to nothing.
    with pytest.raises(services.MinutesError, match="no earlier meeting of “Working Together”") as refused:
        services.edit_meeting(
            following,
            series="Working Together",
            day=earlier.date - timedelta(days=1),
            start_time=None,
            venue="",
            today=TODAY,
        )
    assert refused.value.field == "series"
    first = new_meeting(series="Eston Hills group", day=TODAY + timedelta(days=3))
    services.edit_meeting(
        first,
        series="Eston Hills multi-agency group",
        day=first.date,
        start_time=None,
        venue="Eston Library",
        today=TODAY,
    )
    assert first.series == "Eston Hills multi-agency group" and first.status == "planned"
