"""Showing less of a name: masked on public pages, the given name only to a referrer."""
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


# Two-character surnames; any other name of four characters is read as one of them too.
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容",
                     "令狐", "长孙", "宇文", "司徒", "夏侯", "轩辕", "端木", "独孤", "南宫")


def given_name(name: str) -> str:
    """What a referrer sees of the person they referred: a Chinese name's given name (张伟 ->
    伟, 王秀英 -> 秀英, 欧阳娜娜 -> 娜娜, 司马光 -> 光), else the first word (Sam Lee -> Sam)."""
    name = " ".join(name.split())
    if not name:
        return ""
    if any(_is_cjk(ch) for ch in name):
        compact = name.replace(" ", "")
        surname = 2 if compact.startswith(COMPOUND_SURNAMES) or len(compact) >= 4 else 1
        return compact[surname:] or compact
    return name.split(" ")[0]
