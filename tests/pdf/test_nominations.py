"""Printable tables: repeated headers, page numbers, CJK cells and literal markup."""
from __future__ import annotations

import pytest

from donorclub.pdf import TableDocument, load_fonts, render_table_document

from . import page_texts, squeeze

HEADERS = ("No.", "姓名 Name", "Award", "Count", "Evidence")


@pytest.fixture(scope="module")
def fonts():
    return load_fonts()


def nominations(rows: int, name: str = "郭明义") -> TableDocument:
    return TableDocument(
        title="Dedication Award nominations", subtitle="Riverside Blood Donor Club · 2024–2025",
        generated_on="2025-05-02", headers=HEADERS,
        rows=[(str(n), f"{name}{n}", "Gold", "40",
               "Counted from the donation after the previous gold's fortieth, " * 2)
              for n in range(1, rows + 1)],
        notes=("Counting: 200 ml of whole blood counts 1.",), footer="Page")


def test_long_table_repeats_the_header_and_numbers_every_page(fonts):
    texts = page_texts(render_table_document(nominations(120), fonts))
    assert len(texts) > 2
    for number, text in enumerate(texts, start=1):
        assert squeeze("姓名 Name") in text
        assert f"Page{number}/{len(texts)}" in text
    assert "郭明义120" in texts[-1] and "Counting:200ml" in texts[-1]


def test_every_row_appears_once(fonts):
    text = "".join(page_texts(render_table_document(nominations(120), fonts)))
    for number in (1, 57, 120):
        assert text.count(f"郭明义{number}Gold") == 1


@pytest.mark.parametrize("name", ["<b>Ann</b> & Co", "Anne &amp; <br/>"])
def test_markup_in_cells_prints_literally(fonts, name):
    [text] = page_texts(render_table_document(nominations(1, name), fonts))
    assert squeeze(name) in text


def test_a_row_of_the_wrong_length_is_refused(fonts):
    document = TableDocument(title="t", subtitle="s", generated_on="d", headers=("a", "b"),
                             rows=[("only one",)])
    with pytest.raises(ValueError, match="row 1 has 1 cells, expected 2"):
        render_table_document(document, fonts)
