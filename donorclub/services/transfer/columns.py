"""Column definitions of each importable table: English and Chinese headers, value parsers."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from ...domain.enums import BloodGroup, DonationKind, MemberStatus, ReferralStatus, Registry, Sex


class CellError(ValueError):
    """A cell that cannot be read; the message says what is wrong."""


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an Excel number typed into a text column (a member number)
    return str(value).strip()


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)


def parse_date(value) -> date | None:
    """2024-03-01, 2024/3/1, 2024年3月1日, or an Excel date cell; empty is None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    if not raw:
        return None
    raw = raw.split(" ")[0] if re.match(r"^\d{4}-\d\d-\d\d \d", raw) else raw
    for pattern in _DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                break
    raise CellError(_l("%(value)s is not a date (use 2024-03-01, 2024/3/1 or 2024年3月1日)",
                       value=raw))


def _number(value, kind: type):
    raw = text(value) if not isinstance(value, int | float) else value
    if raw == "":
        return None
    try:
        number = float(raw)
    except (TypeError, ValueError):
        raise CellError(_l("%(value)s is not a number", value=raw)) from None
    if kind is int:
        if not number.is_integer():
            raise CellError(_l("%(value)s is not a whole number", value=raw))
        return int(number)
    return number


def parse_int(value) -> int | None:
    return _number(value, int)


def parse_float(value) -> float | None:
    return _number(value, float)


def _vocabulary(enum_cls, aliases: dict[str, str], what) -> Callable:
    lookup = {m.value.lower(): m for m in enum_cls}
    lookup.update({k.lower(): enum_cls(v) for k, v in aliases.items()})

    def parse(value):
        raw = text(value)
        if not raw:
            return None
        found = lookup.get(raw.lower())
        if found is None:
            raise CellError(_l("unknown %(what)s %(value)s", what=what, value=raw))
        return found

    return parse


parse_sex = _vocabulary(Sex, {"男": "male", "女": "female", "m": "male", "f": "female"},
                        _l("sex"))
parse_kind = _vocabulary(DonationKind, {"全血": "whole_blood", "血小板": "platelets",
                                        "机采血小板": "platelets", "血浆": "plasma",
                                        "双红": "double_red", "双份红细胞": "double_red"},
                         _l("donation kind"))
parse_blood_group = _vocabulary(BloodGroup, {
    f"{abo}型{sign}": f"{abo}{'+' if sign == 'RhD阳性' else '-'}"
    for abo in ("A", "B", "AB", "O") for sign in ("RhD阳性", "RhD阴性")}, _l("blood group"))
parse_status = _vocabulary(MemberStatus, {"在册": "active", "活跃": "active", "不活跃": "inactive",
                                          "退出": "left", "已故": "deceased"},
                           _l("member status"))
parse_registry = _vocabulary(Registry, {"中华骨髓库": "cmdp"}, _l("registry"))
parse_referral_status = _vocabulary(ReferralStatus, {}, _l("referral status"))


def parse_bool(value) -> bool:
    raw = text(value).lower()
    if raw in ("", "0", "no", "false", "n", "否"):
        return False
    if raw in ("1", "yes", "true", "y", "是"):
        return True
    raise CellError(_l("%(value)s is not yes or no", value=raw))


def parse_kinds(value) -> list[str] | None:
    """Donation kinds separated by commas or spaces; empty means every kind."""
    parts = [p for p in re.split(r"[,，;；\s]+", text(value)) if p]
    return [parse_kind(p).value for p in parts] or None


@dataclass(frozen=True)
class Column:
    key: str          # the English header, also the field name
    zh: str           # the Chinese header
    parse: Callable = text
    required: bool = False


def _c(key, zh, parse=text, required=False) -> Column:
    return Column(key, zh, parse, required)


TABLES: dict[str, tuple[Column, ...]] = {
    "members": (
        _c("member_no", "会员编号", required=True), _c("full_name", "姓名", required=True),
        _c("sex", "性别", parse_sex, True), _c("date_of_birth", "出生日期", parse_date, True),
        _c("blood_group", "血型", parse_blood_group), _c("weight_kg", "体重", parse_float),
        _c("phone", "电话"), _c("email", "邮箱"), _c("joined_on", "入会日期", parse_date),
        _c("status", "状态", parse_status), _c("notes", "备注"),
        _c("consent_contact", "同意联系", parse_bool),
        _c("consent_public_verification", "同意公开验证", parse_bool),
    ),
    "donations": (
        _c("member_no", "会员编号", required=True),
        _c("donated_on", "献血日期", parse_date, True), _c("kind", "类型", parse_kind, True),
        _c("volume_ml", "献血量", parse_int, True), _c("therapeutic_units", "治疗量", parse_int),
        _c("site", "地点"), _c("certificate_no", "献血证号"), _c("void_reason", "作废原因"),
    ),
    "deferrals": (
        _c("member_no", "会员编号", required=True), _c("reason_code", "原因", required=True),
        _c("starts_on", "开始日期", parse_date, True), _c("ends_on", "结束日期", parse_date),
        _c("kinds", "限制类型", parse_kinds), _c("note", "备注"),
    ),
    "referrals": (
        _c("referrer_no", "推荐人编号", required=True),
        _c("candidate_name", "候选人姓名", required=True),
        _c("candidate_date_of_birth", "候选人出生日期", parse_date),
        _c("candidate_sex", "候选人性别", parse_sex), _c("candidate_phone", "候选人电话"),
        _c("candidate_email", "候选人邮箱"), _c("registry", "登记机构", parse_registry, True),
        _c("status", "进展", parse_referral_status), _c("registry_donor_id", "库内编号"),
        _c("consent_contact", "同意联系", parse_bool),
        _c("referred_on", "推荐日期", parse_date, True), _c("notes", "备注"),
    ),
    "hours": (
        _c("member_no", "会员编号", required=True),
        _c("served_on", "服务日期", parse_date, True), _c("hours", "时长", parse_float, True),
        _c("activity", "活动"), _c("role", "角色"), _c("note", "备注"),
        _c("void_reason", "作废原因"),
    ),
}


def header_index(table: str, headers: list) -> tuple[dict[str, int], list[str]]:
    """Map each known column to its position by English or Chinese header (any case);
    also the required columns that are missing."""
    aliases = {}
    for column in TABLES[table]:
        aliases[column.key.lower()] = column.key
        aliases[column.zh] = column.key
    positions: dict[str, int] = {}
    for i, header in enumerate(headers):
        key = aliases.get(text(header).lower()) or aliases.get(text(header))
        if key and key not in positions:
            positions[key] = i
    missing = [c.key for c in TABLES[table] if c.required and c.key not in positions]
    return positions, missing


def headers_for(table: str, lang: str = "en") -> list[str]:
    return [c.zh if lang == "zh" else c.key for c in TABLES[table]]
