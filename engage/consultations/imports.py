"""Importing a survey tool's export (CSV or XLSX) as responses to a consultation.

The columns are mapped once per consultation (`ColumnMapping`, kept in
`consultation.import_mapping` and reused, editable): which column holds the ward (its
name or code), the priorities (one column listing them, "Drugs; Speeding", or one
column per priority holding a tick), the comment, and the survey tool's response id.
The id is the response's `source_ref`, so importing the same export again adds
nothing. A file imports wholly or not at all: every problem is reported by row and
column, and every row goes through `services.record_response`, the checks the public
page and keyed paper forms share. The caller commits.

Files are read as the meetings import reads them (engage.concerns.import_meetings:
CSV in UTF-8 or Excel's cp1252, XLSX as saved, formulas reported, never evaluated)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from engage.concerns.import_meetings import SourceRow, Table, formula_text, normalise_header
from engage.consultations.models import Consultation, ConsultationResponse
from engage.consultations.services import SOURCE_REF_LIMIT, ConsultationError, record_response
from engage.extensions import db
from engage.geography.ward_names import WardMatcher, boundary_set_on, normalise_ward_name
from engage.platform.csv_rows import FileRefused, cell_problem, row_problem

# A tick in a column per priority: what survey tools write (or the priority's own label).
TICKED = {"yes", "y", "true", "1", "x", "✓", "✔", "ticked", "selected", "checked"}
UNTICKED = {"", "no", "n", "false", "0", "-"}
# What a respondent may give instead of a ward: recorded with no ward (whole area only).
NO_WARD = {"dont know", "do not know", "not sure", "prefer not to say", "none", "n a", "other", "unknown"}


class ImportRefused(FileRefused):
    """The file was refused; nothing was imported. `problems` names each row and column."""


@dataclass
class ColumnMapping:
    """Which of the file's columns holds what. Exactly one of `priorities` (one column
    listing the priorities chosen) and `ticks` (priority label -> its column) is used."""

    ward: str
    ref: str
    priorities: str = ""
    ticks: dict[str, str] = field(default_factory=dict)
    comment: str = ""

    def to_json(self) -> dict:
        choices = [self.priorities] if self.priorities else dict(self.ticks)
        return {"ward": self.ward, "choices": choices, "comment": self.comment or None, "ref": self.ref}

    @classmethod
    def from_json(cls, data: dict | None) -> ColumnMapping | None:
        if not data:
            return None
        choices = data.get("choices") or []
        return cls(
            ward=data.get("ward") or "",
            ref=data.get("ref") or "",
            priorities=choices[0] if isinstance(choices, list) and choices else "",
            ticks=dict(choices) if isinstance(choices, dict) else {},
            comment=data.get("comment") or "",
        )

    def columns(self) -> list[str]:
        return [c for c in (self.ward, self.ref, self.priorities, self.comment, *self.ticks.values()) if c]


def _key(text) -> str:
    return normalise_ward_name(str(text or ""))


def check_mapping(mapping: ColumnMapping, consultation: Consultation, columns: list[str]) -> dict[str, str]:
    """What is wrong with the mapping for this file, by field ({} when nothing)."""
    present = set(columns)
    problems = {}
    for name, column, what in (
        ("ward", mapping.ward, "the ward"),
        ("ref", mapping.ref, "the survey tool's response id"),
    ):
        if not column:
            problems[name] = f"choose the column that holds {what}"
        elif column not in present:
            problems[name] = f"the file has no column “{column}”"
    if mapping.comment and mapping.comment not in present:
        problems["comment"] = f"the file has no column “{mapping.comment}”"
    labels = {o.label for o in consultation.options}
    if mapping.priorities and mapping.ticks:
        problems["priorities"] = "give either one column listing the priorities or a column per priority, not both"
    elif mapping.priorities:
        if mapping.priorities not in present:
            problems["priorities"] = f"the file has no column “{mapping.priorities}”"
    elif mapping.ticks:
        unknown = [label for label in mapping.ticks if label not in labels]
        missing = [c for c in mapping.ticks.values() if c not in present]
        if unknown:
            problems["priorities"] = f"“{unknown[0]}” is not one of this consultation's priorities"
        elif missing:
            problems["priorities"] = f"the file has no column “{missing[0]}”"
    else:
        problems["priorities"] = "choose the column listing the priorities, or a column for each priority"
    used = mapping.columns()
    twice = next((c for c in used if used.count(c) > 1), None)
    if twice and not problems:
        problems["ward"] = f"the column “{twice}” is chosen for two things"
    return problems


def guess_mapping(consultation: Consultation, columns: list[str]) -> ColumnMapping:
    """A first guess from the headers (the page shows it to be checked, never trusts it)."""
    by_key = {normalise_header(c): c for c in columns if c}

    def find(*words) -> str:
        for key, column in by_key.items():
            if any(w in key.split() or key == w for w in words):
                return column
        return ""

    ticks = {}
    for option in consultation.options:
        wanted = normalise_header(option.label)
        column = next((c for k, c in by_key.items() if k == wanted or k.endswith(wanted)), "")
        if column:
            ticks[option.label] = column
    priorities = "" if len(ticks) >= 2 else find("priorities", "priority", "focus")
    return ColumnMapping(
        ward=find("ward"),
        ref=find("id", "ref", "reference", "respondent", "response id"),
        priorities=priorities,
        ticks=ticks if not priorities else {},
        comment=find("comment", "comments", "anything", "other comments"),
    )


@dataclass
class PlannedResponse:
    row: int
    ward_id: int | None
    option_ids: list[int]
    comment: str
    ref: str


@dataclass
class ImportPlan:
    source: str
    rows: int = 0
    responses: list[PlannedResponse] = field(default_factory=list)
    already: int = 0  # rows whose response id was imported before
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = f"{self.rows} rows: {len(self.responses)} responses to import"
        if self.already:
            text += f", {self.already} already imported"
        return text + "."


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


class _Options:
    def __init__(self, consultation: Consultation):
        self.by_key = {}
        for option in consultation.options:
            self.by_key[_key(option.label)] = option.id
            if option.category is not None:
                self.by_key.setdefault(_key(option.category.label), option.id)
        self.labels = [o.label for o in consultation.options]

    def find(self, text: str) -> int | None:
        return self.by_key.get(_key(text))

    def listed(self, cell: str) -> tuple[list[int], list[str]]:
        """The priorities a cell lists ("Drugs; Speeding", or with commas), and the parts
        that are none of them."""
        whole = self.find(cell)
        if whole is not None:
            return [whole], []
        for separator in (";", "|", "\n", ","):
            parts = [p.strip() for p in re.split(re.escape(separator), cell) if p.strip()]
            if len(parts) > 1:
                found = [self.find(p) for p in parts]
                return [f for f in found if f is not None], [p for p, f in zip(parts, found, strict=True) if f is None]
        return [], [cell]


def plan_import(consultation: Consultation, table: Table, mapping: ColumnMapping, *, today: date) -> ImportPlan:
    """Check every row and work out what would be imported. Nothing is written."""
    plan = ImportPlan(table.source, rows=len(table.rows))
    if today < consultation.opens_on:
        plan.problems.append(
            f"“{consultation.title}” opens on {consultation.opens_on:%-d %B %Y}: nothing can be imported yet"
        )
        return plan
    wrong = check_mapping(mapping, consultation, table.columns)
    if wrong:
        plan.problems += list(wrong.values())
        return plan
    if not table.rows:
        plan.problems.append(f"{table.source} has a header but no rows")
        return plan
    boundary_set = boundary_set_on(consultation.closes_on)
    if boundary_set is None:
        plan.problems.append("no boundary set imported yet: run `flask --app engage wards import-default`")
        return plan
    matcher = WardMatcher(boundary_set)
    options = _Options(consultation)
    imported = set(
        db.session.scalars(
            sa.select(ConsultationResponse.source_ref).where(
                ConsultationResponse.consultation_id == consultation.id, ConsultationResponse.source_ref.is_not(None)
            )
        )
    )
    seen: dict[str, int] = {}
    for row in table.rows:
        planned = _plan_row(row, mapping, consultation, matcher, options, seen, plan)
        if planned is None:
            continue
        if planned.ref in imported:
            plan.already += 1
        else:
            plan.responses.append(planned)
    return plan


def _cell(row: SourceRow, column: str, problems: dict[str, str]) -> str:
    value = row.values.get(column)
    formula = formula_text(value)
    if formula is not None:
        problems[column] = f"the formula {formula} is not evaluated; type the value itself"
        return ""
    if problem := cell_problem(value):
        problems[column] = problem
        return ""
    return _text(value)


def _plan_row(row, mapping, consultation, matcher, options, seen, plan) -> PlannedResponse | None:
    problems: dict[str, str] = {}
    ref = _cell(row, mapping.ref, problems)
    if not ref and mapping.ref not in problems:
        problems[mapping.ref] = "no response id"
    elif len(ref) > SOURCE_REF_LIMIT:
        problems[mapping.ref] = f"the id is {len(ref)} characters long; at most {SOURCE_REF_LIMIT}"
    elif ref in seen:
        problems[mapping.ref] = f"response id “{ref}” is also on row {seen[ref]}"
    elif ref:
        seen[ref] = row.number

    ward_id = None
    ward_text = _cell(row, mapping.ward, problems)
    if ward_text and _key(ward_text) not in NO_WARD:
        match = matcher.match(ward_text)
        if match.ward is None:
            problems[mapping.ward] = match.problem
        else:
            ward_id = match.ward.id

    chosen: list[int] = []
    if mapping.priorities:
        cell = _cell(row, mapping.priorities, problems)
        if cell:
            chosen, unknown = options.listed(cell)
            if unknown:
                problems[mapping.priorities] = (
                    f"“{unknown[0]}” is not one of the priorities offered ({'; '.join(options.labels)})"
                )
    else:
        for label, column in mapping.ticks.items():
            cell = _cell(row, column, problems)
            if _key(cell) in UNTICKED:
                continue
            if cell.casefold() in TICKED or _key(cell) == _key(label):
                chosen.append(options.find(label))
            else:
                problems[column] = f"“{cell[:40]}” is not a tick: leave it blank or write yes"
    if not chosen and not any(c in problems for c in [mapping.priorities, *mapping.ticks.values()]):
        problems[mapping.priorities or "priorities"] = "no priority chosen"
    elif len(set(chosen)) > consultation.max_choices:
        problems[mapping.priorities or "priorities"] = (
            f"{len(set(chosen))} priorities chosen: at most {consultation.max_choices}"
        )

    comment = _cell(row, mapping.comment, problems) if mapping.comment else ""
    if problems:
        plan.problems.append(row_problem(row.number, problems))
        return None
    return PlannedResponse(row.number, ward_id, list(dict.fromkeys(chosen)), comment, ref)


@dataclass
class ImportResult:
    imported: int
    already: int

    def summary(self) -> str:
        text = f"Imported {self.imported} response{'' if self.imported == 1 else 's'}"
        if self.already:
            text += f"; {self.already} {'was' if self.already == 1 else 'were'} already imported"
        return text + "."


def run_import(
    consultation: Consultation,
    plan: ImportPlan,
    *,
    today: date,
    actor: str,
    actor_id: int | None = None,
    columns: dict[str, str] | None = None,
) -> ImportResult:
    """Record every planned response through the shared checks, or none: a row the
    checks refuse refuses the file (rolled back to before the first row)."""
    if plan.problems:
        raise ImportRefused(plan.problems)
    problems = []
    savepoint = db.session.begin_nested()
    for planned in plan.responses:
        try:
            record_response(
                consultation,
                ward_id=planned.ward_id,
                option_ids=planned.option_ids,
                today=today,
                channel="import",
                comment=planned.comment,
                source_ref=planned.ref,
                actor=actor,
                actor_id=actor_id,
            )
        except ConsultationError as exc:
            problems.append(row_problem(planned.row, {exc.field: str(exc)}, columns))
    if problems:
        savepoint.rollback()
        raise ImportRefused(problems)
    savepoint.commit()
    return ImportResult(imported=len(plan.responses), already=plan.already)


def import_file(
    consultation: Consultation,
    table: Table,
    mapping: ColumnMapping,
    *,
    today: date,
    actor: str,
    actor_id: int | None = None,
    dry_run: bool = False,
) -> tuple[ImportPlan, ImportResult | None]:
    """Check the file against the mapping, keep the mapping for next time, and import
    (unless `dry_run`). Refused files raise `ImportRefused` and keep nothing."""
    plan = plan_import(consultation, table, mapping, today=today)
    if plan.problems:
        raise ImportRefused(plan.problems)
    if dry_run:
        return plan, None
    columns = {"comment": mapping.comment, "source_ref": mapping.ref, "ward": mapping.ward}
    columns["choices"] = mapping.priorities or "priorities"
    result = run_import(consultation, plan, today=today, actor=actor, actor_id=actor_id, columns=columns)
    consultation.import_mapping = mapping.to_json()
    db.session.flush()
    return plan, result
