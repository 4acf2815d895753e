"""Open311 GeoReport v2 over the concerns: what is published, and how a submitted
request becomes a concern. Plain values in and out; engage/open311 renders them as
JSON or XML. See docs/open311.md for the rules and the reasons for them.

What is never published: residents' own words (a request's `description` is its
category's label), contact details, demo data, exact positions (rounded to three
decimal places, about 100 m), and any "we did" text other than what staff published
for the concern in the ward's "You said, we did" (a team's own note never is).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.concerns.capture import ValidationFailed, raise_concern
from engage.concerns.models import CONCERN_STATUSES, Category, Concern
from engage.concerns.schemas import LONG_TEXT
from engage.concerns.workflow import OPEN_STATUSES
from engage.extensions import db
from engage.geography.boundaries import current_boundary_set
from engage.geography.ward_names import WardMatcher
from engage.open311.models import ConcernMedia
from engage.open311.photos import PhotoRefused, link_problem, photos_from
from engage.platform.db import utcnow
from engage.platform.parameters import BadParameter, whole_number
from engage.platform.text import text_problem
from engage.reports.updates import published_we_did
from engage.teams.models import Team
from geodata import GridRefError, parse_grid_reference

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"

FORMATS = {"xml": "text/xml", "json": "application/json"}

SUBMIT_ROLES = ("officer", "staff", "admin")

# The specification's "Response Volume": 90 days or 1000 requests, whichever is smaller.
WINDOW = timedelta(days=90)

MAX_PAGE_SIZE = 1000

# The specification's limit for the text a request carries. It applies to what engage
# publishes; what a client sends is stored whole (FixMyStreet sends the title, the
# report and its address in one description, and never shortens it).
MAX_DESCRIPTION = 4000

# Positions are published to 3 decimal places (~110 m north-south, ~65 m east-west
# here): enough to map a concern to a street, not to a front door.
POSITION_DECIMALS = 3

TRIAGE_AGENCY = "OPCC triage"

# Groups and keywords for the categories the migrations seed; a category added later
# gets group "other" and keywords from its label.
SERVICE_HINTS = {
    "off_road_bikes": ("anti-social behaviour", "off-road bikes, motorbikes, quads, scramblers, nuisance vehicles"),
    "youth_asb": ("anti-social behaviour", "youths, young people, gangs, intimidation, anti-social behaviour"),
    "neighbour_noise": ("anti-social behaviour", "neighbours, noise, parties, disputes"),
    "visible_policing": ("policing", "patrols, police presence, PCSO, neighbourhood officers"),
    "drugs": ("crime", "drug dealing, cannabis, drug use"),
    "burglary_theft": ("crime", "burglary, theft, break-ins, sheds, bikes"),
    "vehicle_crime": ("crime", "car crime, catalytic converters, theft from vehicles"),
    "fire_setting": ("crime", "arson, deliberate fires, bin fires, grass fires"),
    "speeding": ("roads", "speeding, road safety, racing, dangerous driving"),
    "parking": ("roads", "parking, pavement parking, school run, obstruction"),
    "fly_tipping": ("environment", "fly-tipping, litter, rubbish, dumping, waste"),
    "other": ("other", "other, street lighting, community safety"),
}


class Open311Error(Exception):
    """One or more errors in the specification's sense: an HTTP status and, for each,
    a code and a description meant for the person using the client."""

    def __init__(self, status: int, *descriptions: str):
        super().__init__("; ".join(descriptions))
        self.status = status
        self.errors = [{"code": status, "description": d} for d in descriptions]


def w3c(moment: datetime | None) -> str | None:
    """The W3C profile of ISO 8601 with its time zone: 2010-01-01T00:00:00Z."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_w3c(name: str, text: str) -> datetime:
    value = text.strip()
    # An unencoded '+' in a query string arrives as a space: 2010-01-01T00:00:00 01:00.
    if len(value) > 19 and value[19] == " ":
        value = value[:19] + "+" + value[20:]
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise Open311Error(400, f"{name} '{text}' is not a W3C date and time like 2010-01-01T00:00:00Z") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def open311_status(status: str) -> str:
    return "open" if status in OPEN_STATUSES else "closed"


# --- services -----------------------------------------------------------------------


def service_record(category: Category) -> dict:
    group, keywords = SERVICE_HINTS.get(category.code, ("other", category.label.lower().replace(" and ", ", ")))
    return {
        "service_code": category.code,
        "service_name": category.label,
        "description": f"{category.label}: a concern for the neighbourhood team of the ward it is in, "
        "raised with the Police & Crime Commissioner for Cleveland.",
        "metadata": False,
        "type": "realtime",
        "keywords": keywords,
        "group": group,
    }


def list_services() -> list[dict]:
    rows = db.session.scalars(
        sa.select(Category).where(Category.is_active).order_by(Category.sort_order, Category.code)
    ).all()
    return [service_record(c) for c in rows]


def active_category(code: str) -> Category | None:
    return db.session.scalar(sa.select(Category).where(Category.code == code, Category.is_active))


def service_definition(code: str) -> dict:
    if active_category(code) is None:
        raise Open311Error(404, f"service_code '{code}' was not found")
    return {"service_code": code, "attributes": []}


# --- reading requests -----------------------------------------------------------------


@dataclass
class RequestQuery:
    ids: list[str] | None = None
    service_codes: list[str] = field(default_factory=list)
    start: datetime | None = None
    end: datetime | None = None
    statuses: list[str] = field(default_factory=list)
    page: int = 1
    page_size: int = MAX_PAGE_SIZE


def _listed(args, name) -> list[str]:
    """'a,b' or a=..&a=.. (the specification allows both)."""
    values = []
    for raw in args.getlist(name) if hasattr(args, "getlist") else [args.get(name) or ""]:
        values += [v.strip() for v in (raw or "").split(",") if v.strip()]
    return values


def _whole(args, name, default, lo, hi) -> int:
    try:
        return whole_number(args, name, default, minimum=lo, maximum=hi)
    except BadParameter as exc:
        raise Open311Error(
            400, f"{name} must be a whole number from {lo} to {hi} (got '{args.get(name)[:40]}')"
        ) from exc


def parse_request_query(args, now: datetime | None = None) -> RequestQuery:
    now = now or utcnow()
    page, page_size = parse_paging(args)
    query = RequestQuery(page=page, page_size=page_size)
    ids = _listed(args, "service_request_id")
    if ids:
        # "This overrides all other arguments."
        query.ids = ids[:MAX_PAGE_SIZE]
        return query
    query.service_codes = _listed(args, "service_code")
    query.statuses = [s.lower() for s in _listed(args, "status")]
    unknown = [s for s in query.statuses if s not in ("open", "closed")]
    if unknown:
        raise Open311Error(400, f"status must be open or closed (got {', '.join(unknown)})")
    query.start, query.end = parse_window(args, now)
    return query


def parse_window(args, now: datetime) -> tuple[datetime, datetime]:
    """start_date and end_date, at most 90 days apart (the specification's "Response
    Volume"); the last 90 days when neither is given, 90 days from or to the one given."""
    start = parse_w3c("start_date", args["start_date"]) if (args.get("start_date") or "").strip() else None
    end = parse_w3c("end_date", args["end_date"]) if (args.get("end_date") or "").strip() else None
    if start is None and end is None:
        end, start = now, now - WINDOW
    elif start is None:
        start = end - WINDOW
    elif end is None:
        end = start + WINDOW
    if start > end:
        raise Open311Error(400, "start_date is after end_date")
    if end - start > WINDOW:
        raise Open311Error(400, "start_date to end_date may not span more than 90 days")
    return start.astimezone(UTC), end.astimezone(UTC)


def parse_paging(args) -> tuple[int, int]:
    return _whole(args, "page", 1, 1, 1_000_000), _whole(args, "page_size", MAX_PAGE_SIZE, 1, MAX_PAGE_SIZE)


def in_open311():
    """Which concerns Open311 shows, as requests and in their updates: every one but
    demo data."""
    return ~Concern.is_demo


def _published():
    return (
        sa.select(Concern)
        .where(in_open311())
        .options(so.joinedload(Concern.lead_team), so.joinedload(Concern.category), so.joinedload(Concern.ward))
    )


def find_requests(query: RequestQuery) -> list[Concern]:
    stmt = _published()
    newest_first = (Concern.raised_at.desc(), Concern.id)
    if query.ids is not None:
        stmt = stmt.where(Concern.id.in_([_as_uuid(i) for i in query.ids]))
    else:
        conditions = [in_open311(), Concern.raised_at >= query.start, Concern.raised_at <= query.end]
        if query.service_codes:
            conditions.append(
                Concern.category_id.in_(sa.select(Category.id).where(Category.code.in_(query.service_codes)))
            )
        stmt = stmt.where(*conditions)
        statuses = {"open": OPEN_STATUSES, "closed": tuple(s for s in CONCERN_STATUSES if s not in OPEN_STATUSES)}
        if len(set(query.statuses)) == 1:
            # Newest first per status, each along ix_concern_status_raised and only as
            # far as this page goes, then this page of their union: the same rows as
            # one scan by time, which would step over every concern of the other
            # statuses (for "closed", the whole last week) to find them.
            take = query.page * query.page_size
            arms = [
                sa.select(
                    sa.select(Concern.id)
                    .where(*conditions, Concern.status == status)
                    .order_by(*newest_first)
                    .limit(take)
                    .subquery()
                    .c.id
                )
                for status in statuses[query.statuses[0]]
            ]
            stmt = stmt.where(Concern.id.in_(sa.union_all(*arms)))
    stmt = stmt.order_by(*newest_first).limit(query.page_size).offset((query.page - 1) * query.page_size)
    return list(db.session.scalars(stmt).unique())


def find_request(request_id: str) -> Concern:
    concern = db.session.scalar(_published().where(Concern.id == _as_uuid(request_id)))
    if concern is None:
        raise Open311Error(404, f"service_request_id '{request_id}' was not found")
    return concern


def _as_uuid(text: str) -> str:
    try:
        return str(uuid.UUID(text.strip()))
    except ValueError:
        return text.strip()


def published_notes(concerns: list[Concern]) -> dict[str, str]:
    """concern id -> the "we did" text staff published for it in the ward's "You said,
    we did" (engage.reports.updates.published_we_did), never a team's own note."""
    return {i: within_limit(t) for i, t in published_we_did(concerns).items()}


def within_limit(text: str) -> str:
    """What engage publishes, within the specification's 4,000 characters: cut at a
    word if it must be."""
    if len(text) <= MAX_DESCRIPTION:
        return text
    cut = text[: MAX_DESCRIPTION - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[-200:] else cut) + "…"


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, POSITION_DECIMALS)


def request_record(concern: Concern, notes: dict[str, str]) -> dict:
    """One service request, with the specification's fields in its order."""
    return {
        "service_request_id": concern.id,
        "status": open311_status(concern.status),
        "status_notes": notes.get(concern.id),
        "service_name": concern.category.label,
        "service_code": concern.category.code,
        # Residents' own words are never published: the category stands in for them.
        "description": concern.category.label,
        "agency_responsible": concern.lead_team.name if concern.lead_team else TRIAGE_AGENCY,
        "service_notice": None,
        "requested_datetime": w3c(concern.raised_at),
        "updated_datetime": w3c(concern.updated_at),
        "expected_datetime": None,
        "address": concern.ward.name if concern.ward else None,
        "address_id": None,
        "zipcode": None,
        "lat": _rounded(concern.lat),
        "long": _rounded(concern.lon),
        "media_url": None,
    }


def request_records(concerns: list[Concern]) -> list[dict]:
    notes = published_notes(concerns)
    return [request_record(c, notes) for c in concerns]


# --- submitting a request -------------------------------------------------------------


@dataclass
class Submitted:
    concern: Concern
    service_notice: str

    def record(self) -> dict:
        return {"service_request_id": self.concern.id, "service_notice": self.service_notice, "account_id": None}


def media_sent(form, files) -> list[ConcernMedia]:
    """Photo files and photo addresses sent with a request or a comment, checked; the
    first wrong one is a 400 naming it, and nothing is stored."""
    links = []
    for url in (u.strip() for u in form.getlist("media_url") if u.strip()):
        if problem := link_problem(url):
            raise Open311Error(400, f"media_url: {problem} (got '{url[:80]}')")
        links.append(ConcernMedia(kind="link", url=url))
    try:
        photos = photos_from(files) if files else []
    except PhotoRefused as exc:
        raise Open311Error(400, f"media: {exc}") from None
    return [p.media() for p in photos] + links


def submit_request(form, user, files=None) -> Submitted:
    """A POSTed request, located, stored and routed as a captured concern is
    (`raise_concern`, channel 'open311'). Personal fields (email, names, phone,
    device and account ids) are not stored; the description is stored whole, photo
    files checked and re-encoded, photo addresses kept as text (engage.open311.photos).
    The caller commits."""
    code = (form.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, "service_code was not provided")
    category = active_category(code)
    if category is None:
        raise Open311Error(404, f"service_code '{code}' was not found")
    description = (form.get("description") or "").strip()
    if problem := text_problem(description):
        raise Open311Error(400, f"description: {problem}")
    media = media_sent(form, files)
    data = {"id": str(uuid.uuid4()), "category": code, "raised_at": utcnow().isoformat()}
    data.update(_location(form))
    unplaced = data.pop("_unplaced", None)
    text = description or f"{category.label} (no description given)"
    if unplaced:
        # Kept for whoever reviews it; never published (see request_record).
        text += f"\n\nLocation given: {unplaced}"
    # The capture contract's limit is for what an officer types; the whole text is
    # stored once the rest has passed it.
    data["description"] = text[:LONG_TEXT]
    try:
        concern, _ = raise_concern(data, user=user, channel="open311")
    except ValidationFailed as exc:
        raise Open311Error(400, *(f"{_spec_name(k)}: {v}" for k, v in exc.errors.items())) from exc
    concern.description = text
    for item in media:
        item.concern = concern
        db.session.add(item)
    lead = db.session.get(Team, concern.lead_team_id) if concern.lead_team_id else None
    if lead is not None:
        notice = f"Passed to {lead.name}, the team for this area."
    elif concern.needs_review:
        notice = "Received; the location could not be placed in a Cleveland ward, so the OPCC will review it."
    else:
        notice = "Received; the OPCC will pass it to the right team."
    return Submitted(concern, notice)


def _spec_name(field_name: str) -> str:
    return {"lon": "long", "grid_ref": "address_string", "ward_code": "address_string"}.get(field_name, field_name)


def _location(form) -> dict:
    lat, lon = (form.get("lat") or "").strip(), (form.get("long") or "").strip()
    address = (form.get("address_string") or "").strip()
    address_id = (form.get("address_id") or "").strip()
    for name, value in (("address_string", address), ("address_id", address_id)):
        if problem := text_problem(value):  # kept with the concern when not placed
            raise Open311Error(400, f"{name}: {problem}")
    if lat or lon:
        if not (lat and lon):
            raise Open311Error(400, "lat and long must be sent together")
        return {"lat": lat, "lon": lon, "location_source": "map"}
    if address:
        try:
            parse_grid_reference(address)
            return {"grid_ref": address[:24]}
        except GridRefError:
            pass
        boundary_set = current_boundary_set()
        match = WardMatcher(boundary_set).match(address) if boundary_set else None
        if match is not None and match.ward is not None:
            return {"ward_code": match.ward.code}
        return {"_unplaced": address[:400]}
    if address_id:
        # We have no address register to look an id up in: kept for review.
        return {"_unplaced": f"address_id {address_id[:100]}"}
    raise Open311Error(400, "a location was not provided: send lat and long, or address_string")
