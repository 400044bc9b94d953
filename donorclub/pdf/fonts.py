"""Find, register and choose the fonts certificates and lists are set in."""
from __future__ import annotations

import logging
import os
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

log = logging.getLogger("donorclub.pdf")

# TrueType outlines only: reportlab cannot embed CFF-flavoured fonts such as Noto CJK (.otf).
CJK_CANDIDATES: tuple[str, ...] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "C:/Windows/Fonts/simsun.ttc",
)
LATIN_DIRS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/truetype/liberation",
)
# (regular, bold) file pairs in order of preference.
LATIN_FACES: tuple[tuple[str, str], ...] = (
    ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
    ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf"),
)
CID_FALLBACK = "STSong-Light"


class FontNotFound(ValueError):
    """A configured font file is missing or is not a font reportlab can embed."""


@dataclass(frozen=True)
class Fonts:
    latin: str
    latin_bold: str
    cjk: str
    cjk_embedded: bool


def load_fonts(cjk_path: str | None = None, latin_dir: str | None = None) -> Fonts:
    """Register the certificate fonts with reportlab once per process and name them.

    CJK: `cjk_path` when given (TTF, or TTC using its first face), else the first of
    CJK_CANDIDATES that exists; without one, reportlab's non-embedded STSong-Light CID font with
    a WARNING, since viewers then need Chinese fonts of their own. Latin: DejaVu Serif (or
    Liberation Serif) from `latin_dir` or the system places, else Times-Roman / Times-Bold.
    Raises FontNotFound when `cjk_path` or `latin_dir` is given but holds no usable font.
    """
    return _load(cjk_path, latin_dir, tuple(CJK_CANDIDATES), tuple(LATIN_DIRS))


@lru_cache(maxsize=16)
def _load(cjk_path: str | None, latin_dir: str | None,
          cjk_candidates: tuple[str, ...], latin_dirs: tuple[str, ...]) -> Fonts:
    latin, latin_bold = _load_latin(latin_dir, latin_dirs)
    if cjk_path is not None:
        return Fonts(latin, latin_bold, _register_ttf(cjk_path, "DC-CJK"), True)
    for candidate in cjk_candidates:
        if os.path.isfile(candidate):
            try:
                return Fonts(latin, latin_bold, _register_ttf(candidate, "DC-CJK"), True)
            except FontNotFound as error:
                log.warning("skipping CJK font: %s", error)
    log.warning("no embeddable CJK TrueType font found (looked in %s); Chinese text uses the "
                "non-embedded %s font, so PDF viewers need Chinese fonts of their own "
                "(install fonts-wqy-microhei)", ", ".join(cjk_candidates) or "nowhere",
                CID_FALLBACK)
    if CID_FALLBACK not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
    return Fonts(latin, latin_bold, CID_FALLBACK, False)


def _load_latin(latin_dir: str | None, latin_dirs: tuple[str, ...]) -> tuple[str, str]:
    directories = (latin_dir,) if latin_dir is not None else latin_dirs
    for directory in directories:
        for regular, bold in LATIN_FACES:
            if os.path.isfile(Path(directory, regular)) and os.path.isfile(Path(directory, bold)):
                return (_register_ttf(str(Path(directory, regular)), "DC-Latin"),
                        _register_ttf(str(Path(directory, bold)), "DC-Latin-Bold"))
    if latin_dir is not None:
        wanted = " or ".join(f"{regular} + {bold}" for regular, bold in LATIN_FACES)
        raise FontNotFound(f"no Latin serif font in {latin_dir!r} (expected {wanted})")
    return "Times-Roman", "Times-Bold"


def _register_ttf(path: str, prefix: str) -> str:
    """Register a TrueType font (first face of a collection) under a name derived from it."""
    # The path's checksum keeps two files with the same name in different places apart.
    name = f"{prefix}-{Path(path).stem}-{zlib.crc32(path.encode()):08x}"
    if name in pdfmetrics.getRegisteredFontNames():
        return name
    if not os.path.isfile(path) or not os.access(path, os.R_OK):
        raise FontNotFound(f"font file {path!r} does not exist or cannot be read")
    try:
        pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
    except (TTFError, OSError) as error:
        raise FontNotFound(f"font file {path!r} is not an embeddable TrueType font: {error}") \
            from error
    return name


def font_for(text: str, fonts: Fonts, bold: bool = False) -> str:
    """The CJK font when `text` has a character the Latin font lacks, else the Latin one.

    Decided per string, so a mixed name such as "Anna 郭" is set wholly in the CJK font,
    whose Latin glyphs are complete, rather than losing characters.
    """
    latin = fonts.latin_bold if bold else fonts.latin
    covered = _coverage(latin)
    if all(ord(char) in covered or char.isspace() for char in text):
        return latin
    return fonts.cjk


@lru_cache(maxsize=16)
def _coverage(font_name: str) -> frozenset[int]:
    font = pdfmetrics.getFont(font_name)
    face = getattr(font, "face", None)
    char_to_glyph = getattr(face, "charToGlyph", None)
    if char_to_glyph:
        return frozenset(char_to_glyph)
    # The standard Type 1 fonts are set in WinAnsi: Latin-1 plus a few punctuation marks.
    return frozenset(code for code in range(0x20, 0x100) if code not in range(0x7F, 0xA0)) \
        | frozenset(map(ord, "–—‘’“”•…€"))


# Characters set one per token when wrapping: CJK ideographs, kana, hangul, full-width forms.
_CJK_TOKEN = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_TOKENS = re.compile(f"[{_CJK_TOKEN}]|[^\\s{_CJK_TOKEN}]+|\\s+")
# Closing punctuation that Chinese typesetting never lets start a line.
_NO_LINE_START = frozenset("，。、；：！？）》」』】〕,.;:!?)")


def fit_size(text: str, font: str, size: float, max_width: float) -> float:
    """The largest size up to `size` at which `text` is no wider than `max_width`."""
    width = pdfmetrics.stringWidth(text, font, size)
    return size if width <= max_width else size * max_width / width


def wrap_lines(text: str, font: str, size: float, max_width: float) -> list[str]:
    """Greedy line breaks at spaces, and between any two CJK characters, within `max_width`."""
    lines: list[str] = []
    line = ""
    for token in _TOKENS.findall(text):
        if token.isspace():
            line += " " if line else ""
            continue
        candidate = line + token
        too_wide = pdfmetrics.stringWidth(candidate.rstrip(), font, size) > max_width
        if too_wide and line.strip() and token not in _NO_LINE_START:
            lines.append(line.rstrip())
            line = token
        else:
            line = candidate
    if line.strip():
        lines.append(line.rstrip())
    return lines


def fit_paragraph(text: str, font: str, size: float, max_width: float, max_height: float,
                  leading: float = 1.4, min_size: float = 7) -> tuple[float, list[str]]:
    """Shrink `size` in half points until the wrapped `text` fits the box; (size, lines).

    At `min_size` the lines are returned even if they are too many, and a single word wider
    than the box is shrunk on its own, so nothing runs past the sides.
    """
    while True:
        lines = wrap_lines(text, font, size, max_width)
        if len(lines) * size * leading <= max_height or size <= min_size:
            widest = max((pdfmetrics.stringWidth(line, font, size) for line in lines), default=0)
            if widest > max_width:
                size = size * max_width / widest
            return size, lines
        size -= 0.5
