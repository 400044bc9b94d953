"""Reading an uploaded CSV or .xlsx file into rows with their line numbers."""
from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import gettext as _

from ..spreadsheets import FORMULA_STARTS

# Excel and our own export put an apostrophe before these so a cell is never a formula.
ENCODINGS = ("utf-8-sig", "gb18030")


class UnreadableFile(ValueError):
    """The file is not a CSV or .xlsx we can read; the message says why."""


@dataclass
class Sheet:
    headers: list
    rows: list[tuple[int, list]]  # (line number in the file, cells)


def unescape(value):
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" \
            and value[1] in FORMULA_STARTS:
        return value[1:]
    return value


def is_xlsx(filename: str, data: bytes) -> bool:
    return filename.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04"


def read_sheet(filename: str, data: bytes, sheet_name: str | None = None) -> Sheet:
    """The header row and the non-empty rows after it. A workbook is read from the sheet
    called `sheet_name` when it has one, else its first sheet. Raises UnreadableFile."""
    if not data.strip():
        raise UnreadableFile(_("The file is empty."))
    rows = _xlsx_rows(data, sheet_name) if is_xlsx(filename, data) else _csv_rows(data)
    header = None
    body = []
    for line, cells in rows:
        cells = [unescape(c) for c in cells]
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        if header is None:
            header = cells
        else:
            body.append((line, cells))
    if header is None:
        raise UnreadableFile(_("The file is empty."))
    return Sheet(header, body)


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GBK/GB18030 as Chinese Excel saves it."""
    if b"\x00" in data:
        raise UnreadableFile(_("This is not a text file: save it as CSV (UTF-8) or .xlsx."))
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(_("The file is neither UTF-8 nor GBK text: save it as CSV (UTF-8) "
                           "or .xlsx and upload it again."))


def _csv_rows(data: bytes) -> Iterator[tuple[int, list]]:
    reader = csv.reader(io.StringIO(decode(data), newline=""))
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as error:
        raise UnreadableFile(_("Line %(line)d cannot be read as CSV: %(error)s",
                               line=reader.line_num, error=str(error))) from error


def _xlsx_rows(data: bytes, sheet_name: str | None) -> Iterator[tuple[int, list]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise UnreadableFile(_("The file is not a readable Excel .xlsx workbook.")) from error
    try:
        sheet = book[sheet_name] if sheet_name in book.sheetnames else book.worksheets[0]
        for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, list(cells)
    finally:
        book.close()
