"""A member's calendar (.ics): one all-day event per donation kind on the first day they may
give it again, in the member's language, for a download or a subscribed phone calendar.

The wording (event titles, descriptions, reminders) lives in the translation catalogues. It is
rendered in the member's language (else their club's: `calendar_language`), not in the
language of whoever asks for the file, so a subscribed calendar reads the same on every fetch.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale, pgettext
from flask_babel import gettext as _
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


def kind_words(kind: str) -> str:
    """A kind of donation as it reads inside a sentence ("whole blood")."""
    # Translators: kinds of donation, lower case, as they read inside "You can give %(kind)s".
    words = {"whole_blood": _("whole blood"), "platelets": _("platelets"),
             "plasma": _("plasma"), "double_red": _("double red cells")}
    return words.get(kind, kind.replace("_", " "))


def _window(window: str) -> str:
    """The period a donation limit counts over, as it reads inside a sentence."""
    # Translators: periods a donation limit counts over, inside "at most 4 donations in ...".
    windows = {"rolling_12_months": pgettext("calendar", "any 12 months"),
               "rolling_1_month": pgettext("calendar", "any month"),
               "calendar_year": pgettext("calendar", "a calendar year")}
    return windows.get(window, window)


def _reason_sentence(code: str, values: dict) -> str:
    """The sentence for a reason that makes the date later than usual ("" for other codes)."""
    if code == "deferral":
        # Translators: %(why)s is the deferral reason; %(date)s a long date.
        return _("Later than usual: deferred (%(why)s) until %(date)s.", **values)
    if code == "annual_cap":
        # Translators: %(window)s is e.g. "any 12 months"; %(date)s a long date.
        return _("Later than usual: at most %(limit)s donations in %(window)s; a place frees "
                 "up on %(date)s.", **values)
    if code == "volume_cap":
        return _("Later than usual: at most %(limit)s ml in %(window)s; there is room again "
                 "on %(date)s.", **values)
    if code == "age_min":
        # Translators: %(limit)s is the minimum age in years; %(date)s a long date.
        return _("Later than usual: you reach the minimum age of %(limit)s on %(date)s.",
                 **values)
    return ""


def calendar_language(member: Member) -> str:
    """The member's language, else their club's (en or zh_Hans)."""
    return language_of(member.locale, member.club.locale)


def summary(kind: str, language: str, *, again: bool = True) -> str:
    """The event's title: "You can give whole blood again" / "可以再次献全血"."""
    with force_locale(language):
        if again:
            # Translators: the title of a calendar event on the day a member may donate again.
            return _("You can give %(kind)s again", kind=kind_words(kind))
        # Translators: the same for a member who has not donated yet.
        return _("You can give %(kind)s", kind=kind_words(kind))


def reason_text(reason: Reason, rule_set: RuleSet, language: str) -> str:
    """A sentence for a reason that makes the date later than usual ("" for other codes)."""
    if reason.code not in LATER_THAN_USUAL or reason.clears_on is None:
        return ""
    detail = reason.detail
    why = detail.get("reason_code", "")
    known = rule_set.deferral_reasons.get(why)
    if known is not None:
        why = known.label_zh if language == "zh_Hans" else known.label
    with force_locale(language):
        return _reason_sentence(reason.code, {
            "why": why.replace("_", " "), "date": long_date(reason.clears_on, language),
            "limit": detail.get("limit", detail.get("min_age", "")),
            "window": _window(detail.get("window", ""))})


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
    with force_locale(language):
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
    # Translators: the last line of a calendar event's description; %(url)s is a web address.
    lines.append(_("The club's rules: %(url)s", url=url))
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
    # Translators: the text of a calendar reminder; %(summary)s is the event's title.
    alarm.add("description", _("Reminder: %(summary)s", summary=title))
    alarm.add("trigger", ALARM_AFTER_START)
    event.add_component(alarm)
    return event


def filename(member: Member) -> str:
    return f"donations-{member.club.slug}-{member.member_no}.ics"
