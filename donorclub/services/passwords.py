"""Password hashing (Argon2id) and the password policy every new password must meet."""
from __future__ import annotations

import gzip
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from pypinyin import lazy_pinyin

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
# Shorter pieces of a name or address (li, wang, anna) are too common to refuse.
MIN_PERSONAL_PIECE = 4
PRODUCT_NAME = "donorclub"
# How the list is built: donorclub/data/README.md.
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt.gz"
_HAN = re.compile(r"[\u3400-\u9fff]")


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["PASSWORD_HASH_TIME_COST"],
        memory_cost=config["PASSWORD_HASH_MEMORY_COST"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; a missing or malformed hash never matches."""
    if not password_hash:
        # Spend the same time as a real check so response times do not reveal accounts.
        _hasher().hash(password)
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of breached and guessable passwords, lower case, read once per process.
    Entries shorter than the minimum length are left out: the length rule refuses them first."""
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line for line in lines.read().splitlines()
                         if len(line) >= MIN_PASSWORD_LENGTH)


def _squashed(text: str) -> str:
    """Lower case letters and digits only, so "Wang.Wei" and "wang-wei" read alike."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _personal_pieces(email: str, name: str) -> set[str]:
    """The parts of an address and a name a password must not contain: the email's local
    part, the whole name, each of its words, and a Chinese name's pinyin."""
    local = email.rpartition("@")[0] if "@" in email else email
    pieces = {_squashed(local), _squashed(name)}
    pieces.update(_squashed(word) for word in re.split(r"[\W_]+", name))
    if _HAN.search(name):
        pieces.add(_squashed("".join(lazy_pinyin(name))))
    return {piece for piece in pieces if len(piece) >= MIN_PERSONAL_PIECE}


def password_problem(password: str, *, email: str = "", name: str = "",
                     club_names: Iterable[str] = ()) -> str | None:
    """The reason a new password is refused, or None when it is acceptable.

    A password needs MIN_PASSWORD_LENGTH to MAX_PASSWORD_LENGTH characters, more than a few
    different ones, must not be on the shipped list of passwords known from breaches (upper
    or lower case alike), and must not contain the account's email local part or name (pieces
    of at least MIN_PERSONAL_PIECE letters, punctuation and case ignored), a club's name or
    "donorclub".
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("Use at most %(n)d characters.", n=MAX_PASSWORD_LENGTH)
    if len(set(password)) < 4:
        return _("Use more than a few different characters.")
    if password.lower() in common_passwords():
        return _("This password is on a list of passwords known from data breaches; choose "
                 "another.")
    squashed = _squashed(password)
    if any(piece in squashed for piece in _personal_pieces(email, name)):
        return _("The password contains your email address or your name; choose one that "
                 "does not.")
    clubs = {_squashed(club) for club in club_names} | {PRODUCT_NAME}
    if any(len(club) >= MIN_PERSONAL_PIECE and club in squashed for club in clubs):
        return _("The password contains the name of the club or of donorclub; choose one "
                 "that does not.")
    return None


def account_password_problem(user, password: str) -> str | None:
    """password_problem() for an existing account: its email, name and clubs."""
    clubs = list(user.clubs) + ([user.member.club] if user.member is not None else [])
    return password_problem(password, email=user.email, name=user.name or "",
                            club_names=[part for club in clubs for part in (club.name, club.slug)])
