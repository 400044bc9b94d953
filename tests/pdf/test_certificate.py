"""Certificate PDFs: text, QR code, batching, shared frames, logos and literal names."""
from __future__ import annotations

import io

import pypdf
import pypdfium2
import pytest
import zxingcpp
from PIL import Image
from pypdf.generic import ContentStream

from donorclub.pdf import load_fonts, render_certificate, render_certificates
from donorclub.pdf.qr import count_runs

from . import chinese_page, english_page, page_texts, squeeze

FILL_OPERATORS = {b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"}


@pytest.fixture(scope="module")
def fonts():
    return load_fonts()


@pytest.mark.parametrize("page", [
    chinese_page(),
    english_page(),
    english_page(member_name="Anna 郭明义 Schmidt"),
    chinese_page(member_name="Li Wei 李伟"),
], ids=["chinese", "english", "mixed-name-on-english", "mixed-name-on-chinese"])
def test_text_extraction_finds_name_citation_figures_and_serial(fonts, page):
    [text] = page_texts(render_certificate(page, fonts))
    for expected in (page.member_name, page.citation, page.figures, page.serial):
        assert squeeze(expected) in text


@pytest.mark.parametrize("page", [chinese_page(), english_page()], ids=["chinese", "english"])
def test_qr_code_decodes_to_the_verify_url(fonts, page):
    bitmap = pypdfium2.PdfDocument(render_certificate(page, fonts))[0].render(scale=2)
    decoded = [result.text for result in zxingcpp.read_barcodes(bitmap.to_pil())]
    assert decoded == [page.verify_url]


def test_qr_code_is_one_filled_path_of_row_runs(fonts):
    page = english_page()
    reader = pypdf.PdfReader(io.BytesIO(render_certificate(page, fonts)))
    operations = ContentStream(reader.pages[0].get_contents(), reader).operations
    rects = sum(1 for _, operator in operations if operator == b"re")
    fills = sum(1 for _, operator in operations if operator in FILL_OPERATORS)
    runs, dark_modules = count_runs(page.verify_url)
    # The page draws the quiet zone (one rect, one fill) and the runs (one path, one fill);
    # everything else lives in the shared frame form.
    assert (rects, fills) == (runs + 1, 2)
    assert runs < dark_modules * 0.75  # merged runs: far fewer rectangles than modules


def test_batch_from_a_generator_has_a_page_per_certificate_each_with_its_serial(fonts):
    serials = [f"AB2C-DE3F-GH{n}{n}" for n in range(2, 7)]
    calls = []
    pages = (english_page(serial=serial, verify_url=f"https://x.example/verify/{serial}")
             for serial in serials)
    out = io.BytesIO()
    count = render_certificates(pages, out, fonts, on_page=lambda: calls.append(1))
    texts = page_texts(out.getvalue())
    assert (count, len(texts), len(calls)) == (5, 5, 5)
    for serial, text in zip(serials, texts, strict=True):
        assert serial in text
        assert [other for other in serials if other != serial and other in text] == []


def test_batch_draws_the_shared_frame_once_per_distinct_club(fonts):
    pages = [english_page(), english_page(member_name="B"), english_page(club_name="Other")]
    out = io.BytesIO()
    render_certificates(pages, out, fonts)
    reader = pypdf.PdfReader(out)
    forms = [set(page["/Resources"]["/XObject"]) for page in reader.pages]
    assert forms[0] == forms[1] and forms[0] != forms[2]


def test_empty_batch_is_refused(fonts):
    with pytest.raises(ValueError, match="no certificates"):
        render_certificates(iter(()), io.BytesIO(), fonts)


def test_logo_is_embedded_as_an_image(fonts):
    logo = io.BytesIO()
    Image.new("RGB", (60, 40), (150, 20, 30)).save(logo, "PNG")
    for page, images in ((english_page(), 0), (english_page(logo=logo.getvalue()), 1)):
        reader = pypdf.PdfReader(io.BytesIO(render_certificate(page, fonts)))
        assert len(reader.pages[0].images) == images


@pytest.mark.parametrize("name", ["<b>Ann</b> & Co", "Tom &amp; <i>Jerry</i>"])
def test_html_in_names_prints_literally(fonts, name):
    [text] = page_texts(render_certificate(english_page(member_name=name), fonts))
    assert squeeze(name) in text


@pytest.mark.parametrize("field", ["member_name", "club_name", "citation"])
def test_long_text_shrinks_to_stay_inside_the_page(fonts, field):
    long_text = "Bartholomew-Maximilian " * 12
    page = english_page(**{field: long_text.strip()})
    bitmap = pypdfium2.PdfDocument(render_certificate(page, fonts))[0].render(scale=1)
    image = bitmap.to_pil().convert("L")
    # Nothing is painted in the white margin outside the outer border (20 pt from the edge).
    left_margin = image.crop((0, 0, 15, image.height))
    right_margin = image.crop((image.width - 15, 0, image.width, image.height))
    assert left_margin.getextrema() == (255, 255) and right_margin.getextrema() == (255, 255)
    [text] = page_texts(render_certificate(page, fonts))
    assert squeeze(long_text) in text
