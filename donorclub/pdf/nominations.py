"""Lay out printable tables such as award nomination lists: A4 landscape, numbered pages."""
from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .fonts import Fonts, font_for

HEADER_FILL = HexColor("#8e1b2c")
ZEBRA = HexColor("#f6f1ea")
RULE = HexColor("#c9b79c")
MUTED = HexColor("#5f5a55")
MARGIN = 14 * mm


@dataclass(frozen=True)
class TableDocument:
    title: str
    subtitle: str
    generated_on: str
    headers: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]
    notes: tuple[str, ...] = ()
    footer: str = ""


def render_table_document(doc: TableDocument, fonts: Fonts) -> bytes:
    """The table as PDF bytes: header row repeated on every page, zebra rows, wrapped cells.

    When any text needs CJK glyphs the whole document is set in the CJK font, so columns
    keep one typeface. Pages are numbered "footer n / N", which takes a counting pass first.
    Raises ValueError when a row's length differs from the headers'.
    """
    for number, row in enumerate(doc.rows, start=1):
        if len(row) != len(doc.headers):
            raise ValueError(f"row {number} has {len(row)} cells, expected {len(doc.headers)}")
    texts = [doc.title, doc.subtitle, doc.footer, *doc.headers, *doc.notes,
             *(cell for row in doc.rows for cell in row)]
    cjk = any(font_for(text, fonts) == fonts.cjk for text in texts)
    regular = fonts.cjk if cjk else fonts.latin
    bold = fonts.cjk if cjk else fonts.latin_bold
    pages = _build(doc, regular, bold, cjk, total=None)
    buffer = io.BytesIO()
    _build(doc, regular, bold, cjk, total=pages, out=buffer)
    return buffer.getvalue()


def _build(doc: TableDocument, regular: str, bold: str, cjk: bool, total: int | None,
           out: io.BytesIO | None = None) -> int:
    """Lay the document out once; return its page count (writing to `out` when given)."""
    target = out if out is not None else io.BytesIO()
    width, height = landscape(A4)
    template = SimpleDocTemplate(target, pagesize=(width, height), leftMargin=MARGIN,
                                 rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=18 * mm,
                                 title=doc.title, author=doc.subtitle, creator="donorclub")
    title = ParagraphStyle("title", fontName=bold, fontSize=17, leading=22,
                           textColor=HEADER_FILL)
    subtitle = ParagraphStyle("subtitle", fontName=regular, fontSize=10.5, leading=14,
                              textColor=MUTED)
    # CJK text has no spaces to break at; reportlab's CJK mode breaks between characters.
    cell = ParagraphStyle("cell", fontName=regular, fontSize=9, leading=11.5,
                          wordWrap="CJK" if cjk else None)
    head = ParagraphStyle("head", parent=cell, fontName=bold, textColor=white)
    note = ParagraphStyle("note", parent=cell, fontSize=8.5, textColor=MUTED, spaceBefore=3)

    def para(text: str, style: ParagraphStyle) -> Paragraph:
        # Names may contain <, > or &: escape so Paragraph prints them instead of parsing them.
        return Paragraph(escape(text), style)

    data = [[para(text, head) for text in doc.headers]]
    data += [[para(text, cell) for text in row] for row in doc.rows]
    table = Table(data, repeatRows=1, colWidths=_column_widths(doc, width - 2 * MARGIN))
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [white, ZEBRA]),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    story = [para(doc.title, title), para(f"{doc.subtitle} · {doc.generated_on}", subtitle),
             Spacer(1, 5 * mm), table, Spacer(1, 4 * mm)]
    story += [para(text, note) for text in doc.notes]

    def number_page(canvas: Canvas, template_doc: SimpleDocTemplate) -> None:
        label = f"{doc.footer} {canvas.getPageNumber()}"
        if total is not None:
            label += f" / {total}"
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.setFillColor(MUTED)
        canvas.drawRightString(width - MARGIN, 10 * mm, label.strip())
        canvas.drawString(MARGIN, 10 * mm, doc.title)
        canvas.restoreState()

    template.build(story, onFirstPage=number_page, onLaterPages=number_page)
    return template.page


def _column_widths(doc: TableDocument, available: float) -> list[float]:
    """Share the width by each column's longest text, within bounds, so names get room."""
    longest = [max([len(doc.headers[i]), *(len(row[i]) for row in doc.rows)], default=1)
               for i in range(len(doc.headers))]
    weights = [min(max(length, 4), 40) for length in longest]
    return [available * weight / sum(weights) for weight in weights]
