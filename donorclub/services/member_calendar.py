"""A member's calendar (.ics): one all-day event per donation kind on the first day they may
give it again, in the member's language, for a download or a subscribed phone calendar."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Alarm, Calendar, Event, vDuration

from ..domain.eligibility import KindEligibility, Reason
from ..domain.enums import MemberStatus
from ..domain.rulesets import RuleSet
from ..models import Member
from .certificate_text import language_of, long_date
from .eligibility import member_eligibility
from .rules import rule_set_for

# The reminder rings at 09:00 on the day (an all-day event starts at local midnight).
ALARM_AFTER_START = timedelta(hours=9)
# How often a subscribed calendar should fetch the feed again.
REFRESH_INTERVAL = timedelta(hours=12)
# Reasons that make the date later than the usual wait after a donation.
LATER_THAN_USUAL = ("deferral", "annual_cap", "volume_cap", "age_min")

_KIND_WORDS = {
    "en": {"whole_blood": "whole blood", "platelets": "platelets", "plasma": "plasma",
           "double_red": "double red cells"},
    "zh_Hans": {"whole_blood": "全血", "platelets": "血小板", "plasma": "血浆",
                "double_red": "双份红细胞"},
}
_SUMMARY = {
    "en": {True: "You can give {kind} again", False: "You can give {kind}"},
    "zh_Hans": {True: "可以再次献{kind}", False: "可以献{kind}"},
}
_WINDOWS = {
    "en": {"rolling_12_months": "any 12 months", "rolling_1_month": "any month",
           "calendar_year": "a calendar year"},
    "zh_Hans": {"rolling_12_months": "任意12个月内", "rolling_1_month": "任意1个月内",
                "calendar_year": "每个自然年内"},
}
_REASONS = {
    "en": {
        "deferral": "Later than usual: deferred ({why}) until {date}.",
        "annual_cap": "Later than usual: at most {limit} donations in {window}; a place frees "
                      "up on {date}.",
        "volume_cap": "Later than usual: at most {limit} ml in {window}; there is room again "
                      "on {date}.",
        "age_min": "Later than usual: you reach the minimum age of {limit} on {date}.",
    },
    "zh_Hans": {
        "deferral": "比平常晚：暂缓献血（{why}）至{date}。",
        "annual_cap": "比平常晚：{window}最多献血{limit}次，{date}起可再次献血。",
        "volume_cap": "比平常晚：{window}献血量最多{limit}毫升，{date}起可再次献血。",
        "age_min": "比平常晚：{date}年满{limit}周岁。",
    },
}
_RULES_LINE = {"en": "The club's rules: {url}", "zh_Hans": "本会献血规则：{url}"}
_ALARM = {"en": "Reminder: {summary}", "zh_Hans": "提醒：{summary}"}


def calendar_language(member: Member) -> str:
    """The member's language, else their club's (en or zh_Hans)."""
    return language_of(member.locale, member.club.locale)


def summary(kind: str, language: str, *, again: bool = True) -> str:
    """The event's title: "You can give whole blood again" / "可以再次献全血"."""
    words = _KIND_WORDS[language].get(kind, kind.replace("_", " "))
    return _SUMMARY[language][again].format(kind=words)


def reason_text(reason: Reason, rule_set: RuleSet, language: str) -> str:
    """A sentence for a reason that makes the date later than usual ("" for other codes)."""
    template = _REASONS[language].get(reason.code)
    if template is None or reason.clears_on is None:
        return ""
    detail = reason.detail
    why = detail.get("reason_code", "")
    known = rule_set.deferral_reasons.get(why)
    if known is not None:
        why = known.label_zh if language == "zh_Hans" else known.label
    return template.format(
        why=why.replace("_", " "), date=long_date(reason.clears_on, language),
        limit=detail.get("limit", detail.get("min_age", "")),
        window=_WINDOWS[language].get(detail.get("window", ""), detail.get("window", "")))


def rules_url(member: Member) -> str:
    """The club's rules page, absolute from BASE_URL."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/rules/{member.club.rule_set}"


def event_uid(member: Member, kind: str) -> str:
    """The same for every render, so a subscribed calendar updates its event in place."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "donorclub"
    return f"member-{member.id}-{kind}@{host}"


def calendar_ics(member: Member, on: date, *, now: datetime | None = None) -> bytes:
    """The member's calendar as of the day `on`: for each kind of the club's rule set with a
    next date, an all-day event on it (today when they may give today) with a reminder at
    09:00. Kinds that are never allowed again (permanent deferral, over age) get no event, and
    neither does anyone who left the club or died. Dates come from the eligibility engine
    (services.eligibility); the rules themselves are in the club's rule-set file."""
    language = calendar_language(member)
    stamp = now or datetime.now(UTC)
    calendar = Calendar()
    calendar.add("prodid", "-//donorclub//member calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", member.club.name)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    if member.status in (MemberStatus.LEFT, MemberStatus.DECEASED):
        return calendar.to_ical()
    rule_set = rule_set_for(member.club)
    again = any(d.voided_at is None for d in member.donations)
    for kind in member_eligibility(member, on).kinds.values():
        if kind.next_date is not None:
            calendar.add_component(_event(member, kind, rule_set, language, again, stamp))
    return calendar.to_ical()


def _event(member: Member, kind: KindEligibility, rule_set: RuleSet, language: str,
           again: bool, stamp: datetime) -> Event:
    title = summary(kind.kind, language, again=again)
    url = rules_url(member)
    # Only the reasons that decide the date: a deferral that ends before the usual wait is
    # over does not make the date later.
    lines = [reason_text(r, rule_set, language) for r in kind.reasons
             if r.blocking and r.code in LATER_THAN_USUAL and r.clears_on == kind.next_date]
    lines = [line for line in dict.fromkeys(lines) if line]
    lines.append(_RULES_LINE[language].format(url=url))
    event = Event()
    event.add("uid", event_uid(member, kind.kind))
    event.add("dtstamp", stamp)
    event.add("dtstart", kind.next_date)
    event.add("dtend", kind.next_date + timedelta(days=1))
    event.add("summary", title)
    event.add("description", "\n".join(lines))
    event.add("url", url)
    event.add("transp", "TRANSPARENT")  # a reminder, not a busy appointment
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", _ALARM[language].format(summary=title))
    alarm.add("trigger", ALARM_AFTER_START)
    event.add_component(alarm)
    return event


def filename(member: Member) -> str:
    return f"donations-{member.club.slug}-{member.member_no}.ics"
