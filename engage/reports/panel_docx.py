"""The Panel report as a Word document (python-docx), opening in Word and LibreOffice.

Every text from the database (wording, venues, notes, ward and authority names, what
was done) goes in through `printable`: python-docx refuses the control characters
text pasted from Word can carry, and one stored before they were refused would
otherwise stop the whole report."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

from engage.platform.text import printable


def _para(doc, number: str, text: str):
    p = doc.add_paragraph()
    p.paragraph_format.left_indent = Cm(1.2)
    p.paragraph_format.first_line_indent = Cm(-1.2)
    p.add_run(f"{number}\t").bold = True
    p.add_run(printable(text))
    return p


def _table(doc, header, rows, numeric=()):
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = ""
        cell.paragraphs[0].add_run(printable(text)).bold = True
    for row in rows:
        cells = table.add_row().cells
        for i, (cell, value) in enumerate(zip(cells, row)):
            cell.text = printable(str(value))
            if i in numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph()
    return table


def build_docx(r) -> Document:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Arial", Pt(10.5)
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2)
    if r.is_demo:
        # In the header, so the warning is on every page.
        header = section.header.paragraphs[0]
        run = header.add_run("DEMO DATA: invented figures, not for the Panel")
        run.bold, run.font.color.rgb = True, RGBColor(0x8A, 0x1D, 0x18)
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph().add_run("Police & Crime Commissioner for Cleveland").bold = True
    doc.add_heading(
        "Report of the Police and Crime Commissioner to the Chair and Members of the Police and Crime Panel", 1
    )
    doc.add_paragraph(r.generated_at.strftime("%-d %B %Y"))
    doc.add_heading("Programme of Engagement", 0)

    doc.add_heading("1. Purpose of Report", 2)
    _para(doc, "1.1", r.narrative["purpose"])
    doc.add_heading("2. Background", 2)
    _para(doc, "2.1", r.narrative["background"])

    doc.add_heading("3. Your Force Your Voice", 2)
    n = len(r.meetings)
    attendance = f" ({r.without_attendance} without a recorded attendance)" if r.without_attendance else ""
    _para(
        doc,
        "3.1",
        f"{r.narrative['yfyv']} Between {r.period.label()}, {n} Your Force Your Voice "
        f"meeting{'' if n == 1 else 's'} were held, attended by {r.residents} residents{attendance}. "
        f"Since the programme began on {r.programme_start:%-d %B %Y}, {r.total_since_start} meetings "
        "have been held.",
    )
    _para(doc, "3.2", "Meetings held in the period by local authority:")
    _table(
        doc,
        ["Local authority", "Meetings", "Residents", "Wards visited (meetings)"],
        [
            (a.name, a.meetings, a.residents, ", ".join(f"{w} ({k})" if k > 1 else w for w, k in a.wards))
            for a in r.by_authority
        ]
        or [("No meetings held in the period.", "", "", "")],
        numeric=(1, 2),
    )
    _para(
        doc,
        "3.3",
        f"{r.narrative['themes']} The themes raised, with the change against the previous "
        f"{r.period.days} days ({r.period.previous().label()}):",
    )
    _table(
        doc,
        ["Theme", "Concerns", "Residents", "Previous period", "Change"],
        [(t.label, t.count, t.residents, t.previous, t.change_label) for t in r.themes]
        or [("No concerns raised in the period.", "", "", "", "")],
        numeric=(1, 2, 3, 4),
    )
    if r.map_png:
        doc.add_picture(io.BytesIO(r.map_png), width=Cm(16))
    _para(
        doc,
        "3.4",
        "Each ward is designated Strengthen, Support or Sustain under the force's demand-based model "
        "for neighbourhood policing. Themes by designation:",
    )
    _table(
        doc,
        ["Designation", "Themes (concerns)"],
        [(d, ", ".join(f"{label} ({k})" for label, k in cats.items())) for d, cats in r.by_designation.items()]
        or [("No concerns raised in the period.", "")],
    )

    doc.add_heading("4. You said, we did", 2)
    o = r.outcomes
    median = (
        f" The median time from a concern being raised to the first action on it was "
        f"{o.median_days_to_first_action} days."
        if o.median_days_to_first_action is not None
        else ""
    )
    _para(
        doc,
        "4.1",
        f"Of the {o.raised} concerns raised in the period, {o.actioned} have been actioned, "
        f"{o.no_action} closed without action and {o.open} remain open.{median}",
    )
    _para(doc, "4.2", r.narrative["outcomes"])
    for label, ward, did in o.examples:
        doc.add_paragraph(printable(f"{label}{', ' + ward if ward else ''}: {did}"), style="List Bullet")

    doc.add_heading("5. Other Meetings", 2)
    _para(doc, "5.1", r.narrative["other"])
    for i, m in enumerate(r.other_meetings, start=2):
        wards = f" ({', '.join(w.name for w in m.wards)})" if m.wards else ""
        _para(
            doc,
            f"5.{i}",
            f"On {m.date:%-d %B} the {'PCC' if m.pcc_attended else 'office'} attended a "
            f"{m.kind_label.lower()}{' at ' + m.venue if m.venue else ''}{wards}."
            f"{' ' + m.notes if m.notes else ''}",
        )
    if not r.other_meetings:
        _para(doc, "5.2", "No other meetings were recorded in the period.")

    doc.add_heading("6. Future Engagement / Meetings", 2)
    _para(doc, "6.1", r.narrative["future"])
    for m in r.future_meetings:
        wards = ", ".join(w.name for w in m.wards)
        doc.add_paragraph(
            printable(
                f"{m.date:%-d %B %Y}: {m.kind_label}{', ' + wards if wards else ''}{', ' + m.venue if m.venue else ''}"
            ),
            style="List Bullet",
        )
    if not r.future_meetings:
        doc.add_paragraph("No meetings are planned yet.", style="List Bullet")

    doc.add_page_break()
    doc.add_heading(f"Appendix: meetings held, {r.period.label()}", 2)
    _table(
        doc,
        ["Date", "Meeting", "Ward", "Venue", "Attendance", "Concerns raised"],
        [
            (
                m.date.strftime("%d/%m/%Y"),
                m.kind_label,
                ", ".join(w.name for w in m.wards),
                m.venue,
                m.attendance if m.attendance is not None else "–",
                k,
            )
            for m, k in r.appendix
        ]
        or [("No meetings held in the period.", "", "", "", "", "")],
        numeric=(4, 5),
    )
    doc.add_paragraph(
        f"Generated by engage on {r.generated_at:%-d %B %Y at %H:%M UTC} from "
        f"{'demo' if r.is_demo else 'recorded'} data. Boundaries: ONS, Open Government Licence v3."
    )
    return doc
