"""`flask backup` and `flask restore`: a full round trip on SQLite and PostgreSQL, refusals
that change nothing, and failures that leave no file."""
from __future__ import annotations

import os
import subprocess
import time
from datetime import date

import pytest
from flask_migrate import stamp
from sqlalchemy.engine import make_url

from donorclub import create_app
from donorclub.domain.enums import Role
from donorclub.extensions import db
from donorclub.services import accounts, backup, demo
from donorclub.services.errors import InvalidInput

from .conftest import IsolatedClient, sign_in
from .snapshots import rows_at

COORDINATOR = demo.CN_CLUB.coordinator_email
COORDINATOR_PASSWORD = demo.DEMO_PASSWORDS[Role.COORDINATOR]


@pytest.fixture
def empty_target(database_url, tmp_path):
    """The URL of an empty database of the same kind (PostgreSQL: a scratch database, dropped
    afterwards)."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored' / 'donorclub.sqlite3'}"
        return
    import psycopg

    url = make_url(database_url)
    name = f"{url.database}_restore"
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    yield url.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def app_on(url: str, instance):
    """An app on an existing database, without creating or dropping its schema."""
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url,
                      "INSTANCE_PATH": str(instance), "WTF_CSRF_ENABLED": False})
    app.test_client_class = IsolatedClient
    return app


def fill_every_table(app) -> None:
    """Demo data, the Alembic version, an API token and a sign-in (with what it records)."""
    with app.app_context():
        stamp()
        demo.load_demo_data(date(2026, 1, 5))
        accounts.issue_api_token(None, demo.find_admin(), "backup test")
        db.session.remove()
    assert sign_in(app.test_client(), COORDINATOR, COORDINATOR_PASSWORD).status_code == 302


def test_a_backup_restores_every_row_into_an_empty_database_and_refuses_a_full_one(
        make_app, database_url, empty_target, tmp_path):
    source = make_app()
    fill_every_table(source)
    before = rows_at(database_url)
    assert [name for name, rows in before.items() if not rows] == []  # every table is covered
    assert "alembic_version" in before

    folder = tmp_path / "backups"
    made = source.test_cli_runner().invoke(args=["backup", "--to", str(folder)])
    assert made.exit_code == 0, made.output
    [file] = folder.iterdir()
    assert file.name.startswith("donorclub-") and file.suffix in {".sqlite3", ".dump"}
    assert f"Wrote {file} ({file.stat().st_size:,} bytes)." in made.output

    target = app_on(empty_target, tmp_path / "target-instance")
    runner = target.test_cli_runner()
    restored = runner.invoke(args=["restore", str(file)])
    assert restored.exit_code == 0, restored.output
    assert f"{len(before)} tables" in restored.output
    after = rows_at(empty_target)
    assert after == before

    refused = runner.invoke(args=["restore", str(file)])
    assert refused.exit_code == 1 and "is not empty" in refused.output
    declined = runner.invoke(args=["restore", str(file), "--force"], input="n\n")
    assert declined.exit_code == 1 and "Replace the" in declined.output
    assert rows_at(empty_target) == before

    client = target.test_client()  # the app works on the restored database, sign-ins write
    assert sign_in(client, COORDINATOR, COORDINATOR_PASSWORD).status_code == 302
    assert client.get("/").status_code == 200
    with target.app_context():
        db.engine.dispose()


def test_a_failing_pg_dump_exits_non_zero_leaves_no_file_and_never_shows_the_password(
        tmp_path, monkeypatch):
    password = "not-shown-anywhere-7319"
    app = app_on(f"postgresql+psycopg://postgres:{password}@127.0.0.1:5432/"
                 "donorclub_no_such_database", tmp_path / "instance")
    calls = []
    real_run = subprocess.run

    def spy(command, **options):
        calls.append((command, options["env"].get("PGPASSWORD")))
        return real_run(command, **options)

    monkeypatch.setattr(subprocess, "run", spy)
    folder = tmp_path / "backups"
    result = app.test_cli_runner().invoke(args=["backup", "--to", str(folder)])
    assert result.exit_code == 1
    assert "pg_dump" in result.output and "Traceback" not in result.output
    assert password not in result.output
    assert list(folder.iterdir()) == []  # not even the temporary file
    if calls:  # pg_dump is installed: it got the password only through its environment
        [(command, given)] = calls
        assert given == password and not any(password in part for part in command)
        [dbname] = [part for part in command if part.startswith("--dbname=")]
        conninfo = make_url(dbname.removeprefix("--dbname="))
        assert conninfo.password is None and conninfo.database == "donorclub_no_such_database"

    monkeypatch.setenv("PATH", str(tmp_path))
    missing = app.test_cli_runner().invoke(args=["backup", "--to", str(folder)])
    assert missing.exit_code == 1 and "pg_dump was not found" in missing.output
    assert list(folder.iterdir()) == []


def test_keep_prunes_only_older_backups_and_restore_refuses_other_files(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    app = app_on(url, tmp_path / "instance")
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    folder = tmp_path / "instance" / "backups"
    folder.mkdir(parents=True)
    for name in ("donorclub-20250101T000000Z.sqlite3", "donorclub-20250102T000000Z.sqlite3",
                 "notes.txt", "donorclub-before-upgrade.sqlite3", ".donorclub-new.partial",
                 ".donorclub-old.partial"):
        (folder / name).write_bytes(b"x")
    two_days_ago = time.time() - 2 * 24 * 3600  # a run killed long ago left this behind
    os.utime(folder / ".donorclub-old.partial", (two_days_ago, two_days_ago))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["backup", "--keep", "2"])
    second = runner.invoke(args=["backup", "--keep", "2"])  # maybe the same second: -2
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "Deleted the older backup" in second.output
    kept = sorted(path.name for path in folder.iterdir())
    assert len(kept) == 5 and {"notes.txt", "donorclub-before-upgrade.sqlite3",
                               ".donorclub-new.partial"} < set(kept)
    assert not any(name.startswith("donorclub-2025") for name in kept)

    other = app_on(f"sqlite:///{tmp_path / 'other.sqlite3'}", tmp_path / "other-instance")
    refused = other.test_cli_runner().invoke(args=["restore", str(folder / "notes.txt")])
    assert refused.exit_code == 1 and "is not a donorclub backup" in refused.output
    assert not (tmp_path / "other.sqlite3").exists()
    with pytest.raises(InvalidInput):
        backup.backup_database("sqlite://", folder)
