"""An agenda imported from a text file or a Word document of numbered items, the
presenter after a dash: all or nothing, with the line that could not be read named."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from docx import Document

from engage.extensions import db
from engage.minutes.agenda_import import AgendaRefused, import_agenda, read_agenda_file
from tests.conftest import TODAY
from tests.test_minutes.conftest import new_meeting

TEXT = "1. Welcome and introductions\n2 Notes of the previous meeting – Chair\n\n3) Off-road bikes – Insp Smith\n"
EXPECTED = [
    (1, "Welcome and introductions", ""),
    (2, "Notes of the previous meeting", "Chair"),
    (3, "Off-road bikes", "Insp Smith"),
]


def docx_file(lines=(), table=()) -> bytes:
    document = Document()
    for line in lines:
        document.add_paragraph(line)
    if table:
        grid = document.add_table(rows=0, cols=3)
        for row in table:
            for cell, text in zip(grid.add_row().cells, row):
                cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _read(items):
    return [(i.number, i.title, i.presenter) for i in items]


def test_a_text_file_of_numbered_items():
    assert _read(read_agenda_file("agenda.txt", TEXT.encode())) == EXPECTED


def test_a_word_document_of_numbered_paragraphs():
    data = docx_file(["Agenda", *TEXT.splitlines()])
    assert _read(read_agenda_file("Agenda.DOCX", data)) == EXPECTED


def test_a_word_agenda_laid_out_as_a_table_as_the_office_writes_them():
    data = docx_file(
        ["PCC Working Together Meeting", "Agenda"][1:],
        table=[
            ("", "", "Presented by"),
            ("1.", "Apologies For Absence", ""),
            ("2.", "Notes of the previous meeting and matters arising – 26 April 2017", ""),
            ("3.", "Neighbourhood Policing Update", "Alistair Simpson"),
        ],
    )
    assert _read(read_agenda_file("agenda.docx", data)) == [
        (1, "Apologies For Absence", ""),
        (2, "Notes of the previous meeting and matters arising – 26 April 2017", ""),
        (3, "Neighbourhood Policing Update", "Alistair Simpson"),
    ]


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        (
            "agenda.txt",
            b"1. Welcome\nTea and coffee\n2. Bikes",
            "line 2 could not be read as an agenda item: “Tea and coffee”",
        ),
        ("agenda.txt", b"1. Welcome\n3. Bikes", "line 2 is item 3, but item 2 was expected"),
        ("agenda.txt", b"1. Welcome\n2. Bad\x08line", "line 2 must not contain the invisible control character U+0008"),
        ("agenda.txt", b"\n\n", "no numbered items"),
        ("agenda.txt", b"", "is empty"),
        ("agenda.pdf", b"%PDF-1.4", "choose a Word document (.docx) or a text file (.txt)"),
        ("agenda.docx", b"not a zip at all", "not a Word document"),
        ("agenda.docx", b"PK\x03\x04" + b"\x00" * 200, "not a Word document"),
        ("agenda.txt", b"1. x" + b" " * (1024 * 1024), "over 1 MB"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(name, data, words):
    with pytest.raises(AgendaRefused) as refused:
        read_agenda_file(name, data)
    assert words in str(refused.value)


def test_a_damaged_word_document_is_refused_not_a_crash():
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("word/document.xml", "<not-xml")
    with pytest.raises(AgendaRefused, match="could not be opened"):
        read_agenda_file("agenda.docx", out.getvalue())


def test_imported_items_replace_the_agenda(app_ctx):
    meeting = new_meeting(series="Eston Hills group")
    import_agenda(meeting, read_agenda_file("agenda.txt", TEXT.encode()))
    db.session.commit()
    db.session.refresh(meeting)
    assert [(i.number, i.kind, i.title, i.presenter) for i in meeting.agenda] == [
        (1, "item", "Welcome and introductions", ""),
        (2, "previous_notes", "Notes of the previous meeting", "Chair"),
        (3, "item", "Off-road bikes", "Insp Smith"),
    ]


def test_the_series_items_stay_on_top_when_the_file_has_none(held):
    nxt = new_meeting(day=TODAY + timedelta(days=30))
    import_agenda(nxt, read_agenda_file("agenda.txt", b"1. Off-road bikes - Insp Smith\n2. Any other business"))
    db.session.commit()
    db.session.refresh(nxt)
    assert [(i.number, i.kind) for i in nxt.agenda] == [
        (1, "previous_notes"),
        (2, "previous_actions"),
        (3, "item"),
        (4, "item"),
    ]


def test_an_agenda_with_minutes_is_not_replaced(held):
    with pytest.raises(AgendaRefused, match="already has minutes"):
        import_agenda(held["meeting"], read_agenda_file("agenda.txt", TEXT.encode()))
