"""Importing Section 59 warnings from a CSV file (the force system's export, or a
spreadsheet kept by hand), all or nothing, over engage/platform/csv_rows.py.

Columns: reference, date, vehicle, outcome, and the position as grid_ref or as latitude
and longitude (lat and lon read too); place is optional. Every row is checked as the
form checks one (engage/records/section59.py `read_warning`) before anything is stored;
any wrong row refuses the file, each named. A reference already in the register is
skipped and reported (the same export imported again changes nothing); one twice in the
file is a wrong row, since the two cannot both be right. The caller commits.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from engage.platform.csv_rows import FileRefused, all_or_nothing, numbered_rows, read_csv_file, row_problem
from engage.records.section59 import WardPlacer, WarningFacts, read_warning, store_warning, stored_references

REQUIRED = ("reference", "date", "vehicle", "outcome")

# Other headings read as these columns.
ALIASES = {
    "lat": "latitude",
    "lon": "longitude",
    "long": "longitude",
    "lng": "longitude",
    "grid reference": "grid_ref",
    "gridref": "grid_ref",
}

MAX_BYTES = 5 * 1024 * 1024


class Section59FileRefused(FileRefused):
    pass


@dataclass
class Section59ImportResult:
    created: list[str] = field(default_factory=list)
    # References already in the register: left as they are.
    skipped: list[str] = field(default_factory=list)
    # Stored with no ward: outside every ward, or no position given.
    unplaced: list[str] = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> str:
        done = "would be imported" if self.dry_run else "imported"
        n = len(self.created)
        lines = [f"{n} warning{'' if n == 1 else 's'} {done}; {len(self.skipped)} already in the register, skipped."]
        if self.skipped:
            lines.append(
                "Already in the register: " + ", ".join(self.skipped[:20]) + (" ..." if len(self.skipped) > 20 else "")
            )
        if self.unplaced:
            lines.append(
                f"{len(self.unplaced)} outside every ward or with no position, kept and flagged: "
                + ", ".join(self.unplaced[:20])
                + (" ..." if len(self.unplaced) > 20 else "")
            )
        if self.dry_run:
            lines.insert(0, "Dry run, nothing stored.")
        return "\n".join(lines)


def _values(raw: dict) -> dict:
    values = dict(raw)
    for alias, name in ALIASES.items():
        if alias in values and not values.get(name):
            values[name] = values[alias]
    return values


def parse_section59_rows(lines, *, today: date, filename: str = "the file") -> list[tuple[int, WarningFacts]]:
    """Every row read and checked, numbered as a spreadsheet shows them, or the file
    refused with each wrong row named."""
    fields, numbered = numbered_rows(lines, REQUIRED, Section59FileRefused, filename)
    named = {ALIASES.get(f, f) for f in fields}
    if "grid_ref" not in named and not {"latitude", "longitude"} <= named:
        raise Section59FileRefused(
            [f"{filename}: no position column: give grid_ref, or latitude and longitude (found: {', '.join(fields)})"]
        )
    rows, problems, first_row = [], [], {}
    for number, raw, _faults in numbered:
        facts, found = read_warning(_values(raw), today)
        reference = " ".join((raw.get("reference") or "").split())
        if reference and reference in first_row and "reference" not in found:
            found["reference"] = f"{reference} is also on row {first_row[reference]}: a reference is one warning"
        first_row.setdefault(reference, number)
        if found:
            problems.append(row_problem(number, found))
        else:
            rows.append((number, facts))
    return all_or_nothing(rows, problems, Section59FileRefused, filename)


def import_section59(
    rows: list[tuple[int, WarningFacts]], *, actor: str, dry_run: bool = False
) -> Section59ImportResult:
    """Store the checked rows whose reference is new; the caller commits (or, for a
    dry run, rolls back: nothing is stored here then)."""
    result = Section59ImportResult(dry_run=dry_run)
    known = stored_references(facts.reference for _, facts in rows)
    placer = WardPlacer()
    for _, facts in rows:
        if facts.reference in known:
            result.skipped.append(facts.reference)
            continue
        placed = placer.place(facts)
        if placed.ward_id is None:
            result.unplaced.append(facts.reference)
        result.created.append(facts.reference)
        if not dry_run:
            store_warning(placed, source="import", actor=actor)
    return result


def import_section59_file(path: str, *, today: date, actor: str, dry_run: bool = False) -> Section59ImportResult:
    """`flask records import-section59 FILE`."""
    rows = read_csv_file(path, lambda fh: parse_section59_rows(fh, today=today, filename=path), Section59FileRefused)
    return import_section59(rows, actor=actor, dry_run=dry_run)


def import_section59_upload(filename: str, data: bytes, *, today: date, actor: str) -> Section59ImportResult:
    """A file sent from the import page (at most MAX_BYTES of it read)."""
    if not filename:
        raise Section59FileRefused(["choose the CSV file to import"])
    if len(data) > MAX_BYTES:
        raise Section59FileRefused([f"{filename} is larger than {MAX_BYTES // (1024 * 1024)} MB: split it"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Section59FileRefused(
            [f"{filename} is not UTF-8 text ({exc.reason} at byte {exc.start}): save it as 'CSV UTF-8'"]
        ) from None
    try:
        rows = parse_section59_rows(io.StringIO(text, newline=""), today=today, filename=filename)
    except csv.Error as exc:
        raise Section59FileRefused([f"{filename} is not a CSV file that can be read ({exc})"]) from None
    return import_section59(rows, actor=actor)
