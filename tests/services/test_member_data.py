"""The member's own data: every table the club keeps about them, voided donations with their
reason, candidates reduced to a first name, audit events without the staff side, never
another member's rows; JSON with ISO dates and a zip of CSV files with a BOM."""
import csv
import io
import json
import zipfile
from datetime import date

import pytest

from donorclub.domain.enums import AuditAction, DonationKind
from donorclub.domain.masking import given_name
from donorclub.extensions import db
from donorclub.models import Certificate
from donorclub.services import audit, member_data

from .. import factories

TODAY = date(2026, 3, 1)


@pytest.fixture
def history(world):
    """Member A's records, and a donation and referral of member B (club B) beside them."""
    kept = factories.make_donation(world.member_a, date(2025, 6, 1), volume_ml=400)
    voided = factories.void_row(factories.make_donation(world.member_a, date(2025, 12, 1),
                                                        volume_ml=300), "wrong member")
    factories.make_donation(world.member_a, date(2025, 9, 1), kind=DonationKind.PLATELETS,
                            volume_ml=250, units=2)
    factories.make_deferral(world.member_a, date(2026, 1, 5), date(2027, 1, 5), "tattoo")
    factories.make_service(world.member_a, date(2025, 7, 1), 3.5)
    factories.make_referral(world.member_a, [("referred", date(2024, 1, 2)),
                                             ("listed", date(2024, 3, 1))],
                            candidate_name="张伟")
    factories.make_referral(world.member_a, [], candidate_name="Sam Lee")
    db.session.add(Certificate(serial="ABCD-EFGH-JKLM", member_id=world.member_a.id,
                               award_code="donations-1", title="1 donation", language="en",
                               reached_on=date(2025, 6, 1), figures={"count": 1},
                               issued_on=date(2025, 6, 2)))
    other = factories.make_donation(world.member_b, date(2025, 6, 1), volume_ml=470)
    factories.make_referral(world.member_b, [], candidate_name="Emma Smith")
    before = audit.snapshot(world.member_a)
    world.member_a.phone = "13900000009"
    old, new = audit.changed(before, audit.snapshot(world.member_a))
    audit.record(world.coordinator_a, AuditAction.UPDATE, world.member_a, before=old, after=new)
    audit.record(world.coordinator_b, AuditAction.UPDATE, world.member_b,
                 before={"email": None}, after={"email": "emma@example.org"})
    db.session.commit()
    return {"kept": kept, "voided": voided, "other": other}


@pytest.mark.parametrize(("name", "first"), [
    ("张伟", "伟"), ("王秀英", "秀英"), ("欧阳娜娜", "娜娜"), ("司马光", "光"), ("张 伟", "伟"),
    ("Sam Lee", "Sam"), ("  Mary   Ann Smith ", "Mary"), ("Madonna", "Madonna"), ("", ""),
])
def test_candidates_are_reduced_to_a_first_name(name, first):
    assert given_name(name) == first


def test_the_json_holds_the_voided_donation_with_its_reason(world, history):
    document = json.loads(member_data.json_bytes(world.member_a, TODAY))
    rows = {row["id"]: row for row in document["donations"]}
    assert rows[history["voided"].id]["voided"] is True
    assert rows[history["voided"].id]["void_reason"] == "wrong member"
    assert rows[history["kept"].id]["voided"] is False
    assert rows[history["kept"].id]["volume_ml"] == 400
    assert rows[history["kept"].id]["donated_on"] == "2025-06-01"
    assert len(rows) == 3


def test_no_other_members_rows_appear(world, history):
    raw = member_data.json_bytes(world.member_a, TODAY).decode()
    document = json.loads(raw)
    assert history["other"].id not in {row["id"] for row in document["donations"]}
    # The other member's donation of 470 ml: as a JSON value, not as digits that a
    # timestamp's microseconds may happen to contain.
    assert "Emma" not in raw and '"volume_ml": 470' not in raw and "emma@example.org" not in raw
    assert 470 not in {row["volume_ml"] for row in document["donations"]}


def test_the_profile_holds_every_field_with_consents_and_language(world, history):
    world.member_a.locale, world.member_a.consent_contact = "zh_Hans", True
    db.session.commit()
    profile = member_data.member_data(world.member_a, TODAY)["profile"]
    assert set(profile) == set(member_data.COLUMNS["profile"])
    assert profile["full_name"] == "王秀英" and profile["language"] == "zh_Hans"
    assert profile["consent_contact"] is True and profile["consent_leaderboard"] is False
    assert profile["date_of_birth"] == "1985-03-02"
    assert profile["login_email"] == "member-a@example.org"
    assert profile["calendar_link"] is False


def test_the_tables_carry_deferrals_certificates_and_volunteer_hours(world, history):
    document = member_data.member_data(world.member_a, TODAY)
    [deferral] = document["deferrals"]
    assert (deferral["reason_code"], deferral["starts_on"], deferral["ends_on"]) == (
        "tattoo", "2026-01-05", "2027-01-05")
    assert deferral["reason"] and deferral["reason"] != "tattoo"
    [certificate] = document["certificates"]
    assert (certificate["serial"], certificate["revoked"]) == ("ABCD-EFGH-JKLM", False)
    [service] = document["volunteer_service"]
    assert service["hours"] == 3.5 and service["served_on"] == "2025-07-01"


def test_referrals_made_show_first_names_stages_and_dates_only(world, history):
    referrals = member_data.member_data(world.member_a, TODAY)["referrals_made"]
    assert [r["candidate_first_name"] for r in referrals] == ["伟", "Sam"]
    assert referrals[0]["stages"] == [
        {"status": "referred", "occurred_on": "2024-01-02", "product": None},
        {"status": "listed", "occurred_on": "2024-03-01", "product": None}]
    assert "张伟" not in json.dumps(referrals, ensure_ascii=False)


def test_the_referral_where_they_are_the_candidate_leaves_out_the_referrer(world):
    factories.make_referral(world.member_b, [("referred", date(2024, 1, 2))],
                            candidate=world.member_a, candidate_name="王秀英")
    db.session.commit()
    document = member_data.member_data(world.member_a, TODAY)
    [mine] = document["referral_as_candidate"]
    assert mine["candidate_name"] == "王秀英" and mine["status"] == "referred"
    assert "Emma" not in json.dumps(document, ensure_ascii=False)
    assert document["referrals_made"] == []


def test_audit_events_say_when_what_and_which_fields_but_not_who(world, history):
    events = member_data.member_data(world.member_a, TODAY)["audit_events"]
    assert [(e["action"], e["fields"]) for e in events] == [("update", ["phone"])]
    assert set(events[0]) == {"occurred_at", "action", "fields"}
    raw = member_data.json_bytes(world.member_a, TODAY).decode()
    # Neither the staff member nor the values before and after (the old phone number).
    assert "coord-a" not in raw and "13900000001" not in raw


def test_the_zip_holds_one_csv_per_table_with_a_bom(world, history):
    archive = zipfile.ZipFile(io.BytesIO(member_data.zip_bytes(world.member_a, TODAY)))
    names = set(archive.namelist())
    assert names == {f"{table}.csv" for table in member_data.COLUMNS}
    for name in names:
        raw = archive.read(name)
        assert raw.startswith(b"\xef\xbb\xbf"), name
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert rows[0] == list(member_data.COLUMNS[name[:-4]])
    donations = list(csv.DictReader(io.StringIO(archive.read("donations.csv")
                                                .decode("utf-8-sig"))))
    voided = next(r for r in donations if r["id"] == str(history["voided"].id))
    assert (voided["voided"], voided["void_reason"], voided["volume_ml"]) == (
        "true", "wrong member", "300")
    stages = list(csv.DictReader(io.StringIO(archive.read("referral_stages.csv")
                                             .decode("utf-8-sig"))))
    assert [s["status"] for s in stages] == ["referred", "listed"]
    referrals = archive.read("referrals_made.csv").decode("utf-8-sig")
    assert "伟" in referrals and "张伟" not in referrals


def test_an_empty_record_still_gives_every_table_its_header(world):
    archive = zipfile.ZipFile(io.BytesIO(member_data.zip_bytes(world.member_b, TODAY)))
    donations = archive.read("donations.csv").decode("utf-8-sig").splitlines()
    assert donations == [",".join(member_data.COLUMNS["donations"])]


@pytest.mark.parametrize(("member_no", "extension", "name"), [
    ("0001", "json", "my-data-club-a-0001-2026-03-01.json"),
    ("A/7 \"x\"", "zip", "my-data-club-a-A-7-x-2026-03-01.zip"),
])
def test_the_file_is_named_after_club_member_and_day(world, member_no, extension, name):
    world.member_a.member_no = member_no
    assert member_data.export_filename(world.member_a, TODAY, extension) == name
