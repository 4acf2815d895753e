"""The API contract, declared once: the answers and query parameters of /api as
marshmallow schemas, beside the entries' request bodies (engage/concerns/schemas.py).
flask-smorest turns them into /api/openapi.json (engage/api/document.py)."""

from __future__ import annotations

from marshmallow import Schema, fields

from engage.actions.schemas import ActionChange as ActionChange
from engage.concerns.models import (
    CONCERN_CHANNELS,
    CONCERN_STATUSES,
    LOCATION_SOURCES,
    MEETING_KINDS,
    MEETING_STATUSES,
    PRIORITIES,
    REPORT_BACK_VIEWS,
)
from engage.concerns.schemas import DATABASE_MAX_INTEGER
from engage.concerns.schemas import (
    ConcernChange as ConcernChange,  # re-exported: the bodies in the document
)
from engage.concerns.schemas import ConcernInput as ConcernInput
from engage.concerns.schemas import CorrectionInput as CorrectionInput
from engage.concerns.schemas import MeetingChange as MeetingChange
from engage.concerns.schemas import MeetingInput as MeetingInput
from engage.concerns.schemas import ReportBackInput as ReportBackInput
from engage.geography.models import DESIGNATIONS
from engage.maps.classes import BREAK_METHODS

# --- answers ---------------------------------------------------------------------------


class Error(Schema):
    """Every refusal: a sentence for a person to read."""

    error = fields.String(required=True)
    vintage = fields.String(metadata={"description": "Only on /api/locate's 404: the set searched."})
    retry_after = fields.Integer(
        metadata={
            "description": "Only on 503 while the database is unreachable: seconds to wait (also in Retry-After)."
        }
    )
    correction_url = fields.String(
        metadata={
            "description": "Only on 409 when a team has already acted on the "
            "concern: where to POST a correction instead."
        }
    )


class ValidationErrorAnswer(Schema):
    error = fields.String(required=True)
    # Not `fields`: a schema's own attribute of that name lists its fields.
    fields_ = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        data_key="fields",
        metadata={"description": "Field name (or `body`) -> what is wrong with it."},
    )


class Geometry(Schema):
    type = fields.String(required=True, metadata={"enum": ["Polygon", "MultiPolygon"]})
    coordinates = fields.List(fields.Raw(), required=True)


def _str(**kwargs):
    return fields.String(required=True, **kwargs)


class WardRow(Schema):
    ward_code = _str()
    ward_name = _str()
    lad_code = _str()
    lad_name = _str()
    designation = _str(
        metadata={
            "enum": ["", *DESIGNATIONS],
            "description": "The designation in force today; empty when none is recorded.",
        }
    )


class WardDetail(WardRow):
    vintage = _str()
    designation_from = fields.Date(required=True, allow_none=True)
    designation_is_sample = fields.Boolean(required=True)


class WardProperties(Schema):
    ward_code = _str()
    ward_name = _str()
    lad_code = _str()
    lad_name = _str()
    designation = fields.String(required=True, allow_none=True, metadata={"enum": [*DESIGNATIONS, None]})
    designation_from = fields.Date(required=True, allow_none=True)
    designation_is_sample = fields.Boolean(required=True)


class WardFeature(Schema):
    type = fields.Constant("Feature", required=True)
    properties = fields.Nested(WardProperties, required=True)
    geometry = fields.Nested(Geometry, required=True)


class WardCollection(Schema):
    type = fields.Constant("FeatureCollection", required=True)
    vintage = _str()
    attribution = fields.String()
    features = fields.List(fields.Nested(WardFeature), required=True)


class AuthorityProperties(Schema):
    lad_code = _str()
    lad_name = _str()


class AuthorityFeature(Schema):
    type = fields.Constant("Feature", required=True)
    properties = fields.Nested(AuthorityProperties, required=True)
    geometry = fields.Nested(Geometry, required=True)


class AuthorityCollection(WardCollection):
    features = fields.List(fields.Nested(AuthorityFeature), required=True)


class LocatedWard(Schema):
    ward_code = _str()
    ward_name = _str()
    lad_code = _str()
    lad_name = _str()
    vintage = _str()


class CategoryRow(Schema):
    code = _str()
    label = _str()


class Categories(Schema):
    categories = fields.List(fields.Nested(CategoryRow), required=True)


class TeamRef(Schema):
    code = _str()
    name = _str()


class MeTeam(TeamRef):
    kind = _str()
    is_demo = fields.Boolean()


class Me(Schema):
    email = _str()
    name = _str()
    roles = fields.List(fields.String(), required=True)
    teams = fields.List(fields.Nested(MeTeam), required=True)


class SessionInfo(Schema):
    email = _str()
    roles = fields.List(fields.String(), required=True)
    csrf_token = _str()


class Wards(Schema):
    vintage = _str()
    wards = fields.List(fields.Nested(WardRow), required=True)


def _maybe(field_class, **kwargs):
    return field_class(required=True, allow_none=True, **kwargs)


class MeetingAnswer(Schema):
    id = fields.UUID(required=True)
    kind = _str(metadata={"enum": list(MEETING_KINDS)})
    kind_label = _str()
    ward_codes = fields.List(fields.String(), required=True)
    ward_names = fields.List(fields.String(), required=True)
    vintage = _maybe(fields.String)
    date = fields.Date(required=True)
    start_time = _maybe(fields.String, metadata={"pattern": r"^\d\d:\d\d$"})
    venue = _str()
    venue_lon = _maybe(fields.Float)
    venue_lat = _maybe(fields.Float)
    status = _str(metadata={"enum": list(MEETING_STATUSES)})
    attendance = _maybe(fields.Integer, metadata={"minimum": 0})
    team_codes = fields.List(fields.String(), required=True, metadata={"description": "The teams that attended."})
    team_names = fields.List(fields.String(), required=True)
    police_partners = _str()
    pcc_attended = fields.Boolean(required=True)
    notes = _str()
    version = fields.Integer(required=True)
    is_demo = fields.Boolean(required=True)


class Meetings(Schema):
    meetings = fields.List(fields.Nested(MeetingAnswer), required=True)


class MeetingRef(Schema):
    """Enough to name a meeting and continue it: no more than a ward page shows of it."""

    id = fields.UUID(required=True)
    ward_codes = fields.List(fields.String(), required=True)
    ward_names = fields.List(fields.String(), required=True)
    date = fields.Date(required=True)
    venue = _str()
    status = _str(metadata={"enum": list(MEETING_STATUSES)})


class SameMeeting(Schema):
    meeting = fields.Nested(MeetingRef, required=True, allow_none=True)


class MeetingRefused(Schema):
    """409 to a new meeting: its id is another meeting's (`fields`), or it is a held
    meeting already stored under another id (`existing`)."""

    error = _str()
    fields_ = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        data_key="fields",
        metadata={"description": "Only when the id is taken: field name -> how it differs."},
    )
    existing = fields.Nested(
        MeetingRef,
        metadata={"description": "Only for the same ward, date and venue: the stored meeting to continue."},
    )


class MeetingConflict(Schema):
    error = _str()
    current = fields.Nested(MeetingAnswer, required=True)


class Contact(Schema):
    name = _maybe(fields.String)
    details = _maybe(fields.String)
    consent_at = _maybe(fields.DateTime)


class RuleRef(Schema):
    rule = fields.Integer(required=True)
    note = _str()


class ConcernAnswer(Schema):
    id = fields.UUID(required=True)
    meeting_id = _maybe(fields.UUID)
    channel = _str(metadata={"enum": list(CONCERN_CHANNELS)})
    category = _str()
    category_label = _str()
    description = _str()
    lon = _maybe(fields.Float)
    lat = _maybe(fields.Float)
    grid_ref = _maybe(fields.String)
    location_source = _str(metadata={"enum": list(LOCATION_SOURCES)})
    ward_code = _maybe(fields.String)
    ward_name = _maybe(fields.String)
    vintage = _maybe(fields.String)
    needs_review = fields.Boolean(required=True)
    raised_at = fields.DateTime(required=True)
    residents = fields.Integer(required=True, metadata={"minimum": 1})
    priority = _str(metadata={"enum": list(PRIORITIES)})
    status = _str(metadata={"enum": list(CONCERN_STATUSES)})
    lead_team = fields.Nested(TeamRef, required=True, allow_none=True)
    copied_teams = fields.List(fields.Nested(TeamRef), required=True)
    routed_by = fields.Raw(
        required=True,
        metadata={
            "description": "The rule that routed it, or how it was routed otherwise.",
            "oneOf": [
                {"$ref": "#/components/schemas/RuleRef"},
                {"type": ["string", "null"], "enum": ["rule", "coverage", "triage", "manual", None]},
            ],
        },
    )
    we_did = _maybe(fields.String)
    is_demo = fields.Boolean(required=True)
    queue = fields.Constant("triage", metadata={"description": "Present only when no team leads on it."})
    contact = fields.Nested(
        Contact, metadata={"description": "Only for staff, admins and the officer who saved it, and only with consent."}
    )


class Concerns(Schema):
    concerns = fields.List(fields.Nested(ConcernAnswer), required=True)


class CorrectionAnswer(Schema):
    id = fields.Integer(required=True)
    concern_id = fields.UUID(required=True)
    text = _str()
    author = _str(metadata={"description": "The e-mail address of the officer who wrote it."})
    created_at = fields.DateTime(required=True)


class ReportBackAnswer(Schema):
    id = fields.UUID(required=True)
    concern_id = fields.UUID(required=True)
    meeting_id = _maybe(fields.UUID)
    view = _str(metadata={"enum": list(REPORT_BACK_VIEWS)})
    view_label = _str()
    note = _str()
    marked_at = fields.DateTime(required=True)
    recorded_at = fields.DateTime(required=True)
    actor = _str(metadata={"description": "The e-mail address of who marked it."})
    is_demo = fields.Boolean(required=True)


class BriefMark(Schema):
    view = _str(metadata={"enum": list(REPORT_BACK_VIEWS)})
    view_label = _str()
    marked_on = fields.Date(required=True)
    note = _str()


class BriefItem(Schema):
    """A concern in the brief: what the officer reads back."""

    id = fields.UUID(required=True)
    section = _str(
        metadata={
            "enum": ["since", "earlier_open"],
            "description": "since: raised since the previous meeting; earlier_open: raised before, still open.",
        }
    )
    raised_on = fields.Date(required=True)
    category = _str()
    description = _str(metadata={"description": "What residents said, cut to 140 characters."})
    status = _str(metadata={"description": "The status as the inbox names it: In progress."})
    is_open = fields.Boolean(required=True)
    lead_team = _str(metadata={"description": "Empty when not yet routed."})
    owner = _str(metadata={"description": "Empty when nobody owns it."})
    age_days = fields.Integer(required=True, metadata={"minimum": 0})
    due_date = _maybe(fields.Date)
    overdue = fields.Boolean(required=True)
    we_did = _str()
    marks = fields.List(
        fields.Nested(BriefMark), required=True, metadata={"description": "Reported back, in the order marked."}
    )


class BriefMeeting(Schema):
    date = fields.Date(required=True)
    kind = _str()
    venue = _str()
    attendance = _maybe(fields.Integer, metadata={"minimum": 0})


class ReportedBackCount(Schema):
    satisfied = fields.Integer(required=True, metadata={"minimum": 0})
    partly = fields.Integer(required=True, metadata={"minimum": 0})
    not_satisfied = fields.Integer(required=True, metadata={"minimum": 0})
    total = fields.Integer(required=True, metadata={"minimum": 0})
    sentence = _str(metadata={"example": "3 concerns reported back: 2 satisfied, 1 not satisfied"})


class BriefTheme(Schema):
    label = _str()
    ward = fields.Integer(required=True, metadata={"minimum": 0})
    ward_share = _str(metadata={"example": "31%"})
    authority_share = _str()
    cleveland_share = _str()


class BriefThemes(Schema):
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    ward_total = fields.Integer(required=True, metadata={"minimum": 0})
    rows = fields.List(fields.Nested(BriefTheme), required=True, metadata={"description": "Most raised first."})


class BriefUpdateTheme(Schema):
    label = _str()
    you_said = _str()
    we_did = _str()


class BriefUpdate(Schema):
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    intro = _str()
    items = fields.List(fields.Nested(BriefUpdateTheme), required=True)


class BriefAction(Schema):
    title = _str()
    owner = _str()
    due_date = _maybe(fields.Date)
    status = _str(metadata={"enum": ["Open", "Done", "Dropped"]})
    overdue = fields.Boolean(required=True)
    closed_on = _maybe(fields.Date)


class WardBriefAnswer(Schema):
    ward_code = _str()
    ward_name = _str()
    authority = _str()
    designation = _str()
    whole = fields.Boolean(
        required=True, metadata={"description": "False: only the concerns the user may see are listed."}
    )
    meetings_shown = fields.Boolean(required=True)
    held = fields.List(fields.Nested(BriefMeeting), required=True, metadata={"description": "Most recent first."})
    planned = fields.List(fields.Nested(BriefMeeting), required=True, metadata={"description": "Soonest first."})
    previous_meeting = _maybe(fields.Date)
    since = fields.Date(required=True)
    since_phrase = _str()
    items = fields.List(fields.Nested(BriefItem), required=True)
    since_more = fields.Integer(required=True, metadata={"minimum": 0})
    earlier_open_more = fields.Integer(required=True, metadata={"minimum": 0})
    open_total = fields.Integer(required=True, metadata={"minimum": 0})
    overdue_total = fields.Integer(required=True, metadata={"minimum": 0})
    reported_back = fields.Nested(ReportedBackCount, required=True)
    actions = fields.List(
        fields.Nested(BriefAction),
        required=True,
        metadata={"description": "Agreed on the ward's concerns: open by due date, then those closed lately."},
    )
    actions_more = fields.Integer(required=True, metadata={"minimum": 0})
    themes = fields.Nested(
        BriefThemes,
        required=True,
        metadata={"description": "The last 12 months: the ward against its authority and Cleveland."},
    )
    you_said_we_did = fields.Nested(
        BriefUpdate, required=True, allow_none=True, metadata={"description": 'The "You said, we did" published last.'}
    )
    priorities = _maybe(
        fields.String,
        metadata={"description": "What the ward's residents told the latest consultation with answers from it."},
    )
    recorded = _maybe(
        fields.String,
        metadata={"description": "police.uk's latest imported month in the ward, with police.uk's caveat."},
    )


class BriefMeetingRef(Schema):
    id = fields.UUID(required=True)
    kind_label = _str()
    ward_codes = fields.List(fields.String(), required=True)
    ward_names = fields.List(fields.String(), required=True)
    date = fields.Date(required=True)
    start_time = _maybe(fields.String, metadata={"pattern": r"^\d\d:\d\d$"})
    venue = _str()
    status = _str(metadata={"enum": list(MEETING_STATUSES)})
    is_demo = fields.Boolean(required=True)


class MeetingBrief(Schema):
    meeting = fields.Nested(BriefMeetingRef, required=True)
    prepared_on = fields.Date(required=True)
    source = _str(metadata={"enum": ["real", "demo"]})
    briefs = fields.List(fields.Nested(WardBriefAnswer), required=True, metadata={"description": "One per ward."})


class MapFilters(Schema):
    """The map's filters, as a query (every one may be left out) and as answered back."""

    from_ = fields.Date(data_key="from", metadata={"description": "Default: a year before `to`."})
    to = fields.Date(metadata={"description": "Default: today."})
    source = fields.String(metadata={"enum": ["real", "demo"]})
    category = fields.String()
    lad = fields.String()
    designation = fields.String(metadata={"enum": list(DESIGNATIONS)})
    status = fields.String(metadata={"description": "`open`, or one status: " + ", ".join(CONCERN_STATUSES)})


class WardCount(Schema):
    count = fields.Integer(required=True, metadata={"minimum": 0})
    meetings = fields.Integer(required=True, metadata={"minimum": 0})
    per_meeting = _maybe(fields.Float)


MEASURES = ("count", "per_meeting")


class MapClass(Schema):
    lower = fields.Float(required=True, metadata={"description": "The smallest figure in the class."})
    upper = fields.Float(required=True, metadata={"description": "The largest figure in the class."})
    label = _str(metadata={"example": "4–9"})
    wards = fields.Integer(required=True, metadata={"minimum": 1})


class MapWards(Schema):
    vintage = _str()
    filters = fields.Nested(MapFilters, required=True)
    measure = _str(metadata={"enum": list(MEASURES)})
    breaks = fields.List(fields.Float(), required=True, metadata={"description": "Each class's `upper`."})
    method = _str(metadata={"enum": list(BREAK_METHODS.values())})
    total = fields.Integer(required=True, metadata={"minimum": 0})
    wards = fields.Dict(keys=fields.String(), values=fields.Nested(WardCount), required=True)
    outside_selection = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "Wards the authority or designation filter leaves out (their count is 0)."},
    )
    demo = fields.Boolean(required=True)
    classes = fields.List(
        fields.Nested(MapClass),
        required=True,
        metadata={"description": "Classes over the figures above 0, lowest first; wards at 0 are in none."},
    )
    zero = fields.Integer(required=True, metadata={"minimum": 0, "description": "Wards whose figure is 0."})
    few_values = fields.Boolean(
        required=True, metadata={"description": "So few different figures that each has a class of its own."}
    )
    note = _maybe(fields.String)


class PriorityOption(Schema):
    id = fields.Integer(required=True)
    label = _str()


class MapConsultation(Schema):
    slug = _str()
    title = _str()
    opens_on = fields.Date(required=True)
    closes_on = fields.Date(required=True)
    threshold = fields.Integer(required=True, metadata={"minimum": 1})
    priorities = fields.List(fields.Nested(PriorityOption), required=True)


class WardPriority(Schema):
    responses = fields.Integer(required=True, metadata={"minimum": 1})
    share = _maybe(fields.Float, metadata={"description": "0 to 1; null below the consultation's threshold."})
    # "class" is a Python keyword: the field keeps its JSON name through data_key.
    class_ = _maybe(fields.Integer, data_key="class", metadata={"description": "Index into `classes`."})


class PriorityClass(Schema):
    upper = fields.Float(required=True)
    label = _str(metadata={"example": "21% to 40%"})
    wards = fields.Integer(required=True, metadata={"minimum": 0})


class MapPriorities(Schema):
    demo = fields.Boolean(required=True)
    consultations = fields.List(
        fields.Nested(MapConsultation), required=True, metadata={"description": "Those with responses, latest first."}
    )
    consultation = _maybe(fields.String, metadata={"description": "The one shown (its slug); null when none."})
    priority = fields.Nested(PriorityOption, required=True, allow_none=True)
    threshold = _maybe(fields.Integer)
    responses = fields.Integer(required=True, metadata={"minimum": 0})
    whole_share = _maybe(fields.Float)
    wards = fields.Dict(keys=fields.String(), values=fields.Nested(WardPriority), required=True)
    below_threshold = fields.List(
        fields.String(), required=True, metadata={"description": "Wards with responses but too few to give shares."}
    )
    classes = fields.List(fields.Nested(PriorityClass), required=True)


class MapHeat(Schema):
    filters = fields.Nested(MapFilters, required=True)
    demo = fields.Boolean(required=True)
    cell_degrees = fields.Float(required=True)
    zoom = fields.Integer(required=True, metadata={"minimum": 8, "maximum": 17})
    max = fields.Integer(required=True, metadata={"minimum": 0})
    points = fields.List(
        fields.List(
            fields.Float(),
            metadata={
                "minItems": 3,
                "maxItems": 3,
                "description": "[lat, lon, count]: a cell's centre and how many concerns it holds.",
            },
        ),
        required=True,
    )


class MapRecorded(Schema):
    """police.uk's recorded ASB per ward: context beside the concerns, never a ranking."""

    filters = fields.Nested(MapFilters, required=True)
    crime_type = _str(metadata={"example": "Anti-social behaviour"})
    months = fields.List(
        fields.Date(),
        required=True,
        metadata={"description": "The first day of each month imported in the period; none: nothing imported."},
    )
    wards = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(metadata={"minimum": 0}),
        required=True,
        metadata={"description": "Every current ward by code: the rows recorded in it over `months`."},
    )
    total = fields.Integer(required=True, metadata={"minimum": 0})
    demo = fields.Boolean(required=True)
    caveat = _str()
    classes = fields.List(fields.Nested(MapClass), required=True)
    zero = fields.Integer(required=True, metadata={"minimum": 0})
    few_values = fields.Boolean(required=True)
    note = _maybe(fields.String)


# --- query strings (documented here; read by the views' own parsers) --------------------


class VintageQuery(Schema):
    vintage = fields.String(
        metadata={"description": "A boundary set's vintage, e.g. 2018-12 (default: the current set)."}
    )


class WardsQuery(VintageQuery):
    resolution = fields.String(
        metadata={
            "enum": ["full", "display"],
            "description": "full (the default): the outlines points are located in. display: simplified "
            "together for drawing on a map (shared edges kept, no gaps between neighbours; about 25 m).",
        }
    )


class LocateQuery(VintageQuery):
    lon = fields.Float()
    lat = fields.Float()
    grid = fields.String(metadata={"example": "NZ 4966 1942"})


class MeetingsQuery(Schema):
    date = fields.Date(metadata={"description": "Only meetings on this day."})
    status = fields.String(
        metadata={
            "enum": list(MEETING_STATUSES),
            "description": "Only meetings of this status. `planned`: soonest first (officers see every "
            "planned meeting, as they hold them).",
        }
    )
    from_ = fields.Date(data_key="from", metadata={"description": "Only meetings on or after this day."})


class SameMeetingQuery(Schema):
    ward_code = fields.String(required=True, metadata={"examples": ["E05009857"]})
    date = fields.Date(required=True)
    venue = fields.String(metadata={"description": "Compared ignoring case and spacing; none: no meeting is the same."})


class ConcernsQuery(Schema):
    meeting = fields.String(metadata={"description": "Only concerns raised at this meeting (its UUID)."})


class MapWardsQuery(MapFilters):
    measure = fields.String(metadata={"enum": list(MEASURES)})
    breaks = fields.String(metadata={"enum": list(BREAK_METHODS)})


class MapPrioritiesQuery(Schema):
    consultation = fields.String(metadata={"description": "A consultation's slug; default: the latest with responses."})
    priority = fields.Integer(metadata={"description": "One of its priorities' ids; default: the most chosen."})
    source = fields.String(metadata={"enum": ["real", "demo"]})


class MapHeatQuery(MapFilters):
    zoom = fields.Integer(
        metadata={
            "minimum": -DATABASE_MAX_INTEGER,
            "maximum": DATABASE_MAX_INTEGER,
            "description": "Map zoom; 8 to 17 (outside: the nearest). Default 11; not a whole number, or one beyond "
            "what the database holds: 400.",
        }
    )


# --- actions (issue #21's actions, through the API) -------------------------------------


class ActionHistoryEntry(Schema):
    at = fields.DateTime(required=True)
    actor = _str(metadata={"description": "Who made the change, as they then were."})
    note = _str()
    status = _str(metadata={"description": "The status it set, or empty."})
    owner = _str(metadata={"description": "The owner it set, or empty."})
    due_date = _maybe(fields.Date, metadata={"description": "The due date it set, or null."})


class ActionAnswer(Schema):
    id = fields.Integer(required=True)
    title = _str()
    owner = _str(metadata={"description": 'As people say it: "A Smith (Redcar INT)", a team, or a name as minuted.'})
    due_date = _maybe(fields.Date)
    status = _str(metadata={"enum": ["open", "done", "dropped"]})
    overdue = fields.Boolean(required=True, metadata={"description": "Open and due before today (office time)."})
    dropped_reason = _str()
    closed_at = _maybe(fields.DateTime)
    concern_id = _maybe(fields.UUID, metadata={"description": "The concern it was agreed on, if any."})
    meeting_id = _maybe(fields.UUID, metadata={"description": "The partnership meeting it was minuted at, if any."})
    may_change = fields.Boolean(required=True, metadata={"description": "Whether this user may PATCH it."})
    version = fields.Integer(required=True, metadata={"description": "Send it back with a change."})
    updated_at = fields.DateTime(required=True)
    is_demo = fields.Boolean(required=True)
    history = fields.List(fields.Nested(ActionHistoryEntry), required=True, metadata={"description": "Oldest first."})


class ActionList(Schema):
    actions = fields.List(
        fields.Nested(ActionAnswer), required=True, metadata={"description": "Open first, by due date."}
    )
    page = fields.Integer(required=True)
    has_next = fields.Boolean(required=True)


class ActionsQuery(Schema):
    show = fields.String(
        metadata={"enum": ["mine", "teams", "overdue"], "description": "Default: every action the user may see."}
    )
    status = fields.String(metadata={"enum": ["open", "all"], "description": "Default: open."})
    source = fields.String(metadata={"enum": ["real", "demo"]})
    page = fields.Integer(metadata={"minimum": 1})
