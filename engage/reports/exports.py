"""Exports of concerns and meetings as CSV, XLSX and GeoJSON, streamed row by row so
100,000 concerns never sit in memory at once."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.accounts.policy import Scope, filter_concerns, filter_meetings
from engage.concerns.models import Category, Concern, Meeting
from engage.concerns.workflow import LABELS as STATUS_LABELS
from engage.demo.source import parse_source
from engage.extensions import db
from engage.geography.models import LocalAuthority, Ward
from engage.platform.audit import record_taken
from engage.platform.dates import day_range
from engage.reports.spreadsheet import Column, write_xlsx

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Each export's columns: the CSV keeps its column names and order (scripts and re-imports
# read them), labels beside the codes; the spreadsheet has the same data under headers in
# words, the words first and the codes after, for re-import.
CONCERN_SHEET = [
    Column("raised_at", "Raised at (UK time)", 18),
    Column("category_label", "Category", 28),
    Column("description", "What was raised", 60),
    Column("ward_name", "Ward", 22),
    Column("authority", "Local authority", 20),
    Column("status_label", "Status", 14),
    Column("lead_team", "Lead team", 30),
    Column("we_did", "What was done", 50),
    Column("residents", "Residents", 10),
    Column("priority", "Priority", 10),
    Column("grid_ref", "Grid reference", 15),
    Column("lon", "Longitude", 11),
    Column("lat", "Latitude", 11),
    Column("channel", "How it came in", 14),
    Column("needs_review", "Needs review", 12),
    Column("meeting_id", "Meeting id", 38),
    Column("vintage", "Boundary set", 12),
    Column("category", "Category code", 18),
    Column("status", "Status code", 14),
    Column("ward_code", "Ward code", 12),
    Column("id", "Concern id", 38),
    Column("is_demo", "Demo", 8),
]
CONTACT_SHEET = [
    Column("contact_name", "Contact name", 24),
    Column("contact_details", "Contact details", 28),
    Column("contact_consent_at", "Consent given at (UK time)", 18),
]
MEETING_SHEET = [
    Column("date", "Date", 12),
    Column("start_time", "Start time", 10),
    Column("kind", "Kind", 24),
    Column("status_label", "Status", 12),
    Column("ward_names", "Wards", 28),
    Column("venue", "Venue", 32),
    Column("attendance", "Attendance", 11),
    Column("pcc_attended", "PCC attended", 12),
    Column("police_partners", "Police and partners", 30),
    Column("notes", "Notes", 50),
    Column("ward_codes", "Ward codes", 14),
    Column("kind_code", "Kind code", 22),
    Column("status", "Status code", 12),
    Column("id", "Meeting id", 38),
    Column("is_demo", "Demo", 8),
]

CONCERN_COLUMNS = [
    "id",
    "raised_at",
    "category",
    "category_label",
    "description",
    "ward_code",
    "ward_name",
    "authority",
    "vintage",
    "lon",
    "lat",
    "grid_ref",
    "residents",
    "priority",
    "status",
    "status_label",
    "lead_team",
    "we_did",
    "meeting_id",
    "channel",
    "needs_review",
    "is_demo",
]

CONTACT_COLUMNS = ["contact_name", "contact_details", "contact_consent_at"]

MEETING_COLUMNS = [
    "id",
    "date",
    "start_time",
    "kind",
    "kind_code",
    "status",
    "status_label",
    "ward_codes",
    "ward_names",
    "venue",
    "attendance",
    "pcc_attended",
    "police_partners",
    "notes",
    "is_demo",
]


MEETING_STATUS_LABELS = {"planned": "Planned", "held": "Held", "cancelled": "Cancelled"}


def neutralise(value):
    """A cell a spreadsheet would run as a formula is written as text (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class ExportFilters:
    date_from: date | None = None
    date_to: date | None = None
    category: str | None = None
    ward: str | None = None
    lad: str | None = None
    status: str | None = None
    source: str = "real"

    @classmethod
    def from_args(cls, args, default_source: str = "real") -> tuple[ExportFilters, list[str]]:
        errors, days = [], {}
        for name in ("from", "to"):
            raw = args.get(name)
            if raw:
                try:
                    days[name] = date.fromisoformat(raw)
                except ValueError:
                    errors.append(f"{name}: '{raw}' is not a date like 2026-01-31")
        source, wrong = parse_source(args.get("source"), default_source)
        if wrong:
            errors.append(wrong)
        return cls(
            days.get("from"),
            days.get("to"),
            args.get("category") or None,
            (args.get("ward") or "").upper() or None,
            args.get("lad") or None,
            args.get("status") or None,
            source,
        ), errors

    def as_dict(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in self.__dict__.items() if v}


def concern_query(f: ExportFilters, scope: Scope):
    stmt = (
        sa.select(Concern)
        .outerjoin(Concern.ward)
        .outerjoin(Ward.local_authority)
        .where(Concern.is_demo.is_(f.source == "demo"))
        .options(
            so.contains_eager(Concern.ward).contains_eager(Ward.local_authority),
            so.joinedload(Concern.lead_team),
            so.joinedload(Concern.boundary_set),
        )
        .order_by(Concern.raised_at, Concern.id)
    )
    start, end = day_range(f.date_from, f.date_to)
    if start:
        stmt = stmt.where(Concern.raised_at >= start)
    if end:
        stmt = stmt.where(Concern.raised_at <= end)
    if f.category:
        stmt = stmt.where(
            Concern.category_id == sa.select(Category.id).where(Category.code == f.category).scalar_subquery()
        )
    if f.ward:
        stmt = stmt.where(Ward.code == f.ward)
    if f.lad:
        stmt = stmt.where(LocalAuthority.code == f.lad)
    if f.status:
        stmt = stmt.where(Concern.status == f.status)
    return filter_concerns(scope, stmt)


def concern_rows(f: ExportFilters, scope: Scope, with_contact: bool):
    stream = db.session.scalars(concern_query(f, scope).execution_options(yield_per=1000))
    for c in stream:
        row = {
            "id": c.id,
            "raised_at": c.raised_at,
            "category": c.category.code,
            "category_label": c.category.label,
            "description": c.description,
            "ward_code": c.ward.code if c.ward else "",
            "ward_name": c.ward.name if c.ward else "",
            "authority": c.ward.local_authority.name if c.ward else "",
            "vintage": c.boundary_set.vintage if c.boundary_set else "",
            "lon": c.lon,
            "lat": c.lat,
            "grid_ref": c.grid_ref or "",
            "residents": c.residents,
            "priority": c.priority,
            "status": c.status,
            "status_label": STATUS_LABELS.get(c.status, c.status),
            "lead_team": c.lead_team.name if c.lead_team else "triage",
            "we_did": c.we_did or "",
            "meeting_id": c.meeting_ref or "",
            "channel": c.channel,
            "needs_review": c.needs_review,
            "is_demo": c.is_demo,
        }
        if with_contact:
            consented = c.contact_consent
            row.update(
                contact_name=(c.contact_name or "") if consented else "",
                contact_details=(c.contact_details or "") if consented else "",
                contact_consent_at=c.contact_consent_at if consented and c.contact_consent_at else None,
            )
        yield row, c


def meeting_rows(f: ExportFilters, scope: Scope):
    stmt = sa.select(Meeting).where(Meeting.is_demo.is_(f.source == "demo")).order_by(Meeting.date, Meeting.id)
    if f.date_from:
        stmt = stmt.where(Meeting.date >= f.date_from)
    if f.date_to:
        stmt = stmt.where(Meeting.date <= f.date_to)
    if f.ward:
        stmt = stmt.where(Meeting.wards.any(Ward.code == f.ward))
    if f.lad:
        stmt = stmt.where(Meeting.wards.any(Ward.local_authority.has(LocalAuthority.code == f.lad)))
    if f.status:
        stmt = stmt.where(Meeting.status == f.status)
    for m in db.session.scalars(filter_meetings(scope, stmt).execution_options(yield_per=500)):
        yield (
            {
                "id": m.id,
                "date": m.date,
                "start_time": m.start_time.strftime("%H:%M") if m.start_time else "",
                "kind": m.kind_label,
                "kind_code": m.kind,
                "status": m.status,
                "status_label": MEETING_STATUS_LABELS.get(m.status, m.status),
                "ward_codes": ";".join(w.code for w in m.wards),
                "ward_names": ";".join(w.name for w in m.wards),
                "venue": m.venue,
                "attendance": m.attendance,
                "pcc_attended": m.pcc_attended,
                "police_partners": m.police_partners,
                "notes": m.notes,
                "is_demo": m.is_demo,
            },
            m,
        )


def stream_csv(columns, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    yield buffer.getvalue()
    for row, _ in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([neutralise(as_text(row[c])) for c in columns])
        yield buffer.getvalue()


def stream_geojson(rows, geometry_of):
    yield '{"type":"FeatureCollection","features":['
    first = True
    for row, obj in rows:
        properties = {k: v.isoformat() if isinstance(v, date | datetime) else v for k, v in row.items()}
        feature = {"type": "Feature", "properties": properties, "geometry": geometry_of(obj)}
        yield ("" if first else ",") + json.dumps(feature, default=str)
        first = False
    yield "]}"


def concern_point(c):
    return {"type": "Point", "coordinates": [c.lon, c.lat]} if c.lon is not None else None


def meeting_point(m):
    if m.venue_lon is not None:
        return {"type": "Point", "coordinates": [m.venue_lon, m.venue_lat]}
    if m.wards:
        return {"type": "Point", "coordinates": [m.wards[0].label_lon, m.wards[0].label_lat]}
    return None


def as_text(value):
    """A value as the CSV has always written it: ISO dates and moments, empty for none."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return "" if value is None else value


def xlsx(columns: list[Column], rows, sheet_title: str, note: str = ""):
    return write_xlsx(columns, rows, sheet_title, neutralise=neutralise, note=note)


def record_export(what: str, fmt: str, f: ExportFilters, with_contact: bool) -> None:
    record_taken(
        "export",
        f"{what}.{fmt}",
        f"Export of {what} ({fmt}){' with contact details' if with_contact else ''}",
        {"filters": f.as_dict(), "contact_details": with_contact},
    )
    db.session.commit()
