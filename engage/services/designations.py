"""Ward designations (Strengthen / Support / Sustain) from CSV, with history kept."""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from engage.extensions import db
from engage.models import DESIGNATIONS, BoundarySet, Ward, WardDesignation

REQUIRED_COLUMNS = ("ward_code", "designation", "effective_from")


class DesignationImportError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass
class DesignationImportResult:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.created} designations added, {self.changed} changed, "
            f"{self.unchanged} already recorded."
        )


def parse_designation_rows(lines, wards_by_code: dict[str, Ward], filename: str = "the file"):
    """Validate every row before anything is stored; report all problems with row numbers
    (row 1 is the header, as a spreadsheet shows it)."""
    reader = csv.DictReader(lines)
    if reader.fieldnames is None:
        raise DesignationImportError([f"{filename} is empty: expected the header {','.join(REQUIRED_COLUMNS)}"])
    fields = [f.strip().lower() for f in reader.fieldnames]
    missing = [c for c in REQUIRED_COLUMNS if c not in fields]
    if missing:
        raise DesignationImportError(
            [f"{filename}: missing column {', '.join(missing)} (found: {', '.join(reader.fieldnames)})"]
        )
    reader.fieldnames = fields
    rows, problems = [], []
    for number, raw in enumerate(reader, start=2):
        code = (raw.get("ward_code") or "").strip()
        value = (raw.get("designation") or "").strip().lower()
        when = (raw.get("effective_from") or "").strip()
        row_problems = []
        if code not in wards_by_code:
            row_problems.append(f"unknown ward code '{code}'")
        if value not in DESIGNATIONS:
            row_problems.append(f"unknown designation '{raw.get('designation', '')}' (expected {', '.join(DESIGNATIONS)})")
        try:
            day = date.fromisoformat(when)
        except ValueError:
            row_problems.append(f"effective_from '{when}' is not a date like 2018-04-01")
            day = None
        if row_problems:
            problems.append(f"row {number}: {'; '.join(row_problems)}")
        else:
            rows.append((wards_by_code[code], value, day))
    if not rows and not problems:
        problems.append(f"{filename} has a header but no rows")
    if problems:
        raise DesignationImportError(problems)
    return rows


def import_designations(path: str, boundary_set: BoundarySet, sample: bool = False) -> DesignationImportResult:
    wards = db.session.scalars(sa.select(Ward).where(Ward.boundary_set_id == boundary_set.id)).all()
    by_code = {w.code: w for w in wards}
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = parse_designation_rows(fh, by_code, filename=path)
    except FileNotFoundError:
        raise DesignationImportError([f"no such file: {path}"])
    except UnicodeDecodeError as exc:
        raise DesignationImportError([f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})"])
    except csv.Error as exc:  # e.g. a field over the csv module's 128 KiB limit
        raise DesignationImportError([f"{path} is not a CSV file that can be read ({exc})"])

    result = DesignationImportResult()
    for ward, value, day in rows:
        existing = db.session.scalar(
            sa.select(WardDesignation).where(
                WardDesignation.ward_id == ward.id, WardDesignation.effective_from == day
            )
        )
        if existing is None:
            db.session.add(
                WardDesignation(ward=ward, designation=value, effective_from=day, is_sample=sample, source=path)
            )
            result.created += 1
        elif existing.designation != value or existing.is_sample != sample:
            existing.designation, existing.is_sample, existing.source = value, sample, path
            result.changed += 1
        else:
            result.unchanged += 1
    return result
