"""The `import` and `export` commands."""
import openpyxl
import sqlalchemy as sa

from donorclub.extensions import db
from donorclub.models import AuditEvent, Donation, Member

HEADER = "member_no,donated_on,kind,volume_ml,void_reason\n"


def donations() -> list[Donation]:
    db.session.expire_all()
    return db.session.scalars(sa.select(Donation).order_by(Donation.donated_on)).all()


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return str(path)


def test_dry_run_reports_and_writes_nothing(runner, world, tmp_path):
    path = write(tmp_path, "d.csv", HEADER + "0001,2024-03-01,whole_blood,400,\n")
    result = runner.invoke(args=["import", "donations", path, "--club", "club-a", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "1 rows: 1 would be created" in result.output and "Dry run" in result.output
    assert donations() == []


def test_import_as_the_system_and_again_creates_nothing(runner, world, tmp_path):
    path = write(tmp_path, "d.csv", HEADER + "0001,2024-03-01,whole_blood,400,\n"
                 "0001,2024-03-01,whole_blood,300,wrong volume\n")
    result = runner.invoke(args=["import", "donations", path, "--club", "club-a"])
    assert result.exit_code == 0, result.output
    assert [(d.volume_ml, d.void_reason) for d in donations()] == [(400, None),
                                                                   (300, "wrong volume")]
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity_type == "donations")).first()
    assert event.actor_id is None
    again = runner.invoke(args=["import", "donations", path, "--club", "club-a"])
    assert "0 were created" in again.output and "2 skipped" in again.output
    assert len(donations()) == 2


def test_bad_rows_fail_with_line_numbers(runner, world, tmp_path):
    path = write(tmp_path, "d.csv", HEADER + "0001,2024-03-01,whole_blood,400,\n"
                 "0042,2024-03-02,whole_blood,400,\n")
    result = runner.invoke(args=["import", "donations", path, "--club", "club-a"])
    assert result.exit_code == 1
    assert "Line 3: unknown member number 0042" in result.output
    assert "Nothing was imported" in result.output and donations() == []
    result = runner.invoke(args=["import", "donations", path, "--club", "club-a",
                                 "--exclude-bad-rows"])
    assert result.exit_code == 0 and len(donations()) == 1


def test_acting_as_a_coordinator_is_scoped_to_their_clubs(runner, world, tmp_path):
    path = write(tmp_path, "m.csv", "member_no,full_name,sex,date_of_birth\n"
                 "0100,Zhang San,男,1990-01-01\n")
    denied = runner.invoke(args=["import", "members", path, "--club", "club-b",
                                 "--as", world.coordinator_a.email])
    assert denied.exit_code == 1 and "Club not found" in denied.output
    result = runner.invoke(args=["import", "members", path, "--club", "club-a",
                                 "--as", world.coordinator_a.email])
    assert result.exit_code == 0, result.output
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity_type == "members")).one()
    assert event.actor_id == world.coordinator_a.id


def test_unknown_club_is_an_error(runner, world, tmp_path):
    path = write(tmp_path, "d.csv", HEADER)
    result = runner.invoke(args=["import", "donations", path, "--club", "nope"])
    assert result.exit_code == 1 and "No club with the slug nope" in result.output


def test_export_all_writes_a_workbook_and_csv_by_extension(runner, world, tmp_path):
    out = tmp_path / "club.xlsx"
    result = runner.invoke(args=["export", "all", "--club", "club-a", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "members" in openpyxl.load_workbook(out).sheetnames
    csv_out = tmp_path / "members.csv"
    runner.invoke(args=["export", "members", "--club", "club-a", "--out", str(csv_out),
                        "--from", "2024-01-01", "--to", "2024-12-31"])
    assert csv_out.read_bytes().startswith(b"\xef\xbb\xbfmember_no,full_name")
    empty = runner.invoke(args=["export", "all", "--club", "club-a", "--out",
                                str(tmp_path / "x.csv")])
    assert empty.exit_code == 1 and ".xlsx" in empty.output
    # Each file written is audited as an export of the club, by the system (no --as).
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "export")
                                .order_by(AuditEvent.id)).all()
    assert [(e.club_id, e.actor_id, e.after["table"], e.after["format"]) for e in events] == [
        (world.club_a.id, None, "all", "xlsx"), (world.club_a.id, None, "members", "csv")]
    assert events[1].after["since"] == "2024-01-01" and "rows" in events[1].after


def test_round_trip_through_the_command_line(runner, world, tmp_path):
    from tests import factories

    factories.make_donation(world.member_a)
    factories.make_club("club-c", "Copy")
    db.session.commit()
    out = str(tmp_path / "all.xlsx")
    runner.invoke(args=["export", "all", "--club", "club-a", "--out", out])
    for table in ("members", "donations"):
        result = runner.invoke(args=["import", table, out, "--club", "club-c"])
        assert result.exit_code == 0, result.output
    copy = db.session.scalars(sa.select(Member).join(Member.club)
                              .where(Member.member_no == "0001")).all()
    assert len(copy) == 3 and len(donations()) == 2
