"""Export a club's whole history and import it into an empty club: the same records come back."""
import csv
import io
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa

from donorclub.domain.enums import DonationKind, ReferralStatus, Registry, Sex
from donorclub.extensions import db
from donorclub.models import Deferral, Donation, Member, Referral, VolunteerService
from donorclub.services.errors import InvalidInput
from donorclub.services.transfer import TABLES, export_club, import_file, template_file

from .. import factories

TODAY = date(2025, 6, 1)


@pytest.fixture
def history(world):
    """Club A with a second member, donations (one voided), a deferral, a referral, hours."""
    a = world.member_a
    a.blood_group, a.weight_kg, a.email, a.notes = "O+", 55.5, "wang@example.org", "=SUM(A1)"
    a.consent_contact, a.consent_public_verification = True, True
    b = factories.make_member(world.club_a, "0002", "Li Lei", sex=Sex.MALE)
    factories.make_donation(a, date(2024, 3, 1))
    factories.make_donation(b, date(2024, 4, 1), kind=DonationKind.PLATELETS, volume_ml=250,
                            units=2)
    db.session.add(Donation(member=b, donated_on=date(2024, 4, 1), kind=DonationKind.PLATELETS,
                            volume_ml=250, therapeutic_units=1, voided_at=TODAY,
                            void_reason="typed twice"))
    factories.make_deferral(a, date(2024, 5, 1), None, "hepatitis").kinds = ["platelets"]
    db.session.add(Referral(club_id=world.club_a.id, referrer_id=a.id, candidate_name="周杰",
                            candidate_sex=Sex.MALE, registry_code=Registry.CMDP,
                            status=ReferralStatus.TYPED, consent_contact=True,
                            referred_on=date(2024, 6, 1), notes="met at the drive"))
    db.session.add(VolunteerService(member_id=b.id, served_on=date(2024, 7, 1), hours=3.5,
                                    activity="Drive set-up", role="lead"))
    db.session.commit()
    return world


def snapshot(club_id):
    db.session.expire_all()
    members = db.session.scalars(sa.select(Member).where(Member.club_id == club_id)
                                 .order_by(Member.member_no)).all()
    numbers = {m.id: m.member_no for m in members}

    def rows(model, member_column, columns):
        query = sa.select(model).where(member_column.in_(list(numbers)))
        return sorted(tuple([numbers[getattr(r, member_column.key)]]
                            + [getattr(r, c) for c in columns])
                      for r in db.session.scalars(query))

    return {
        "members": [(m.member_no, m.full_name, m.sex, m.date_of_birth, m.blood_group,
                     m.weight_kg, m.phone, m.email, m.joined_on, m.status, m.notes,
                     m.consent_contact, m.consent_public_verification)
                    for m in members],
        "donations": rows(Donation, Donation.member_id, [
            "donated_on", "kind", "volume_ml", "therapeutic_units", "site",
            "blood_centre_certificate_no", "void_reason"]),
        "deferrals": rows(Deferral, Deferral.member_id,
                          ["reason_code", "starts_on", "ends_on", "kinds", "note"]),
        "referrals": rows(Referral, Referral.referrer_id, [
            "candidate_name", "candidate_sex", "registry_code", "status", "consent_contact",
            "referred_on", "notes"]),
        "hours": rows(VolunteerService, VolunteerService.member_id,
                      ["served_on", "hours", "activity", "role", "void_reason"]),
    }


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip_into_an_empty_club(history, fmt):
    empty = factories.make_club("club-c", "Empty club")
    db.session.commit()
    files = {table: export_club(history.club_a, table, fmt) for table in TABLES}
    for table, (name, _mime, content) in files.items():
        report = import_file(None, empty, table, name, content, dry_run=False, today=TODAY)
        assert report.applied and not report.problems and not report.file_errors, report
    source, copy = snapshot(history.club_a.id), snapshot(empty.id)
    assert copy == source
    assert len(copy["donations"]) == 3 and copy["hours"] and copy["referrals"]


def test_one_workbook_with_every_table_round_trips(history):
    empty = factories.make_club("club-c", "Empty club")
    db.session.commit()
    name, _mime, content = export_club(history.club_a, "all", "xlsx")
    assert openpyxl.load_workbook(io.BytesIO(content)).sheetnames == list(TABLES)
    for table in TABLES:
        assert import_file(None, empty, table, name, content, dry_run=False,
                           today=TODAY).applied
    assert snapshot(empty.id) == snapshot(history.club_a.id)
    again = [import_file(None, empty, t, name, content, dry_run=True, today=TODAY)
             for t in TABLES]
    assert [r.created for r in again] == [0] * len(TABLES)


def test_csv_export_has_bom_chinese_headers_and_no_formulas(history):
    _name, mime, content = export_club(history.club_a, "members", "csv", lang="zh")
    assert mime == "text/csv" and content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["会员编号", "姓名", "性别"]
    assert "'=SUM(A1)" in rows[1]


def test_date_range_limits_everything_but_members(history):
    _n, _m, content = export_club(history.club_a, "donations", "csv", date(2024, 3, 15),
                                  date(2024, 12, 31))
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))[1:]
    assert [r[1] for r in rows] == ["2024-04-01", "2024-04-01"]
    assert sorted(r[7] for r in rows) == ["", "typed twice"]
    _n, _m, members = export_club(history.club_a, "members", "csv", date(2030, 1, 1))
    assert len(members.decode("utf-8-sig").strip().splitlines()) == 3


def test_bad_export_choices_are_refused(history):
    with pytest.raises(InvalidInput):
        export_club(history.club_a, "all", "csv")
    with pytest.raises(InvalidInput):
        export_club(history.club_a, "donations", "csv", date(2025, 1, 2), date(2025, 1, 1))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_templates_are_read_back_by_the_importer(world, fmt, lang):
    name, _mime, content = template_file("donations", fmt, lang)
    report = import_file(None, world.club_a, "donations", name, content, today=TODAY)
    assert report.file_errors == ["The file has a header row but no data rows."]
