"""CSV files that Excel opens correctly: UTF-8 with a byte-order mark, no cell read as a formula."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

# Excel reads a cell starting with these as a formula; a leading apostrophe keeps it text
# (and the importer takes the apostrophe off again).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(header: Sequence[object], rows: Iterable[Sequence[object]]) -> bytes:
    """The rows as CSV in UTF-8 with a byte-order mark, every cell formula-safe text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
