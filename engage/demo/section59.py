"""Demo Section 59 warnings and seizures, where the demo concerns about off-road bikes are:
a few near each such concern, weeks after it was raised, and a hotspot on Eston Hills
(Eston and the wards around it), so the off-road vehicles view shows the two together on
a new install. Every row is source "demo" and is_demo, never counted with real ones
(engage/demo/source.py); references start DEMO- and are derived from a fixed seed, so
loading twice adds nothing the second time.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

import shapely
import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.concerns.models import Category, Concern
from engage.demo.activity import _point_in
from engage.extensions import db
from engage.geography.boundaries import current_boundary_set
from engage.geography.locating import locator_for
from engage.geography.models import Ward
from engage.records.models import Section59Warning
from engage.records.section59 import WardPlacer, WarningFacts, store_warning, stored_references

NAMESPACE = uuid.UUID("0d5b59a1-7c33-4e2b-8f0e-5f9a3c2d1b59")

ESTON = "E05001508"

# Eston Hills: the riders' favourite, and so Operation Endurance's.
HOTSPOT = {"ward": 8, "neighbour": 3}

PLACES = [
    "Eston Hills",
    "the old quarry track",
    "the playing fields",
    "the beck footpath",
    "the railway path",
    "the back lanes",
    "the park",
    "the allotments",
]


def _reference(*parts) -> str:
    return "DEMO-S59-" + uuid.uuid5(NAMESPACE, "/".join(map(str, parts))).hex[:8].upper()


def _facts(reference: str, day: date, lon: float, lat: float, rng: random.Random) -> WarningFacts:
    return WarningFacts(
        reference=reference,
        occurred_on=day,
        place=rng.choice(PLACES),
        vehicle_type=rng.choices(["motorbike", "quad", "car"], weights=[14, 5, 1])[0],
        outcome="seizure" if rng.random() < 0.25 else "warning",
        lon=round(lon, 6),
        lat=round(lat, 6),
    )


def _near_concerns(today: date) -> list[WarningFacts]:
    """One to three warnings within a few hundred metres of each demo off-road concern,
    three days to two months after it (none after today)."""
    category = sa.select(Category.id).where(Category.code == "off_road_bikes").scalar_subquery()
    concerns = db.session.execute(
        sa.select(Concern.id, Concern.lon, Concern.lat, Concern.raised_at)
        .where(Concern.is_demo, Concern.category_id == category, Concern.lon.isnot(None))
        .order_by(Concern.id)
    ).all()
    found = []
    for c in concerns:
        rng = random.Random(f"s59/{c.id}")
        for n in range(rng.randint(1, 3)):
            day = min(c.raised_at.date() + timedelta(days=rng.randint(3, 60)), today)
            lon, lat = c.lon + rng.uniform(-0.005, 0.005), c.lat + rng.uniform(-0.003, 0.003)
            found.append(_facts(_reference("concern", c.id, n), day, lon, lat, rng))
    return found


def _hotspot(today: date, boundary_set) -> list[WarningFacts]:
    """Eston's and its neighbours' warnings, spread over the last year."""
    codes = [ESTON, *locator_for(boundary_set).locator.neighbours(ESTON)]
    wards = db.session.scalars(
        sa.select(Ward)
        .where(Ward.boundary_set_id == boundary_set.id, Ward.code.in_(codes))
        .options(so.undefer(Ward.geometry))
        .order_by(Ward.code)
    ).all()
    found = []
    for ward in wards:
        rng = random.Random(f"s59/hotspot/{ward.code}")
        geometry = shapely.from_geojson(ward.geometry)
        for n in range(HOTSPOT["ward" if ward.code == ESTON else "neighbour"]):
            lon, lat = _point_in(geometry, rng)
            day = today - timedelta(days=rng.randint(0, 350))
            found.append(_facts(_reference("hotspot", ward.code, n), day, lon, lat, rng))
    return found


def load_demo_section59(today: date | None = None) -> list[str]:
    boundary_set = current_boundary_set()
    if boundary_set is None:
        return ["Demo Section 59 warnings: no boundary set imported."]
    today = today or date.today()
    candidates = _near_concerns(today) + _hotspot(today, boundary_set)
    known = stored_references(f.reference for f in candidates)
    placer = WardPlacer(boundary_set)
    created = 0
    for facts in candidates:
        placed = placer.place(facts)
        # A demo point nudged into the sea or past the county's edge is left out, not flagged.
        if facts.reference in known or placed.ward_id is None:
            continue
        store_warning(placed, source="demo", actor="demo", is_demo=True)
        created += 1
    return [f"Demo Section 59 warnings and seizures: {created} created (all marked demo)."]


def clear_demo_section59() -> list[str]:
    # One by one, as the audit trail records each row of an audited table.
    rows = db.session.scalars(sa.select(Section59Warning).where(Section59Warning.is_demo)).all()
    for row in rows:
        db.session.delete(row)
    return [f"Demo Section 59 warnings and seizures: {len(rows)} removed."]
