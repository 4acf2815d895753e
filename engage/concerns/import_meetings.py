"""Importing the historical meetings (and the concerns raised at them) from a
spreadsheet: CSV, or XLSX read as it is saved (formulas are reported, never evaluated).

As MapIt's importers: `read_rows` reads, `plan_import` checks every row and works out
what would be created, `run_import` writes it. A file imports wholly or not at all,
unless the caller asks to skip the invalid rows. Ids are derived from what a row says
(uuid5), so importing the same file again creates nothing. The caller commits.

One row is one concern (or a meeting with no concern); rows with the same date, ward
and venue are one meeting. See README.md, "Importing historical meetings".
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import sqlalchemy as sa

from engage.concerns.capture import raise_concern
from engage.concerns.models import (
    CONCERN_STATUSES,
    MEETING_KINDS,
    Category,
    Concern,
    Meeting,
    StatusChange,
)
from engage.concerns.workflow import LABELS as STATUS_LABELS
from engage.extensions import db
from engage.geography.models import BoundarySet, Ward
from engage.geography.ward_names import WardMatcher, boundary_set_on
from engage.platform.csv_rows import cell_problem
from engage.platform.parameters import DATABASE_MAX_INTEGER

# Never change: every imported id is derived from it.
NAMESPACE = uuid.UUID("3b0f7d52-8a6e-4c1e-9f58-1d2c6a0e4b77")

DEFAULT_STATUS = "closed"  # historical: whatever was raised then has long been dealt with

EXCEL_EPOCH = date(1899, 12, 30)

EARLIEST = date(2000, 1, 1)

MAX_VENUE, MAX_TEXT = 200, 10000

# Canonical field -> header names people use (compared after normalise_header).
COLUMNS = {
    "date": ("date", "meeting date", "date of meeting", "held on", "day"),
    "ward": ("ward",),
    "ward_code": ("ward code", "code", "gss code", "wd18cd", "wd13cd", "wd19cd"),
    "ward_name": ("ward name", "wd18nm", "wd13nm", "wd19nm"),
    "venue": ("venue", "location", "place", "meeting venue", "meeting place", "where"),
    "attendance": (
        "attendance",
        "attendees",
        "attended",
        "number attending",
        "residents attending",
        "headcount",
        "number of attendees",
    ),
    "notes": ("notes", "note", "comments", "meeting notes", "minutes"),
    "kind": ("kind", "type", "meeting type", "meeting kind"),
    "category": ("category", "theme", "concern category", "issue type", "service code"),
    "concern": ("concern", "concerns", "concern text", "issue", "description", "you said", "what was raised"),
    "status": ("status", "concern status"),
}

KIND_ALIASES = {
    "yfyv": "your_force_your_voice",
    "ward panel": "pact",
    "partner": "partner_event",
    "school": "school_youth",
    "youth": "school_youth",
}

_WEEKDAY = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+", re.I)

_ORDINAL = re.compile(r"(\d)(st|nd|rd|th)\b", re.I)

_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})$")


class ImportFileError(ValueError):
    """A file that cannot be read as a table at all."""


class ImportRefused(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


# --- reading ------------------------------------------------------------------------


@dataclass
class SourceRow:
    number: int  # the row's number in the file or sheet (the header is 1)
    values: dict[str, object]  # header as written -> cell value as read


@dataclass
class Table:
    columns: list[str]
    rows: list[SourceRow]
    source: str = ""


def read_rows(path) -> Table:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return _read_csv(path)
    if suffix == ".xls":
        raise ImportFileError(f"{path.name}: old .xls files are not read; save it as .xlsx or CSV")
    raise ImportFileError(f"{path.name}: give a .csv or .xlsx file")


def _table(source: str, rows: Iterable[tuple[int, list]]) -> Table:
    rows = iter(rows)
    for _number, header in rows:
        if not all(_blank(v) for v in header):
            break
    else:
        raise ImportFileError(f"{source}: the file is empty")
    columns = [str(h).strip() if h is not None else "" for h in header]
    while columns and not columns[-1]:
        columns.pop()
    out = []
    for number, cells in rows:
        if all(_blank(v) for v in cells):
            continue
        cells = list(cells) + [None] * (len(columns) - len(cells))
        values = {c: cells[i] for i, c in enumerate(columns) if c}
        out.append(SourceRow(number, values))
    return Table(columns, out, source)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_csv(path: Path) -> Table:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    reader = csv.reader(io.StringIO(text, newline=""))
    # Numbered by record, as a spreadsheet shows them (a quoted cell may span lines).
    try:
        return _table(path.name, enumerate(reader, start=1))
    except csv.Error as exc:  # e.g. a field over the csv module's 128 KiB limit
        raise ImportFileError(f"{path.name}: not a CSV file that can be read ({exc})") from None


def _read_xlsx(path: Path) -> Table:
    import openpyxl

    try:
        # data_only=False: a formula is read as its text and reported, never evaluated
        # (nor trusted as the value Excel last cached for it).
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # zipfile, XML and openpyxl's own errors
        raise ImportFileError(f"{path.name}: not a readable .xlsx file ({exc})") from exc
    try:
        sheet = book.worksheets[0]
        return _table(path.name, ((n, list(row)) for n, row in enumerate(sheet.iter_rows(values_only=True), start=1)))
    finally:
        book.close()


def normalise_header(text: str) -> str:
    return " ".join(re.sub(r"[_\-.:()]", " ", str(text)).casefold().split())


def map_columns(columns: list[str]) -> tuple[dict[str, str], list[str], list[str]]:
    """(field -> header, ignored headers, problems)."""
    by_alias = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
    fields: dict[str, str] = {}
    ignored, problems = [], []
    for header in columns:
        if not header:
            continue
        name = by_alias.get(normalise_header(header))
        if name is None:
            ignored.append(header)
        elif name in fields:
            problems.append(f"columns '{fields[name]}' and '{header}' both give the {name.replace('_', ' ')}")
        else:
            fields[name] = header
    if "date" not in fields or not {"ward", "ward_code", "ward_name"} & set(fields):
        missing = [
            n
            for n, ok in (("date", "date" in fields), ("ward", bool({"ward", "ward_code", "ward_name"} & set(fields))))
            if not ok
        ]
        problems.append(f"no {' or '.join(missing)} column (the columns are: {', '.join(c for c in columns if c)})")
    return fields, ignored, problems


# --- reading cells ------------------------------------------------------------------


class CellError(ValueError):
    pass


def formula_text(value) -> str | None:
    """The formula, if the cell holds one (text starting with '=' or openpyxl's
    array/data-table formula objects)."""
    if isinstance(value, str) and value.strip().startswith("="):
        return value.strip()
    text = getattr(value, "text", None)
    if type(value).__name__ in ("ArrayFormula", "DataTableFormula"):
        return str(text or value)
    return None


def parse_day(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _excel_serial(value, value)
    text = " ".join(str(value).split())
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _excel_serial(float(text), value)
    for iso in (date.fromisoformat, lambda t: datetime.fromisoformat(t).date()):
        try:
            return iso(text)
        except ValueError:
            pass
    numeric = _NUMERIC_DATE.match(text)
    if numeric:
        day, month, year = (int(g) for g in numeric.groups())
        year += 2000 if year < 100 else 0
        try:
            return date(year, month, day)
        except ValueError:
            raise CellError(f"date '{value}' does not exist (read as day/month/year)") from None
    words = _ORDINAL.sub(r"\1", _WEEKDAY.sub("", text)).replace(",", " ").replace("Sept ", "Sep ")
    words = " ".join(words.split())
    for fmt in ("%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y"):
        try:
            return datetime.strptime(words, fmt).date()
        except ValueError:
            continue
    raise CellError(f"date '{value}' is not a date: use 2018-07-03, 03/07/2018 or 3 July 2018")


def _excel_serial(number: float, shown) -> date:
    if not 1 <= number < 100000:
        raise CellError(f"date '{shown}' is not a date: use 2018-07-03, 03/07/2018 or 3 July 2018")
    return EXCEL_EPOCH + timedelta(days=int(number))


def parse_attendance(value) -> int | None:
    if _blank(value):
        return None
    number = None
    if isinstance(value, bool):
        pass
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and re.fullmatch(r"\d{1,3}(,\d{3}){0,3}|\d{1,12}", value.strip()):
        number = int(value.strip().replace(",", ""))
    if number is None:
        raise CellError(f"attendance '{str(value)[:40]}' is not a whole number")
    if number < 0:
        raise CellError(f"attendance {number} is negative")
    if number > DATABASE_MAX_INTEGER:  # the column holds no more (and no meeting is near it)
        raise CellError(f"attendance {number} is more than {DATABASE_MAX_INTEGER}")
    return number


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime) and value.time() == time.min:
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _key(text: str) -> str:
    """For comparing what people type: case, '&'/'and', apostrophes, punctuation and
    spacing do not matter."""
    text = str(text or "").casefold().replace("&", " and ")
    text = re.sub(r"['\u2018\u2019`]", "", text)
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


# --- the plan -------------------------------------------------------------------------


@dataclass
class RowProblem:
    row: int
    reason: str

    def __str__(self):
        return f"row {self.row}: {self.reason}"


@dataclass
class PlannedMeeting:
    id: str
    ward: Ward
    date: date
    venue: str
    attendance: int | None
    notes: str
    kind: str
    rows: list[int]
    exists: bool = False

    @property
    def vintage(self) -> str:
        return self.ward.boundary_set.vintage


@dataclass
class PlannedConcern:
    id: str
    meeting_id: str
    category: str
    text: str
    status: str
    raised_at: datetime
    row: int
    exists: bool = False


@dataclass
class ImportPlan:
    source: str
    columns: list[str]
    rows: list[SourceRow]
    fields: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    file_problems: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    meetings: list[PlannedMeeting] = field(default_factory=list)
    concerns: list[PlannedConcern] = field(default_factory=list)

    @property
    def rejected_rows(self) -> set[int]:
        return {p.row for p in self.problems}

    @property
    def new_meetings(self) -> list[PlannedMeeting]:
        return [m for m in self.meetings if not m.exists]

    @property
    def new_concerns(self) -> list[PlannedConcern]:
        return [c for c in self.concerns if not c.exists]

    @property
    def ok(self) -> bool:
        return not self.file_problems and not self.problems

    def summary(self) -> str:
        existing_m = len(self.meetings) - len(self.new_meetings)
        existing_c = len(self.concerns) - len(self.new_concerns)
        text = (
            f"{len(self.rows)} rows: {len(self.new_meetings)} meetings and {len(self.new_concerns)} concerns to import"
        )
        if existing_m or existing_c:
            text += f" ({existing_m} meetings and {existing_c} concerns already imported)"
        if self.problems:
            text += f"; {len(self.rejected_rows)} rows invalid"
        return text + "."


@dataclass
class _Parsed:
    row: SourceRow
    ward: Ward
    day: date
    venue: str
    attendance: int | None
    notes: str
    kind: str | None
    category: Category | None
    concern: str
    status: str


class _Lookups:
    def __init__(self):
        self.sets = db.session.scalars(sa.select(BoundarySet)).all()
        self.matchers: dict[int, WardMatcher] = {}
        categories = db.session.scalars(sa.select(Category)).all()
        self.categories = {c.code: c for c in categories}
        self.categories.update({_key(c.label): c for c in categories})
        self.kinds = {code: code for code in MEETING_KINDS}
        self.kinds.update({_key(label): code for code, label in MEETING_KINDS.items()})
        self.kinds.update({_key(code): code for code in MEETING_KINDS})
        self.kinds.update(KIND_ALIASES)
        self.statuses = {s: s for s in CONCERN_STATUSES}
        self.statuses.update({_key(label): s for s, label in STATUS_LABELS.items()})
        self.statuses.update({_key(s): s for s in CONCERN_STATUSES})

    def matcher(self, day: date | None) -> WardMatcher:
        """The wards in force on the day; the current set's when the date is not valid
        (to report a wrong ward as well)."""
        current = next((s for s in self.sets if s.is_current), None)
        boundary_set = boundary_set_on(day, self.sets) if day else current or boundary_set_on(date.today(), self.sets)
        if boundary_set.id not in self.matchers:
            self.matchers[boundary_set.id] = WardMatcher(boundary_set)
        return self.matchers[boundary_set.id]

    def category(self, text: str) -> Category:
        found = self.categories.get(text.strip().lower()) or self.categories.get(_key(text))
        if found is None:
            labels = sorted({c.label for c in self.categories.values() if c.is_active})
            close = difflib.get_close_matches(text, labels, n=3, cutoff=0.5)
            hint = f"; closest: {', '.join(close)}" if close else f"; categories are: {', '.join(labels)}"
            raise CellError(f"unknown category '{text}'{hint}")
        if not found.is_active:
            raise CellError(f"category '{text}' is retired")
        return found


def _as_rows(rows) -> tuple[list[str], list[SourceRow], str]:
    if isinstance(rows, Table):
        return rows.columns, rows.rows, rows.source
    listed, columns = [], []
    for n, row in enumerate(rows, start=2):
        row = row if isinstance(row, SourceRow) else SourceRow(n, dict(row))
        for c in row.values:
            if c not in columns:
                columns.append(c)
        listed.append(row)
    return columns, listed, ""


def plan_import(rows: Table | Iterable[SourceRow | Mapping], source: str = "", today: date | None = None) -> ImportPlan:
    """Check every row and work out what would be created. Nothing is written."""
    today = today or date.today()
    columns, rows, read_from = _as_rows(rows)
    plan = ImportPlan(source or read_from, columns, rows)
    plan.fields, plan.ignored_columns, plan.file_problems = map_columns(columns)
    if plan.file_problems:
        return plan
    lookups = _Lookups()
    if not lookups.sets:
        plan.file_problems.append("no boundary set imported yet: run `flask --app engage wards import-default`")
        return plan
    parsed = [p for row in rows if (p := _parse_row(row, plan, lookups, today)) is not None]
    _plan_meetings(parsed, plan)
    _check_database(plan)
    plan.problems.sort(key=lambda p: p.row)
    return plan


def _parse_row(row: SourceRow, plan: ImportPlan, lookups: _Lookups, today: date) -> _Parsed | None:
    reasons = []
    values = {}
    for name, header in plan.fields.items():
        value = row.values.get(header)
        formula = formula_text(value)
        if formula is not None:
            reasons.append(f"{header}: the formula {formula} is not evaluated; type the value itself")
            value = None
        elif problem := cell_problem(value):  # e.g. a NUL, or a control character no export can write
            reasons.append(f"{header}: {problem}")
            value = None
        values[name] = value

    day = None
    if _blank(values["date"]):
        if formula_text(row.values.get(plan.fields["date"])) is None:
            reasons.append("no date")
    else:
        try:
            day = parse_day(values["date"])
            if day > today:
                reasons.append(f"date {day:%-d %B %Y} is in the future: only meetings already held are imported")
            elif day < EARLIEST:
                reasons.append(f"date {day:%-d %B %Y} is before 2000: check the year")
        except CellError as exc:
            reasons.append(str(exc))

    ward = None
    ward_text = next(
        (_text(values[f]) for f in ("ward_code", "ward", "ward_name") if f in values and not _blank(values[f])), ""
    )
    matcher = lookups.matcher(day)
    if ward_text:
        match = matcher.match(ward_text)
        if match.ward is None:
            reasons.append(match.problem + ("" if day else " (the date, which picks the boundary set, is not valid)"))
        ward = match.ward
    elif not any(
        formula_text(row.values.get(plan.fields[f])) for f in ("ward_code", "ward", "ward_name") if f in plan.fields
    ):
        reasons.append("no ward")

    venue = " ".join(_text(values.get("venue")).split())
    if len(venue) > MAX_VENUE:
        reasons.append(f"venue is longer than {MAX_VENUE} characters")
    attendance = None
    try:
        attendance = parse_attendance(values.get("attendance"))
    except CellError as exc:
        reasons.append(str(exc))
    notes = _text(values.get("notes"))
    if len(notes) > MAX_TEXT:
        reasons.append(f"notes are longer than {MAX_TEXT} characters")
    kind = None
    if not _blank(values.get("kind")):
        kind = lookups.kinds.get(_key(_text(values["kind"])))
        if kind is None:
            reasons.append(f"meeting kind '{_text(values['kind'])}' is not one of: {', '.join(MEETING_KINDS.values())}")

    category, text = None, _text(values.get("concern"))
    if len(text) > MAX_TEXT:
        reasons.append(f"concern text is longer than {MAX_TEXT} characters")
    category_text = _text(values.get("category"))
    if category_text or text:
        try:
            category = lookups.category(category_text or "other")
        except CellError as exc:
            reasons.append(str(exc))
    status = DEFAULT_STATUS
    if not _blank(values.get("status")):
        status = lookups.statuses.get(_key(_text(values["status"])))
        if status is None:
            reasons.append(f"status '{_text(values['status'])}' is not one of: {', '.join(STATUS_LABELS.values())}")
        elif not (category_text or text):
            reasons.append("a status is given but no concern")

    if reasons:
        plan.problems.append(RowProblem(row.number, "; ".join(reasons)))
        return None
    return _Parsed(row, ward, day, venue, attendance, notes, kind, category, text, status)


def meeting_id_for(ward_code: str, day: date, venue: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"meeting|{ward_code.upper()}|{day.isoformat()}|{_key(venue)}"))


def concern_id_for(meeting_id: str, category_code: str, text: str, occurrence: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"concern|{meeting_id}|{category_code}|{_key(text)}|{occurrence}"))


def _plan_meetings(parsed: list[_Parsed], plan: ImportPlan) -> None:
    groups: dict[tuple, list[_Parsed]] = {}
    for p in parsed:
        groups.setdefault((p.ward.code, p.day, _key(p.venue)), []).append(p)
    for (code, day, _), group in groups.items():
        conflicts = []
        chosen = {}
        for name in ("attendance", "notes", "kind"):
            given = {getattr(p, name) for p in group if getattr(p, name) not in (None, "")}
            if len(given) > 1:
                shown = ", ".join(sorted(f"{v}" if name != "notes" else f"'{v[:40]}'" for v in given))
                conflicts.append(f"{name} {shown}")
            chosen[name] = next(iter(given)) if given else None
        numbers = [p.row.number for p in group]
        if conflicts:
            reason = (
                f"duplicate meeting: rows {', '.join(map(str, numbers))} are the same meeting "
                f"({group[0].ward.name}, {day:%-d %B %Y}, {group[0].venue or 'no venue'}) "
                f"with different {' and '.join(conflicts)}"
            )
            plan.problems += [RowProblem(n, reason) for n in numbers]
            continue
        meeting = PlannedMeeting(
            id=meeting_id_for(code, day, group[0].venue),
            ward=group[0].ward,
            date=day,
            venue=group[0].venue,
            attendance=chosen["attendance"],
            notes=chosen["notes"] or "",
            kind=chosen["kind"] or "your_force_your_voice",
            rows=numbers,
        )
        plan.meetings.append(meeting)
        raised_at = datetime.combine(day, time(12, 0), tzinfo=UTC)
        seen: Counter = Counter()
        for p in group:
            if p.category is None:
                continue
            text = p.concern or p.category.label
            seen[(p.category.code, _key(text))] += 1
            plan.concerns.append(
                PlannedConcern(
                    id=concern_id_for(meeting.id, p.category.code, text, seen[(p.category.code, _key(text))]),
                    meeting_id=meeting.id,
                    category=p.category.code,
                    text=text,
                    status=p.status,
                    raised_at=raised_at,
                    row=p.row.number,
                )
            )


def _chunks(items, size=500):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _check_database(plan: ImportPlan) -> None:
    """Meetings already imported (same id): unchanged is fine, changed is a conflict.
    The same ward, date and venue recorded otherwise (another id) is a duplicate."""
    by_id = {m.id: m for m in plan.meetings}
    stored: dict[str, Meeting] = {}
    for ids in _chunks(by_id):
        stored.update({m.id: m for m in db.session.scalars(sa.select(Meeting).where(Meeting.id.in_(ids)))})
    others: dict[tuple, Meeting] = {}
    for days in _chunks({m.date for m in plan.meetings}):
        for m in db.session.scalars(sa.select(Meeting).where(Meeting.date.in_(days), ~Meeting.is_demo)):
            if m.id not in by_id:
                for w in m.wards:
                    others.setdefault((w.code, m.date, _key(m.venue)), m)
    bad_meetings = set()
    for planned in plan.meetings:
        reason = None
        existing = stored.get(planned.id)
        if existing is not None:
            differences = [
                f"{name} {theirs!r} in engage, {ours!r} in the file"
                for name, theirs, ours in (
                    ("attendance", existing.attendance, planned.attendance),
                    ("notes", existing.notes, planned.notes),
                    ("kind", existing.kind, planned.kind),
                )
                if theirs != ours
            ]
            if differences:
                reason = "duplicate meeting: already imported (perhaps from another file) with different " + "; ".join(
                    differences
                )
            planned.exists = True
        elif (other := others.get((planned.ward.code, planned.date, _key(planned.venue)))) is not None:
            reason = (
                f"duplicate meeting: already in engage as meeting {other.id} "
                f"({planned.ward.name}, {planned.date:%-d %B %Y}, {other.venue or 'no venue'})"
            )
        if reason:
            plan.problems += [RowProblem(n, reason) for n in planned.rows]
            bad_meetings.add(planned.id)
    plan.meetings = [m for m in plan.meetings if m.id not in bad_meetings]
    plan.concerns = [c for c in plan.concerns if c.meeting_id not in bad_meetings]
    existing_concerns = set()
    for ids in _chunks(c.id for c in plan.concerns):
        existing_concerns.update(db.session.scalars(sa.select(Concern.id).where(Concern.id.in_(ids))))
    for c in plan.concerns:
        c.exists = c.id in existing_concerns


# --- writing ------------------------------------------------------------------------


@dataclass
class ImportResult:
    meetings: int = 0
    concerns: int = 0
    meetings_existing: int = 0
    concerns_existing: int = 0
    rejected: int = 0

    def summary(self) -> str:
        text = f"Imported {self.meetings} meetings and {self.concerns} concerns"
        if self.meetings_existing or self.concerns_existing:
            text += f"; {self.meetings_existing} meetings and {self.concerns_existing} concerns were already imported"
        if self.rejected:
            text += f"; {self.rejected} rows rejected"
        return text + "."


def run_import(plan: ImportPlan, skip_invalid: bool = False, actor: str = "import") -> ImportResult:
    """Write what the plan says: everything, or (skip_invalid) the valid rows only.
    Imported concerns are routed as any concern is, but nobody is e-mailed, and they
    take the file's status (closed when it gives none)."""
    if plan.file_problems:
        raise ImportRefused(plan.file_problems)
    if plan.problems and not skip_invalid:
        raise ImportRefused([str(p) for p in plan.problems])
    result = ImportResult(
        rejected=len(plan.rejected_rows),
        meetings_existing=len(plan.meetings) - len(plan.new_meetings),
        concerns_existing=len(plan.concerns) - len(plan.new_concerns),
    )
    # Held here as well as in the session: its identity map keeps only weak references,
    # and raise_concern looks each concern's meeting up by id.
    meetings = [
        Meeting(
            id=m.id,
            kind=m.kind,
            date=m.date,
            venue=m.venue,
            status="held",
            attendance=m.attendance,
            notes=m.notes,
            wards=[m.ward],
        )
        for m in plan.new_meetings
    ]
    db.session.add_all(meetings)
    result.meetings = len(meetings)
    db.session.flush()
    note = f"Imported from {plan.source or 'a spreadsheet'} (historical record)"
    # Flushed in batches, not before every look-up raise_concern makes: the plan has
    # already checked that these ids are new and distinct.
    with db.session.no_autoflush:
        for n, c in enumerate(plan.new_concerns, start=1):
            concern, created = raise_concern(
                {
                    "id": c.id,
                    "meeting_id": c.meeting_id,
                    "category": c.category,
                    "description": c.text,
                    "raised_at": c.raised_at.isoformat(),
                },
                channel="import",
                notify=False,
            )
            if not created:
                continue
            if c.status != concern.status:
                db.session.add(
                    StatusChange(
                        concern=concern,
                        at=c.raised_at,
                        from_status=concern.status,
                        to_status=c.status,
                        note=note,
                        actor=actor,
                    )
                )
                concern.status = c.status
                concern.status_changed_at = c.raised_at
            result.concerns += 1
            if n % 200 == 0:
                db.session.flush()
    db.session.flush()
    return result


def _safe_cell(value) -> str:
    """As text for a CSV someone will open in Excel: a leading = + - @ would be run
    as a formula there, so such text is kept as text with a leading apostrophe."""
    text = value if isinstance(value, str) else (formula_text(value) or _text(value))
    if text[:1] in ("=", "+", "@") or (text[:1] == "-" and not re.fullmatch(r"-\d+(\.\d+)?", text)):
        return "'" + text
    return text


def write_rejects(plan: ImportPlan, out) -> int:
    """The rejected rows, as they were, with a `reason` column; returns how many."""
    rejected = {}
    for p in plan.problems:
        rejected.setdefault(p.row, []).append(p.reason)
    columns = [c for c in plan.columns if c]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns + ["reason"])
    count = 0
    for row in plan.rows:
        if row.number in rejected:
            reasons = list(dict.fromkeys(rejected[row.number]))
            writer.writerow(
                [_safe_cell(row.values.get(c)) for c in columns] + [f"row {row.number}: " + "; ".join(reasons)]
            )
            count += 1
    return count
