"""`flask certificates print`: issue what is due and print one combined PDF."""
import io
from datetime import date, timedelta

import pypdf
import pytest
import sqlalchemy as sa

from donorclub.domain.enums import AuditAction
from donorclub.extensions import db
from donorclub.models import AuditEvent, Certificate
from donorclub.services import certificates

from . import factories

START = date(2020, 1, 6)


def days(n: int) -> list[date]:
    return [START + timedelta(weeks=i) for i in range(n)]


def pages(path) -> list[str]:
    return [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(path.read_bytes())).pages]


def valid() -> list[Certificate]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Certificate).where(
        Certificate.revoked_at.is_(None)).order_by(Certificate.id)))


@pytest.fixture
def due(world):
    """member_a (0001): count 10 and 2,000 ml; 0002: one donation; club-b's member: none."""
    friend = factories.make_member(world.club_a, "0002", "Li Qiang")
    factories.make_donations(world.member_a, days(5))
    factories.make_donations(friend, days(1))
    db.session.commit()
    return friend


def test_due_issues_and_prints_one_page_per_certificate(runner, world, due, tmp_path):
    out = tmp_path / "due.pdf"
    result = runner.invoke(args=["certificates", "print", "--club", "club-a", "--due",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    issued = valid()
    assert sorted(c.award_code for c in issued) == ["donations-1", "donations-10",
                                                    "whole_blood_ml-1000"]
    assert "Issued 3 certificate(s)." in result.output
    assert f"Wrote 3 page(s) to {out}." in result.output
    texts = pages(out)
    assert len(texts) == 3
    assert {c.serial for c in issued} == {c.serial for c in issued
                                          if any(c.serial in t for t in texts)}
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == AuditAction.PRINT.value))
    assert event.actor_id is None and sorted(event.after["serials"]) == sorted(
        c.serial for c in issued)


def test_member_no_restricts_the_batch(runner, world, due, tmp_path):
    out = tmp_path / "one.pdf"
    result = runner.invoke(args=["certificates", "print", "--club", "club-a", "--due",
                                 "--member-no", "0002", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert [(c.member_id, c.award_code) for c in valid()] == [(due.id, "donations-1")]
    [text] = pages(out)
    assert "Li Qiang" in text


def test_an_unknown_member_number_fails_clearly_and_writes_nothing(runner, world, due,
                                                                   tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "none.pdf"
    result = runner.invoke(args=["certificates", "print", "--club", "club-a", "--due",
                                 "--member-no", "0002", "--member-no", "0404",
                                 "--out", str(out)])
    assert result.exit_code == 1
    assert "No member numbered 0404 in this club." in result.output
    assert list(folder.iterdir()) == []  # no file, and no half-written temporary either
    assert valid() == []


def test_nothing_to_print_fails_cleanly(runner, world, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "empty.pdf"
    for extra in (["--due"], []):
        result = runner.invoke(args=["certificates", "print", "--club", "club-b", *extra,
                                     "--out", str(out)])
        assert result.exit_code == 1, result.output
        assert "No certificate to print." in result.output
        assert "Traceback" not in result.output
    assert list(folder.iterdir()) == []


def test_an_unknown_club_fails_clearly(runner, world, tmp_path):
    result = runner.invoke(args=["certificates", "print", "--club", "nope", "--out",
                                 str(tmp_path / "x.pdf")])
    assert result.exit_code == 1 and "No club with the slug nope." in result.output


def test_without_due_it_prints_the_existing_valid_certificates(runner, world, due, tmp_path):
    kept = certificates.issue_certificate(world.coordinator_a, world.member_a, "donations-10",
                                          today=date(2025, 1, 1))
    gone = certificates.issue_certificate(world.coordinator_a, due, "donations-1",
                                          today=date(2025, 1, 1))
    certificates.revoke_certificate(world.coordinator_a, gone, "duplicate")
    out = tmp_path / "again.pdf"
    result = runner.invoke(args=["certificates", "print", "--club", "club-a", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Issued" not in result.output
    [text] = pages(out)
    assert kept.serial in text
    assert [c.id for c in valid()] == [kept.id]  # nothing new was issued


def test_issued_on_picks_one_days_certificates(runner, world, due, tmp_path):
    certificates.issue_certificate(world.coordinator_a, world.member_a, "donations-10",
                                   today=date(2025, 1, 1))
    later = certificates.issue_certificate(world.coordinator_a, due, "donations-1",
                                           today=date(2025, 2, 1))
    out = tmp_path / "day.pdf"
    result = runner.invoke(args=["certificates", "print", "--club", "club-a", "--issued-on",
                                 "2025-02-01", "--out", str(out)])
    assert result.exit_code == 0, result.output
    [text] = pages(out)
    assert later.serial in text


def test_a_failure_while_printing_leaves_no_partial_file(runner, world, due, tmp_path,
                                                         monkeypatch):
    from donorclub.services import certificate_printing

    def broken(chosen, stream, on_page=None):
        stream.write(b"%PDF-1.4 half a page")
        raise OSError("disk full")

    monkeypatch.setattr(certificate_printing, "print_certificates", broken)
    folder = tmp_path / "out"
    folder.mkdir()
    result = runner.invoke(args=["certificates", "print", "--club", "club-a", "--due",
                                 "--out", str(folder / "due.pdf")])
    assert result.exit_code != 0
    assert list(folder.iterdir()) == []
    assert db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == AuditAction.PRINT.value)) is None
