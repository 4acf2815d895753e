"""The ward register as people read it: wards grouped by authority, with designations."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from itertools import groupby

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.extensions import db
from engage.geography.models import BoundarySet, LocalAuthority, Ward
from geodata.display import display_outlines


@dataclass(frozen=True)
class RegisterEntry:
    ward: Ward
    designation: str | None
    designation_from: date | None
    designation_is_sample: bool

    @property
    def designation_label(self) -> str:
        """ "Strengthen", or "Strengthen (sample)": a sample designation says so wherever it
        shows (pages, reports, exports); "" when none is recorded."""
        if not self.designation:
            return ""
        return self.designation.capitalize() + (" (sample)" if self.designation_is_sample else "")

    def as_row(self) -> dict:
        return {
            "ward_code": self.ward.code,
            "ward_name": self.ward.name,
            "lad_code": self.ward.local_authority.code,
            "lad_name": self.ward.local_authority.name,
            "designation": self.designation or "",
        }


def register_entries(
    boundary_set: BoundarySet, on: date | None = None, scope=None, outlines: bool = False
) -> list[RegisterEntry]:
    """The wards of a set with the designation in force on a day; only those in
    `scope` (engage.accounts.policy) when one is given; with `outlines`, each
    ward's geometry is loaded in the same query (for `feature`)."""
    on = on or date.today()
    stmt = (
        sa.select(Ward)
        .join(Ward.local_authority)
        .where(Ward.boundary_set_id == boundary_set.id)
        .options(so.contains_eager(Ward.local_authority), so.selectinload(Ward.designations))
        .order_by(LocalAuthority.code, Ward.code)
    )
    if outlines:
        stmt = stmt.options(so.undefer(Ward.geometry))
    if scope is not None:
        stmt = scope.filter_wards(stmt)
    wards = db.session.scalars(stmt).all()
    entries = []
    for ward in wards:
        d = ward.designation_on(on)
        entries.append(
            RegisterEntry(ward, d.designation if d else None, d.effective_from if d else None, bool(d and d.is_sample))
        )
    return entries


def register_by_authority(entries: list[RegisterEntry]):
    """[(LocalAuthority, [RegisterEntry, ...]), ...] in authority code order."""
    return [(la, list(group)) for la, group in groupby(entries, key=lambda e: e.ward.local_authority)]


def feature(entry: RegisterEntry, geometry: dict | None = None) -> dict:
    properties = entry.as_row()
    properties["designation"] = entry.designation
    properties["designation_from"] = entry.designation_from.isoformat() if entry.designation_from else None
    properties["designation_is_sample"] = entry.designation_is_sample
    if geometry is None:
        geometry = json.loads(entry.ward.geometry)
    return {"type": "Feature", "properties": properties, "geometry": geometry}


# "full": the outlines as imported, which points are located in; "display": simplified
# together for drawing (geodata/display.py), about a fifth lighter over the wire.
RESOLUTIONS = ("full", "display")


def feature_collection(entries: list[RegisterEntry], boundary_set: BoundarySet, resolution: str = "full") -> dict:
    if resolution == "display":
        geometries = _display_outlines(boundary_set, tuple(e.ward.code for e in entries), [e.ward for e in entries])
    else:
        geometries = [None] * len(entries)
    return {
        "type": "FeatureCollection",
        "vintage": boundary_set.vintage,
        "attribution": boundary_set.attribution,
        "features": [feature(e, g) for e, g in zip(entries, geometries)],
    }


_display_cache: dict[tuple, list[dict]] = {}


def _display_outlines(boundary_set: BoundarySet, codes: tuple[str, ...], wards: list[Ward]) -> list[dict]:
    # Kept per set and wards (a re-import changes imported_at), so the maps' every load
    # does not parse and simplify the outlines again.
    key = (boundary_set.id, boundary_set.imported_at.isoformat(), codes)
    if key not in _display_cache:
        if len(_display_cache) > 8:
            _display_cache.clear()
        _display_cache[key] = display_outlines([w.geometry for w in wards])
    return _display_cache[key]
