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
