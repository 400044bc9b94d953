"""The order people expect a member list in: Chinese names by their pinyin, others by letter."""
from __future__ import annotations

from pypinyin import Style, lazy_pinyin

SORT_KEY_LENGTH = 400
# Surnames read differently from the character's everyday reading, which pypinyin gives.
_SURNAME_READINGS = {
    "单": "shan4", "曾": "zeng1", "解": "xie4", "仇": "qiu2", "朴": "piao2", "区": "ou1",
    "查": "zha1", "乐": "yue4", "覃": "qin2", "尉": "yu4", "盖": "ge3", "繁": "po2",
    "召": "shao4", "翟": "zhai2", "缪": "miao4", "员": "yun4", "黑": "he4", "秘": "bi4",
    "万俟": "mo4 qi2", "尉迟": "yu4 chi2", "长孙": "zhang3 sun1",
}


def name_sort_key(full_name: str) -> str:
    """A key that sorts 蔡 < 陈 < Guo Lin < 郭明义 < 李明 < 林 < 马 < 麦 < Sam Lee < 张伟:
    each Chinese character becomes its pinyin syllable with the tone as a digit, the
    surname read as a surname; other text is kept, lower-cased. Syllables are separated by
    spaces, so 李明 (li3 ming2) comes before 林 (lin2)."""
    name = " ".join(full_name.split())
    for surname in sorted(_SURNAME_READINGS, key=len, reverse=True):
        if name.startswith(surname):
            rest = name[len(surname):]
            head = _SURNAME_READINGS[surname]
            break
    else:
        head, rest = "", name
    syllables = lazy_pinyin(rest, style=Style.TONE3, neutral_tone_with_five=True)
    key = " ".join(part for part in (head, *(s.strip() for s in syllables)) if part)
    return key.lower()[:SORT_KEY_LENGTH]
