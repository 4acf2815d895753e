"""Recording meetings and concerns sent from the phone (or any API client).

Entries carry their own UUID, so storing is idempotent: the same entry sent twice,
or by two tabs at once, is stored once. Nothing a resident said is refused for want
of a ward: a concern outside every ward is stored and flagged for review.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from engage.accounts.policy import scope_for, visible_meeting
from engage.concerns.assignment import default_due_date
from engage.concerns.linking import place_waiting_concerns
from engage.concerns.models import (
    Category,
    Concern,
    ConcernCorrection,
    Meeting,
    StatusChange,
    meeting_ward,
)
from engage.concerns.schemas import (
    ConcernChange,
    ConcernInput,
    CorrectionInput,
    MeetingChange,
    MeetingInput,
    read,
)
from engage.extensions import db
from engage.geography.boundaries import current_boundary_set, wards_by_code
from engage.geography.locating import locator_for
from engage.geography.models import BoundarySet, Ward
from engage.notify.services import withdraw_notifications
from engage.platform.audit import AuditEvent
from engage.platform.db import utcnow
from engage.teams.models import Team
from engage.teams.routing import route_concern
from geodata import (
    CoordinateError,
    GridRefError,
    bng_to_wgs84,
    parse_grid_reference,
    validate_lonlat,
)


class EntryWithdrawn(ValueError):
    """The id belongs to an entry the officer undid: a late copy must not bring it back."""


class ValidationFailed(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


# Every entry, whoever sends it (the API, Open311, an import), is read through the
# API's request schemas: one declaration of what a field may hold. What needs the
# database (a ward or category that exists) is checked here.
MEETING_INPUT, MEETING_CHANGE = MeetingInput(), MeetingChange()

CONCERN_INPUT, CONCERN_CHANGE, CORRECTION_INPUT = ConcernInput(), ConcernChange(), CorrectionInput()


def check(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationFailed(errors)


class DuplicateMeeting(Exception):
    """A held meeting with the same ward, date and venue is stored under another id:
    the same meeting started twice (two officers, or a phone that could not ask)."""

    def __init__(self, meeting: Meeting):
        wards = ", ".join(w.name for w in meeting.wards)
        super().__init__(
            f"a meeting held in {wards} on {meeting.date.isoformat()} at {meeting.venue} is already "
            f"stored (id {meeting.id}): nothing was stored; continue that meeting instead"
        )
        self.meeting = meeting


def venue_key(venue: str) -> str:
    """A venue as compared for duplicates: "Central  library" is "central library"."""
    return " ".join(venue.split()).casefold()


def held_meeting_like(ward_codes, day: date, venue: str, is_demo: bool = False) -> Meeting | None:
    """A held meeting sharing a ward with `ward_codes`, on `day`, at the same venue
    (ignoring case and spacing): what a new held meeting would duplicate. With no venue
    named nothing shows it is the same meeting (two in a ward on one day happen, and a
    record refused here would be lost), so none is."""
    if not venue_key(venue):
        return None
    sharing_a_ward = (
        sa.select(meeting_ward.c.meeting_id)
        .join(Ward, Ward.id == meeting_ward.c.ward_id)
        .where(Ward.code.in_([c.upper() for c in ward_codes]))
    )
    candidates = db.session.scalars(
        sa.select(Meeting)
        .where(
            Meeting.status == "held",
            Meeting.date == day,
            Meeting.is_demo == is_demo,
            Meeting.id.in_(sharing_a_ward),
        )
        .order_by(Meeting.created_at, Meeting.id)
    )
    return next((m for m in candidates if venue_key(m.venue) == venue_key(venue)), None)


def _holds_planned(existing: Meeting, values: dict, user, is_demo: bool) -> bool:
    """Whether a held meeting sent under a planned meeting's id is that meeting being
    held: the officer opened the planned meeting on the phone and started it, so the
    marks of its brief and the concerns raised belong to one meeting. Same wards, same
    data (real or demo), and a plan the sender may see; anything else is a replay."""
    if existing.status != "planned" or values.get("status") != "held" or existing.is_demo != is_demo:
        return False
    if sorted(w.code for w in existing.wards) != sorted(str(c).upper() for c in values.get("ward_codes", [])):
        return False
    return user is None or visible_meeting(scope_for(user), existing.id) is not None


def record_meeting(data, user=None, is_demo=False) -> tuple[Meeting, bool]:
    """Store a meeting; returns (meeting, created). An id already stored returns
    the stored meeting unchanged (created False), except a planned meeting sent back
    as held (`_holds_planned`), which becomes what was sent (created True). A second
    held meeting with the ward, date and venue of a stored one raises DuplicateMeeting."""
    values, errors = read(MEETING_INPUT, data)
    meeting_id = values.get("id")
    existing = db.session.get(Meeting, meeting_id) if meeting_id else None
    if existing is not None and not _holds_planned(existing, values, user, is_demo):
        return existing, False
    codes = values.get("ward_codes", [])
    wards = wards_by_code(current_boundary_set(), codes)
    unknown = [c for c in codes if c not in wards]
    if unknown:
        errors["ward_codes"] = f"unknown ward {', '.join(unknown)}"
    team_codes = values.get("team_codes", [])
    found = db.session.scalars(sa.select(Team).where(sa.func.upper(Team.code).in_(team_codes)))
    teams = {t.code.upper(): t for t in found}
    if missing := [c for c in team_codes if c not in teams]:
        errors["team_codes"] = f"unknown team {', '.join(missing)}"
    venue_lon = venue_lat = None
    if "venue_lon" in values or "venue_lat" in values:
        try:
            venue_lon, venue_lat = validate_lonlat(values.get("venue_lon"), values.get("venue_lat"))
        except CoordinateError as exc:
            errors["venue_lon"] = str(exc)
    check(errors)
    if values["status"] == "held" and (same := held_meeting_like(codes, values["date"], values["venue"], is_demo)):
        raise DuplicateMeeting(same)
    if existing is not None:
        # The planned meeting, now held: what the phone recorded replaces the plan, and the
        # officer who held it logged it (who planned it stays in the audit trail).
        meeting = existing
        # Nothing of the plan is kept where the phone sent nothing, so a resend matches.
        meeting.created_by_id = getattr(user, "id", None) or meeting.created_by_id
    else:
        meeting = Meeting(id=meeting_id, created_by_id=getattr(user, "id", None), is_demo=is_demo)
        db.session.add(meeting)
    meeting.kind = values["kind"]
    meeting.date = values["date"]
    meeting.start_time = values.get("start_time")
    meeting.venue = values["venue"]
    meeting.status = values["status"]
    meeting.attendance = values.get("attendance")
    meeting.police_partners = values["police_partners"]
    meeting.pcc_attended = values["pcc_attended"]
    meeting.notes = values["notes"]
    meeting.venue_lon, meeting.venue_lat = venue_lon, venue_lat
    meeting.wards = [wards[c] for c in codes]
    meeting.teams = [teams[c] for c in team_codes]
    db.session.flush()
    # Concerns that arrived first (a phone's queue is not ordered) are linked now.
    db.session.execute(
        sa.update(Concern)
        .where(Concern.meeting_ref == meeting.id, Concern.meeting_id.is_(None))
        .values(meeting_id=meeting.id)
        .execution_options(synchronize_session=False)
    )
    place_waiting_concerns(meeting)
    return meeting, True


TEAM_KINDS = (("int", "Police: neighbourhood teams"), ("partner", "Partners"))


def teams_who_attend() -> list[tuple[str, str, list[Team]]]:
    """The teams a meeting's form offers for "who attended", as (kind, heading, teams):
    the real teams, or the demo ones where there are none (a trial), never both."""
    teams = db.session.scalars(sa.select(Team).order_by(Team.name, Team.code)).all()
    shown = [t for t in teams if not t.is_demo] or teams
    return [(kind, label, group) for kind, label in TEAM_KINDS if (group := [t for t in shown if t.kind == kind])]


@dataclass
class Placement:
    ward: Ward | None
    boundary_set_id: int | None
    source: str
    needs_review: bool


def place_concern(
    values: dict, errors: dict[str, str], meeting_ward: Ward | None, boundary_set: BoundarySet | None
) -> tuple[float | None, float | None, str | None, Placement]:
    """Where the concern is, located by the server: the client's ward is not trusted
    when a position is given. `values` is the entry as read (ConcernInput); a problem
    is added to `errors`. `meeting_ward` is the first ward of the concern's meeting,
    if the meeting is stored; `boundary_set` is the current set."""
    lon, lat, grid = values.get("lon"), values.get("lat"), values.get("grid_ref") or None
    ward_code = values.get("ward_code", "").upper() or None
    located = locator_for(boundary_set) if boundary_set else None
    if lon is not None or lat is not None:
        try:
            lon, lat = validate_lonlat(lon, lat)
        except CoordinateError as exc:
            errors["lon" if "lon" in str(exc) else "lat"] = str(exc)
            return None, None, grid, Placement(None, None, "gps", True)
        source = values.get("location_source", "gps")
        return lon, lat, grid, _placement_at(located, boundary_set, lon, lat, source)
    if grid:
        try:
            lon, lat = bng_to_wgs84(*parse_grid_reference(grid))
        except (GridRefError, CoordinateError) as exc:
            errors["grid_ref"] = str(exc)
            return None, None, grid, Placement(None, None, "grid", True)
        return lon, lat, grid, _placement_at(located, boundary_set, lon, lat, "grid")
    if ward_code:
        ward = _ward_by_code(boundary_set, ward_code)
        if ward is None:
            errors["ward_code"] = f"unknown ward {ward_code}"
            return None, None, None, Placement(None, None, "ward", True)
        return None, None, None, Placement(ward, ward.boundary_set_id, "ward", False)
    if meeting_ward is not None:
        return None, None, None, Placement(meeting_ward, meeting_ward.boundary_set_id, "meeting", False)
    # No position and the meeting not here yet: kept, placed when reviewed.
    return None, None, None, Placement(None, None, "meeting", True)


def _placement_at(located, boundary_set: BoundarySet | None, lon, lat, source) -> Placement:
    found = located.ward_at(lon, lat) if located else None
    if found is None:
        return Placement(None, boundary_set.id if boundary_set else None, source, True)
    # The ward of the set it was located in, not of the set current by now: another
    # request making a new vintage current meanwhile cannot mix the two.
    ward = _ward_by_code(boundary_set, found.ward_code)
    return Placement(ward, boundary_set.id, source, False)


def _ward_by_code(boundary_set: BoundarySet | None, code: str) -> Ward | None:
    if boundary_set is None:
        return None
    return db.session.scalar(sa.select(Ward).where(Ward.boundary_set_id == boundary_set.id, Ward.code == code))


def _stored(concern_id: str | None) -> Concern | None:
    """The concern if this id is stored already."""
    existing = db.session.get(Concern, concern_id) if concern_id else None
    if existing is not None:
        return existing
    # The audit trail is the tombstone of an undone concern ((entity, entity_id) is indexed).
    undone = db.session.scalar(
        sa.select(
            sa.exists().where(
                AuditEvent.entity == "concern", AuditEvent.entity_id == concern_id, AuditEvent.action == "delete"
            )
        )
    )
    if undone:
        # A copy still on its way (a retry, a second tab) after the officer pressed Undo.
        raise EntryWithdrawn(f"concern {concern_id} was undone; it is not stored again")
    return None


def _meeting_and_first_ward(meeting_ref: str) -> tuple[str | None, Ward | None]:
    """The meeting's id if it is stored, and its first ward (as Meeting.wards orders them)."""
    meeting = db.session.get(Meeting, meeting_ref)
    if meeting is None:
        return None, None
    return meeting.id, (meeting.wards[0] if meeting.wards else None)


def raise_concern(data, user=None, is_demo=False, channel=None, notify=True) -> tuple[Concern, bool]:
    """`notify=False` routes without e-mailing the teams (historical imports)."""
    values, errors = read(CONCERN_INPUT, data)
    concern_id = values.get("id")
    existing = _stored(concern_id)
    if existing is not None:
        return existing, False
    meeting_ref = values.get("meeting_id")
    meeting_id, meeting_ward = _meeting_and_first_ward(meeting_ref) if meeting_ref else (None, None)
    category_code = values.get("category")
    category = db.session.scalar(sa.select(Category).where(Category.code == category_code)) if category_code else None
    if category_code and (category is None or not category.is_active):
        errors["category"] = f"unknown category '{category_code}'"
    lon, lat, grid, placement = place_concern(values, errors, meeting_ward, current_boundary_set())
    consent = values.get("contact_consent", False)
    contact_name = values.get("contact_name") or None
    contact_details = values.get("contact_details") or None
    if (contact_name or contact_details) and not consent:
        # Never store a resident's details without their consent.
        errors["contact_consent"] = "contact details are only stored when the resident consents"
    check(errors)
    concern = Concern(
        id=concern_id,
        meeting_ref=meeting_ref,
        meeting_id=meeting_id,
        channel=channel or values.get("channel") or ("meeting" if meeting_ref else "phone"),
        category=category,
        description=values["description"],
        lon=lon,
        lat=lat,
        grid_ref=grid,
        location_source=placement.source,
        ward=placement.ward,
        boundary_set_id=placement.boundary_set_id,
        needs_review=placement.needs_review,
        raised_at=values.get("raised_at") or utcnow(),
        residents=values["residents"],
        priority=values["priority"],
        status="new",
        contact_consent=consent,
        contact_consent_at=utcnow() if consent and (contact_name or contact_details) else None,
        contact_name=contact_name if consent else None,
        contact_details=contact_details if consent else None,
        created_by_id=getattr(user, "id", None),
        is_demo=is_demo,
    )
    concern.due_date = default_due_date(category, concern.raised_at)
    db.session.add(concern)
    # Routed before the first flush: the concern is stored with its owner in one go
    # (and one audit entry), never ownerless even for an instant.
    route_concern(concern, notify=notify)
    return concern, True


class TeamHasActed(Exception):
    """The concern's team has acted on it: it is no longer the officer's to undo or edit."""

    def __init__(self, concern: Concern):
        super().__init__(
            "The team has already acted on this concern, so it is kept as it is (its status history "
            "and what the team did stay): add a correction instead."
        )
        self.concern = concern


def team_has_acted(concern: Concern) -> bool:
    """Whether a team has acted on the concern: it moved on from "new", has "we did"
    text, or has any status change recorded (a reopen back to an open status too)."""
    if concern.status != "new" or concern.we_did or concern.first_action_at is not None:
        return True
    return db.session.scalar(sa.select(sa.exists().where(StatusChange.concern_id == concern.id)))


def undo_concern(concern: Concern) -> None:
    """The officer's Undo: the concern is deleted (the audit trail keeps its tombstone,
    so a late copy is not stored again) and its e-mails not yet sent are withdrawn.
    Refused once a team has acted on it: what the team did is never deleted."""
    if team_has_acted(concern):
        raise TeamHasActed(concern)
    withdraw_notifications(concern)
    db.session.delete(concern)


def amend_concern(concern: Concern, data) -> None:
    """The officer's correction of a concern just saved: what was raised, not where.
    Refused once a team has acted on it (the team acted on what it read)."""
    if team_has_acted(concern):
        raise TeamHasActed(concern)
    values, errors = read(CONCERN_CHANGE, data)
    if "category" in values:
        code = values.pop("category")
        category = db.session.scalar(sa.select(Category).where(Category.code == code, Category.is_active))
        if category is None:
            errors["category"] = f"unknown category '{code}'"
        else:
            # A due date still at the old category's target follows the new one; one a
            # team set by hand stays.
            if concern.due_date == default_due_date(concern.category, concern.raised_at):
                concern.due_date = default_due_date(category, concern.raised_at)
            concern.category = category
    check(errors)
    for name, value in values.items():
        setattr(concern, name, value)


def add_correction(concern: Concern, data, user) -> ConcernCorrection:
    """A correction by the officer who saved the concern, kept beside it with who wrote
    it and when; the teams see it on the concern's page. The caller checks the author."""
    values, errors = read(CORRECTION_INPUT, data)
    check(errors)
    correction = ConcernCorrection(concern_id=concern.id, text=values["text"], author_id=user.id, author=user.email)
    db.session.add(correction)
    return correction


# --- the same id sent again ------------------------------------------------------------
#
# A phone resends an entry whose answer it lost; it must get "already stored". The same
# id with other content is a different entry (a client reusing ids, or one entry edited
# on the phone after a lost answer): it must not be answered as if stored. Each field is
# read as a new entry's would be and compared with what is stored; a field a client may
# leave out compares with what the server would have stored for it, except `raised_at`,
# whose default (the moment of arrival) no resend can repeat.

DIFFERS = "differs from the entry already stored with this id"


def _same_number(a, b) -> bool:
    return a is not None and b is not None and abs(float(a) - float(b)) < 1e-9


def _grid_key(text: str | None) -> str:
    return "".join((text or "").split()).upper()


def _where_differs(values: dict, concern: Concern) -> dict[str, str]:
    """Where, in the order `place_concern` reads it: a position, else a grid
    reference, else a ward code, else the meeting's ward."""
    positioned = concern.location_source in ("gps", "map") and concern.lon is not None
    lon, lat = values.get("lon"), values.get("lat")
    if lon is not None or lat is not None:
        try:
            lon, lat = validate_lonlat(lon, lat)
        except CoordinateError:
            return {"lon": DIFFERS, "lat": DIFFERS}
        if positioned and _same_number(lon, concern.lon) and _same_number(lat, concern.lat):
            return {}
        return {"lon": DIFFERS, "lat": DIFFERS}
    grid = values.get("grid_ref", "")
    if grid:
        same = concern.location_source == "grid" and _grid_key(grid) == _grid_key(concern.grid_ref)
        return {} if same else {"grid_ref": DIFFERS}
    if positioned or concern.location_source == "grid":
        return {"ward_code": "the entry already stored with this id has a position; this one has none"}
    code = values.get("ward_code", "").upper()
    if code and (concern.ward is None or concern.ward.code != code):
        # Without a position, a ward code placed it, or the meeting did (the phone names
        # the meeting's ward only while the meeting is unsent): either way, that ward.
        return {"ward_code": DIFFERS}
    return {}


def concern_differences(concern: Concern, data, compare_contact: bool = True) -> dict[str, str]:
    """The fields in which `data`, sent with the id of the stored `concern`, differs
    from it, by name ({} when it is the same entry sent again). `compare_contact=False`
    leaves out the resident's contact details, for a caller who may not see them."""
    values, errors = read(CONCERN_INPUT, data)
    differs: dict[str, str] = {}

    def compare(name, value, stored):
        if name in errors or value != stored:
            differs[name] = DIFFERS

    compare("category", values.get("category", ""), concern.category.code if concern.category else "")
    compare("description", values.get("description", ""), concern.description)
    compare("meeting_id", values.get("meeting_id"), concern.meeting_ref)
    if "raised_at" in errors or ("raised_at" in values and values["raised_at"] != concern.raised_at):
        differs["raised_at"] = DIFFERS
    compare("residents", values.get("residents"), concern.residents)
    compare("priority", values.get("priority"), concern.priority)
    if "channel" in values or "channel" in errors:
        compare("channel", values.get("channel"), concern.channel)
    if compare_contact:
        consent = values.get("contact_consent", False)
        compare("contact_consent", consent, bool(concern.contact_consent))
        if consent:
            compare("contact_name", values.get("contact_name") or None, concern.contact_name)
            compare("contact_details", values.get("contact_details") or None, concern.contact_details)
    differs |= _where_differs(values, concern)
    return differs


def meeting_differences(meeting: Meeting, data) -> dict[str, str]:
    """As `concern_differences`, for a meeting sent again with a stored meeting's id."""
    values, errors = read(MEETING_INPUT, data)
    differs: dict[str, str] = {}

    def compare(name, value, stored):
        if name in errors or value != stored:
            differs[name] = DIFFERS

    compare("kind", values.get("kind"), meeting.kind)
    if "ward_codes" in errors or set(values.get("ward_codes", [])) != {w.code for w in meeting.wards}:
        differs["ward_codes"] = DIFFERS
    compare("date", values.get("date"), meeting.date)
    compare("start_time", values.get("start_time"), meeting.start_time)
    compare("venue", values.get("venue"), meeting.venue)
    compare("status", values.get("status"), meeting.status)
    compare("attendance", values.get("attendance"), meeting.attendance)
    if "team_codes" in errors or set(values.get("team_codes", [])) != {t.code.upper() for t in meeting.teams}:
        differs["team_codes"] = DIFFERS
    compare("police_partners", values.get("police_partners"), meeting.police_partners)
    compare("pcc_attended", values.get("pcc_attended"), bool(meeting.pcc_attended))
    compare("notes", values.get("notes"), meeting.notes)
    lon, lat = values.get("venue_lon"), values.get("venue_lat")
    if lon is None and lat is None:
        if meeting.venue_lon is not None:
            differs["venue_lon"] = DIFFERS
    else:
        try:
            lon, lat = validate_lonlat(lon, lat)
            same = _same_number(lon, meeting.venue_lon) and _same_number(lat, meeting.venue_lat)
        except CoordinateError:
            same = False
        if not same:
            differs["venue_lon"] = DIFFERS
    return differs


class MeetingChanged(Exception):
    """The meeting was saved by someone else after the version the edit started from."""

    def __init__(self, meeting: Meeting):
        super().__init__(f"meeting {meeting.id} is now at version {meeting.version}")
        self.meeting = meeting


def amend_meeting(meeting: Meeting, data) -> None:
    """An edit of a stored meeting, made from the `version` the client last saw. An
    older version raises MeetingChanged and changes nothing. Two edits of the same
    version racing each other are caught at flush by the mapper's version_id_col
    (StaleDataError), so nothing is ever overwritten unseen."""
    values, errors = read(MEETING_CHANGE, data)
    version = values.pop("version", None)
    if "version" in errors or version is None:
        # The version first: an edit of an unknown version is not read further.
        check({"version": errors.get("version", "required: the version of the meeting the edit started from")})
    if version != meeting.version:
        raise MeetingChanged(meeting)
    check(errors)
    for name, value in values.items():
        setattr(meeting, name, value)
