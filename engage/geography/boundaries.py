"""Importing boundary sets (vintages) of wards into the register.

The CLI and (later) the admin screen are thin wrappers over `import_boundary_file`,
as MapIt's importer is: validate everything first, then write, so a bad file leaves
the database as it was.

A file whose coordinates cannot be what it says they are is refused by
`geodata.read_boundaries`. One that reads well but lies outside the current set's wards
is imported with a warning (ImportResult.warnings), and making a set current first
checks that places the current set locates (its wards' centres, where recent concerns
were raised) still lie in the new set's wards: refused when most do not, a warning
naming them when some do not.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

import numpy as np
import shapely
import sqlalchemy as sa
import sqlalchemy.orm as so
from shapely.geometry import mapping

from engage.concerns.models import Concern
from engage.extensions import db
from engage.geography.locating import locator_for
from engage.geography.models import BoundarySet, LocalAuthority, Ward
from geodata import CLEVELAND_LADS

OGL_ATTRIBUTION = (
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
    "Contains OS data © Crown copyright and database right"
)

# What ../shared/geodata/README.md says of the files it ships.
KNOWN_ATTRIBUTIONS = {
    "wards-2018-12.geojson": f"{OGL_ATTRIBUTION} 2013 and 2019.",
    "wards-2013-12.geojson": f"{OGL_ATTRIBUTION} 2013.",
}


class BoundaryImportError(ValueError):
    """A boundary file that cannot be imported; the message says what and where."""


@dataclass
class ImportResult:
    vintage: str
    created: int = 0
    unchanged: bool = False
    made_current: bool = False
    skipped_outside: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # for the person importing, before anything else

    def summary(self) -> str:
        if self.unchanged:
            text = f"Boundary set {self.vintage} is already imported with the same wards: nothing changed."
        else:
            text = f"Imported {self.created} wards as boundary set {self.vintage}."
        if self.made_current:
            text += f" {self.vintage} is now the current set."
        if self.skipped_outside and not self.unchanged:
            text += f" Left out {len(self.skipped_outside)} wards of other authorities."
        return text


# The look-ups of a boundary set and of wards by code: every caller asks here.


def current_boundary_set() -> BoundarySet | None:
    return db.session.scalar(sa.select(BoundarySet).where(BoundarySet.is_current))


def boundary_set_for(vintage: str | None) -> BoundarySet | None:
    """The named vintage, or the current set when none is named."""
    if vintage is None:
        return current_boundary_set()
    return db.session.scalar(sa.select(BoundarySet).where(BoundarySet.vintage == vintage))


def wards_by_code(boundary_set: BoundarySet | None, codes) -> dict[str, Ward]:
    """The wards of the set with these GSS codes, by code (codes as stored: upper case);
    a code the set lacks is simply not in the answer. No set: none."""
    if boundary_set is None or not codes:
        return {}
    rows = db.session.scalars(
        sa.select(Ward).where(Ward.boundary_set_id == boundary_set.id, Ward.code.in_(set(codes)))
    ).all()
    return {w.code: w for w in rows}


def find_ward(boundary_set: BoundarySet | None, code: str) -> Ward | None:
    """The ward of the set with this GSS code, in any case; None without a set or such a ward."""
    code = code.upper()
    return wards_by_code(boundary_set, [code]).get(code)


def geometry_text(geom) -> str:
    # 7 decimal places (about 1 cm), as the shared files are written, so that an
    # identical file re-imported compares equal and shared edges stay shared.
    rounded = shapely.transform(geom, lambda xy: np.round(xy, 7))
    return json.dumps(mapping(rounded), separators=(",", ":"))


def import_boundary_file(
    path: str,
    vintage: str | None = None,
    authorities: tuple[str, ...] | None = CLEVELAND_LADS,
    make_current: bool = False,
    source: str | None = None,
    attribution: str | None = None,
) -> ImportResult:
    from geodata import BoundaryFileError, read_boundaries  # heavy (geopandas): loaded on first use (issue #20)

    try:
        boundary_file = read_boundaries(path)
    except BoundaryFileError as exc:
        raise BoundaryImportError(str(exc)) from exc

    vintage = vintage or boundary_file.vintage
    if not vintage:
        raise BoundaryImportError(
            f"{os.path.basename(path)}: cannot tell which vintage these wards are "
            "(no 'vintage' column and no YYYY-MM in the file name); give --vintage, e.g. --vintage 2018-12"
        )

    records = _with_authorities(boundary_file.wards, os.path.basename(path))
    skipped = []
    if authorities:
        wanted = set(authorities)
        skipped = [r.code for r in records if r.lad_code not in wanted]
        records = [r for r in records if r.lad_code in wanted]
        if not records:
            raise BoundaryImportError(
                f"{os.path.basename(path)}: none of its {len(boundary_file.wards)} wards is in the "
                f"authorities {', '.join(authorities)}"
            )

    result = ImportResult(vintage=vintage, skipped_outside=skipped)
    result.warnings += outside_current_area(records, vintage)
    existing = boundary_set_for(vintage)
    if existing is not None:
        _check_same_content(existing, records, os.path.basename(path))
        result.unchanged = True
        boundary_set = existing
    else:
        boundary_set = BoundarySet(
            vintage=vintage,
            source=source or os.path.abspath(path),
            attribution=attribution or KNOWN_ATTRIBUTIONS.get(os.path.basename(path), OGL_ATTRIBUTION + "."),
        )
        db.session.add(boundary_set)
        authorities_by_code = _authorities_for(records)
        for record in records:
            point = record.geometry.representative_point()
            db.session.add(
                Ward(
                    boundary_set=boundary_set,
                    code=record.code,
                    name=record.name,
                    local_authority=authorities_by_code[record.lad_code],
                    geometry=geometry_text(record.geometry),
                    label_lon=round(point.x, 7),
                    label_lat=round(point.y, 7),
                )
            )
        result.created = len(records)

    if (make_current or current_boundary_set() is None) and not boundary_set.is_current:
        result.warnings += make_boundary_set_current(boundary_set)
        result.made_current = True
    return result


def make_boundary_set_current(boundary_set: BoundarySet) -> list[str]:
    """Make `boundary_set` the one new concerns are located in. Raises
    BoundaryImportError, changing nothing, when most places the current set locates lie
    outside its wards; returns warnings naming those that do when only some do."""
    previous = current_boundary_set()
    warnings = []
    if previous is not None and previous is not boundary_set:
        warnings = _check_places_locate(boundary_set, previous)
        previous.is_current = False
        # Flush first: the partial unique index allows one current set at a time.
        db.session.flush()
    boundary_set.is_current = True
    db.session.flush()
    return warnings


# How many recent concerns' positions join the current wards' centres as the sample.
SAMPLE_CONCERNS = 200


def sample_places(boundary_set: BoundarySet) -> list[tuple[str, float, float]]:
    """(what, lon, lat) of places `boundary_set` locates: each ward's label point, and
    the positions of the latest concerns located in it."""

    places = [
        (f"the centre of ward {code} ({name})", lon, lat)
        for code, name, lon, lat in db.session.execute(
            sa.select(Ward.code, Ward.name, Ward.label_lon, Ward.label_lat)
            .where(Ward.boundary_set_id == boundary_set.id)
            .order_by(Ward.code)
        )
    ]
    places += [
        (f"concern {concern_id} at {lon:.5f}, {lat:.5f}", lon, lat)
        for concern_id, lon, lat in db.session.execute(
            sa.select(Concern.id, Concern.lon, Concern.lat)
            .where(Concern.boundary_set_id == boundary_set.id, Concern.ward_id.is_not(None), Concern.lon.is_not(None))
            .order_by(Concern.raised_at.desc())
            .limit(SAMPLE_CONCERNS)
        )
    ]
    return places


def _check_places_locate(boundary_set: BoundarySet, previous: BoundarySet) -> list[str]:

    places = sample_places(previous)
    if not places:
        return []
    db.session.flush()  # the new set's wards, for its locator
    codes = locator_for(boundary_set).codes_at([lon for _, lon, _ in places], [lat for _, _, lat in places])
    lost = [what for (what, _, _), code in zip(places, codes) if code is None]
    if not lost:
        return []
    shown = "; ".join(lost[:5]) + (f"; and {len(lost) - 5} more" if len(lost) > 5 else "")
    if len(lost) * 2 > len(places):
        raise BoundaryImportError(
            f"{boundary_set.vintage} cannot be made current: {len(lost)} of {len(places)} places the current set "
            f"{previous.vintage} locates lie outside all of its wards ({shown}). Is it the right area, in the "
            "right coordinate system? Nothing was changed."
        )
    return [
        f"{len(lost)} of {len(places)} places the current set {previous.vintage} locates lie outside every "
        f"ward of {boundary_set.vintage}, which is now current: {shown}. Concerns raised there will be "
        "flagged for review."
    ]


def outside_current_area(records, vintage: str) -> list[str]:
    """A warning when wards of a file lie outside every ward of the current set (each
    ward's representative point is tried): a new vintage covers the same area."""
    current = current_boundary_set()
    if current is None or current.vintage == vintage or not records:
        return []

    located = locator_for(current)
    points = [r.geometry.representative_point() for r in records]
    codes = located.codes_at([p.x for p in points], [p.y for p in points])
    outside = [r.code for r, code in zip(records, codes) if code is None]
    if not outside:
        return []
    if len(outside) == len(records):
        minx, miny, maxx, maxy = shapely.total_bounds([r.geometry for r in records])
        cminx, cminy, cmaxx, cmaxy = located.locator.bounds
        return [
            f"none of the {len(records)} wards of {vintage} lies within the wards of the current set "
            f"{current.vintage}: they span longitude {minx:.4f} to {maxx:.4f}, latitude {miny:.4f} to "
            f"{maxy:.4f}; the current set spans {cminx:.4f} to {cmaxx:.4f}, {cminy:.4f} to {cmaxy:.4f}. "
            "Check the file and its coordinate system before making it current."
        ]
    shown = ", ".join(outside[:10]) + (f" and {len(outside) - 10} more" if len(outside) > 10 else "")
    return [
        f"{len(outside)} of the {len(records)} wards of {vintage} lie outside every ward of the current set "
        f"{current.vintage}: {shown}."
    ]


def _with_authorities(records, filename):
    """Records whose authority is known. ONS ward boundary files often carry no LAD
    columns; then each ward takes the authority of the current set's ward that holds
    its representative point, so a new vintage can be read against the old one."""
    if all(r.lad_code for r in records):
        return records
    current = current_boundary_set()
    if current is None:
        raise BoundaryImportError(
            f"{filename}: no local authority columns (LADyyCD/LADyyNM or lad_code/lad_name) "
            "and no current boundary set to take the authorities from"
        )

    located = locator_for(current)
    out = []
    for r in records:
        if r.lad_code:
            out.append(r)
            continue
        point = r.geometry.representative_point()
        info = located.ward_at(point.x, point.y)
        if info is None:
            out.append(r)  # outside the current set: falls to the authority filter
            continue
        out.append(type(r)(r.code, r.name, info.lad_code, info.lad_name, r.geometry))
    return out


def _authorities_for(records) -> dict[str, LocalAuthority]:
    found = {}
    for record in records:
        if record.lad_code in found:
            continue
        authority = db.session.scalar(sa.select(LocalAuthority).where(LocalAuthority.code == record.lad_code))
        if authority is None:
            authority = LocalAuthority(code=record.lad_code, name=record.lad_name or record.lad_code)
            db.session.add(authority)
        found[record.lad_code] = authority
    return found


def _check_same_content(boundary_set, records, filename):
    stored = {
        w.code: w
        for w in db.session.scalars(
            sa.select(Ward).where(Ward.boundary_set_id == boundary_set.id).options(so.undefer(Ward.geometry))
        )
    }
    incoming = {r.code: r for r in records}
    if stored.keys() != incoming.keys():
        added = sorted(incoming.keys() - stored.keys())
        missing = sorted(stored.keys() - incoming.keys())
        raise BoundaryImportError(
            f"{filename}: boundary set {boundary_set.vintage} already exists with different wards "
            f"(new: {', '.join(added) or 'none'}; not in file: {', '.join(missing) or 'none'}). "
            "A vintage is never changed once imported; import it under a new --vintage."
        )
    changed = sorted(
        code
        for code, r in incoming.items()
        if geometry_text(r.geometry) != stored[code].geometry or r.name != stored[code].name
    )
    if changed:
        raise BoundaryImportError(
            f"{filename}: boundary set {boundary_set.vintage} already exists and these wards differ: "
            f"{', '.join(changed[:10])}{' …' if len(changed) > 10 else ''}. "
            "A vintage is never changed once imported; import it under a new --vintage."
        )


def ensure_default_boundaries(geodata_dir: str, filename: str) -> ImportResult | None:
    """First run: import the default set when the database has no boundary set at all."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(BoundarySet)):
        return None
    path = os.path.join(geodata_dir, filename)
    if not os.path.exists(path):
        raise BoundaryImportError(
            f"the default boundary file {path} is missing: put ../shared/geodata beside the "
            "project or set ENGAGE_GEODATA_DIR to the folder that holds it"
        )
    return import_boundary_file(path, make_current=True)
