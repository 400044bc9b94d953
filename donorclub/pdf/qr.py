"""Draw a QR code onto a reportlab canvas as a single vector path."""
from __future__ import annotations

from functools import lru_cache

import zxingcpp
from reportlab.lib.colors import black, white
from reportlab.pdfgen.canvas import Canvas

# The QR specification asks for four light modules around the symbol so scanners find it.
QUIET_ZONE = 4


def draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """Draw `data` as a QR code (error correction M or better) in the square at (x, y).

    `size` includes the quiet zone, which is painted white so nothing behind it confuses a
    scanner. The dark modules are one path of merged horizontal runs filled once: far fewer
    operators than one rectangle per module, and no hairline seams between modules. The path
    is written in module units under a scaling matrix, so its numbers are small integers.
    Raises ValueError when `data` does not fit in any QR version.
    """
    path, modules = _path(data)
    step = size / (modules + 2 * QUIET_ZONE)
    canvas.saveState()
    canvas.setFillColor(white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(black)
    # Origin at the symbol's top-left module, y growing downwards like the matrix rows.
    canvas.transform(step, 0, 0, -step, x + QUIET_ZONE * step, y + size - QUIET_ZONE * step)
    canvas.addLiteral(path)
    canvas.restoreState()


def count_runs(data: str) -> tuple[int, int]:
    """(horizontal dark runs, dark modules) of the symbol for `data`: what draw_qr paints."""
    runs, modules = _runs(data)
    return len(runs), sum(length for _, _, length in runs)


@lru_cache(maxsize=64)
def _path(data: str) -> tuple[str, int]:
    """The content-stream path of the dark modules (one `re` per run, one fill) and width."""
    runs, modules = _runs(data)
    rects = " ".join(f"{start} {row} {length} 1 re" for row, start, length in runs)
    return f"{rects} f", modules


def _runs(data: str) -> tuple[tuple[tuple[int, int, int], ...], int]:
    """Horizontal runs of dark modules as (row, first column, length), and the symbol width.

    The symbol comes from ZXing's encoder (C++): error correction M, the mask chosen by the
    specification's penalty rules, about fifteen times faster than a pure-Python encoder, which
    matters when a club prints its 800 certificates at once.
    """
    try:
        symbol = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    except Exception as error:  # zxing reports an oversized text as a generic error
        raise ValueError(f"cannot encode {len(data)} characters as a QR code") from error
    image = memoryview(symbol.to_image(scale=1, add_quiet_zones=False))
    width = image.shape[1]
    pixels = image.tobytes()  # one byte per module, 0 for dark
    runs = []
    for row in range(image.shape[0]):
        line = pixels[row * width:(row + 1) * width]
        column = line.find(0)
        while column != -1:
            end = line.find(255, column)
            end = width if end == -1 else end
            runs.append((row, column, end - column))
            column = line.find(0, end)
    return tuple(runs), width
