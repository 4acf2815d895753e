"""Reading an agenda from a file the office already has: a Word document (.docx) or a
text file (.txt) of numbered items, one a line, the presenter after a dash if any:

    1. Welcome and introductions
    2 Notes of the previous meeting – Chair
    3) Off-road bikes – Insp Smith

A Word agenda laid out as a table (number, item, presenter, as the Working Together
agenda of 30 August 2017 is) reads the same. All or nothing: one line that cannot be
read refuses the file, with its line number and text, and nothing is stored."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from engage.concerns.models import Meeting
from engage.extensions import db
from engage.minutes.models import AgendaItem
from engage.minutes.services import ACTIONS_TITLE, NOTES_TITLE, PRESENTER_LIMIT, TITLE_LIMIT
from engage.platform.text import text_problem

MAX_BYTES = 1024 * 1024  # an agenda is a page or two; a megabyte is plenty
KINDS = {".txt": "text", ".docx": "docx"}

NUMBERED = re.compile(r"^(?:item\s+)?(\d{1,3})\s*[.):]?\s+(\S.*)$", re.IGNORECASE)
DASH = re.compile(r"\s+[–—-]\s+")
# A dash followed by a date is part of the title ("Notes of the previous meeting – 26 April 2017").
DATE_AFTER = re.compile(r"^\d{1,2}(st|nd|rd|th)?\s+[A-Za-z]+(\s+\d{4})?$|^\d{1,2}/\d{1,2}/\d{2,4}$")
# Lines a Word agenda carries around its items, skipped: the heading and the table's header.
SKIPPED = {"agenda", "presented by", "item", "item presented by", "presenter"}


class AgendaRefused(ValueError):
    """Why the file was not read: one sentence naming the file or its line."""


@dataclass
class ReadItem:
    number: int
    title: str
    presenter: str


def file_kind(filename: str) -> str:
    name = (filename or "").lower()
    for ending, kind in KINDS.items():
        if name.endswith(ending):
            return kind
    raise AgendaRefused(
        f"“{filename or 'the file'}” is not an agenda this page reads: choose a Word document (.docx) or a text file (.txt)"
    )


def _text_lines(data: bytes) -> list[str]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding).splitlines()
        except UnicodeDecodeError:
            continue
    raise AgendaRefused("the text file could not be read as text: save it as plain text (UTF-8) and try again")


def _docx_lines(data: bytes) -> list[str]:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise AgendaRefused("the file is not a Word document (.docx): it may be damaged, or an old .doc file")
    from docx import Document

    try:
        document = Document(io.BytesIO(data))
    except Exception:  # python-docx raises many kinds on a damaged package
        raise AgendaRefused(
            "the Word document could not be opened: it may be damaged; save it again from Word and retry"
        ) from None
    lines: list[str] = []
    body = document.element.body
    # Paragraphs and tables in the order they stand in the document.
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            from docx.table import Table

            for row in Table(child, document).rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = " ".join(cell.text.split())
                    if not cells or text != cells[-1]:  # a merged cell repeats its text
                        cells.append(text)
                lines.append(_row_line([c for c in cells]))
    return lines


def _row_line(cells: list[str]) -> str:
    """A table row as a line: "4." | "Neighbourhood Policing Update" | "Alistair Simpson"."""
    cells = [c for c in cells if c]
    if not cells:
        return ""
    if len(cells) >= 2 and re.fullmatch(r"\d{1,3}\s*[.):]?", cells[0]):
        head, rest = cells[0], cells[1:]
        return f"{head} {rest[0]}" + (f" – {' '.join(rest[1:])}" if len(rest) > 1 else "")
    return " ".join(cells)


def _split_presenter(text: str) -> tuple[str, str]:
    parts = DASH.split(text)
    if len(parts) < 2:
        return text, ""
    presenter = parts[-1].strip()
    if DATE_AFTER.match(presenter):
        return text, ""
    return " – ".join(parts[:-1]).strip(), presenter


def read_items(lines: list[str]) -> list[ReadItem]:
    """The numbered items, in order, 1, 2, 3 ...; AgendaRefused names the first line
    that is not one."""
    items: list[ReadItem] = []
    for number, raw in enumerate(lines, start=1):
        line = " ".join(raw.split())
        if not line or line.lower().rstrip(":") in SKIPPED:
            continue
        shown = line if len(line) <= 80 else line[:77] + "..."
        problem = text_problem(line)
        if problem:
            raise AgendaRefused(f"line {number} {problem}")
        match = NUMBERED.match(line)
        if match is None:
            raise AgendaRefused(
                f"line {number} could not be read as an agenda item: “{shown}”. "
                "Each item is a line starting with its number, e.g. “3. Off-road bikes – Insp Smith”"
            )
        item_number = int(match.group(1))
        expected = len(items) + 1
        if item_number != expected:
            raise AgendaRefused(
                f"line {number} is item {item_number}, but item {expected} was expected next: “{shown}”"
            )
        title, presenter = _split_presenter(match.group(2).strip())
        if len(title) > TITLE_LIMIT:
            raise AgendaRefused(
                f"line {number}: the item's title is {len(title)} characters long; at most {TITLE_LIMIT}"
            )
        if len(presenter) > PRESENTER_LIMIT:
            raise AgendaRefused(
                f"line {number}: the presenter is {len(presenter)} characters long; at most {PRESENTER_LIMIT}"
            )
        items.append(ReadItem(item_number, title, presenter))
    if not items:
        raise AgendaRefused("the file holds no numbered items: each item is a line starting with its number")
    return items


def read_agenda_file(filename: str, data: bytes) -> list[ReadItem]:
    kind = file_kind(filename)
    if not data:
        raise AgendaRefused(f"“{filename}” is empty")
    if len(data) > MAX_BYTES:
        raise AgendaRefused(f"“{filename}” is over 1 MB: an agenda file may be at most 1 MB")
    lines = _docx_lines(data) if kind == "docx" else _text_lines(data)
    return read_items(lines)


def _kind_of(title: str) -> str:
    lowered = title.lower()
    if lowered.startswith(NOTES_TITLE.lower()):
        return "previous_notes"
    if lowered.startswith(ACTIONS_TITLE.lower()) or lowered.startswith("actions from the previous meeting"):
        return "previous_actions"
    return "item"


def import_agenda(meeting: Meeting, items: list[ReadItem]) -> int:
    """The file's items become the meeting's agenda, numbered as in the file. Refused
    once the agenda has minutes or actions: they belong to the items they were written
    under. "Notes of the previous meeting" and "Actions from previous meeting" keep
    their part (approving the notes, the open actions); when the file has neither,
    the ones the series gave the meeting stay at the top and the file's follow."""
    if any(i.discussion.strip() or i.actions for i in meeting.agenda):
        raise AgendaRefused(
            "this meeting's agenda already has minutes or actions; an imported agenda would replace it. "
            "Import into a meeting whose agenda has none yet"
        )
    kinds = [_kind_of(i.title) for i in items]
    kept = [] if any(k != "item" for k in kinds) else [i for i in meeting.agenda if i.kind != "item"]
    for item in list(meeting.agenda):
        if item not in kept:
            meeting.agenda.remove(item)
            db.session.delete(item)
    db.session.flush()
    for step in (1000, 0):  # out of each other's way first: numbers are unique per meeting
        for position, item in enumerate(kept, start=1):
            item.number = position + step
        db.session.flush()
    for offset, (read, kind) in enumerate(zip(items, kinds), start=len(kept) + 1):
        meeting.agenda.append(
            AgendaItem(number=offset, kind=kind, title=read.title, presenter=read.presenter, discussion="")
        )
    db.session.flush()
    return len(items)
