"""A member's wallet card: name, club and the QR code of their personal status link."""
from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from .fonts import Fonts, fit_size, font_for
from .qr import draw_qr

# ISO/IEC 7810 ID-1, the size of a bank card, so it fits a wallet.
WIDTH, HEIGHT = 85.6 * mm, 54 * mm
QR = 30 * mm
CRIMSON = HexColor("#8e1b2c")
INK = HexColor("#262626")
MUTED = HexColor("#5f5a55")


@dataclass(frozen=True)
class MemberCard:
    club_name: str
    member_name: str
    member_no_label: str  # "Member no. 0001" / "会员号 0001", already formatted
    caption: str          # "Scan to see when you can donate next"
    status_url: str       # absolute; goes in the QR code


def render_member_card(card: MemberCard, fonts: Fonts) -> bytes:
    """One card-sized page; long names and club names shrink to fit beside the QR code."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(WIDTH, HEIGHT), pageCompression=1)
    canvas.setTitle(card.member_name)
    canvas.setStrokeColor(CRIMSON)
    canvas.setLineWidth(1.2)
    canvas.roundRect(2 * mm, 2 * mm, WIDTH - 4 * mm, HEIGHT - 4 * mm, 3 * mm, stroke=1, fill=0)
    text_width = WIDTH - QR - 10 * mm
    left = 5 * mm
    for text, size, colour, y, bold in (
            (card.club_name, 8, CRIMSON, HEIGHT - 10 * mm, True),
            (card.member_name, 14, INK, HEIGHT - 21 * mm, False),
            (card.member_no_label, 8, MUTED, HEIGHT - 27 * mm, False)):
        font = font_for(text, fonts, bold=bold)
        canvas.setFont(font, fit_size(text, font, size, text_width))
        canvas.setFillColor(colour)
        canvas.drawString(left, y, text)
    font = font_for(card.caption, fonts)
    canvas.setFont(font, fit_size(card.caption, font, 6.5, text_width))
    canvas.setFillColor(MUTED)
    canvas.drawString(left, 7 * mm, card.caption)
    draw_qr(canvas, card.status_url, WIDTH - QR - 3.5 * mm, (HEIGHT - QR) / 2, QR)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
