"""What a meeting or concern entry may hold, declared once as marshmallow schemas: the
capture services read every entry through them (whoever sends it: the phone, Open311,
an import), engage/api/schemas.py builds /api/openapi.json's request bodies from them,
and the capture page renders `page_contract()` for the phone's scripts, so a limit or an
editable field is written here and nowhere else.

Lengths come from the model columns where the column has one; the free-text columns
(sa.Text) have none, and their limits are the ones below. The fields keep the messages
the API has always answered with in its 422 `{"error", "fields"}`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load

from engage.concerns.models import (
    CONCERN_CHANNELS,
    MEETING_KINDS,
    MEETING_STATUSES,
    PRIORITIES,
    REPORT_BACK_VIEWS,
    Concern,
    Meeting,
)
from engage.platform.text import text_problem
from engage.teams.models import Team

# The database's integer columns hold no more.
DATABASE_MAX_INTEGER = 2**31 - 1
# Free text (sa.Text columns): enough for any note taken at a meeting, and a bound on
# what one entry may make every export and page carry.
LONG_TEXT = 10000
PARTNERS_TEXT = 2000


def column_length(column) -> int:
    return column.type.length


VENUE = column_length(Meeting.__table__.c.venue)
CONTACT_NAME = column_length(Concern.__table__.c.contact_name)
CONTACT_DETAILS = column_length(Concern.__table__.c.contact_details)
GRID_REF = column_length(Concern.__table__.c.grid_ref)
WARD_CODE = 9  # ONS GSS codes: E05009857
TEAM_CODE = column_length(Team.__table__.c.code)


# --- fields: what each kind of value is, and what is said when it is not ------------


class Text(fields.String):
    """Text a person typed: no control characters, trimmed, at most `max_length`."""

    def __init__(self, *, max_length: int | None = None, blank: bool = True, **kwargs):
        kwargs.setdefault("error_messages", {}).setdefault("required", "required")
        metadata = kwargs.setdefault("metadata", {})
        if max_length:
            metadata["maxLength"] = max_length
        if not blank:
            metadata["minLength"] = 1
        super().__init__(**kwargs)
        self.max_length, self.blank = max_length, blank

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError("must be text")
        if problem := text_problem(value):
            # A NUL PostgreSQL cannot store or even compare; the other control
            # characters (pasted from Word) no spreadsheet or Word export can hold.
            raise ValidationError(problem)
        value = value.strip()
        if not self.blank and not value:
            raise ValidationError("must not be empty")
        if self.max_length and len(value) > self.max_length:
            raise ValidationError(f"at most {self.max_length} characters (got {len(value)})")
        return value


class Uuid(fields.UUID):
    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {}).setdefault("required", "required: a UUID made on the device")
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return str(uuid.UUID(str(value)))
        except ValueError:
            raise ValidationError(f"'{value}' is not a UUID") from None


class Choice(fields.String):
    def __init__(self, choices, **kwargs):
        self.choices = tuple(choices)
        kwargs.setdefault("metadata", {})["enum"] = list(self.choices)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if value not in self.choices:
            raise ValidationError(f"'{value}' is not one of {', '.join(self.choices)}")
        return value


class MeetingKind(fields.String):
    """A kind's code, or its label in any case."""

    def _deserialize(self, value, attr, data, **kwargs):
        by_label = {label.lower(): code for code, label in MEETING_KINDS.items()}
        if isinstance(value, str) and value in MEETING_KINDS:
            return value
        if isinstance(value, str) and value.lower() in by_label:
            return by_label[value.lower()]
        raise ValidationError(f"'{value}' is not one of {', '.join(MEETING_KINDS)}")


class WholeNumber(fields.Integer):
    def __init__(self, *, minimum: int | None = None, maximum: int = DATABASE_MAX_INTEGER, **kwargs):
        metadata = kwargs.setdefault("metadata", {})
        if minimum is not None:
            metadata["minimum"] = minimum
        metadata["maximum"] = maximum
        super().__init__(**kwargs)
        self.minimum, self.maximum = minimum, maximum

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not (
            isinstance(value, int) or (isinstance(value, str) and value.strip().lstrip("-").isdigit())
        ):
            raise ValidationError(f"must be a whole number (got {value!r})")
        try:
            value = int(value)
        except ValueError:  # digits int() refuses: '²', or thousands of them
            raise ValidationError(f"must be a whole number (got {value!r:.40})") from None
        if self.minimum is not None and value < self.minimum:
            raise ValidationError(f"must be at least {self.minimum}")
        if value > self.maximum:  # the database's integer column holds no more
            raise ValidationError(f"must be at most {self.maximum}")
        return value


class Flag(fields.Boolean):
    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise ValidationError("must be true or false")
        return value


class Day(fields.Date):
    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {}).setdefault("required", "required, as YYYY-MM-DD")
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise ValidationError(f"'{value}' is not a date like 2026-11-25") from None


class Clock(fields.String):
    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).setdefault("examples", ["18:30"])
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return time.fromisoformat(str(value))
        except ValueError:
            raise ValidationError(f"'{value}' is not a time like 18:30") from None


class Moment(fields.DateTime):
    """An ISO 8601 moment, stored in UTC (no time zone given: UTC)."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            raise ValidationError(f"'{value}' is not an ISO 8601 date and time") from None
        parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        try:
            # A moment that is not a year 1-9999 date in UTC could be stored but never read back.
            return parsed.astimezone(UTC)
        except OverflowError:
            raise ValidationError(f"'{value}' is out of range") from None


class Coordinate(fields.Raw):
    """Passed on as sent: a longitude and latitude are checked as a pair where they are
    used (geodata.validate_lonlat), which also takes numbers sent as text."""

    def __init__(self, low: float, high: float, **kwargs):
        kwargs.setdefault("metadata", {}).update(type="number", minimum=low, maximum=high)
        super().__init__(**kwargs)


class WardCodes(fields.Raw):
    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).update(
            type="array",
            items={"type": "string", "examples": ["E05009857"]},
            minItems=1,
            description="Codes of wards in the current boundary set (any case).",
        )
        kwargs.setdefault("error_messages", {}).setdefault("required", "give at least one ward")
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, list) or not all(isinstance(c, str) and "\x00" not in c for c in value):
            raise ValidationError("must be a list of ward codes")
        codes = [c.strip().upper() for c in value]
        if not codes:
            raise ValidationError("give at least one ward")
        return codes


class TeamCodes(fields.Raw):
    """Who attended for the police and partners: codes of teams (any case), maybe none."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).update(
            type="array",
            items={"type": "string", "maxLength": TEAM_CODE, "examples": ["INT-MBRO-N"]},
            description="Codes of the teams that attended (from the capture page's list).",
        )
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, list) or not all(isinstance(c, str) and not text_problem(c) for c in value):
            raise ValidationError("must be a list of team codes")
        codes = [c.strip().upper() for c in value]
        if any(not c or len(c) > TEAM_CODE for c in codes):
            raise ValidationError(f"each team code is 1 to {TEAM_CODE} characters")
        return list(dict.fromkeys(codes))


# --- request bodies --------------------------------------------------------------------


class Entry(Schema):
    """A JSON object sent by a client. Fields it does not know are ignored (an older or
    newer phone may send more); a null, or an empty string for anything but text, is
    as if the field were left out."""

    class Meta:
        unknown = EXCLUDE

    # In an edit, null for a text field clears it (or, where it may not be empty, is refused),
    # as it always did; in a new entry it is as if the field were left out.
    null_text_is_empty = False

    @pre_load
    def _absent(self, data, **kwargs):
        if not isinstance(data, dict):
            raise ValidationError("expected a JSON object", "body")
        read = {}
        for name, value in data.items():
            field = self.fields.get(name)
            if value is None and isinstance(field, Text) and self.null_text_is_empty:
                value = ""
            blank = value is None or (value == "" and not isinstance(field, Text))
            if not blank:
                read[name] = value
            elif field is not None and field.allow_none:
                read[name] = None  # a field an edit may clear
        return read


class MeetingInput(Entry):
    id = Uuid(
        required=True, metadata={"description": "Made on the device: sending the same id again stores nothing new."}
    )
    kind = MeetingKind(
        load_default="your_force_your_voice",
        metadata={"description": "A kind code or its label.", "examples": list(MEETING_KINDS)},
    )
    ward_codes = WardCodes(required=True)
    date = Day(required=True)
    start_time = Clock()
    venue = Text(max_length=VENUE, load_default="")
    status = Choice(MEETING_STATUSES, load_default="held")
    attendance = WholeNumber(minimum=0)
    team_codes = TeamCodes(load_default=list)
    police_partners = Text(
        max_length=PARTNERS_TEXT,
        load_default="",
        metadata={"description": "Who else attended for the police and partners, as typed."},
    )
    pcc_attended = Flag(load_default=False)
    notes = Text(max_length=LONG_TEXT, load_default="")
    venue_lon = Coordinate(-180, 180)
    venue_lat = Coordinate(-90, 90)


class MeetingChange(Entry):
    """An edit of a stored meeting: only the fields sent change."""

    null_text_is_empty = True

    version = WholeNumber(
        minimum=1,
        required=True,
        error_messages={"required": "required: the version of the meeting the edit started from"},
        metadata={
            "description": "The version the edit started from: if the meeting has changed since, nothing is "
            "saved and the answer is 409 with the meeting as stored."
        },
    )
    date = Day()
    start_time = Clock(allow_none=True)
    venue = Text(max_length=VENUE)
    status = Choice(MEETING_STATUSES)
    attendance = WholeNumber(minimum=0, allow_none=True)
    pcc_attended = Flag()
    notes = Text(max_length=LONG_TEXT)


class ConcernInput(Entry):
    id = Uuid(
        required=True, metadata={"description": "Made on the device: sending the same id again stores nothing new."}
    )
    meeting_id = Uuid()
    category = Text(
        required=True,
        blank=False,
        metadata={"description": "A code from /api/v1/categories.", "examples": ["youth_asb"]},
    )
    description = Text(required=True, blank=False, max_length=LONG_TEXT)
    lon = Coordinate(-180, 180)
    lat = Coordinate(-90, 90)
    grid_ref = Text(max_length=GRID_REF, metadata={"examples": ["NZ 4966 1942"]})
    ward_code = Text(max_length=WARD_CODE)
    location_source = Choice(("gps", "map"))
    contact_consent = Flag(load_default=False)
    contact_name = Text(max_length=CONTACT_NAME)
    contact_details = Text(max_length=CONTACT_DETAILS)
    channel = Choice(CONCERN_CHANNELS)
    raised_at = Moment()
    residents = WholeNumber(minimum=1, load_default=1)
    priority = Choice(PRIORITIES, load_default="normal")


class ConcernChange(Entry):
    """The officer's correction of a concern just saved: what was raised, not where."""

    null_text_is_empty = True

    category = Text(blank=False)
    description = Text(blank=False, max_length=LONG_TEXT)
    residents = WholeNumber(minimum=1)
    priority = Choice(PRIORITIES)


class CorrectionInput(Entry):
    text = Text(
        required=True,
        blank=False,
        max_length=LONG_TEXT,
        error_messages={"required": "required: say what should be corrected"},
    )


class ReportBackInput(Entry):
    """A concern read back at a meeting and how residents judged it, marked on the phone."""

    id = Uuid(
        required=True,
        metadata={"description": "Made on the device: sending the same mark again stores nothing new."},
    )
    concern_id = Uuid(required=True, error_messages={"required": "required: the concern read back"})
    meeting_id = Uuid(metadata={"description": "The meeting it was read back at, if any."})
    view = Choice(
        REPORT_BACK_VIEWS,
        required=True,
        error_messages={"required": "required: " + ", ".join(REPORT_BACK_VIEWS)},
        metadata={"description": "How residents judged what was done."},
    )
    note = Text(max_length=LONG_TEXT, load_default="", metadata={"description": "What residents said, if anything."})
    marked_at = Moment(
        required=True,
        error_messages={"required": "required: when it was marked, as an ISO 8601 date and time"},
        metadata={"description": "When it was marked, by the phone's clock: marks are kept in this order."},
    )


def read(schema: Schema, data) -> tuple[dict, dict[str, str]]:
    """The fields of `data` that are valid, read, and what is wrong with each of the
    others, as one sentence per field (a body that is not an object: under `body`)."""
    try:
        return schema.load(data), {}
    except ValidationError as exc:
        valid = exc.valid_data if isinstance(exc.valid_data, dict) else {}
        return valid, _sentences(exc.messages)


def _sentences(messages) -> dict[str, str]:
    if not isinstance(messages, dict):
        return {"body": _first(messages)}
    return {("body" if name == "_schema" else name): _first(value) for name, value in messages.items()}


def _first(message) -> str:
    while isinstance(message, (list, dict)):
        message = next(iter(message.values() if isinstance(message, dict) else message), "")
    return str(message)


# --- what the phone's page is given ----------------------------------------------------


def _limits(schema: Schema) -> dict[str, int]:
    return {name: f.max_length for name, f in schema.fields.items() if isinstance(f, Text) and f.max_length}


def page_contract() -> dict:
    """Rendered into the capture page (id="engage-contract") and read by its scripts:
    the longest text each field takes (of a meeting, a concern and a correction), and which fields of a saved concern the officer
    may still edit (the body of PATCH /api/v1/concerns/<id>)."""
    return {
        "meeting": {"maxLength": _limits(MeetingInput())},
        "concern": {"maxLength": _limits(ConcernInput())},
        "correction": {"maxLength": _limits(CorrectionInput())},
        "reportBack": {"maxLength": _limits(ReportBackInput()), "views": REPORT_BACK_VIEWS},
        "concernEditable": list(ConcernChange().fields),
    }
