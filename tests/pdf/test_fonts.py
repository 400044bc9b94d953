"""Font discovery, embedding, the STSong-Light fallback, and choosing a font per string."""
from __future__ import annotations

import io
import logging
import os

import pypdf
import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

from donorclub.pdf import FontNotFound, Fonts, font_for, load_fonts, render_certificate
from donorclub.pdf import fonts as fonts_module
from donorclub.pdf.fonts import fit_paragraph, fit_size, wrap_lines

from . import chinese_page, page_texts

WQY = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


def embedded_fonts(data: bytes) -> dict[str, bool]:
    """BaseFont name -> whether a TrueType program (FontFile2) is embedded, for page 1."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    found = {}
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        descriptors = [font.get("/FontDescriptor")]
        descriptors += [descendant.get_object().get("/FontDescriptor")
                        for descendant in font.get("/DescendantFonts", [])]
        found[str(font["/BaseFont"])] = any(
            descriptor is not None and "/FontFile2" in descriptor.get_object()
            for descriptor in descriptors)
    return found


@pytest.mark.skipif(not os.path.isfile(WQY), reason=f"{WQY} missing (apt fonts-wqy-microhei)")
def test_chinese_certificate_embeds_the_cjk_truetype_font():
    fonts = load_fonts(cjk_path=WQY)
    assert fonts.cjk_embedded
    embedded = embedded_fonts(render_certificate(chinese_page(), fonts))
    assert [name for name, has_program in embedded.items()
            if "WenQuanYi" in name and has_program] != []


def test_without_a_cjk_font_it_warns_and_falls_back_to_stsong(monkeypatch, caplog):
    monkeypatch.setattr(fonts_module, "CJK_CANDIDATES", ())
    with caplog.at_level(logging.WARNING, logger="donorclub.pdf"):
        fonts = load_fonts()
    assert (fonts.cjk, fonts.cjk_embedded) == ("STSong-Light", False)
    assert any("STSong-Light" in record.getMessage() for record in caplog.records)
    data = render_certificate(chinese_page(), fonts)
    assert embedded_fonts(data).get("/STSong-Light") is False
    assert "郭明义" in page_texts(data)[0]


@pytest.mark.parametrize("path", ["/nonexistent/font.ttf", "/etc/hostname"])
def test_a_configured_font_that_cannot_be_used_is_named_in_the_error(path):
    with pytest.raises(FontNotFound, match=path):
        load_fonts(cjk_path=path)


def test_a_latin_directory_without_a_serif_is_refused(tmp_path):
    with pytest.raises(FontNotFound, match=str(tmp_path)):
        load_fonts(latin_dir=str(tmp_path))


@pytest.fixture(scope="module")
def stsong():
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))


STANDARD = Fonts(latin="Times-Roman", latin_bold="Times-Bold", cjk="STSong-Light",
                 cjk_embedded=False)


@pytest.mark.parametrize(("text", "bold", "expected"), [
    ("Margaret O'Donnell", False, "Times-Roman"),
    ("Zoë Ångström", True, "Times-Bold"),
    ("郭明义", False, "STSong-Light"),
    ("Anna 郭", False, "STSong-Light"),
    ("Łukasz Wałęsa", False, "STSong-Light"),  # beyond WinAnsi, so the standard font lacks it
])
def test_font_for_picks_cjk_only_when_the_latin_font_lacks_a_character(text, bold, expected,
                                                                       stsong):
    assert font_for(text, STANDARD, bold) == expected


def test_embedded_latin_serif_covers_latin_extended():
    fonts = load_fonts()
    if fonts.latin == "Times-Roman":
        pytest.skip("no DejaVu or Liberation serif on this machine")
    assert font_for("Łukasz Wałęsa", fonts) == fonts.latin


@pytest.mark.parametrize(("text", "font", "width", "lines"), [
    ("one two three four", "Times-Roman", 1000, ["one two three four"]),
    ("one two three four", "Times-Roman", 50, ["one two", "three four"]),
    ("无偿献血四十次", "STSong-Light", 40, ["无偿献血", "四十次"]),
    ("献血，四十次", "STSong-Light", 20, ["献血，", "四十", "次"]),  # a comma never starts a line
])
def test_wrap_lines_breaks_at_spaces_and_between_cjk_characters(text, font, width, lines,
                                                                stsong):
    assert wrap_lines(text, font, 10, width) == lines


def test_fit_size_shrinks_only_what_is_too_wide():
    assert fit_size("abc", "Times-Roman", 20, 1000) == 20
    shrunk = fit_size("a much longer line of text", "Times-Roman", 20, 100)
    assert shrunk < 20
    assert pdfmetrics.stringWidth(
        "a much longer line of text", "Times-Roman", shrunk) == pytest.approx(100)


def test_fit_paragraph_shrinks_until_the_lines_fit_the_box():
    size, lines = fit_paragraph("word " * 60, "Times-Roman", 15, 300, 50)
    assert size < 15 and len(lines) * size * 1.4 <= 50
