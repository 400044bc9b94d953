"""The nominations page and its CSV, .xlsx and PDF lists."""
import csv
import io
from datetime import date

import openpyxl
import pypdf
import pytest

from donorclub.extensions import db

from .. import factories

TEN_DAYS = [date(2024, 1, 10), date(2024, 3, 20), date(2024, 6, 1), date(2024, 8, 15),
            date(2024, 10, 30), date(2025, 1, 12), date(2025, 3, 25), date(2025, 6, 5),
            date(2025, 8, 20), date(2025, 11, 2)]
BASE = "/clubs/club-a/nominations"


@pytest.fixture
def nominee(world):
    member = factories.make_member(world.club_a, "0007", "郭明义")
    factories.make_donations(member, TEN_DAYS, volume_ml=400)
    db.session.commit()
    return member


def test_the_page_lists_the_nominee_with_the_proof(signed_in, nominee):
    response = signed_in("coordinator_a").get(f"{BASE}/?cycle=2024")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "郭明义" in text and "Bronze (铜奖)" in text
    assert "1 member qualifies in 2024–2025" in text
    assert "王秀英" not in text.split("<table")[1]  # member_a has no donations


def test_a_cycle_with_nobody_says_so(signed_in, nominee):
    text = signed_in("coordinator_a").get(f"{BASE}/?cycle=2022").get_data(as_text=True)
    assert "No member qualifies in 2022–2023." in text and "郭明义" not in text


def test_the_csv_has_a_bom_a_header_and_the_nominee(signed_in, nominee):
    response = signed_in("coordinator_a").get(f"{BASE}/nominations.csv?cycle=2024")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "nominations-club-a-2024-2025.csv" in response.headers["Content-Disposition"]
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == ["Member no.", "Name", "Sex", "Date of birth", "Award level", "Count",
                       "Reached on", "Counted from", "Donations counted"]
    assert rows[1:] == [["0007", "郭明义", "Female", "1985-03-02", "Bronze (铜奖)", "20",
                         "2025-11-02", "2024-01-10", "10"]]


def test_the_xlsx_reads_back_with_the_same_rows(signed_in, nominee):
    response = signed_in("coordinator_a").get(f"{BASE}/nominations.xlsx?cycle=2024")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:2] == ["Member no.", "Name"]
    assert rows[1][:2] == ["0007", "郭明义"] and rows[1][4] == "Bronze (铜奖)"
    assert rows[1][5] == 20 and rows[1][8] == 10
    assert len(rows) == 2


def test_the_pdf_list_names_the_nominee(signed_in, nominee):
    response = signed_in("coordinator_a").get(f"{BASE}/nominations.pdf?cycle=2024")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in pypdf.PdfReader(
        io.BytesIO(response.data)).pages)
    squeezed = "".join(text.split())
    assert "郭明义" in squeezed and "0007" in squeezed


@pytest.mark.parametrize("path", ["/", "/nominations.csv", "/nominations.xlsx",
                                  "/nominations.pdf"])
def test_a_year_that_starts_no_cycle_is_not_found(signed_in, nominee, path):
    assert signed_in("coordinator_a").get(f"{BASE}{path}?cycle=2025").status_code == 404


@pytest.mark.parametrize("path", ["/", "/nominations.csv"])
def test_a_club_without_the_national_award_has_no_nominations_page(signed_in, world, path):
    response = signed_in("coordinator_b").get(f"/clubs/club-b/nominations{path}")
    assert response.status_code == 404
