"""Every export (CSV, .xlsx, the zip of CSV files; web pages and the command line) keeps text
that a spreadsheet would run as a formula as plain text, while numbers stay numbers."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, timedelta

import openpyxl
import pytest

from donorclub.domain.enums import DriveKind
from donorclub.domain.national_awards import cycle_bounds
from donorclub.extensions import db
from donorclub.models import Deferral, Drive, DriveParticipant, Referral, VolunteerService
from donorclub.services.nominations import default_cycle, national_rules
from donorclub.services.spreadsheets import FORMULA_STARTS, csv_bytes, xlsx_bytes

from .. import factories
from ..conftest import sign_in

HOSTILE = ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
# Per export route or command: who downloads, and each web address (or the export command's
# arguments) that gives one of its files.
EXPORTS = {
    "club export": ("coordinator_a", [
        *[f"/clubs/club-a/export?table={table}&format=csv"
          for table in ("members", "donations", "deferrals", "referrals", "hours")],
        "/clubs/club-a/export?table=all&format=xlsx"]),
    "nominations csv": ("coordinator_a",
                        ["/clubs/club-a/nominations/nominations.csv?cycle={cycle}"]),
    "nominations xlsx": ("coordinator_a",
                         ["/clubs/club-a/nominations/nominations.xlsx?cycle={cycle}"]),
    "referral report": ("coordinator_a", ["/clubs/club-a/referrals/export.csv"]),
    "drive invitations": ("coordinator_a", ["/clubs/club-a/drives/{drive}/invitations.csv"]),
    "who can donate": ("coordinator_a", ["/clubs/club-a/eligible?format=csv"]),
    "own data": ("member_user", ["/me/data.zip"]),
    "export command": ("command", [
        ["export", table, "--club", "club-a", "--out", f"{{out}}-{table}.csv"]
        for table in ("members", "donations", "deferrals", "referrals", "hours")] + [
        ["export", "all", "--club", "club-a", "--out", "{out}.xlsx"]]),
}


@pytest.fixture
def hostile_data(world) -> dict:
    """Club A's members named like formulas, each with enough donations for a national award
    in the last cycle, and formula-like text in every kind of record."""
    club = world.club_a
    cycle = default_cycle(club, date.today())
    start, _end = cycle_bounds(cycle, national_rules(club))
    members = [world.member_a] + [factories.make_member(club, f"{n:04d}", name)
                                  for n, name in enumerate(HOSTILE[1:], start=2)]
    world.member_a.full_name, world.member_a.notes = HOSTILE[0], "=cmd|' /C calc'!A0"
    world.member_a.phone, world.member_a.email = "+86 139 0000 0001", "@x@example.org"
    drive = Drive(club_id=club.id, held_on=date.today() + timedelta(days=7), place="-Library",
                  kind=DriveKind.BLOOD)
    db.session.add(drive)
    db.session.flush()
    for member, name in zip(members, HOSTILE, strict=True):
        for n in range(10):
            donation = factories.make_donation(member, start + timedelta(days=60 * n))
            donation.site, donation.blood_centre_certificate_no = name, "=" + name
        db.session.add_all([
            Deferral(member=member, reason_code="tattoo", starts_on=start, ends_on=start,
                     note=name),
            VolunteerService(member_id=member.id, served_on=start, hours=2, activity=name,
                             role="@lead", note="-"),
            Referral(club_id=club.id, referrer_id=member.id, candidate_name=name,
                     registry_code="cmdp", referred_on=start, notes=name),
            DriveParticipant(drive_id=drive.id, member_id=member.id, invited_on=date.today()),
        ])
    db.session.commit()
    return {"cycle": cycle, "drive": drive.id}


FORMULA = object()


def cells(content: bytes, name: str) -> list:
    """Every cell of a CSV, .xlsx or zip of CSV files; formulas as openpyxl's Formula marker."""
    if name.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return [cell for inner in archive.namelist()
                    for cell in cells(archive.read(inner), inner)]
    if name.endswith(".xlsx"):
        book = openpyxl.load_workbook(io.BytesIO(content))
        return [FORMULA if cell.data_type == "f" else cell.value
                for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    return [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))
            for cell in row]


def download(app, world, who, what, data, tmp_path) -> tuple[bytes, str]:
    if who == "command":
        args = [arg.format(out=tmp_path / "export") for arg in what]
        result = app.test_cli_runner().invoke(args=args)
        assert result.exit_code == 0, result.output
        return (tmp_path / args[-1]).read_bytes(), args[-1]
    client = app.test_client()
    assert sign_in(client, getattr(world, who).email).status_code == 302
    response = client.get(what.format(**data))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    disposition = response.headers["Content-Disposition"]
    return response.data, disposition.split("filename=")[1].strip('"')


@pytest.mark.parametrize("export", list(EXPORTS))
def test_no_exported_cell_is_a_formula(app, world, hostile_data, tmp_path, export):
    who, files = EXPORTS[export]
    for what in files:
        content, name = download(app, world, who, what, hostile_data, tmp_path)
        found = cells(content, name)
        assert FORMULA not in found, name
        text = [cell for cell in found if isinstance(cell, str)]
        formulas = [cell for cell in text
                    if cell.startswith(FORMULA_STARTS) and not _number(cell)]
        assert not formulas, f"{name}: {formulas[:5]}"
        # The hostile text is in the file, kept as text behind an apostrophe.
        assert any(cell.startswith("'") and cell[1:] in HOSTILE for cell in text), name


def _number(text: str) -> bool:
    """A number as Python writes one (a negative number starts with "-" and is no formula)."""
    return re.fullmatch(r"-\d+(\.\d+)?(e[-+]\d+)?", text) is not None


def test_numbers_stay_numbers_and_only_text_is_neutralised():
    rows = [[-2, -2.5, "-2", "=1", None]]
    assert csv_bytes(["n"], rows).decode("utf-8-sig").splitlines()[1] == "-2,-2.5,'-2,'=1,"
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([("s", ["n"], rows)]))).active
    assert [c.value for c in sheet[2]][:4] == [-2, -2.5, "'-2", "'=1"]
