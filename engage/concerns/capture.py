"""Recording meetings and concerns sent from the phone (or any API client).

Entries carry their own UUID, so storing is idempotent: the same entry sent twice,
or by two tabs at once, is stored once. Nothing a resident said is refused for want
of a ward: a concern outside every ward is stored and flagged for review.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

import sqlalchemy as sa

from engage.concerns.linking import place_waiting_concerns
from engage.concerns.models import (
    CONCERN_CHANNELS,
    MEETING_KINDS,
    MEETING_STATUSES,
    PRIORITIES,
    Category,
    Concern,
    ConcernCorrection,
    Meeting,
    StatusChange,
    meeting_ward,
)
from engage.extensions import db
from engage.geography.boundaries import current_boundary_set
from engage.geography.locating import locator_for
from engage.geography.models import Ward
from engage.notify.services import withdraw_notifications
from engage.platform.audit import AuditEvent
from engage.platform.db import utcnow
from engage.platform.text import text_problem
from engage.teams.reference import (
    ReferenceData,
    attach,
    keep,
    reference_data,
    reference_version,
)
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


class Fields:
    """Reads one JSON object field by field, collecting every problem at once."""

    def __init__(self, data):
        if not isinstance(data, dict):
            raise ValidationFailed({"body": "expected a JSON object"})
        self.data = data
        self.errors: dict[str, str] = {}

    def raw(self, name):
        return self.data.get(name)

    def uuid(self, name, required=True):
        value = self.data.get(name)
        if value in (None, ""):
            if required:
                self.errors[name] = "required: a UUID made on the device"
            return None
        try:
            return str(uuid.UUID(str(value)))
        except ValueError:
            self.errors[name] = f"'{value}' is not a UUID"
            return None

    def text(self, name, required=False, max_length=None, default=""):
        value = self.data.get(name)
        if value is None:
            if required:
                self.errors[name] = "required"
            return default
        if not isinstance(value, str):
            self.errors[name] = "must be text"
            return default
        if problem := text_problem(value):
            # A NUL PostgreSQL cannot store or even compare; the other control
            # characters (pasted from Word) no spreadsheet or Word export can hold.
            self.errors[name] = problem
            return default
        value = value.strip()
        if required and not value:
            self.errors[name] = "must not be empty"
        if max_length and len(value) > max_length:
            self.errors[name] = f"at most {max_length} characters (got {len(value)})"
        return value

    def choice(self, name, choices, default):
        value = self.data.get(name)
        if value in (None, ""):
            return default
        if value not in choices:
            self.errors[name] = f"'{value}' is not one of {', '.join(choices)}"
            return default
        return value

    def integer(self, name, minimum=None, default=None, maximum=2**31 - 1):
        value = self.data.get(name)
        if value in (None, ""):
            return default
        if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.strip().lstrip("-").isdigit())):
            self.errors[name] = f"must be a whole number (got {value!r})"
            return default
        try:
            value = int(value)
        except ValueError:  # digits int() refuses: '²', or thousands of them
            self.errors[name] = f"must be a whole number (got {value!r:.40})"
            return default
        if minimum is not None and value < minimum:
            self.errors[name] = f"must be at least {minimum}"
            return default
        if value > maximum:  # the database's integer column holds no more
            self.errors[name] = f"must be at most {maximum}"
            return default
        return value

    def boolean(self, name, default=False):
        value = self.data.get(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.errors[name] = "must be true or false"
            return default
        return value

    def day(self, name, required=True):
        value = self.data.get(name)
        if value in (None, ""):
            if required:
                self.errors[name] = "required, as YYYY-MM-DD"
            return None
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.errors[name] = f"'{value}' is not a date like 2026-11-25"
            return None

    def clock(self, name):
        value = self.data.get(name)
        if value in (None, ""):
            return None
        try:
            return time.fromisoformat(str(value))
        except ValueError:
            self.errors[name] = f"'{value}' is not a time like 18:30"
            return None

    def moment(self, name, default=None):
        value = self.data.get(name)
        if value in (None, ""):
            return default
        try:
            parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            self.errors[name] = f"'{value}' is not an ISO 8601 date and time"
            return default
        parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
        try:
            # Stored in UTC: a moment that is not a year 1-9999 date there could be
            # stored but never read back.
            return parsed.astimezone(timezone.utc)
        except OverflowError:
            self.errors[name] = f"'{value}' is out of range"
            return default

    def check(self):
        if self.errors:
            raise ValidationFailed(self.errors)


def current_wards_by_code(codes) -> dict[str, Ward]:
    boundary_set = current_boundary_set()
    if boundary_set is None or not codes:
        return {}
    rows = db.session.scalars(
        sa.select(Ward).where(Ward.boundary_set_id == boundary_set.id, Ward.code.in_(codes))
    ).all()
    return {w.code: w for w in rows}


def record_meeting(data, user=None, is_demo=False) -> tuple[Meeting, bool]:
    """Store a meeting; returns (meeting, created). An id already stored returns
    the stored meeting unchanged (created False)."""
    f = Fields(data)
    meeting_id = f.uuid("id")
    if meeting_id and (existing := db.session.get(Meeting, meeting_id)) is not None:
        return existing, False
    kind = _meeting_kind(f)
    codes = f.raw("ward_codes") or []
    if not isinstance(codes, list) or not all(isinstance(c, str) and "\x00" not in c for c in codes):
        f.errors["ward_codes"] = "must be a list of ward codes"
        codes = []
    codes = [c.strip().upper() for c in codes]
    if not codes:
        f.errors["ward_codes"] = "give at least one ward"
    wards = current_wards_by_code(codes)
    unknown = [c for c in codes if c not in wards]
    if unknown:
        f.errors["ward_codes"] = f"unknown ward {', '.join(unknown)}"
    meeting = Meeting(
        id=meeting_id,
        kind=kind,
        date=f.day("date"),
        start_time=f.clock("start_time"),
        venue=f.text("venue", max_length=200),
        status=f.choice("status", MEETING_STATUSES, "held"),
        attendance=f.integer("attendance", minimum=0),
        police_partners=f.text("police_partners", max_length=2000),
        pcc_attended=f.boolean("pcc_attended"),
        notes=f.text("notes", max_length=10000),
        created_by_id=getattr(user, "id", None),
        is_demo=is_demo,
    )
    venue_lon, venue_lat = f.raw("venue_lon"), f.raw("venue_lat")
    if venue_lon is not None or venue_lat is not None:
        try:
            meeting.venue_lon, meeting.venue_lat = validate_lonlat(venue_lon, venue_lat)
        except CoordinateError as exc:
            f.errors["venue_lon"] = str(exc)
    f.check()
    meeting.wards = [wards[c] for c in codes]
    db.session.add(meeting)
    db.session.flush()
    # Concerns that arrived first (a phone's queue is not ordered) are linked now.
    db.session.execute(
        sa.update(Concern).where(Concern.meeting_ref == meeting.id, Concern.meeting_id.is_(None))
        .values(meeting_id=meeting.id)
        .execution_options(synchronize_session=False)
    )
    place_waiting_concerns(meeting)
    return meeting, True


def _meeting_kind(f: Fields) -> str:
    value = f.raw("kind")
    if value in (None, ""):
        return "your_force_your_voice"
    by_label = {label.lower(): code for code, label in MEETING_KINDS.items()}
    if isinstance(value, str) and (value in MEETING_KINDS or value.lower() in by_label):
        return value if value in MEETING_KINDS else by_label[value.lower()]
    f.errors["kind"] = f"'{value}' is not one of {', '.join(MEETING_KINDS)}"
    return "your_force_your_voice"


@dataclass
class Placement:
    ward: Ward | None
    boundary_set_id: int | None
    source: str
    needs_review: bool


def place_concern(f: Fields, meeting_ward: Ward | None,
                  reference: ReferenceData) -> tuple[float | None, float | None, str | None, Placement]:
    """Where the concern is, located by the server: the client's ward is not trusted
    when a position is given. `meeting_ward` is the first ward of the concern's
    meeting, if the meeting is stored."""
    boundary_set = reference.boundary_set
    lon, lat, grid = f.raw("lon"), f.raw("lat"), f.text("grid_ref", max_length=24) or None
    ward_code = f.text("ward_code", max_length=9).upper() or None
    located = locator_for(boundary_set) if boundary_set else None
    if lon is not None or lat is not None:
        try:
            lon, lat = validate_lonlat(lon, lat)
        except CoordinateError as exc:
            f.errors["lon" if "lon" in str(exc) else "lat"] = str(exc)
            return None, None, grid, Placement(None, None, "gps", True)
        source = f.choice("location_source", ("gps", "map"), "gps")
        return lon, lat, grid, _placement_at(located, reference, lon, lat, source)
    if grid:
        try:
            lon, lat = bng_to_wgs84(*parse_grid_reference(grid))
        except (GridRefError, CoordinateError) as exc:
            f.errors["grid_ref"] = str(exc)
            return None, None, grid, Placement(None, None, "grid", True)
        return lon, lat, grid, _placement_at(located, reference, lon, lat, "grid")
    if ward_code:
        ward = attach(reference.wards_by_code.get(ward_code))
        if ward is None:
            f.errors["ward_code"] = f"unknown ward {ward_code}"
            return None, None, None, Placement(None, None, "ward", True)
        return None, None, None, Placement(ward, ward.boundary_set_id, "ward", False)
    if meeting_ward is not None:
        return None, None, None, Placement(meeting_ward, meeting_ward.boundary_set_id, "meeting", False)
    # No position and the meeting not here yet: kept, placed when reviewed.
    return None, None, None, Placement(None, None, "meeting", True)


def _placement_at(located, reference: ReferenceData, lon, lat, source) -> Placement:
    boundary_set = reference.boundary_set
    found = located.ward_at(lon, lat) if located else None
    if found is None:
        return Placement(None, boundary_set.id if boundary_set else None, source, True)
    # The ward of the set it was located in, not of the set current by now: the
    # locator and the wards come from the same snapshot, so another request making a
    # new vintage current meanwhile cannot mix the two.
    ward = attach(reference.wards_by_code[found.ward_code])
    return Placement(ward, boundary_set.id, source, False)


# The look-ups of every concern, built once (building a statement costs more than
# running it). Is the id stored, and the reference stamp: one query, as nearly every
# id is new.
_AUDIT = AuditEvent.__table__

_STORED_AND_STAMP = sa.select(
    sa.exists().where(Concern.__table__.c.id == sa.bindparam("concern_id")), reference_version.c.stamp,
    # The audit trail is the tombstone of an undone concern ((entity, entity_id) is indexed).
    sa.exists().where(_AUDIT.c.entity == "concern", _AUDIT.c.entity_id == sa.bindparam("concern_id"),
                      _AUDIT.c.action == "delete"),
)

# The meeting, if it is stored, and its first ward by code (as Meeting.wards orders them).
_MEETING_FIRST_WARD = (
    sa.select(Meeting.__table__.c.id, meeting_ward.c.ward_id)
    .outerjoin(meeting_ward, meeting_ward.c.meeting_id == Meeting.__table__.c.id)
    .outerjoin(Ward.__table__, Ward.__table__.c.id == meeting_ward.c.ward_id)
    .where(Meeting.__table__.c.id == sa.bindparam("meeting_id"))
    .order_by(Ward.__table__.c.code)
    .limit(1)
)


def _stored_or_reference(concern_id: str | None) -> tuple[Concern | None, ReferenceData | None]:
    """The concern if this id is stored already, else the reference data to store it with."""
    db.session.flush()  # as the look-ups this replaces did (autoflush)
    stored, stamp, undone = db.session.execute(_STORED_AND_STAMP, {"concern_id": concern_id}).one()
    if stored:
        return db.session.get(Concern, concern_id), None
    if undone:
        # A copy still on its way (a retry, a second tab) after the officer pressed Undo.
        raise EntryWithdrawn(f"concern {concern_id} was undone; it is not stored again")
    return None, reference_data(stamp)


def _meeting_and_first_ward(meeting_ref: str, reference: ReferenceData) -> tuple[str | None, Ward | None]:
    """The meeting's id if it is stored, and its first ward, in one query."""
    db.session.flush()  # as the look-up this replaces did (autoflush)
    row = db.session.execute(_MEETING_FIRST_WARD, {"meeting_id": meeting_ref}).first()
    if row is None:
        return None, None
    meeting_id, ward_id = row
    if ward_id is None:
        return meeting_id, None
    return meeting_id, attach(reference.wards_by_id.get(ward_id)) or db.session.get(Ward, ward_id)


def raise_concern(data, user=None, is_demo=False, channel=None, notify=True) -> tuple[Concern, bool]:
    """`notify=False` routes without e-mailing the teams (historical imports)."""
    f = Fields(data)
    concern_id = f.uuid("id")
    # Categories, wards, rules and teams come from the per-process cache, read before
    # the concern joins the session (reading flushes).
    existing, reference = _stored_or_reference(concern_id)
    if existing is not None:
        return existing, False
    meeting_ref = f.uuid("meeting_id", required=False)
    meeting_id, meeting_ward = _meeting_and_first_ward(meeting_ref, reference) if meeting_ref else (None, None)
    category_code = f.text("category", required=True)
    category = reference.categories.get(category_code) if category_code else None
    if category_code and (category is None or not category.is_active):
        f.errors["category"] = f"unknown category '{category_code}'"
    description = f.text("description", required=True, max_length=10000)
    lon, lat, grid, placement = place_concern(f, meeting_ward, reference)
    consent = f.boolean("contact_consent")
    contact_name = f.text("contact_name", max_length=200) or None
    contact_details = f.text("contact_details", max_length=400) or None
    if (contact_name or contact_details) and not consent:
        # Never store a resident's details without their consent.
        f.errors["contact_consent"] = "contact details are only stored when the resident consents"
    concern = Concern(
        id=concern_id,
        meeting_ref=meeting_ref,
        meeting_id=meeting_id,
        channel=channel or f.choice("channel", CONCERN_CHANNELS, "meeting" if meeting_ref else "phone"),
        # By id: the rows are in the session and kept (reference.attach), so reading
        # the relationships later needs no query, and the flush need not consider them.
        category_id=attach(category).id if category is not None else None,
        description=description,
        lon=lon, lat=lat, grid_ref=grid,
        location_source=placement.source,
        ward_id=keep(placement.ward).id if placement.ward is not None else None,
        boundary_set_id=placement.boundary_set_id,
        needs_review=placement.needs_review,
        raised_at=f.moment("raised_at", default=utcnow()),
        residents=f.integer("residents", minimum=1, default=1),
        priority=f.choice("priority", PRIORITIES, "normal"),
        status="new",
        contact_consent=consent,
        contact_consent_at=utcnow() if consent and (contact_name or contact_details) else None,
        contact_name=contact_name if consent else None,
        contact_details=contact_details if consent else None,
        created_by_id=getattr(user, "id", None),
        is_demo=is_demo,
    )
    f.check()
    if reference.boundary_set is not None and placement.boundary_set_id == reference.boundary_set.id:
        attach(reference.boundary_set)
    db.session.add(concern)
    # Routed before the first flush: the concern is stored with its owner in one go
    # (and one audit entry), never ownerless even for an instant.
    route_concern(concern, notify=notify, reference=reference)
    return concern, True


class TeamHasActed(Exception):
    """The concern's team has acted on it: it is no longer the officer's to undo or edit."""

    def __init__(self, concern: Concern):
        super().__init__("The team has already acted on this concern, so it is kept as it is (its status history "
                         "and what the team did stay): add a correction instead.")
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
    f = Fields(data)
    if "category" in f.data:
        code = f.text("category", required=True)
        category = db.session.scalar(sa.select(Category).where(Category.code == code, Category.is_active))
        if category is None:
            f.errors["category"] = f"unknown category '{code}'"
        else:
            concern.category = category
    if "description" in f.data:
        concern.description = f.text("description", required=True, max_length=10000)
    if "residents" in f.data:
        concern.residents = f.integer("residents", minimum=1, default=concern.residents)
    if "priority" in f.data:
        concern.priority = f.choice("priority", PRIORITIES, concern.priority)
    f.check()


def add_correction(concern: Concern, data, user) -> ConcernCorrection:
    """A correction by the officer who saved the concern, kept beside it with who wrote
    it and when; the teams see it on the concern's page. The caller checks the author."""
    f = Fields(data)
    text = f.text("text", required=True, max_length=10000).strip()
    if not text and "text" not in f.errors:
        f.errors["text"] = "required: say what should be corrected"
    f.check()
    correction = ConcernCorrection(concern_id=concern.id, text=text, author_id=user.id, author=user.email)
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


def _same_moment(a: datetime | None, b: datetime | None) -> bool:
    if a is None or b is None:
        return a is b
    aware = [m if m.tzinfo else m.replace(tzinfo=timezone.utc) for m in (a, b)]
    return aware[0] == aware[1]


def _same_number(a, b) -> bool:
    return a is not None and b is not None and abs(float(a) - float(b)) < 1e-9


def _grid_key(text: str | None) -> str:
    return "".join((text or "").split()).upper()


def _where_differs(f: Fields, concern: Concern) -> dict[str, str]:
    """Where, in the order `place_concern` reads it: a position, else a grid
    reference, else a ward code, else the meeting's ward."""
    positioned = concern.location_source in ("gps", "map") and concern.lon is not None
    lon, lat = f.raw("lon"), f.raw("lat")
    if lon is not None or lat is not None:
        try:
            lon, lat = validate_lonlat(lon, lat)
        except CoordinateError:
            return {"lon": DIFFERS, "lat": DIFFERS}
        if positioned and _same_number(lon, concern.lon) and _same_number(lat, concern.lat):
            return {}
        return {"lon": DIFFERS, "lat": DIFFERS}
    grid = f.text("grid_ref", max_length=24)
    if grid:
        same = concern.location_source == "grid" and _grid_key(grid) == _grid_key(concern.grid_ref)
        return {} if same else {"grid_ref": DIFFERS}
    if positioned or concern.location_source == "grid":
        return {"ward_code": "the entry already stored with this id has a position; this one has none"}
    code = f.text("ward_code", max_length=9).upper()
    if code and (concern.ward is None or concern.ward.code != code):
        # Without a position, a ward code placed it, or the meeting did (the phone names
        # the meeting's ward only while the meeting is unsent): either way, that ward.
        return {"ward_code": DIFFERS}
    return {}


def concern_differences(concern: Concern, data, compare_contact: bool = True) -> dict[str, str]:
    """The fields in which `data`, sent with the id of the stored `concern`, differs
    from it, by name ({} when it is the same entry sent again). `compare_contact=False`
    leaves out the resident's contact details, for a caller who may not see them."""
    f = Fields(data)
    differs: dict[str, str] = {}

    def compare(name, value, stored):
        if name in f.errors or value != stored:
            differs[name] = DIFFERS

    compare("category", f.text("category"), concern.category.code if concern.category else "")
    compare("description", f.text("description"), concern.description)
    compare("meeting_id", f.uuid("meeting_id", required=False), concern.meeting_ref)
    if f.raw("raised_at") not in (None, ""):
        moment = f.moment("raised_at")
        if "raised_at" in f.errors or not _same_moment(moment, concern.raised_at):
            differs["raised_at"] = DIFFERS
    compare("residents", f.integer("residents", minimum=1, default=1), concern.residents)
    compare("priority", f.choice("priority", PRIORITIES, "normal"), concern.priority)
    if f.raw("channel") not in (None, ""):
        compare("channel", f.choice("channel", CONCERN_CHANNELS, None), concern.channel)
    if compare_contact:
        consent = f.boolean("contact_consent")
        compare("contact_consent", consent, bool(concern.contact_consent))
        if consent:
            compare("contact_name", f.text("contact_name", max_length=200) or None, concern.contact_name)
            compare("contact_details", f.text("contact_details", max_length=400) or None, concern.contact_details)
    differs |= _where_differs(f, concern)
    return differs


def meeting_differences(meeting: Meeting, data) -> dict[str, str]:
    """As `concern_differences`, for a meeting sent again with a stored meeting's id."""
    f = Fields(data)
    differs: dict[str, str] = {}

    def compare(name, value, stored):
        if name in f.errors or value != stored:
            differs[name] = DIFFERS

    compare("kind", _meeting_kind(f), meeting.kind)
    codes = f.raw("ward_codes")
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes) \
            or {c.strip().upper() for c in codes} != {w.code for w in meeting.wards}:
        differs["ward_codes"] = DIFFERS
    compare("date", f.day("date"), meeting.date)
    compare("start_time", f.clock("start_time"), meeting.start_time)
    compare("venue", f.text("venue", max_length=200), meeting.venue)
    compare("status", f.choice("status", MEETING_STATUSES, "held"), meeting.status)
    compare("attendance", f.integer("attendance", minimum=0), meeting.attendance)
    compare("police_partners", f.text("police_partners", max_length=2000), meeting.police_partners)
    compare("pcc_attended", f.boolean("pcc_attended"), bool(meeting.pcc_attended))
    compare("notes", f.text("notes", max_length=10000), meeting.notes)
    lon, lat = f.raw("venue_lon"), f.raw("venue_lat")
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
    f = Fields(data)
    version = f.integer("version", minimum=1)
    if version is None and "version" not in f.errors:
        f.errors["version"] = "required: the version of the meeting the edit started from"
    f.check()
    if version != meeting.version:
        raise MeetingChanged(meeting)
    changes = {}
    if "venue" in f.data:
        changes["venue"] = f.text("venue", max_length=200)
    if "attendance" in f.data:
        changes["attendance"] = f.integer("attendance", minimum=0)
    if "status" in f.data:
        changes["status"] = f.choice("status", MEETING_STATUSES, meeting.status)
    if "notes" in f.data:
        changes["notes"] = f.text("notes", max_length=10000)
    if "pcc_attended" in f.data:
        changes["pcc_attended"] = f.boolean("pcc_attended", meeting.pcc_attended)
    if "start_time" in f.data:
        changes["start_time"] = f.clock("start_time")
    if "date" in f.data:
        changes["date"] = f.day("date")
    f.check()
    for name, value in changes.items():
        setattr(meeting, name, value)
