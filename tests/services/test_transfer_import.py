"""Importing members and donations: dry run counts, bad rows with line numbers, all or nothing."""
from datetime import date

import pytest
import sqlalchemy as sa

from donorclub.domain.enums import DonationKind, MemberStatus, Sex
from donorclub.extensions import db
from donorclub.models import AuditEvent, Donation, Member
from donorclub.services.errors import InvalidInput
from donorclub.services.transfer import MAX_UPLOAD_BYTES, FileTooLarge, import_file

from .. import factories

TODAY = date(2025, 6, 1)

MEMBERS_ZH = (
    "会员编号,姓名,性别,出生日期,血型,体重,电话,邮箱,入会日期,状态\n"
    "0002,李雷,男,1990/3/1,A+,70,13900000002,li@example.org,2020年1月5日,active\n"
    "0003,韩梅梅,女,1992-07-15,,,,,2021-02-03,\n"
)


def run(world, table, content, *, dry_run=False, name="file.csv", encoding="utf-8", **kw):
    data = content.encode(encoding) if isinstance(content, str) else content
    return import_file(world.coordinator_a, world.club_a, table, name, data, dry_run=dry_run,
                       today=TODAY, **kw)


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def donations_of(world):
    return db.session.scalars(sa.select(Donation).join(Member)
                              .where(Member.club_id == world.club_a.id)
                              .order_by(Donation.donated_on)).all()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_chinese_headers_in_any_of_the_club_encodings(world, encoding):
    report = run(world, "members", MEMBERS_ZH, encoding=encoding)
    assert report.applied and report.created == 2 and not report.problems
    li = db.session.scalar(sa.select(Member).where(Member.member_no == "0002"))
    assert (li.full_name, li.sex, li.date_of_birth, li.joined_on) == (
        "李雷", Sex.MALE, date(1990, 3, 1), date(2020, 1, 5))
    assert li.blood_group == "A+" and li.weight_kg == 70 and li.status == MemberStatus.ACTIVE
    meimei = db.session.scalar(sa.select(Member).where(Member.member_no == "0003"))
    assert meimei.phone is None and meimei.status == MemberStatus.ACTIVE


def test_dry_run_counts_and_writes_nothing(world):
    report = run(world, "members", MEMBERS_ZH, dry_run=True)
    assert (report.created, report.updated, report.skipped) == (2, 0, 0)
    assert not report.applied and count(Member) == 2  # the world's two members only


def test_member_with_same_number_is_updated_when_different_else_skipped(world):
    content = ("member_no,full_name,sex,date_of_birth,phone\n"
               "0001,王秀英,female,1985-03-02,13900000001\n"     # identical: skip
               "0002,New Person,male,1980-01-01,\n")
    assert run(world, "members", content).created == 1
    changed = content.replace("13900000001", "13900000009")
    report = run(world, "members", changed)
    assert (report.created, report.updated, report.skipped) == (0, 1, 1)
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "update")).one()
    assert event.after["phone"] == "13900000009" and event.before["phone"] == "13900000001"
    assert "full_name" not in event.after  # only what changed
    assert event.actor_id == world.coordinator_a.id


def test_donations_import_with_chinese_kinds_voids_and_one_audit_event_each(world):
    content = ("会员编号,献血日期,类型,献血量,治疗量,地点,献血证号,作废原因\n"
               "0001,2024/3/1,全血,400,,中心血站,C-1,\n"
               "0001,2024年9月2日,血小板,200,2,,,\n"
               "0001,2024-10-01,whole_blood,300,,,,entered twice\n")
    report = run(world, "donations", content)
    assert report.created == 3 and report.applied
    rows = donations_of(world)
    assert [(d.kind, d.volume_ml) for d in rows] == [
        (DonationKind.WHOLE_BLOOD, 400), (DonationKind.PLATELETS, 200),
        (DonationKind.WHOLE_BLOOD, 300)]
    assert rows[0].blood_centre_certificate_no == "C-1" and rows[0].site == "中心血站"
    assert rows[2].is_voided and rows[2].void_reason == "entered twice"
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity_type == "donations")).all()
    assert sorted(e.entity_id for e in events) == sorted(d.id for d in rows)
    assert all(e.action == "create" and e.actor_id == world.coordinator_a.id for e in events)


def test_history_is_not_refused_by_the_eligibility_rules(world):
    # Two whole-blood donations a week apart break the cn interval, but this is history.
    content = ("member_no,donated_on,kind,volume_ml\n"
               "0001,2024-03-01,whole_blood,400\n0001,2024-03-08,whole_blood,400\n")
    assert run(world, "donations", content).created == 2


def test_second_import_of_the_same_file_skips_everything(world):
    content = "member_no,donated_on,kind,volume_ml\n0001,2024-03-01,plasma,400\n"
    run(world, "donations", content)
    report = run(world, "donations", content)
    assert (report.created, report.skipped, report.applied) == (0, 1, True)
    assert len(donations_of(world)) == 1


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(world):
    content = ("member_no,donated_on,kind,volume_ml\n"
               "0001,2024-03-01,whole_blood,400\n"
               "0001,2024-02-30,whole_blood,400\n"
               "0001,2024-04-01,whole_blood,-200\n"
               "0001,2024-05-01,plasma,0\n"
               "9999,2024-05-01,plasma,300\n"
               "0001,2024-06-01,blood pudding,300\n"
               "0001,2024/3/1,全血,400\n")
    report = run(world, "donations", content)
    lines = {p.line: p.message for p in report.problems}
    assert sorted(lines) == [3, 4, 5, 6, 7, 8]
    assert "2024-02-30 is not a date" in lines[3]
    assert "more than 0" in lines[4] and "more than 0" in lines[5]
    assert "unknown member number 9999" in lines[6]
    assert "unknown donation kind blood pudding" in lines[7]
    assert lines[8] == "duplicate of line 2"
    assert report.blocked and not report.applied and donations_of(world) == []
    assert count(AuditEvent) == 0


def test_excluding_bad_rows_imports_the_good_ones(world):
    content = ("member_no,donated_on,kind,volume_ml\n"
               "0001,2024-03-01,whole_blood,400\n0001,not a day,whole_blood,400\n")
    report = run(world, "donations", content, exclude_bad_rows=True)
    assert report.applied and report.created == 1 and len(report.problems) == 1
    assert len(donations_of(world)) == 1


def test_missing_required_columns_are_named_once_for_the_file(world):
    report = run(world, "donations", "member_no,site\n0001,x\n0001,y\n")
    assert report.file_errors == [
        "Required columns are missing: donated_on, kind, volume_ml."]
    assert report.problems == [] and report.blocked


@pytest.mark.parametrize("data, message", [
    (b"", "The file is empty."),
    (b"\n\n", "The file is empty."),
    (b"member_no,donated_on,kind,volume_ml\n", "no data rows"),
    ("member_no,site\n0001,café au lait\xff\n".encode("latin-1"), "neither UTF-8 nor GBK"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
    (b"PK\x03\x04 broken zip", "not a readable Excel"),
])
def test_unreadable_files_are_reported_clearly(world, data, message):
    name = "x.xlsx" if data.startswith(b"PK") else "x.csv"
    report = run(world, "donations", data, name=name)
    assert report.blocked and message in report.file_errors[0]
    assert donations_of(world) == []


def test_a_file_over_the_size_limit_is_refused(world):
    with pytest.raises(FileTooLarge):
        run(world, "donations", b"x" * (MAX_UPLOAD_BYTES + 1))


def test_unknown_table_is_invalid(world):
    with pytest.raises(InvalidInput):
        run(world, "certificates", "a\n1\n")


def test_a_failure_while_writing_leaves_nothing_behind(world, monkeypatch):
    from donorclub.services.transfer import tables

    def broken(self, record, actor, now):
        if record["volume_ml"] == 300:
            raise RuntimeError("disk on fire")
        return original(self, record, actor, now)

    original = tables.DonationTable.build
    monkeypatch.setattr(tables.DonationTable, "build", broken)
    content = ("member_no,donated_on,kind,volume_ml\n"
               "0001,2024-03-01,whole_blood,400\n0001,2024-04-01,plasma,300\n")
    with pytest.raises(RuntimeError):
        run(world, "donations", content)
    assert donations_of(world) == [] and count(AuditEvent) == 0


def test_xlsx_with_date_cells_and_numbers(world):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["会员编号", "献血日期", "类型", "献血量"])
    sheet.append([1, date(2024, 3, 1), "双红", 400.0])   # member number typed as a number
    factories.make_member(world.club_a, "1", "张三")
    db.session.commit()
    buffer = io.BytesIO()
    book.save(buffer)
    report = run(world, "donations", buffer.getvalue(), name="history.xlsx")
    assert report.applied and report.created == 1, report.problems
    assert donations_of(world)[0].kind == DonationKind.DOUBLE_RED
