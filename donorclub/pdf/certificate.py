"""Lay out recognition certificates: one A4 landscape page each, batched into one PDF."""
from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

from reportlab import rl_config
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from .fonts import Fonts, fit_paragraph, fit_size, font_for
from .qr import draw_qr

WIDTH, HEIGHT = landscape(A4)
INK = HexColor("#262626")
MUTED = HexColor("#5f5a55")
CRIMSON = HexColor("#8e1b2c")
GOLD = HexColor("#a8834a")
# The symbol alone stays above 30 mm for verification URLs up to QR version 4 (62 bytes).
QR_SIZE = 40 * mm
QR_X, QR_Y = WIDTH - 76 - QR_SIZE, 70
# Right edge of the dark modules, roughly: the quiet zone is about 11 pt wide.
QR_RIGHT = QR_X + QR_SIZE - 11
TEXT_WIDTH = WIDTH - 2 * 120


@dataclass(frozen=True)
class CertificateLabels:
    serial: str
    verify: str
    issued: str


@dataclass(frozen=True)
class CertificatePage:
    serial: str
    language: str
    heading: str
    club_name: str
    member_name: str
    citation: str
    figures: str
    issued_on: str
    verify_url: str
    labels: CertificateLabels
    signatory_name: str | None = None
    signatory_title: str | None = None
    logo: bytes | None = None


def render_certificates(pages: Iterable[CertificatePage], out: BinaryIO, fonts: Fonts,
                        on_page: Callable[[], None] | None = None) -> int:
    """Write one PDF with a page per certificate to `out`; return the page count.

    `pages` is consumed lazily and `on_page` is called after each page. Everything shared by
    a batch (border, heading, club name, logo, signatory, labels) is drawn once per distinct
    combination as a form XObject, so each further page only adds its own text and QR code.
    Raises ValueError when `pages` is empty (a PDF needs at least one page).
    """
    with _binary_streams():
        return _render(pages, out, fonts, on_page)


def _render(pages: Iterable[CertificatePage], out: BinaryIO, fonts: Fonts,
            on_page: Callable[[], None] | None) -> int:
    canvas = Canvas(out, pagesize=(WIDTH, HEIGHT), pageCompression=1)
    canvas.setCreator("donorclub")
    frames: dict[tuple, str] = {}
    count = 0
    for page in pages:
        if count == 0:
            canvas.setTitle(page.heading)
            canvas.setAuthor(page.club_name)
        key = (page.language, page.heading, page.club_name, page.logo, page.signatory_name,
               page.signatory_title, page.labels)
        if key not in frames:
            frames[key] = f"frame{len(frames)}"
            canvas.beginForm(frames[key])
            _draw_frame(canvas, page, fonts)
            canvas.endForm()
        canvas.doForm(frames[key])
        _draw_particulars(canvas, page, fonts)
        canvas.showPage()
        count += 1
        if on_page is not None:
            on_page()
    if count == 0:
        raise ValueError("no certificates to render")
    canvas.save()
    return count


@contextmanager
def _binary_streams() -> Iterator[None]:
    """Skip reportlab's ASCII85 armour on streams: a quarter smaller and faster to write.

    The setting is global; threads interleaving here are harmless, as every stream records
    its own filters and both encodings are valid PDF.
    """
    previous = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = previous


def render_certificate(page: CertificatePage, fonts: Fonts) -> bytes:
    """One certificate as PDF bytes."""
    buffer = io.BytesIO()
    render_certificates([page], buffer, fonts)
    return buffer.getvalue()


def _draw_frame(canvas: Canvas, page: CertificatePage, fonts: Fonts) -> None:
    """What a batch shares: border, club, logo, heading, signatory block and labels."""
    chinese = page.language == "zh"
    _draw_border(canvas)
    if page.logo is not None:
        canvas.drawImage(ImageReader(io.BytesIO(page.logo)), 58, HEIGHT - 58 - 62, 62, 62,
                         preserveAspectRatio=True, anchor="c", mask="auto")
    club_font = _font(page.club_name, page, fonts)
    spacing = 3 if chinese else 1.2
    club_size = fit_size(page.club_name, club_font, 15, WIDTH - 2 * 140 - spacing *
                         len(page.club_name))
    canvas.setFillColor(MUTED)
    canvas.setFont(club_font, club_size)
    canvas.drawCentredString(WIDTH / 2, HEIGHT - 92, page.club_name, charSpace=spacing)

    heading_font = _font(page.heading, page, fonts, bold=True)
    size = 46 if chinese else 38
    spacing = size * 0.45 if chinese else 1.5
    size = fit_size(page.heading, heading_font, size, TEXT_WIDTH - spacing * len(page.heading))
    canvas.setFillColor(CRIMSON)
    canvas.setStrokeColor(CRIMSON)
    canvas.setLineWidth(0.7)
    canvas.setFont(heading_font, size)
    # The CJK faces have no bold, so the heading is emboldened by stroking its outline too.
    canvas.drawCentredString(WIDTH / 2, HEIGHT - 160, page.heading, charSpace=spacing,
                             mode=2 if heading_font == fonts.cjk else 0)
    _draw_rule(canvas, HEIGHT - 186, 150)

    canvas.setFillColor(MUTED)
    _draw_label(canvas, page.labels.issued, 72, 150, fonts, chinese)
    _draw_label(canvas, page.labels.serial, 72, 100, fonts, chinese)
    _draw_label(canvas, page.labels.verify, QR_RIGHT, QR_Y + QR_SIZE + 2, fonts, chinese,
                right=True)
    if page.signatory_name or page.signatory_title:
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(0.6)
        canvas.line(WIDTH / 2 - 100, 126, WIDTH / 2 + 100, 126)
        for text, size, y, colour in ((page.signatory_name, 13, 108, INK),
                                      (page.signatory_title, 9.5, 93, MUTED)):
            if text:
                font = _font(text, page, fonts)
                canvas.setFillColor(colour)
                canvas.setFont(font, fit_size(text, font, size, 240))
                canvas.drawCentredString(WIDTH / 2, y, text)


def _draw_particulars(canvas: Canvas, page: CertificatePage, fonts: Fonts) -> None:
    """What differs per certificate: name, citation, figures, date, serial and QR code."""
    chinese = page.language == "zh"
    name_font = _font(page.member_name, page, fonts)
    name_size = fit_size(page.member_name, name_font, 54 if chinese else 48, TEXT_WIDTH)
    canvas.setFillColor(INK)
    canvas.setFont(name_font, name_size)
    canvas.drawCentredString(WIDTH / 2, 318, page.member_name)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(0.5)
    canvas.line(WIDTH / 2 - 190, 302, WIDTH / 2 + 190, 302)

    citation_font = _font(page.citation, page, fonts)
    size, lines = fit_paragraph(page.citation, citation_font, 15, TEXT_WIDTH - 60, 66)
    canvas.setFont(citation_font, size)
    y = 276
    for line in lines:
        canvas.drawCentredString(WIDTH / 2, y, line)
        y -= size * 1.4
    figures_font = _font(page.figures, page, fonts, bold=True)
    canvas.setFillColor(CRIMSON)
    canvas.setFont(figures_font, fit_size(page.figures, figures_font, 14, TEXT_WIDTH))
    canvas.drawCentredString(WIDTH / 2, y - 6, page.figures)

    canvas.setFillColor(INK)
    for text, y in ((page.issued_on, 132), (page.serial, 82)):
        font = _font(text, page, fonts)
        canvas.setFont(font, fit_size(text, font, 12.5, 190))
        canvas.drawString(72, y, text)
    draw_qr(canvas, page.verify_url, QR_X, QR_Y, QR_SIZE)
    canvas.setFillColor(MUTED)
    url_font = _font(page.verify_url, page, fonts)
    canvas.setFont(url_font, fit_size(page.verify_url, url_font, 7, 250))
    canvas.drawRightString(QR_RIGHT, QR_Y - 2, page.verify_url)


def _font(text: str, page: CertificatePage, fonts: Fonts, bold: bool = False) -> str:
    """Chinese certificates are set wholly in the CJK font; others choose per string."""
    return fonts.cjk if page.language == "zh" else font_for(text, fonts, bold)


def _draw_label(canvas: Canvas, text: str, x: float, y: float, fonts: Fonts, chinese: bool,
                right: bool = False) -> None:
    font = fonts.cjk if chinese else font_for(text, fonts)
    canvas.setFont(font, fit_size(text, font, 8.5, 190))
    if right:
        canvas.drawRightString(x, y, text, charSpace=0.4)
    else:
        canvas.drawString(x, y, text, charSpace=0.4)


def _draw_border(canvas: Canvas) -> None:
    """Double border: a crimson frame and a gold one, a bead line between, corner flourishes."""
    canvas.saveState()
    canvas.setStrokeColor(CRIMSON)
    canvas.setLineWidth(2.4)
    canvas.rect(20, 20, WIDTH - 40, HEIGHT - 40)
    canvas.setLineWidth(0.5)
    canvas.rect(26, 26, WIDTH - 52, HEIGHT - 52)
    canvas.setStrokeColor(GOLD)
    canvas.rect(38, 38, WIDTH - 76, HEIGHT - 76)
    _draw_beads(canvas, 32, GOLD)
    canvas.setLineWidth(0.8)
    for cx, cy, sx, sy in ((38, 38, 1, 1), (WIDTH - 38, 38, -1, 1),
                           (38, HEIGHT - 38, 1, -1), (WIDTH - 38, HEIGHT - 38, -1, -1)):
        flourish = canvas.beginPath()
        flourish.moveTo(cx + sx * 34, cy)
        flourish.curveTo(cx + sx * 30, cy + sy * 18, cx + sx * 18, cy + sy * 30,
                         cx, cy + sy * 34)
        flourish.moveTo(cx + sx * 22, cy)
        flourish.curveTo(cx + sx * 20, cy + sy * 12, cx + sx * 12, cy + sy * 20,
                         cx, cy + sy * 22)
        canvas.drawPath(flourish, stroke=1, fill=0)
        _diamond(canvas, cx + sx * 12, cy + sy * 12, 4.5, GOLD)
    canvas.restoreState()


def _draw_beads(canvas: Canvas, inset: float, colour: Color) -> None:
    """Small diamonds every few points round the rectangle `inset` from the page edge."""
    path = canvas.beginPath()
    spacing, radius = 8.0, 1.6
    for start, end in (((inset, inset), (WIDTH - inset, inset)),
                       ((inset, HEIGHT - inset), (WIDTH - inset, HEIGHT - inset)),
                       ((inset, inset), (inset, HEIGHT - inset)),
                       ((WIDTH - inset, inset), (WIDTH - inset, HEIGHT - inset))):
        length = math.dist(start, end)
        count = int(length // spacing)
        for step in range(1, count):
            x = start[0] + (end[0] - start[0]) * step / count
            y = start[1] + (end[1] - start[1]) * step / count
            path.moveTo(x - radius, y)
            path.lineTo(x, y + radius)
            path.lineTo(x + radius, y)
            path.lineTo(x, y - radius)
            path.close()
    canvas.setFillColor(colour)
    canvas.drawPath(path, stroke=0, fill=1)


def _diamond(canvas: Canvas, x: float, y: float, radius: float, colour: Color) -> None:
    path = canvas.beginPath()
    path.moveTo(x - radius, y)
    path.lineTo(x, y + radius)
    path.lineTo(x + radius, y)
    path.lineTo(x, y - radius)
    path.close()
    canvas.setFillColor(colour)
    canvas.drawPath(path, stroke=0, fill=1)


def _draw_rule(canvas: Canvas, y: float, half_width: float) -> None:
    """A fine gold rule broken by a diamond: the divider under the heading."""
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(0.6)
    canvas.line(WIDTH / 2 - half_width, y, WIDTH / 2 - 10, y)
    canvas.line(WIDTH / 2 + 10, y, WIDTH / 2 + half_width, y)
    _diamond(canvas, WIDTH / 2, y, 4, GOLD)
