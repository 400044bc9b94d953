"""Uploaded files kept between the dry run and the confirmed import (instance/imports/)."""
from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from flask_babel import gettext as _

from ...models import Club
from ..errors import NotFound

_TOKEN = re.compile(r"^[0-9a-f]{32}$")
MAX_AGE_SECONDS = 24 * 3600  # an upload nobody confirmed within a day is removed


def _folder(instance_path: str) -> Path:
    folder = Path(instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store_upload(instance_path: str, club: Club, filename: str, data: bytes) -> str:
    """Keep the file under a random name; returns the token that finds it again."""
    folder = _folder(instance_path)
    cutoff = time.time() - MAX_AGE_SECONDS
    for old in folder.iterdir():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    suffix = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
    (folder / f"{club.id}-{token}{suffix}").write_bytes(data)
    return token


def _path(instance_path: str, club: Club, token: str) -> Path:
    if _TOKEN.match(token or ""):
        for suffix in (".csv", ".xlsx"):
            path = _folder(instance_path) / f"{club.id}-{token}{suffix}"
            if path.is_file():
                return path
    raise NotFound(_("The uploaded file is no longer there: upload it again."))


def load_upload(instance_path: str, club: Club, token: str) -> tuple[str, bytes]:
    """(file name, content) of a stored upload of this club; NotFound otherwise."""
    path = _path(instance_path, club, token)
    return path.name, path.read_bytes()


def discard_upload(instance_path: str, club: Club, token: str) -> None:
    _path(instance_path, club, token).unlink(missing_ok=True)
