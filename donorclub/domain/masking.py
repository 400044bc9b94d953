"""Masking a member's name for public pages when they have not agreed to show it."""
from __future__ import annotations

import unicodedata


def _is_cjk(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in {"W", "F"} and ch.isalpha()


def mask_name(name: str) -> str:
    """Chinese-style names keep the first and last character (郭明义 -> 郭*义, 李明 -> 李*);
    other names keep the first initial and the surname's first letter (John Smith -> J. S****,
    Madonna -> M******). Enough for the holder to recognise, not enough to find them."""
    name = " ".join(name.split())
    if not name:
        return ""
    if any(_is_cjk(ch) for ch in name):
        compact = name.replace(" ", "")
        if len(compact) <= 2:
            return compact[0] + "*"
        return compact[0] + "*" * (len(compact) - 2) + compact[-1]
    parts = name.split(" ")
    if len(parts) == 1:
        return parts[0][0] + "*" * max(len(parts[0]) - 1, 1)
    surname = parts[-1]
    return f"{parts[0][0]}. {surname[0]}{'*' * max(len(surname) - 1, 1)}"
