"""Backups of the whole database and restores into an empty one: SQLite through its online
backup API, PostgreSQL through pg_dump and pg_restore (custom format)."""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from ..extensions import db
from .errors import Conflict, InvalidInput, ServiceError

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".dump"}
# Only files named like this are ever pruned; anything else in the folder is left alone.
BACKUP_NAME = re.compile(r"^donorclub-(\d{8}T\d{6}Z)(?:-(\d+))?\.(?:sqlite3|dump)$")
PARTIAL_NAME = re.compile(r"^\.donorclub-.*\.partial$")
STALE_PARTIAL_SECONDS = 24 * 3600  # no backup runs this long: its temporary file is left over
SQLITE_TIMEOUT_SECONDS = 30.0
# libpq waits forever for an unreachable host unless told otherwise.
PG_CONNECT_TIMEOUT = "30"


class BackupFailed(ServiceError):
    """The database could not be copied (a tool is missing or failed); nothing was written."""


class TargetNotEmpty(Conflict):
    """The database to restore into already has tables; it was left as it was."""

    def __init__(self, message: str, contents: DatabaseContents):
        super().__init__(message)
        self.contents = contents


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int


@dataclass(frozen=True)
class DatabaseContents:
    """How much a database holds: tables of its default schema and their rows together."""

    tables: int
    rows: int

    @property
    def empty(self) -> bool:
        return self.tables == 0


def database_url() -> URL:
    """The URL of the app's database as the engine uses it (relative SQLite paths resolved)."""
    return db.engine.url


def backup_database(url: str | URL, folder: Path, *, now: datetime | None = None) -> Backup:
    """Copy the whole database into `folder` as donorclub-<UTC time>.sqlite3 (SQLite, through
    the online backup API, consistent while the app writes) or .dump (PostgreSQL, pg_dump in
    custom format). The file appears under its name only when complete; a failure leaves no
    file. The password is passed to pg_dump in its environment, never on its command line.
    Raises InvalidInput for a database that cannot be backed up this way and BackupFailed when
    the copy fails."""
    url = _supported(url)
    backend = url.get_backend_name()
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        # The temporary name never matches BACKUP_NAME: a killed run is never taken for a backup.
        handle, name = tempfile.mkstemp(prefix=".donorclub-", suffix=".partial", dir=folder)
    except OSError as error:
        raise BackupFailed(_("Cannot write into %(folder)s: %(error)s", folder=folder,
                             error=error.strerror or error)) from error
    os.close(handle)
    temporary = Path(name)
    try:
        if backend == "sqlite":
            _copy_sqlite(_sqlite_path(url), temporary)
        else:
            _run_pg_tool("pg_dump", ["--format=custom", f"--file={temporary}"], url)
        with temporary.open("rb") as stream:
            os.fsync(stream.fileno())
        target = _unused_name(folder, stamp, SUFFIXES[backend])
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return Backup(target, target.stat().st_size)


def prune_backups(folder: Path, keep: int) -> list[Path]:
    """Delete all but the `keep` newest backups in `folder` (only files named as
    backup_database names them), and what killed runs left over a day ago; returns the deleted
    backups, oldest first."""
    if keep < 1:
        raise InvalidInput(_("Keep at least one backup."), {"keep": _("At least 1.")})
    found, stale_before = [], time.time() - STALE_PARTIAL_SECONDS
    for path in folder.iterdir():
        match = BACKUP_NAME.match(path.name)
        if match and path.is_file():
            found.append(((match.group(1), int(match.group(2) or 1)), path))
        elif PARTIAL_NAME.match(path.name) and path.stat().st_mtime < stale_before:
            path.unlink(missing_ok=True)
    found.sort()
    old = [path for _key, path in found[:-keep]]
    for path in old:
        path.unlink(missing_ok=True)
    return old


def inspect_database(url: str | URL) -> DatabaseContents:
    """Count the tables (default schema) and all their rows; a missing SQLite file is empty.
    Raises BackupFailed when the database cannot be read."""
    url = _supported(url)
    if url.get_backend_name() == "sqlite":
        path = _sqlite_path(url)
        if not path.exists() or path.stat().st_size == 0:
            return DatabaseContents(0, 0)
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            names = sa.inspect(connection).get_table_names()
            rows = sum(connection.scalar(sa.select(sa.func.count()).select_from(sa.table(name)))
                       for name in names)
    except sa.exc.SQLAlchemyError as error:
        reason = _scrub(str(getattr(error, "orig", None) or error), url)
        raise BackupFailed(_("Cannot read the database %(database)s: %(error)s",
                             database=_shown(url), error=reason)) from error
    finally:
        engine.dispose()
    return DatabaseContents(len(names), rows)


def restore_database(url: str | URL, source: Path, *, replace: bool = False
                     ) -> DatabaseContents:
    """Restore the backup file `source` into the database at `url`, which must be empty (no
    tables) unless `replace` is given. SQLite: the backup API copies the file in (all or
    nothing). PostgreSQL: pg_restore --no-owner --no-privileges in one transaction, with
    --clean when replacing. Returns what the database then holds.

    Raises TargetNotEmpty (nothing changed) for a database with tables without `replace`,
    InvalidInput when `source` is not a backup for this kind of database, and BackupFailed
    when the restore fails (PostgreSQL rolls back; SQLite leaves the target as it was)."""
    url = _supported(url)
    check_backup_file(url, source)
    before = inspect_database(url)
    if not before.empty and not replace:
        raise TargetNotEmpty(not_empty_message(url, before), before)
    if url.get_backend_name() == "sqlite":
        _restore_sqlite(source, _sqlite_path(url))
    else:
        options = ["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
        if not before.empty:
            options += ["--clean", "--if-exists"]
        _run_pg_tool("pg_restore", [*options, str(source)], url)
    return inspect_database(url)


def check_backup_file(url: str | URL, source: Path) -> None:
    """Raise InvalidInput unless `source` is an undamaged backup for the kind of database at
    `url` (a SQLite file passing its quick check, or an archive pg_restore can list)."""
    url = _supported(url)
    backend = url.get_backend_name()
    _check_backup_kind(source, backend)
    if backend == "sqlite":
        _check_sqlite_file(source)
        return
    try:
        _run_pg_tool("pg_restore", ["--list", str(source)], url, connect=False)
    except BackupFailed as error:
        raise InvalidInput(_("%(path)s is not a usable backup: %(error)s", path=source,
                             error=error.message)) from error


def not_empty_message(url: str | URL, contents: DatabaseContents) -> str:
    return _("The database %(database)s is not empty (%(tables)d tables, %(rows)d rows): "
             "restore only into an empty database, or replace it with --force.",
             database=_shown(make_url(url)), tables=contents.tables, rows=contents.rows)


def describe(url: str | URL) -> str:
    """The database for messages, without its password."""
    return _shown(make_url(url))


def _supported(url: str | URL) -> URL:
    url = make_url(url)
    backend = url.get_backend_name()
    if backend not in SUFFIXES:
        raise InvalidInput(_("Backups work with SQLite and PostgreSQL, not %(backend)s.",
                             backend=backend))
    if backend == "sqlite" and url.database in (None, "", ":memory:"):
        raise InvalidInput(_("An in-memory SQLite database cannot be backed up or restored."))
    return url


def _sqlite_path(url: URL) -> Path:
    return Path(url.database)


def _shown(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def _unused_name(folder: Path, stamp: str, suffix: str) -> Path:
    """donorclub-<stamp><suffix>, or with -2, -3... when a backup of the same second exists."""
    target, count = folder / f"donorclub-{stamp}{suffix}", 1
    while target.exists():
        count += 1
        target = folder / f"donorclub-{stamp}-{count}{suffix}"
    return target


def _copy_sqlite(source: Path, target: Path) -> None:
    if not source.is_file():
        raise InvalidInput(_("There is no SQLite database at %(path)s.", path=source))
    try:
        _sqlite_backup(source, target, journal_mode="DELETE")  # one self-contained file
    except sqlite3.Error as error:
        raise BackupFailed(_("The SQLite backup failed: %(error)s", error=error)) from error


def _check_sqlite_file(source: Path) -> None:
    try:
        reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            result = reader.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            reader.close()
    except sqlite3.Error as error:
        result = str(error)
    if result != "ok":
        raise InvalidInput(_("%(path)s is damaged and was not restored: %(error)s",
                             path=source, error=result))


def _restore_sqlite(source: Path, target: Path) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_backup(source, target, journal_mode="WAL")  # as the app runs it
    except (sqlite3.Error, OSError) as error:
        raise BackupFailed(_("The SQLite restore failed: %(error)s", error=error)) from error


def _sqlite_backup(source: Path, target: Path, *, journal_mode: str) -> None:
    """Copy every page of `source` into `target` in one step (a consistent snapshot even
    while others write), then check the copy."""
    reader = sqlite3.connect(source, timeout=SQLITE_TIMEOUT_SECONDS)
    try:
        writer = sqlite3.connect(target, timeout=SQLITE_TIMEOUT_SECONDS)
        try:
            reader.backup(writer)
            writer.execute(f"PRAGMA journal_mode={journal_mode}")
            result = writer.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            writer.close()
    finally:
        reader.close()
    if result != "ok":
        raise BackupFailed(_("The copied SQLite database is damaged: %(error)s", error=result))


def _check_backup_kind(source: Path, backend: str) -> None:
    """Refuse a file that is not a backup for this database before anything is touched."""
    try:
        with source.open("rb") as stream:
            head = stream.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise InvalidInput(_("Cannot read %(path)s: %(error)s", path=source,
                             error=error.strerror or error)) from error
    kind = ("sqlite" if head.startswith(SQLITE_MAGIC)
            else "postgresql" if head.startswith(PG_DUMP_MAGIC) else None)
    if kind == backend:
        return
    if kind is None:
        raise InvalidInput(_("%(path)s is not a donorclub backup (neither a SQLite database "
                             "nor a pg_dump custom-format archive).", path=source))
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    raise InvalidInput(_("%(path)s is a %(kind)s backup, but the configured database is "
                         "%(backend)s.", path=source, kind=names[kind], backend=names[backend]))


def _run_pg_tool(program: str, arguments: list[str], url: URL, *, connect: bool = True) -> None:
    """Run pg_dump or pg_restore against `url`: the connection goes in --dbname without its
    password, the password in PGPASSWORD, and never a prompt. Raises BackupFailed."""
    found = shutil.which(program)
    if found is None:
        raise BackupFailed(_("%(program)s was not found: install the PostgreSQL client "
                             "programs (the server's major version or newer) and put them on "
                             "PATH.", program=program))
    environment = dict(os.environ)
    environment.setdefault("PGCONNECT_TIMEOUT", PG_CONNECT_TIMEOUT)
    command = [found, *arguments]
    if connect:
        if url.password:
            environment["PGPASSWORD"] = url.password
        # URL.set() cannot clear a part: build the libpq URI without the password instead.
        conninfo = URL.create("postgresql", username=url.username, host=url.host,
                              port=url.port, database=url.database, query=url.query)
        command[1:1] = ["--no-password", f"--dbname={conninfo.render_as_string()}"]
    try:
        result = subprocess.run(command, env=environment, stdin=subprocess.DEVNULL,
                                capture_output=True, text=True, errors="replace", check=False)
    except OSError as error:
        raise BackupFailed(_("%(program)s could not be started: %(error)s",
                             program=program, error=error)) from error
    if result.returncode != 0:
        detail = _scrub(result.stderr, url).strip() or _("exit status %(status)d",
                                                       status=result.returncode)
        raise BackupFailed(_("%(program)s failed: %(detail)s", program=program, detail=detail))


def _scrub(text: str, url: URL) -> str:
    """Error text as shown to the operator: never the password, whatever a tool echoes."""
    return text.replace(url.password, "***") if url.password else text
