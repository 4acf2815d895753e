"""Partnership and scrutiny meetings as the office runs them: a meeting of a series, its
numbered agenda, who came and who sent apologies, the minutes of each item and the
actions agreed there, and what a new meeting of the series carries from the last one
("Notes of the previous meeting", "Actions from previous meeting").

Plain functions: they never read the request, and the caller commits. Who may call
them is the policy's (`Scope.runs_office_meetings`, engage/accounts/policy.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.actions.models import Action
from engage.actions.services import ActionError, create_action, update_action
from engage.concerns.models import MEETING_KINDS, Meeting
from engage.extensions import db
from engage.minutes.models import ATTENDANCE, OFFICE_MEETING_KINDS, AgendaItem, MeetingAttendee
from engage.platform.audit import record_taken
from engage.platform.dates import OFFICE_ZONE, day_range
from engage.platform.db import utcnow
from engage.platform.english import plain_date
from engage.platform.text import text_problem
from engage.reports.office import office

# The meetings the office runs itself; a ward meeting's concerns are another matter.
OFFICE_KINDS = OFFICE_MEETING_KINDS

SERIES_LIMIT = 120
VENUE_LIMIT = 200
TITLE_LIMIT = 300
PRESENTER_LIMIT = 200
NAME_LIMIT = 200
DISCUSSION_LIMIT = 20_000

NOTES_TITLE = "Notes of the previous meeting"
ACTIONS_TITLE = "Actions from previous meeting"


class MinutesError(ValueError):
    """What is wrong, and which field of which form it is about (the page marks it)."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def _text(value: str | None, field: str, what: str, limit: int, required: bool = False, lines: bool = False) -> str:
    # Checked as typed: joining the words would hide Word's vertical tab among the spaces.
    problem = text_problem(value or "")
    if problem:
        raise MinutesError(f"the {what} {problem}", field)
    value = (value or "").replace("\r\n", "\n").strip()
    if not lines:
        value = " ".join(value.split())
    if required and not value:
        raise MinutesError(f"give the {what}", field)
    if len(value) > limit:
        raise MinutesError(f"the {what} is {len(value):,} characters long; at most {limit:,}", field)
    return value


# --- Meetings and their series -------------------------------------------------------


def office_meetings():
    """A SELECT of the office's own meetings (not yet filtered by anyone's scope)."""
    return sa.select(Meeting).where(Meeting.kind.in_(OFFICE_KINDS))


def office_meeting(meeting_id) -> Meeting | None:
    return db.session.scalar(office_meetings().where(Meeting.id == str(meeting_id)))


@dataclass
class Series:
    name: str
    meetings: list[Meeting]


def meetings_by_series() -> list[Series]:
    """Each series (alphabetical) with its meetings, newest first; meetings with no series last."""
    meetings = db.session.scalars(
        office_meetings().order_by(Meeting.date.desc(), Meeting.start_time.desc(), Meeting.created_at.desc())
    ).all()
    grouped: dict[str, list[Meeting]] = {}
    for meeting in meetings:
        grouped.setdefault(meeting.series or "", []).append(meeting)
    named = sorted((k for k in grouped if k), key=str.lower)
    return [Series(k, grouped[k]) for k in named] + ([Series("", grouped[""])] if "" in grouped else [])


def series_names() -> list[str]:
    return sorted(
        set(db.session.scalars(sa.select(Meeting.series).where(Meeting.kind.in_(OFFICE_KINDS), Meeting.series != ""))),
        key=str.lower,
    )


def _same_series(series: str):
    return sa.and_(Meeting.kind.in_(OFFICE_KINDS), sa.func.lower(Meeting.series) == series.lower())


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The meeting of the same series held before this one (the latest earlier date)."""
    if not meeting.series:
        return None
    return db.session.scalar(
        sa.select(Meeting)
        .where(_same_series(meeting.series), Meeting.date < meeting.date, Meeting.id != meeting.id)
        .order_by(Meeting.date.desc(), Meeting.start_time.desc())
        .limit(1)
    )


def parse_when(day: str, start: str) -> tuple[date, time | None]:
    """The date (2027-03-04 or 04/03/2027) and the optional start time (10:00) as typed."""
    day, start = (day or "").strip(), (start or "").strip()
    if not day:
        raise MinutesError("give the date of the meeting", "date")
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            when = datetime.strptime(day, pattern).date()
            break
        except ValueError:
            continue
    else:
        raise MinutesError(f"“{day}” is not a date: give it as 04/03/2027", "date")
    if not start:
        return when, None
    for pattern in ("%H:%M", "%H.%M", "%H:%M:%S"):
        try:
            return when, datetime.strptime(start, pattern).time()
        except ValueError:
            continue
    raise MinutesError(f"“{start}” is not a time of day: give it as 10:00 or 13:30", "start_time")


def create_meeting(
    *, kind: str, series: str, day: date, start_time: time | None, venue: str, today: date, actor_id: int | None
) -> Meeting:
    """A new meeting of the office's. In a series with an earlier meeting, its agenda
    opens with that meeting's notes (to approve) and its actions still open."""
    if kind not in OFFICE_KINDS:
        raise MinutesError(
            "choose the kind of meeting: " + " or ".join(MEETING_KINDS[k].lower() for k in OFFICE_KINDS), "kind"
        )
    series = _text(series, "series", "series (e.g. Working Together)", SERIES_LIMIT, required=True)
    venue = _text(venue, "venue", "venue", VENUE_LIMIT)
    meeting = Meeting(
        id=str(uuid.uuid4()),
        kind=kind,
        series=series,
        date=day,
        start_time=start_time,
        venue=venue,
        status="planned" if day >= today else "held",
        created_by_id=actor_id,
    )
    db.session.add(meeting)
    previous = previous_meeting(meeting)
    if previous is not None:
        meeting.agenda.append(
            AgendaItem(number=1, kind="previous_notes", title=f"{NOTES_TITLE} – {plain_date(previous.date)}")
        )
        meeting.agenda.append(AgendaItem(number=2, kind="previous_actions", title=ACTIONS_TITLE))
    db.session.flush()
    return meeting


def edit_meeting(
    meeting: Meeting, *, series: str, day: date, start_time: time | None, venue: str, today: date
) -> Meeting:
    """Correct a meeting's own details (a date moved, a venue confirmed, a series misnamed).
    Its carried items follow: the notes item names the previous meeting of the series as it
    now is; a meeting that carries another meeting's notes and actions cannot move to a
    series (or a date) with no previous meeting, as those items would belong to nothing."""
    series = _text(series, "series", "series (e.g. Working Together)", SERIES_LIMIT, required=True)
    venue = _text(venue, "venue", "venue", VENUE_LIMIT)
    meeting.series, meeting.date, meeting.start_time, meeting.venue = series, day, start_time, venue
    if meeting.status != "cancelled":
        meeting.status = "planned" if day >= today else "held"
    previous = previous_meeting(meeting)
    carried = [i for i in meeting.agenda if i.kind in ("previous_notes", "previous_actions")]
    if carried and previous is None:
        raise MinutesError(
            f"no earlier meeting of “{series}” is recorded before {plain_date(day)}, yet this agenda carries the "
            "previous meeting's notes and actions: keep the series and date, or delete those items first",
            "series",
        )
    for item in carried:
        if item.kind == "previous_notes":
            item.title = f"{NOTES_TITLE} – {plain_date(previous.date)}"
    db.session.flush()
    return meeting


# --- The agenda ----------------------------------------------------------------------


def add_item(meeting: Meeting, title: str, presenter: str = "") -> AgendaItem:
    """A new item at the foot of the agenda."""
    title = _text(title, "title", "item's title", TITLE_LIMIT, required=True)
    presenter = _text(presenter, "presenter", "presenter", PRESENTER_LIMIT)
    number = max((i.number for i in meeting.agenda), default=0) + 1
    item = AgendaItem(number=number, kind="item", title=title, presenter=presenter, discussion="")
    meeting.agenda.append(item)
    db.session.flush()
    return item


def edit_item(item: AgendaItem, *, title: str, presenter: str, discussion: str) -> AgendaItem:
    """An item's title and presenter, and its minutes: what was discussed."""
    item.title = _text(title, "title", "item's title", TITLE_LIMIT, required=True)
    item.presenter = _text(presenter, "presenter", "presenter", PRESENTER_LIMIT)
    item.discussion = _text(discussion, "discussion", "minutes", DISCUSSION_LIMIT, lines=True)
    return item


def _renumber(meeting: Meeting, order: list[AgendaItem]) -> None:
    # Each number is unique in a meeting and the database checks that row by row, so
    # the items step out of the way (1001, 1002 ...) before taking their new numbers.
    for offset, item in enumerate(order, start=1001):
        item.number = offset
    db.session.flush()
    for number, item in enumerate(order, start=1):
        item.number = number
    db.session.flush()
    db.session.expire(meeting, ["agenda"])


def move_item(item: AgendaItem, to_number: int) -> None:
    """Put the item at `to_number`, the others closing up around it (1, 2, 3 ... again)."""
    meeting = item.meeting
    order = [i for i in meeting.agenda if i is not item]
    to_number = min(max(1, to_number), len(order) + 1)
    order.insert(to_number - 1, item)
    _renumber(meeting, order)


def delete_item(item: AgendaItem) -> None:
    """Take an item off the agenda; those after it move up. An item with actions stays:
    an agreed action is dropped with a reason, never deleted."""
    if item.actions:
        raise MinutesError(
            f"item {item.number} has {len(item.actions)} action{'' if len(item.actions) == 1 else 's'} agreed: "
            "an action is never deleted (mark it dropped, with a reason), so neither is its item",
            "delete",
        )
    meeting = item.meeting
    order = [i for i in meeting.agenda if i is not item]
    meeting.agenda.remove(item)
    db.session.delete(item)
    db.session.flush()
    _renumber(meeting, order)


# --- Attendance ----------------------------------------------------------------------


def read_person(line: str) -> tuple[str, str]:
    """ "J Feaks, Redcar and Cleveland Borough Council" -> (name, organisation): the
    name before the first comma (or dash), the rest as the organisation."""
    line = " ".join(line.split())
    for separator in (", ", " – ", " - "):
        if separator in line:
            name, organisation = line.split(separator, 1)
            return name.strip(" ,"), organisation.strip(" ,")
    return line, ""


def set_attendance(meeting: Meeting, present: str, apologies: str) -> None:
    """Who was there and who sent apologies, one person a line, in the order typed; the
    lists replace the meeting's."""
    people: list[tuple[str, str, str]] = []
    for attendance, text, field in (("present", present, "present"), ("apologies", apologies, "apologies")):
        for number, line in enumerate((text or "").splitlines(), start=1):
            if not line.strip():
                continue
            line = _text(line, field, f"line {number}", NAME_LIMIT * 2)
            name, organisation = read_person(line)
            if len(name) > NAME_LIMIT or len(organisation) > NAME_LIMIT:
                raise MinutesError(f"line {number}: a name or organisation is over {NAME_LIMIT} characters", field)
            people.append((name, organisation, attendance))
    assert all(a in ATTENDANCE for _, _, a in people)
    meeting.attendees.clear()
    db.session.flush()
    for position, (name, organisation, attendance) in enumerate(people, start=1):
        meeting.attendees.append(
            MeetingAttendee(name=name, organisation=organisation, attendance=attendance, position=position)
        )
    db.session.flush()


def attendance_text(meeting: Meeting, attendance: str) -> str:
    """The list as the form shows it, one person a line."""
    return "\n".join(person_label(p) for p in meeting.attendees if p.attendance == attendance)


def person_label(person: MeetingAttendee) -> str:
    return f"{person.name}, {person.organisation}" if person.organisation else person.name


# --- Actions -------------------------------------------------------------------------


def add_item_action(
    item: AgendaItem,
    *,
    title: str,
    due_date: date | None,
    today: date,
    actor_id: int | None,
    actor: str,
    owner_user=None,
    owner_team=None,
    owner_name: str = "",
) -> Action:
    """An action agreed under an item: an owner as minuted will do ("J Feaks, Redcar and
    Cleveland Borough Council"), and a minuted action may have no date."""
    return create_action(
        title=title,
        due_date=due_date,
        today=today,
        actor_id=actor_id,
        actor=actor,
        owner_user=owner_user,
        owner_team=owner_team,
        owner_name=owner_name,
        agenda_item=item,
        require_due_date=False,
    )


def carried_actions(meeting: Meeting) -> list[Action]:
    """Item 2, "Actions from previous meeting": every action agreed at an earlier meeting
    of the series that is still open (so also those the previous meeting carried and
    did not finish), and those closed on this meeting's day (done here). Read by query
    each time: the rows stay the ones agreed, never copies."""
    if not meeting.series:
        return []
    earlier = sa.select(Meeting.id).where(_same_series(meeting.series), Meeting.date < meeting.date)
    start, end = day_range(meeting.date, meeting.date, OFFICE_ZONE)
    closed_here = sa.and_(Action.closed_at >= start, Action.closed_at <= end)
    return list(
        db.session.scalars(
            sa.select(Action)
            .join(AgendaItem, Action.agenda_item_id == AgendaItem.id)
            .join(Meeting, AgendaItem.meeting_id == Meeting.id)
            .where(Meeting.id.in_(earlier), sa.or_(Action.status == "open", closed_here))
            .options(so.contains_eager(Action.agenda_item).contains_eager(AgendaItem.meeting))
            .order_by(Meeting.date, AgendaItem.number, Action.id)
        ).unique()
    )


def update_carried_action(
    meeting: Meeting, action_id: int, *, status: str | None, note: str, actor_id: int | None, actor: str
):
    """Record, at this meeting, what became of an action carried into it: done, dropped
    (with the note as the reason) or a note of progress."""
    action = next((a for a in carried_actions(meeting) if a.id == action_id), None)
    if action is None:
        raise MinutesError("that action is not one carried into this meeting", "action")
    note = _text(note, "note", "note", DISCUSSION_LIMIT, lines=True)
    try:
        return update_action(action, actor_id=actor_id, actor=actor, note=note, status=status or None)
    except ActionError as exc:
        raise MinutesError(str(exc), exc.field) from None


def update_item_action(
    item: AgendaItem, action_id: int, *, status: str | None, note: str, actor_id: int | None, actor: str
):
    """The same, for an action agreed under this meeting's own item."""
    action = next((a for a in item.actions if a.id == action_id), None)
    if action is None:
        raise MinutesError("that action is not one of this item's", "action")
    note = _text(note, "note", "note", DISCUSSION_LIMIT, lines=True)
    try:
        return update_action(action, actor_id=actor_id, actor=actor, note=note, status=status or None)
    except ActionError as exc:
        raise MinutesError(str(exc), exc.field) from None


# --- Approving the previous minutes -------------------------------------------------


def approve_previous_minutes(meeting: Meeting, actor: str) -> Meeting:
    """At this meeting, the previous one's notes are accepted as an accurate record."""
    previous = previous_meeting(meeting)
    if previous is None:
        raise MinutesError("this meeting has no previous meeting in its series to approve", "approve")
    if previous.minutes_approved_at is not None:
        when = previous.minutes_approved_at.astimezone(OFFICE_ZONE).date()
        raise MinutesError(
            f"the minutes of {plain_date(previous.date)} were already approved on {plain_date(when)}"
            f"{f' by {previous.minutes_approved_by}' if previous.minutes_approved_by else ''}",
            "approve",
        )
    previous.minutes_approved_at = utcnow()
    previous.minutes_approved_by = actor
    return previous


# --- Files taken away ----------------------------------------------------------------


def file_stem(meeting: Meeting) -> str:
    """ "working-together-2027-03-04", for the downloaded file's name."""
    name = "".join(c if c.isalnum() else "-" for c in (meeting.series or meeting.kind).lower())
    name = "-".join(part for part in name.split("-") if part)[:60] or "meeting"
    return f"{name}-{meeting.date.isoformat()}{'-DEMO' if meeting.is_demo else ''}"


DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def render_document(meeting: Meeting, what: str) -> bytes:
    """The agenda ("agenda") or the minutes ("minutes") as a Word file's bytes."""
    from engage.minutes.docx import MinutesDocument, docx_file  # heavy: python-docx, loaded on first use

    return docx_file(MinutesDocument(meeting, office(), carried_actions(meeting)), what)


def record_download(meeting: Meeting, what: str) -> None:
    """In the append-only audit trail, as exports are: who took which agenda or minutes
    away. The caller commits."""
    record_taken(
        "export",
        f"{what}-{meeting.id}.docx",
        f"{what.capitalize()} of {meeting.series or meeting.kind_label}, {plain_date(meeting.date)} (docx)",
        {"meeting": meeting.id, "document": what, "format": "docx"},
    )
