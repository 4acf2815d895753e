"""The agenda and the minutes as Word documents, in the shape the office's own have
(../shared/seeds/004_f81e401d2c1f0526.txt): the letterhead, the meeting's name, date,
time and venue; then the numbered items with their presenters (the agenda), or who was
present and who sent apologies, each item's discussion and its "ACTION – owner" lines
(the minutes). Every stored text goes in through `printable`."""

from __future__ import annotations

from dataclasses import dataclass

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from engage.actions.services import STATUS_LABELS, owner_label
from engage.concerns.models import Meeting
from engage.platform.dates import OFFICE_ZONE
from engage.platform.english import clock, plain_date, weekday_date
from engage.platform.text import printable
from engage.reports.office import Office
from engage.reports.panel_docx import fit_columns, table_with_header
from engage.reports.printing import arial_document, docx_bytes

MARGIN = Cm(2)
TEXT_WIDTH = 17.0  # cm, between the margins


@dataclass
class MinutesDocument:
    """What the files are drawn from: the meeting, the office, and item 2's actions."""

    meeting: Meeting
    office: Office
    carried: list  # the actions carried into the meeting (engage.minutes.services.carried_actions)


def docx_file(d: MinutesDocument, what: str) -> bytes:
    """The agenda's or the minutes' bytes."""
    return docx_bytes((agenda_document if what == "agenda" else minutes_document)(d))


def meeting_title(meeting: Meeting) -> str:
    """ "Working Together Meeting", as the minutes are headed."""
    name = meeting.series or meeting.kind_label
    return name if name.lower().endswith("meeting") else f"{name} Meeting"


def action_line(action) -> str:
    """ "ACTION – J Feaks, Redcar and Cleveland Borough Council: provide an update (due 1 May 2027)"."""
    due = f" (due {plain_date(action.due_date)})" if action.due_date else ""
    status = "" if action.status == "open" else f" [{STATUS_LABELS[action.status]}]"
    return f"ACTION – {owner_label(action)}: {action.title}{due}{status}"


def _para(doc, text: str, bold: bool = False, italic: bool = False, size: float | None = None, after: float = 4):
    p = doc.add_paragraph()
    p.paragraph_format.space_after = Pt(after)
    run = p.add_run(printable(text))
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    return p


def _letterhead(doc, office: Office, meeting: Meeting, what: str) -> None:
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = head.add_run(printable(office.name))
    run.bold, run.font.size = True, Pt(12)
    for line in [*office.address, f"Tel: {office.telephone}", f"Email: {office.email}"]:
        if line.strip():
            head.add_run("\n" + printable(line)).font.size = Pt(9)
    if meeting.is_demo:
        _para(doc, "DEMO DATA: an invented meeting, not a real record", bold=True)
    doc.add_heading(printable(meeting_title(meeting)), level=1)
    facts = [("Date", weekday_date(meeting.date))]
    if meeting.start_time is not None:
        facts.append(("Time", clock(meeting.start_time)))
    facts.append(("Venue", meeting.venue or "to be confirmed"))
    for label, value in facts:
        p = doc.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        p.add_run(f"{label}: ").bold = True
        p.add_run(printable(value))
    _para(doc, "")
    doc.add_heading(what, level=2)


def agenda_document(d: MinutesDocument) -> Document:
    doc = arial_document(MARGIN)
    _letterhead(doc, d.office, d.meeting, "Agenda")
    header = ["", "Item", "Presented by"]
    rows = [(f"{i.number}.", i.title, i.presenter) for i in d.meeting.agenda]
    table = table_with_header(doc, header)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = ""
            cell.paragraphs[0].add_run(printable(value))
    fit_columns(table, header, rows, total=TEXT_WIDTH)
    if not rows:
        _para(doc, "No items yet.", italic=True)
    return doc


def _people(doc, meeting: Meeting, attendance: str, heading: str, none: str) -> None:
    doc.add_heading(heading, level=2)
    people = [p for p in meeting.attendees if p.attendance == attendance]
    if not people:
        _para(doc, none, italic=True)
    for person in people:
        _para(doc, f"{person.name}, {person.organisation}" if person.organisation else person.name, after=0)


def minutes_document(d: MinutesDocument) -> Document:
    m = d.meeting
    doc = arial_document(MARGIN)
    _letterhead(doc, d.office, m, "Minutes")
    if m.minutes_approved_at is not None:
        approved = plain_date(m.minutes_approved_at.astimezone(OFFICE_ZONE).date())
        by = f" by {m.minutes_approved_by}" if m.minutes_approved_by else ""
        _para(doc, f"Approved as an accurate record on {approved}{by}.", italic=True)
    else:
        _para(doc, "DRAFT FOR APPROVAL", bold=True)
    _people(doc, m, "present", "Present", "Not recorded.")
    _people(doc, m, "apologies", "Apologies for absence", "None.")
    for item in m.agenda:
        doc.add_heading(printable(f"{item.number}. {item.title}"), level=2)
        if item.presenter:
            _para(doc, f"Presented by {item.presenter}", italic=True)
        for paragraph in item.discussion.split("\n\n") if item.discussion.strip() else []:
            _para(doc, paragraph.strip())
        if item.kind == "previous_actions":
            if not d.carried:
                _para(doc, "There were no outstanding actions.")
            for action in d.carried:
                source = action.agenda_item
                _para(
                    doc,
                    f"{action_line(action)} (from {plain_date(source.meeting.date)}, item {source.number})",
                    after=2,
                )
                latest = [u for u in action.updates[1:] if u.note][-1:]  # not "Action agreed"
                for update in latest:
                    _para(doc, f"Update: {update.note}", italic=True, after=2)
        for action in item.actions:
            _para(doc, action_line(action), bold=True)
    return doc
