"""Certificate serial numbers: random, unguessable, and easy to read aloud or type."""
from __future__ import annotations

import math
import secrets

# 30 symbols: digits and capitals without 0/O, 1/I/L and U (U reads like V on a phone line).
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS, GROUP_SIZE = 3, 4
LENGTH = GROUPS * GROUP_SIZE
# 30**12 is about 2**58.9: well over the 50 random bits a guessed serial must be up against.
BITS = LENGTH * math.log2(len(ALPHABET))


def new_serial(choice=secrets.choice) -> str:
    """A fresh serial such as `7KQM-4XRT-P9WD`, drawn from the operating system's CSPRNG."""
    raw = "".join(choice(ALPHABET) for _ in range(LENGTH))
    return format_serial(raw)


def format_serial(raw: str) -> str:
    return "-".join(raw[i:i + GROUP_SIZE] for i in range(0, LENGTH, GROUP_SIZE))


def normalize_serial(text: str) -> str | None:
    """The canonical form of a typed serial (any case, spaces or dashes anywhere), or None when
    it cannot be one: wrong length or a symbol outside the alphabet. Never guesses a symbol
    (an `O` is not read as `0`, which no serial has), so a typo is a miss, not another serial."""
    raw = "".join(ch for ch in text.upper() if ch not in " -\t")
    if len(raw) != LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return format_serial(raw)
