"""police.uk street-level files written by the tests, in exactly police.uk's format: its
header, an empty Crime ID on ASB rows, empty coordinates where it has no position."""

from __future__ import annotations

import csv
import random
import string
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from engage.extensions import db
from engage.geography.boundaries import current_boundary_set
from engage.geography.models import Ward

HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,"
    "Crime type,Last outcome category,Context"
)
CLEVELAND = "Cleveland Police"
DURHAM = "Durham Constabulary"
ASB = "Anti-social behaviour"
# Trafalgar Square: in no Cleveland ward.
LONDON = (-0.127758, 51.507351)


@dataclass
class Row:
    month: str  # "2026-04"
    crime_type: str
    position: tuple[float, float] | None  # (lon, lat)
    force: str = CLEVELAND

    def cells(self, rng: random.Random) -> list[str]:
        crime_id = "" if self.crime_type == ASB else "".join(rng.choice("0123456789abcdef") for _ in range(64))
        lon, lat = (f"{self.position[0]:.6f}", f"{self.position[1]:.6f}") if self.position else ("", "")
        where = "On or near " + "".join(rng.choice(string.ascii_letters) for _ in range(8)) + " Street"
        return [
            crime_id,
            self.month,
            self.force,
            self.force,
            lon,
            lat,
            where if self.position else "No Location",
            "E01012000" if self.position else "",
            "Middlesbrough 001A" if self.position else "",
            self.crime_type,
            "" if self.crime_type == ASB else "Investigation complete; no suspect identified",
            "",
        ]


def label_points(codes: list[str] | None = None) -> dict[str, tuple[float, float]]:
    """Each current ward's label point (inside the ward, from the register), by code."""
    stmt = sa.select(Ward.code, Ward.label_lon, Ward.label_lat).where(Ward.boundary_set_id == current_boundary_set().id)
    if codes:
        stmt = stmt.where(Ward.code.in_(codes))
    return {code: (lon, lat) for code, lon, lat in db.session.execute(stmt)}


def write_street_file(path: Path, rows: list[Row], seed: int = 1) -> Path:
    """The rows as police.uk writes them: CRLF line ends, quotes only where needed."""
    rng = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        fh.write(HEADER + "\r\n")
        writer = csv.writer(fh, lineterminator="\r\n")
        for row in rows:
            writer.writerow(row.cells(rng))
    return path
