"""Ward designations (Strengthen / Support / Sustain) from CSV, with history kept."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from engage.extensions import db
from engage.geography.models import DESIGNATIONS, BoundarySet, Ward, WardDesignation
from engage.platform.csv_rows import (
    FileRefused,
    all_or_nothing,
    numbered_rows,
    read_csv_file,
    row_problem,
)

REQUIRED_COLUMNS = ("ward_code", "designation", "effective_from")


class DesignationImportError(FileRefused):
    pass


@dataclass
class DesignationImportResult:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"{self.created} designations added, {self.changed} changed, {self.unchanged} already recorded."


def parse_designation_rows(lines, wards_by_code: dict[str, Ward], filename: str = "the file"):
    """Validate every row before anything is stored; report all problems with row numbers
    (row 1 is the header, as a spreadsheet shows it)."""
    _, numbered = numbered_rows(lines, REQUIRED_COLUMNS, DesignationImportError, filename)
    rows, problems = [], []
    for number, raw, faults in numbered:
        code = (raw.get("ward_code") or "").strip()
        value = (raw.get("designation") or "").strip().lower()
        when = (raw.get("effective_from") or "").strip()
        # A cell with a NUL is reported as that, not as the unknown code it makes.
        row_problems = [f"{column}: {message}" for column, message in faults.items()]
        if code not in wards_by_code and "ward_code" not in faults:
            row_problems.append(f"unknown ward code '{code}'")
        if value not in DESIGNATIONS and "designation" not in faults:
            row_problems.append(
                f"unknown designation '{raw.get('designation', '')}' (expected {', '.join(DESIGNATIONS)})"
            )
        try:
            day = date.fromisoformat(when)
        except ValueError:
            if "effective_from" not in faults:
                row_problems.append(f"effective_from '{when}' is not a date like 2018-04-01")
            day = None
        if row_problems:
            problems.append(row_problem(number, row_problems))
        else:
            rows.append((wards_by_code[code], value, day))
    return all_or_nothing(rows, problems, DesignationImportError, filename)


def import_designations(path: str, boundary_set: BoundarySet, sample: bool = False) -> DesignationImportResult:
    wards = db.session.scalars(sa.select(Ward).where(Ward.boundary_set_id == boundary_set.id)).all()
    by_code = {w.code: w for w in wards}
    rows = read_csv_file(path, lambda fh: parse_designation_rows(fh, by_code, filename=path), DesignationImportError)

    result = DesignationImportResult()
    for ward, value, day in rows:
        existing = db.session.scalar(
            sa.select(WardDesignation).where(WardDesignation.ward_id == ward.id, WardDesignation.effective_from == day)
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
