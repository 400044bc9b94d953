"""A crash part-way through an import or a certificate batch leaves every table exactly as it
was, and no half-made file."""
from __future__ import annotations

import os
import signal
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from donorclub import create_app
from donorclub.extensions import db
from donorclub.models import Member
from donorclub.services import audit, certificate_printing, certificates

from . import factories
from .snapshots import rows_at, table_rows

MEMBERS = "member_no,full_name,sex,date_of_birth\n"
DONATIONS = "member_no,donated_on,kind,volume_ml\n"


def snapshot() -> dict[str, list[tuple]]:
    """Every row, read through the session the commands use, after committing whatever it
    still holds: a failure that left changes behind in the session shows here too."""
    db.session.commit()
    db.session.expire_all()
    return table_rows(db.session.connection())


def fail_on_call(monkeypatch, owner, name: str, n: int, error: BaseException) -> list:
    """Make owner.name raise `error` on its n-th call; returns the members counted (through
    the failing transaction) at that moment, to show the failure came mid-write."""
    real, calls, seen = getattr(owner, name), [0], []

    def failing(*args, **kwargs):
        calls[0] += 1
        if calls[0] == n:
            seen.append(db.session.scalar(sa.select(sa.func.count()).select_from(Member)))
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, failing)
    return seen


def import_file(tmp_path, table: str) -> str:
    path = tmp_path / f"{table}.csv"
    if table == "members":  # 40 new members and a change to an existing one
        lines = [f"{n:04d},Member {n},female,1990-01-{n % 28 + 1:02d}" for n in range(2, 42)]
        path.write_text(MEMBERS + "0001,王秀英 (renamed),female,1985-03-02\n" + "\n".join(lines))
    else:
        days = [date(2020, 1, 1) + timedelta(days=90 * n) for n in range(20)]
        path.write_text(DONATIONS + "\n".join(f"0001,{d},whole_blood,400" for d in days))
    return str(path)


def test_an_import_failing_after_its_rows_were_flushed_changes_nothing(
        runner, world, tmp_path, monkeypatch):
    before = snapshot()
    for table, error in [("members", KeyboardInterrupt()), ("donations", RuntimeError("disk"))]:
        with monkeypatch.context() as patch:
            # audit.snapshot runs once per written row, after all of them were flushed.
            seen = fail_on_call(patch, audit, "snapshot", 15, error)
            result = runner.invoke(args=["import", table, import_file(tmp_path, table),
                                         "--club", "club-a"])
        assert result.exit_code != 0 and "Imported." not in result.output, table
        assert seen, f"the failure was not injected into the {table} import"
        if table == "members":
            assert seen[0] > len(before["members"])  # the new rows were in the transaction
        assert snapshot() == before, table


def test_an_import_killed_mid_write_leaves_the_sqlite_file_as_it_was(tmp_path):
    url = f"sqlite:///{tmp_path / 'donorclub.sqlite3'}"
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url,
                      "INSTANCE_PATH": str(tmp_path / "instance")})
    with app.app_context():
        db.create_all()
        factories.make_member(factories.make_club("club-a"), "0001")
        db.session.commit()
        db.engine.dispose()  # the child process below opens connections of its own
    path = tmp_path / "members.csv"
    path.write_text(MEMBERS + "\n".join(f"{n:05d},Member {n},male,1980-02-03"
                                        for n in range(2, 302)))
    before = rows_at(url)
    child = os.fork()
    if child == 0:  # SIGKILL itself once every row is flushed: no cleanup, no rollback
        try:
            real, calls = audit.snapshot, [0]

            def snapshot(row):
                calls[0] += 1
                if calls[0] == 200:
                    os.kill(os.getpid(), signal.SIGKILL)
                return real(row)

            audit.snapshot = snapshot
            with app.app_context():
                app.test_cli_runner().invoke(args=["import", "members", str(path),
                                                   "--club", "club-a"])
        finally:
            os._exit(70)  # never back into pytest
    _pid, status = os.waitpid(child, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, status
    assert rows_at(url) == before


@pytest.fixture
def due(world):
    """Three members of club A with enough donations for several certificates each."""
    start = date(2020, 1, 6)
    for number in ("0002", "0003"):
        factories.make_donations(factories.make_member(world.club_a, number, f"Donor {number}"),
                                 [start + timedelta(weeks=30 * i) for i in range(3)])
    factories.make_donations(world.member_a, [start + timedelta(weeks=30 * i) for i in range(5)])
    db.session.commit()


def test_a_certificate_batch_failing_part_way_changes_nothing_and_leaves_no_file(
        runner, world, due, tmp_path, monkeypatch):
    folder = tmp_path / "out"
    folder.mkdir()
    before = snapshot()
    for owner, name, error in [(certificates, "_new_certificate", RuntimeError("serial clash")),
                               (certificate_printing, "page_for", KeyboardInterrupt())]:
        with monkeypatch.context() as patch:  # while issuing, then while printing
            seen = fail_on_call(patch, owner, name, 3, error)
            result = runner.invoke(args=["certificates", "print", "--club", "club-a", "--due",
                                         "--out", str(folder / "due.pdf")])
        assert result.exit_code != 0 and "Wrote" not in result.output, name
        assert seen, f"the failure was not injected into {name}"
        assert list(folder.iterdir()) == []
        assert snapshot() == before, name
