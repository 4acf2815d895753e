"""Exports of concerns and meetings as CSV, XLSX and GeoJSON, streamed row by row so
100,000 concerns never sit in memory at once."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.accounts.policy import Scope, filter_concerns, filter_meetings
from engage.concerns.models import Category, Concern, Meeting
from engage.demo.source import parse_source
from engage.extensions import db
from engage.geography.models import LocalAuthority, Ward
from engage.platform.audit import AuditEvent, current_actor
from engage.platform.dates import day_range
from engage.platform.db import utcnow
from engage.platform.text import printable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CONCERN_COLUMNS = [
    "id",
    "raised_at",
    "category",
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
    "status",
    "ward_codes",
    "ward_names",
    "venue",
    "attendance",
    "pcc_attended",
    "police_partners",
    "notes",
    "is_demo",
]


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
            "raised_at": c.raised_at.isoformat(),
            "category": c.category.code,
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
                contact_consent_at=c.contact_consent_at.isoformat() if consented and c.contact_consent_at else "",
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
                "date": m.date.isoformat(),
                "start_time": m.start_time.strftime("%H:%M") if m.start_time else "",
                "kind": m.kind_label,
                "status": m.status,
                "ward_codes": ";".join(w.code for w in m.wards),
                "ward_names": ";".join(w.name for w in m.wards),
                "venue": m.venue,
                "attendance": m.attendance if m.attendance is not None else "",
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
        writer.writerow([neutralise(row[c]) for c in columns])
        yield buffer.getvalue()


def stream_geojson(rows, geometry_of):
    yield '{"type":"FeatureCollection","features":['
    first = True
    for row, obj in rows:
        feature = {"type": "Feature", "properties": row, "geometry": geometry_of(obj)}
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


def write_xlsx(columns, rows, sheet_title: str):
    """A write-only workbook, spooled to a temporary file rather than held in memory."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    sheet.append(columns)
    for row, _ in rows:
        # printable first: openpyxl refuses control characters (stored before they
        # were refused at input), and the formula check must see what is written.
        sheet.append([neutralise(printable(row[c])) for c in columns])
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    workbook.save(spool)
    spool.seek(0)
    return spool


def record_export(what: str, fmt: str, f: ExportFilters, with_contact: bool) -> None:
    actor_id, actor = current_actor()
    db.session.execute(
        sa.insert(AuditEvent.__table__).values(
            at=utcnow(),
            actor_id=actor_id,
            actor=actor,
            action="create",
            entity="export",
            entity_id=f"{what}.{fmt}",
            label=f"Export of {what} ({fmt}){' with contact details' if with_contact else ''}",
            changes={"filters": [None, f.as_dict()], "contact_details": [None, with_contact]},
        )
    )
    db.session.commit()
