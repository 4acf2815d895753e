"""The report documents' files, made one way: a PDF from the page's HTML through
WeasyPrint with the document's stylesheet, a Word file's bytes from python-docx. Both
libraries are heavy and load on first use (issue #20)."""

from __future__ import annotations

import io

from flask import current_app


def pdf_from_html(html: str, stylesheet: str) -> bytes:
    """`stylesheet` is a file under static/, e.g. "css/report.css"."""
    from weasyprint import CSS, HTML

    css = CSS(filename=f"{current_app.static_folder}/{stylesheet}")
    return HTML(string=html).write_pdf(stylesheets=[css])


def docx_bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def arial_document(margin):
    """A new Word document on the reports' A4 page with `margin` all round, in Arial 11
    with black Arial headings (Word's theme fonts taken off, so the headings do not
    change with the reader's theme): the ward brief's and the minutes' starting point."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    from engage.reports.panel_docx import PAGE_HEIGHT, PAGE_WIDTH

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Arial", Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Arial")
    for name, size in (("Heading 1", 15), ("Heading 2", 12)):
        heading = doc.styles[name]
        heading.font.name, heading.font.size, heading.font.bold = "Arial", Pt(size), True
        heading.font.color.rgb = RGBColor(0, 0, 0)
        fonts = heading.element.rPr.rFonts
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = margin
    return doc
