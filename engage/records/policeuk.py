"""Importing police.uk's monthly street-level crime and ASB files as counts per month,
ward and crime type (never the rows; docs/recorded-crime.md).

`read_policeuk_files` checks every file and counts; `store_months` replaces each month
it read. Every file of one import is read before anything is stored, so one bad file
leaves the database as it was. The caller commits.
"""

from __future__ import annotations

import csv
import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from engage.extensions import db
from engage.geography.boundaries import current_boundary_set
from engage.geography.locating import locator_for
from engage.geography.models import Ward
from engage.platform.csv_rows import FileRefused, cell_problem, read_csv_file
from engage.records.models import RecordedCount, RecordedMonth

# The street-level file's header, as police.uk writes it.
HEADER = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
MONTH, FALLS_WITHIN, LON, LAT, CRIME_TYPE = 1, 3, 4, 5, 9

# Rows "falling within" another force (a neighbour's file, or a national download) are
# counted and left out.
HOME_FORCE = "Cleveland Police"

MAX_CRIME_TYPE = 80  # RecordedCount.crime_type
MAX_PROBLEMS = 20  # a wholly wrong file would otherwise list every line

MONTH_PATTERN = re.compile(r"(\d{4})-(\d{2})")


class PoliceUkFileRefused(FileRefused):
    """One file of the import was wrong: nothing of the import is stored."""


@dataclass
class MonthTally:
    """One month as read from the files: the counts to store, and what was left out."""

    month: date
    files: list[str] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)  # (ward code, crime type) -> rows
    other_force: int = 0
    outside: int = 0
    unplaced: int = 0

    @property
    def stored(self) -> int:
        return sum(self.counts.values())

    @property
    def has_home_rows(self) -> bool:
        """Whether any row fell within the home force: a month read only from another
        force's file is not stored, so it cannot wipe the month's own counts."""
        return bool(self.counts) or bool(self.outside) or bool(self.unplaced)

    def summary(self, force: str = HOME_FORCE) -> str:
        if not self.has_home_rows:
            return (
                f"{self.month:%B %Y}: nothing stored, no row falls within {force} "
                f"({self.other_force:,} from another force); what was stored for the month before is kept"
            )
        return (
            f"{self.month:%B %Y}: {self.stored:,} stored in {len({w for w, _ in self.counts}):,} wards; "
            f"left out {self.other_force:,} from another force, {self.outside:,} outside the area, "
            f"{self.unplaced:,} with no position"
        )


def read_policeuk_files(paths: list[str | Path], force: str = HOME_FORCE) -> list[MonthTally]:
    """Every file checked and counted, months in order; a wrong file (header, month,
    coordinates, crime type) refuses the lot, each problem named by file, line and
    column."""
    boundary_set = current_boundary_set()
    if boundary_set is None:
        raise PoliceUkFileRefused(["no ward boundaries imported yet: run `flask --app engage wards import` first"])
    locator = locator_for(boundary_set).locator
    codes = np.array([*locator.codes, None], dtype=object)
    months: dict[date, MonthTally] = {}
    problems: list[str] = []
    for path in map(Path, paths):
        try:
            problems += read_csv_file(
                str(path),
                functools.partial(_read, name=path.name, force=force, locator=locator, codes=codes, months=months),
                PoliceUkFileRefused,
            )
        except PoliceUkFileRefused as exc:
            problems += exc.problems
    if problems:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            shown.append(f"… and {len(problems) - MAX_PROBLEMS} more problems")
        raise PoliceUkFileRefused(shown)
    if not months:
        raise PoliceUkFileRefused(["the files hold no rows"])
    return [months[m] for m in sorted(months)]


def _read(fh, name: str, force: str, locator, codes, months: dict[date, MonthTally]) -> list[str]:
    """Counts one file into `months`; returns its problems."""
    reader = csv.reader(fh)
    header = next(reader, None)
    if header is None:
        return [f"{name}: the file is empty; expected police.uk's header {','.join(HEADER)}"]
    header = [h.strip() for h in header]
    if tuple(header) != HEADER:
        return [_header_problem(name, header)]
    problems: list[str] = []
    # Rows of the home force with a position, located together once the file is read.
    placed_months, placed_types, lons, lats = [], [], [], []
    seen: dict[date, MonthTally] = {}
    for row in reader:
        line = reader.line_num
        if len(row) != len(HEADER):
            if row:  # csv.reader gives [] for a blank line, as at a file's end
                problems.append(f"{name}, line {line}: {len(row)} columns, expected {len(HEADER)}")
            continue
        found = _row_problems(row, name, line)
        if found:
            problems += found
            continue
        month = _month(row[MONTH])
        tally = seen.get(month) or months.get(month) or MonthTally(month)
        seen[month] = months[month] = tally
        if row[FALLS_WITHIN].strip() != force:
            tally.other_force += 1
        elif not row[LON].strip():
            tally.unplaced += 1
        else:
            placed_months.append(tally)
            placed_types.append(row[CRIME_TYPE].strip())
            lons.append(float(row[LON]))
            lats.append(float(row[LAT]))
        if len(problems) > MAX_PROBLEMS:
            break
    if problems:
        return problems
    wards = codes[locator.locate_indices(lons, lats)] if lons else []
    for tally, crime_type, ward in zip(placed_months, placed_types, wards):
        if ward is None:
            tally.outside += 1
        else:
            tally.counts[(ward, crime_type)] += 1
    for tally in seen.values():
        tally.files.append(name)
    return []


def _header_problem(name: str, header: list[str]) -> str:
    for number, (expected, got) in enumerate(zip(HEADER, header), start=1):
        if expected != got:
            return (
                f"{name}, line 1, column {number}: '{got}' where police.uk's street-level header has "
                f"'{expected}' (expected {','.join(HEADER)})"
            )
    if len(header) < len(HEADER):
        return f"{name}, line 1, column {len(header) + 1}: no '{HEADER[len(header)]}' (expected {','.join(HEADER)})"
    return f"{name}, line 1, column {len(HEADER) + 1}: '{header[len(HEADER)]}' after police.uk's last column, 'Context'"


def _row_problems(row: list[str], name: str, line: int) -> list[str]:
    where = f"{name}, line {line}, column"
    problems = []
    if _month(row[MONTH]) is None:
        problems.append(f"{where} Month: '{row[MONTH]}' is not a month as police.uk writes it (YYYY-MM)")
    lon, lat = row[LON].strip(), row[LAT].strip()
    if bool(lon) != bool(lat):
        empty, given = ("Latitude", "Longitude") if lon else ("Longitude", "Latitude")
        problems.append(f"{where} {empty}: empty while {given} is given")
    elif lon:
        for column, text, limit in (("Longitude", lon, 180), ("Latitude", lat, 90)):
            problem = _coordinate_problem(text, limit)
            if problem:
                problems.append(f"{where} {column}: '{text}' {problem}")
    crime_type = row[CRIME_TYPE].strip()
    problem = cell_problem(row[CRIME_TYPE]) or ("is empty" if not crime_type else None)
    if not problem and len(crime_type) > MAX_CRIME_TYPE:
        problem = f"is longer than {MAX_CRIME_TYPE} characters"
    if problem:
        problems.append(f"{where} Crime type: {problem}")
    return problems


def _coordinate_problem(text: str, limit: int) -> str | None:
    try:
        value = float(text)
    except ValueError:
        return "is not a number"
    if not np.isfinite(value) or abs(value) > limit:
        return f"is not between -{limit} and {limit}"
    return None


def _month(text: str) -> date | None:
    match = MONTH_PATTERN.fullmatch(text.strip())
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1900:
        return None
    return date(int(match[1]), int(match[2]), 1)


def store_months(tallies: list[MonthTally], imported_by: str = "", is_demo: bool = False) -> list[RecordedMonth]:
    """Each month's counts in place of what was stored for it before (its RecordedMonth
    deleted, its counts with it, and written anew: the audit trail shows both). Wards
    are those of the current boundary set, which the tallies were located in."""
    boundary_set = current_boundary_set()
    rows = db.session.execute(sa.select(Ward.code, Ward.id).where(Ward.boundary_set_id == boundary_set.id))
    ward_ids = {code: ward_id for code, ward_id in rows}
    stored = []
    for tally in filter(lambda t: t.has_home_rows, tallies):
        old = db.session.get(RecordedMonth, tally.month)
        if old is not None:
            db.session.delete(old)
            db.session.flush()
        month = RecordedMonth(
            month=tally.month,
            imported_by=imported_by,
            files=", ".join(tally.files),
            rows_stored=tally.stored,
            rows_other_force=tally.other_force,
            rows_outside=tally.outside,
            rows_unplaced=tally.unplaced,
            is_demo=is_demo,
        )
        db.session.add(month)
        db.session.flush()
        if tally.counts:
            db.session.execute(
                sa.insert(RecordedCount),
                [
                    {"month": tally.month, "ward_id": ward_ids[code], "crime_type": crime_type, "count": n}
                    for (code, crime_type), n in sorted(tally.counts.items())
                ],
            )
        stored.append(month)
    return stored


def import_policeuk_files(paths: list[str | Path], imported_by: str = "", force: str = HOME_FORCE) -> list[MonthTally]:
    """Read every file, then store each month they hold; the caller commits."""
    tallies = read_policeuk_files(paths, force)
    store_months(tallies, imported_by)
    return tallies
