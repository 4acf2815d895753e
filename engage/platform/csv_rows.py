"""Reading a CSV file that is imported all or nothing (teams, routing rules,
designations): the file's own faults, the header, and the problems by row number.

What a row means, and how it is checked, stays with each importer.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import ClassVar, TypeVar

from engage.platform.text import text_problem

T = TypeVar("T")


class FileRefused(ValueError):
    """A file imported all or nothing was refused; `problems` says why, by row."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass
class ImportTally:
    """What an import by key did (or, in a dry run, would do): the keys created,
    updated and unchanged. Subclasses name what was imported in `things`."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    dry_run: bool = False
    things: ClassVar[str] = "rows"

    def summary(self) -> str:
        counts = f"{len(self.created)} created, {len(self.updated)} updated, {len(self.unchanged)} unchanged."
        if self.dry_run:
            return f"Dry run, nothing stored: {self.things} that would be " + counts
        return f"{self.things[:1].upper()}{self.things[1:]}: " + counts


def read_csv_file(path: str, parse: Callable[..., T], error: type[FileRefused]) -> T:
    """`parse(fh)` over the file at `path`, with a file that is missing, not UTF-8
    or not CSV refused as `error`."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            return parse(fh)
    except FileNotFoundError:
        raise error([f"no such file: {path}"]) from None
    except UnicodeDecodeError as exc:
        raise error([f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})"]) from exc
    except csv.Error as exc:  # e.g. a field over the csv module's 128 KiB limit
        raise error([f"{path} is not a CSV file that can be read ({exc})"]) from exc


NUL_PROBLEM = "holds a NUL character"


def numbered_rows(
    lines, columns: tuple[str, ...], error: type[FileRefused], filename: str
) -> tuple[list[str], Iterator[tuple[int, dict, dict[str, str]]]]:
    """The header (stripped, lower case), once it has every one of `columns`, and the
    rows as dicts by those names, numbered as a spreadsheet shows them (the header
    is row 1).

    Each row comes with the faults the reader found in its `columns`, by column
    ({} when none): a NUL character, never valid text and which PostgreSQL cannot
    store (psycopg.DataError), or another control character, which no export could
    write (engage.platform.text). The importer reports them with the row's other
    problems; a value with a fault is not to be stored."""
    reader = csv.DictReader(lines)
    if reader.fieldnames is None:
        raise error([f"{filename} is empty: expected the header {','.join(columns)}"])
    fields = [(f or "").strip().lower() for f in reader.fieldnames]
    missing = [c for c in columns if c not in fields]
    if missing:
        raise error([f"{filename}: missing column {', '.join(missing)} (found: {', '.join(reader.fieldnames)})"])
    reader.fieldnames = fields
    return fields, ((number, raw, cell_faults(raw, columns)) for number, raw in enumerate(reader, start=2))


def cell_faults(raw: Mapping[str, str | None], columns: tuple[str, ...]) -> dict[str, str]:
    """What cannot be imported whatever the column means, by column, in `columns` order."""
    found = {c: cell_problem(raw.get(c)) for c in columns}
    return {c: problem for c, problem in found.items() if problem}


def cell_problem(value) -> str | None:
    """What makes one cell's text unfit to import, or None."""
    if not isinstance(value, str):
        return None
    if "\x00" in value:
        return NUL_PROBLEM
    return text_problem(value)


def row_problem(number: int, found: Mapping[str, str] | list[str], columns: Mapping[str, str] | None = None) -> str:
    """One line of the report: 'row 3: ...'. Problems by field name are a form's
    messages, which speak to a person at a field: in a file report they name the
    column (`columns` maps a field to its column) and lose the full stop."""
    if isinstance(found, Mapping):
        columns = columns or {}
        found = [f"{columns.get(key, key)}: {message.rstrip('.')}" for key, message in found.items()]
    return f"row {number}: {'; '.join(found)}"


def all_or_nothing(rows: list[T], problems: list[str], error: type[FileRefused], filename: str) -> list[T]:
    """The checked rows, or the file refused with every problem found."""
    if not rows and not problems:
        problems.append(f"{filename} has a header but no rows")
    if problems:
        raise error(problems)
    return rows
