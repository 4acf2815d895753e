"""The Section 59 register: reading one warning as staff type it or a file holds it,
placing it in a ward, storing it, and listing the register.

A warning's position is an OS grid reference or a latitude and longitude; either is
located in the current boundary set (engage/geography/locating.py). One outside every
ward, or with no position, is kept with no ward and flagged on the list, for someone to
look at: it is a real warning, only not one a ward's figures can count. No person's name
is ever asked for or stored. The CSV import is engage/records/section59_import.py; who
sees what, engage/accounts/policy.py (`filter_section59`). The caller commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.accounts.policy import Scope, filter_section59
from engage.concerns.import_meetings import CellError, parse_day
from engage.extensions import db
from engage.geography.boundaries import current_boundary_set
from engage.geography.locating import locator_for
from engage.geography.models import BoundarySet, LocalAuthority, Ward
from engage.platform.csv_rows import cell_problem
from engage.records.models import S59_OUTCOMES, S59_VEHICLES, Section59Warning
from geodata import CoordinateError, GridRefError, bng_to_wgs84, parse_grid_reference, validate_lonlat

# The Police Reform Act 2002 brought Section 59 in: an earlier date is a typing slip.
EARLIEST = date(2002, 10, 1)

MAX_REFERENCE, MAX_PLACE = 40, 200

# Great Britain, roughly: a latitude and longitude outside it are most often swapped.
GB_LATITUDES, GB_LONGITUDES = (49.0, 61.0), (-9.0, 2.5)

# What people write for each vehicle and outcome, besides the register's own words.
VEHICLE_WORDS = {
    **{k: k for k in S59_VEHICLES},
    **{v.casefold(): k for k, v in S59_VEHICLES.items()},
    "motorcycle": "motorbike",
    "motor bike": "motorbike",
    "motor cycle": "motorbike",
    "off-road bike": "motorbike",
    "quad bike": "quad",
    "atv": "quad",
}
OUTCOME_WORDS = {
    **{k: k for k in S59_OUTCOMES},
    **{v.casefold(): k for k, v in S59_OUTCOMES.items()},
    "warned": "warning",
    "seized": "seizure",
}

# The fields of a warning, as the form names them and as a file's columns are headed.
FIELDS = ("reference", "date", "place", "grid_ref", "latitude", "longitude", "vehicle", "outcome")


class Section59Refused(ValueError):
    """A warning that cannot be stored: `problems` says why, by field."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))


@dataclass(frozen=True)
class WarningFacts:
    """One warning as read, checked and placed, before it is stored."""

    reference: str
    occurred_on: date
    place: str
    vehicle_type: str
    outcome: str
    lon: float | None = None
    lat: float | None = None
    grid_ref: str | None = None
    ward_id: int | None = None


def _text(values: Mapping, name: str) -> str:
    value = values.get(name)
    return "" if value is None else " ".join(str(value).split())


def _sentence(text: str) -> str:
    return f"{text[:1].upper()}{text[1:]}."


def read_warning(values: Mapping, today: date) -> tuple[WarningFacts | None, dict[str, str]]:
    """A warning from text by field (FIELDS), checked: (the facts, with no ward yet, or
    None; a message per field that is wrong, {} when none is)."""
    problems: dict[str, str] = {}
    for name in FIELDS:
        fault = cell_problem(values.get(name))
        if fault:
            problems[name] = _sentence(fault)
    reference = _text(values, "reference")
    if "reference" not in problems:
        if not reference:
            problems["reference"] = "Give the reference number from the force system."
        elif len(reference) > MAX_REFERENCE:
            problems["reference"] = f"A reference has at most {MAX_REFERENCE} characters; this has {len(reference)}."
    place = _text(values, "place")
    if "place" not in problems and len(place) > MAX_PLACE:
        problems["place"] = f"Say where in at most {MAX_PLACE} characters; this has {len(place)}."
    occurred_on = _read_day(_text(values, "date"), today, problems)
    vehicle = _choice(values, "vehicle", VEHICLE_WORDS, S59_VEHICLES, problems)
    outcome = _choice(values, "outcome", OUTCOME_WORDS, S59_OUTCOMES, problems)
    position = _read_position(values, problems)
    if problems:
        return None, problems
    lon, lat, grid_ref = position
    return WarningFacts(reference, occurred_on, place, vehicle, outcome, lon, lat, grid_ref), {}


def _read_day(text: str, today: date, problems: dict) -> date | None:
    if "date" in problems:
        return None
    if not text:
        problems["date"] = "Give the date of the warning, like 2026-07-15 or 15/07/2026."
        return None
    try:
        day = parse_day(text)
    except CellError as exc:
        problems["date"] = _sentence(str(exc))
        return None
    if day > today:
        problems["date"] = f"{day:%-d %B %Y} is after today: give the day the warning was given."
    elif day < EARLIEST:
        problems["date"] = f"{day:%-d %B %Y} is before Section 59 came into force (October 2002)."
    return day


def _choice(values: Mapping, name: str, words: dict, labels: dict, problems: dict) -> str | None:
    text = _text(values, name)
    if name in problems:
        return None
    found = words.get(text.casefold())
    if found is None:
        offered = ", ".join(labels.values())
        problems[name] = f"Choose one of: {offered}." if not text else f"'{text}' is not one of: {offered}."
    return found


def _read_position(values: Mapping, problems: dict) -> tuple[float | None, float | None, str | None]:
    """(lon, lat, grid reference): from a grid reference (its square's centre), or a
    latitude and longitude, or nothing at all (kept, flagged)."""
    grid, lat_text, lon_text = _text(values, "grid_ref"), _text(values, "latitude"), _text(values, "longitude")
    if {"grid_ref", "latitude", "longitude"} & problems.keys():
        return None, None, None
    if grid and (lat_text or lon_text):
        problems["grid_ref"] = "Give a grid reference or a latitude and longitude, not both."
        return None, None, None
    if grid:
        try:
            easting, northing = parse_grid_reference(grid)
        except GridRefError as exc:
            problems["grid_ref"] = _sentence(str(exc).replace("grid reference", "Grid reference", 1))
            return None, None, None
        lon, lat = bng_to_wgs84(easting, northing)
        return round(float(lon), 6), round(float(lat), 6), "".join(grid.split()).upper()
    if not (lat_text or lon_text):
        return None, None, None
    for name, text in (("latitude", lat_text), ("longitude", lon_text)):
        if not text:
            problems[name] = f"Give the {name} too, or neither."
    if problems:
        return None, None, None
    try:
        lon, lat = validate_lonlat(lon_text, lat_text)
    except CoordinateError as exc:
        name = "latitude" if str(exc).startswith("lat") else "longitude"
        problems[name] = _sentence(str(exc).replace("lat ", "Latitude ").replace("lon ", "Longitude "))
        return None, None, None
    if not (GB_LATITUDES[0] <= lat <= GB_LATITUDES[1] and GB_LONGITUDES[0] <= lon <= GB_LONGITUDES[1]):
        swapped = GB_LATITUDES[0] <= lon <= GB_LATITUDES[1]
        problems["latitude"] = f"Latitude {lat:g} and longitude {lon:g} are not in Great Britain" + (
            ": are they the wrong way round? Cleveland is about latitude 54.5, longitude -1.2." if swapped else "."
        )
        return None, None, None
    return lon, lat, None


class WardPlacer:
    """Places positions in the current boundary set's wards (one lookup of its codes)."""

    def __init__(self, boundary_set: BoundarySet | None = None):
        self.boundary_set = boundary_set or current_boundary_set()
        self._ids: dict[str, int] | None = None

    def ward_id(self, lon: float | None, lat: float | None) -> int | None:
        if lon is None or lat is None or self.boundary_set is None:
            return None
        found = locator_for(self.boundary_set).ward_at(lon, lat)
        if found is None:
            return None
        if self._ids is None:
            self._ids = dict(
                db.session.execute(
                    sa.select(Ward.code, Ward.id).where(Ward.boundary_set_id == self.boundary_set.id)
                ).all()
            )
        return self._ids.get(found.ward_code)

    def place(self, facts: WarningFacts) -> WarningFacts:
        return replace(facts, ward_id=self.ward_id(facts.lon, facts.lat))


def store_warning(facts: WarningFacts, *, source: str, actor: str = "", is_demo: bool = False) -> Section59Warning:
    warning = Section59Warning(
        reference=facts.reference,
        occurred_on=facts.occurred_on,
        place=facts.place,
        lon=facts.lon,
        lat=facts.lat,
        grid_ref=facts.grid_ref,
        ward_id=facts.ward_id,
        vehicle_type=facts.vehicle_type,
        outcome=facts.outcome,
        source=source,
        created_by=actor,
        is_demo=is_demo,
    )
    db.session.add(warning)
    return warning


def stored_references(references) -> dict[str, Section59Warning]:
    """The warnings already in the register under any of these references."""
    references = list(references)
    if not references:
        return {}
    rows = db.session.scalars(sa.select(Section59Warning).where(Section59Warning.reference.in_(references)))
    return {w.reference: w for w in rows}


def add_warning(values: Mapping, *, today: date, actor: str) -> Section59Warning:
    """One warning as staff type it on the form; Section59Refused says what is wrong."""
    facts, problems = read_warning(values, today)
    if facts is not None:
        existing = stored_references([facts.reference]).get(facts.reference)
        if existing is not None:
            problems["reference"] = (
                f"{facts.reference} is already in the register (a {S59_OUTCOMES[existing.outcome].lower()} "
                f"of {existing.occurred_on:%-d %B %Y}): check the number."
            )
    if problems:
        raise Section59Refused(problems)
    warning = store_warning(WardPlacer().place(facts), source="entered", actor=actor)
    db.session.flush()
    return warning


# --- the list --------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterFilters:
    ward_id: int | None = None
    lad: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    vehicle: str | None = None
    outcome: str | None = None
    # Only those outside every ward or with no position, to look at.
    unplaced: bool = False
    is_demo: bool = False
    errors: dict[str, str] = field(default_factory=dict, compare=False)


def register_statement(scope: Scope, f: RegisterFilters):
    """The register's rows this user may see under these filters, latest first."""
    stmt = filter_section59(scope, sa.select(Section59Warning)).where(Section59Warning.is_demo.is_(f.is_demo))
    if f.ward_id is not None:
        stmt = stmt.where(Section59Warning.ward_id == f.ward_id)
    if f.lad:
        stmt = stmt.where(
            Section59Warning.ward_id.in_(
                sa.select(Ward.id).join(Ward.local_authority).where(LocalAuthority.code == f.lad)
            )
        )
    if f.date_from:
        stmt = stmt.where(Section59Warning.occurred_on >= f.date_from)
    if f.date_to:
        stmt = stmt.where(Section59Warning.occurred_on <= f.date_to)
    if f.vehicle:
        stmt = stmt.where(Section59Warning.vehicle_type == f.vehicle)
    if f.outcome:
        stmt = stmt.where(Section59Warning.outcome == f.outcome)
    if f.unplaced:
        stmt = stmt.where(Section59Warning.ward_id.is_(None))
    return stmt.order_by(Section59Warning.occurred_on.desc(), Section59Warning.reference)


def list_warnings(scope: Scope, f: RegisterFilters, limit: int = 500) -> tuple[list[Section59Warning], int]:
    """(the latest `limit` warnings, how many match in all)."""
    stmt = register_statement(scope, f)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.scalars(
        stmt.options(so.joinedload(Section59Warning.ward).joinedload(Ward.local_authority)).limit(limit)
    ).all()
    return list(rows), total or 0
