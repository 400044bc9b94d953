"""CSV and .xlsx files that Excel opens correctly: UTF-8 CSV with a byte-order mark, dates as
dates, and no cell ever read as a formula."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from numbers import Number

# Excel reads a cell starting with these as a formula; a leading apostrophe keeps it text
# (and the importer takes the apostrophe off again).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The value as cell text; text starting like a formula gets the apostrophe. Numbers stay
    numbers: -2 is a negative number to Excel, not a formula."""
    text = "" if value is None else str(value)
    if isinstance(value, Number) and not isinstance(value, bool):
        return text
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(header: Sequence[object], rows: Iterable[Sequence[object]]) -> bytes:
    """The rows as CSV in UTF-8 with a byte-order mark, every cell formula-safe text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(sheets: Iterable[tuple[str, Sequence[object], Iterable[Sequence[object]]]]
               ) -> bytes:
    """A workbook with one sheet per (title, header, rows); cells keep their types (dates are
    formatted as dates) and text that Excel would read as a formula is kept as text."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append([safe_cell(cell) for cell in header])
        for row in rows:
            cells = []
            for value in row:
                if isinstance(value, str):
                    value = safe_cell(value)
                cell = WriteOnlyCell(sheet, value)
                if isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
