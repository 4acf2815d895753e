"""Excel files staff can work with: headers in words, real dates and numbers, the header
row frozen, a filter on every column and widths that fit. Written row by row (openpyxl's
write-only mode, spooled to a temporary file), so a large export never sits in memory."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date, datetime

from engage.platform.dates import OFFICE_ZONE
from engage.platform.text import printable

DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"

# What one Excel cell can hold; beyond it Excel "repairs" the file and drops the text.
# A report FixMyStreet sends through Open311 is stored whole, however long.
CELL_LIMIT = 32_767
CUT = " … [cut: the whole text is on the concern's page in engage]"


@dataclass(frozen=True)
class Column:
    key: str  # the row's key (and the CSV's column name)
    header: str  # what the spreadsheet's reader sees
    width: int = 14  # in characters


def cell_value(value):
    """What a cell holds: dates as dates (a moment as the office's wall-clock time, which
    Excel, having no time zones, shows as it is), numbers as numbers, yes/no for flags."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.astimezone(OFFICE_ZONE).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, str):
        # printable: openpyxl refuses control characters stored before they were refused.
        text = printable(value)
        return text if len(text) <= CELL_LIMIT else text[: CELL_LIMIT - len(CUT)] + CUT
    return value


def write_xlsx(columns: list[Column], rows, sheet_title: str, neutralise=lambda v: v, note: str = ""):
    """`rows` yields (row dict, object) pairs; returns a spooled file positioned at 0."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    first_data_row = 3 if note else 2
    # Set before the first row: write-only sheets write their view and widths first.
    sheet.freeze_panes = f"A{first_data_row}"
    for i, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = column.width
    bold = Font(bold=True)
    if note:
        cell = WriteOnlyCell(sheet, value=note)
        cell.font = Font(italic=True)
        sheet.append([cell])
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row, _ in rows:
        out = []
        for column in columns:
            value = cell_value(row[column.key])
            if isinstance(value, str):
                value = neutralise(value)
            if isinstance(value, datetime | date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
                value = cell
            out.append(value)
        sheet.append(out)
        count += 1
    last = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A{first_data_row - 1}:{last}{first_data_row - 1 + count}"
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    workbook.save(spool)
    spool.seek(0)
    return spool
