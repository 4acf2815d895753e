"""The Panel report as a Word document (python-docx), opening in Word and LibreOffice.

Every text from the database (wording, venues, notes, ward and authority names, what
was done) goes in through `printable`: python-docx refuses the control characters
text pasted from Word can carry, and one stored before they were refused would
otherwise stop the whole report."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from engage.platform.english import long_date, plain_date
from engage.platform.text import printable
from engage.reports.panel_sections import Bullets, Figure, Paragraph, Table


def _para(doc, number: str, text: str):
    p = doc.add_paragraph()
    p.paragraph_format.left_indent = Cm(1.2)
    p.paragraph_format.first_line_indent = Cm(-1.2)
    p.add_run(f"{number}\t").bold = True
    p.add_run(printable(text))
    return p


# A4 with 2 cm margins left and right: the text is 17 cm wide.
PAGE_WIDTH, PAGE_HEIGHT, SIDE_MARGIN, TEXT_WIDTH = Cm(21.0), Cm(29.7), Cm(2.0), 17.0
TABLE_FONT_PT = 9.5
# An Arial/Liberation Sans character at 9.5 pt is about 0.19 cm on average (bold a little
# more), and a cell has 0.19 cm of padding each side.
CHAR_CM, CELL_PADDING_CM = 0.2, 0.4


def column_widths(header, rows, total: float = TEXT_WIDTH) -> list[float]:
    """Widths (cm) in which no column breaks a word: each gets at least its longest word,
    and the room left goes to the columns whose text is longest."""
    texts = [[str(h)] + [str(r[i]) for r in rows] for i, h in enumerate(header)]
    least = [max(len(w) for t in col for w in (t.split() or [""])) * CHAR_CM + CELL_PADDING_CM for col in texts]
    wanted = [min(max(len(t) for t in col), 60) * CHAR_CM + CELL_PADDING_CM for col in texts]
    wanted = [max(w, m) for w, m in zip(wanted, least)]
    if sum(wanted) <= total:
        spare = total - sum(wanted)
        return [w + spare * w / sum(wanted) for w in wanted]
    if sum(least) >= total:  # nothing fits: shrink all alike (some word must break)
        return [m * total / sum(least) for m in least]
    spare, extra = total - sum(least), [w - m for w, m in zip(wanted, least)]
    return [m + spare * e / sum(extra) for m, e in zip(least, extra)]


def table_with_header(doc, header):
    """A grid table with its bold header row, which repeats on each page the table runs
    onto and is never left alone at a page's foot. The Panel report's and the ward brief's."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.autofit = False
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = ""
        cell.paragraphs[0].paragraph_format.keep_with_next = True
        run = cell.paragraphs[0].add_run(printable(text))
        run.bold, run.font.size = True, Pt(TABLE_FONT_PT)
    header_props = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_props.append(repeat)
    return table


def fit_columns(table, header, rows, total: float = TEXT_WIDTH) -> None:
    # Word reads the cells' widths, LibreOffice the grid's: both are set.
    for column, width in zip(table.columns, column_widths(header, rows, total)):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def _table(doc, header, rows, numeric=()):
    table = table_with_header(doc, header)
    for row in rows:
        cells = table.add_row().cells
        for i, (cell, value) in enumerate(zip(cells, row)):
            cell.text = ""
            cell.paragraphs[0].add_run(printable(str(value))).font.size = Pt(TABLE_FONT_PT)
            if i in numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    fit_columns(table, header, rows)
    doc.add_paragraph()
    return table


def _page_numbers(section):
    """ "Page 3 of 9" in the footer, as fields Word and LibreOffice fill in."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for i, part in enumerate(("Page ", "PAGE", " of ", "NUMPAGES")):
        if i % 2 == 0:
            p.add_run(part).font.size = Pt(8)
            continue
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), part)
        run = OxmlElement("w:r")
        props, size = OxmlElement("w:rPr"), OxmlElement("w:sz")
        size.set(qn("w:val"), "16")  # half-points: 8 pt, as "Page" and "of"
        props.append(size)
        run.append(props)
        text = OxmlElement("w:t")
        text.text = "1"
        run.append(text)
        field.append(run)
        p._p.append(field)


def _heading(doc, number, title: str):
    p = doc.add_paragraph()
    p.paragraph_format.space_before, p.paragraph_format.keep_with_next = Pt(12), True
    run = p.add_run(f"{number}. {printable(title)}" if number else printable(title))
    run.bold, run.font.size = True, Pt(12)
    return p


def _letterhead(doc, office):
    lines = [office.name, *office.address]
    p = doc.add_paragraph()
    for i, line in enumerate(lines):
        run = p.add_run(printable(line))
        run.bold = True
        if i < len(lines) - 1:
            run.add_break()
    contact = doc.add_paragraph()
    if office.email:
        contact.add_run(printable(f"Email: {office.email}"))
    if office.website:
        if office.email:
            contact.add_run().add_break()
        contact.add_run(printable(f"Website: {office.website}"))
    if office.holders:
        rows = [(f"{h.role}:", h.name, f"Tel: {h.telephone}" if h.telephone else "") for h in office.holders]
        table = doc.add_table(rows=0, cols=3)
        table.autofit = False
        for row in rows:
            for cell, text in zip(table.add_row().cells, row):
                cell.text = printable(text)
        for column, width in zip(table.columns, column_widths(["", "", ""], rows)):
            column.width = Cm(width)
            for cell in column.cells:
                cell.width = Cm(width)
        doc.add_paragraph()


def _block(doc, b):
    if isinstance(b, Table):
        _table(doc, b.header, b.rows or [(b.empty, *[""] * (len(b.header) - 1))], numeric=b.numeric)
    elif isinstance(b, Figure):
        _figure(doc, b.png, b.caption)
    elif isinstance(b, Bullets):
        for item in b.items:
            doc.add_paragraph(printable(item), style="List Bullet")


def _figure(doc, png: bytes, caption: str):
    doc.add_picture(io.BytesIO(png), width=Cm(TEXT_WIDTH))
    p = doc.add_paragraph()
    p.add_run(printable(caption)).italic = True


def build_docx(r) -> Document:
    doc = Document()
    style = doc.styles["Normal"]
    # Arial as the seed; LibreOffice shows Liberation Sans, metric-compatible, in its place.
    style.font.name, style.font.size = "Arial", Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Arial")
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin = section.right_margin = SIDE_MARGIN
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.0)
    _page_numbers(section)
    if r.is_demo:
        # In the header, so the warning is on every page.
        header = section.header.paragraphs[0]
        run = header.add_run("DEMO DATA: invented figures, not for the Panel")
        run.bold, run.font.color.rgb = True, RGBColor(0x8A, 0x1D, 0x18)
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _letterhead(doc, r.office)
    title = doc.add_paragraph()
    title.add_run(
        "Report of the Police and Crime Commissioner to the Chair and Members of the Police and Crime Panel"
    ).bold = True
    when = doc.add_paragraph()
    when.add_run(long_date(r.report_date)).bold = True
    if r.panel_date:
        when.add_run().add_break()
        when.add_run(f"For the Panel meeting of {long_date(r.panel_date)}")
    heading = doc.add_paragraph()
    heading_run = heading.add_run("Programme of Engagement")
    heading_run.bold, heading_run.font.size = True, Pt(14)

    for s in r.sections:
        _heading(doc, s.number, s.title)
        for b in s.blocks:
            if isinstance(b, Paragraph):
                _para(doc, b.number, b.text)
            else:
                _block(doc, b)

    signature = doc.add_paragraph()
    signature.paragraph_format.space_before = Pt(18)
    signature.add_run(printable(r.office.signature_name or "[Name: set by an admin]")).bold = True
    signature.add_run().add_break()
    signature.add_run(printable(r.office.signature_title)).bold = True

    doc.add_page_break()
    _heading(doc, "", f"Appendix: meetings held, {plain_date(r.period.start)} to {plain_date(r.period.end)}")
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
