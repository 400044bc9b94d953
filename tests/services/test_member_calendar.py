"""The member's calendar: one all-day event per kind on the next allowed day, parsed back with
icalendar; stable UIDs, the 09:00 reminder, the member's language, and no event for never."""
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar

from donorclub.domain.enums import DonationKind, MemberStatus
from donorclub.extensions import db
from donorclub.services import member_calendar

from .. import factories

ON = date(2026, 3, 1)


def parse(data: bytes) -> tuple[Calendar, dict]:
    calendar = Calendar.from_ical(data)
    events = {str(e["uid"]).split("-")[2].split("@")[0]: e for e in calendar.walk("VEVENT")}
    return calendar, events


def render(member, on: date = ON, **kwargs) -> dict:
    db.session.commit()
    return parse(member_calendar.calendar_ics(member, on, **kwargs))[1]


def test_each_kind_gets_an_all_day_event_on_its_next_date(world):
    factories.make_donation(world.member_a, date(2026, 1, 10))
    events = render(world.member_a)
    # China's rules: six months to whole blood again, three months to platelets.
    assert {kind: e.decoded("dtstart") for kind, e in events.items()} == {
        "whole_blood": date(2026, 7, 10), "platelets": date(2026, 4, 10)}
    for event in events.values():
        assert event.decoded("dtend") == event.decoded("dtstart") + timedelta(days=1)
        assert event.decoded("dtstamp").tzinfo is not None
    assert str(events["whole_blood"]["summary"]) == "You can give whole blood again"
    assert str(events["platelets"]["summary"]) == "You can give platelets again"


def test_a_member_who_may_give_today_gets_events_today(world):
    events = render(world.member_a)
    assert {e.decoded("dtstart") for e in events.values()} == {ON}
    assert str(events["whole_blood"]["summary"]) == "You can give whole blood"


def test_the_calendar_is_named_after_the_club_and_links_its_rules(app, world):
    app.config["BASE_URL"] = "https://donors.example.org/"
    db.session.commit()
    data = member_calendar.calendar_ics(world.member_a, ON)
    calendar, events = parse(data)
    assert str(calendar["X-WR-CALNAME"]) == "Anshan Steel Donors"
    # Subscribed calendars are asked to fetch it again twice a day.
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT12H" in data and b"X-PUBLISHED-TTL:PT12H" in data
    assert {str(e["url"]) for e in events.values()} == {"https://donors.example.org/rules/cn"}
    assert all(str(e["uid"]).endswith("@donors.example.org") for e in events.values())
    assert "https://donors.example.org/rules/cn" in str(events["whole_blood"]["description"])


def test_every_event_reminds_at_nine_on_the_day(world):
    for event in render(world.member_a).values():
        [alarm] = event.walk("VALARM")
        assert str(alarm["action"]) == "DISPLAY"
        assert alarm.decoded("trigger") == timedelta(hours=9)
        assert str(alarm["description"])


def test_uids_are_the_same_across_renders_and_differ_per_member_and_kind(world):
    other = factories.make_member(world.club_a, "0002", "李明")
    first = render(world.member_a, now=datetime(2026, 3, 1, 8, tzinfo=UTC))
    factories.make_donation(world.member_a, date(2026, 2, 1))
    second = render(world.member_a, date(2026, 3, 2), now=datetime(2026, 3, 2, 8, tzinfo=UTC))
    assert {str(e["uid"]) for e in first.values()} == {str(e["uid"]) for e in second.values()}
    assert second["whole_blood"].decoded("dtstart") != first["whole_blood"].decoded("dtstart")
    uids = {str(e["uid"]) for e in first.values()} | {str(e["uid"]) for e in render(other).values()}
    assert len(uids) == 4


@pytest.mark.parametrize(("member_locale", "club_locale", "whole_blood", "platelets"), [
    ("zh_Hans", "en", "可以再次献全血", "可以再次献血小板"),
    (None, "zh_Hans", "可以再次献全血", "可以再次献血小板"),
    ("en", "zh_Hans", "You can give whole blood again", "You can give platelets again"),
    (None, "en", "You can give whole blood again", "You can give platelets again"),
])
def test_the_summary_speaks_the_members_language_else_the_clubs(
        world, member_locale, club_locale, whole_blood, platelets):
    world.member_a.locale, world.club_a.locale = member_locale, club_locale
    factories.make_donation(world.member_a, date(2026, 1, 10))
    events = render(world.member_a)
    assert str(events["whole_blood"]["summary"]) == whole_blood
    assert str(events["platelets"]["summary"]) == platelets


def test_a_deferral_that_sets_the_date_is_explained(world):
    factories.make_donation(world.member_a, date(2026, 1, 10))
    factories.make_deferral(world.member_a, date(2026, 2, 1), date(2026, 9, 1), "tattoo")
    events = render(world.member_a)
    assert events["whole_blood"].decoded("dtstart") == date(2026, 9, 1)
    description = str(events["whole_blood"]["description"])
    assert "Later than usual" in description and "1 September 2026" in description
    assert "attoo" in description


def test_a_deferral_explained_in_chinese(world):
    world.member_a.locale = "zh_Hans"
    factories.make_deferral(world.member_a, date(2026, 2, 1), date(2026, 9, 1), "tattoo")
    description = str(render(world.member_a)["whole_blood"]["description"])
    assert description.startswith("比平常晚") and "2026年9月1日" in description


def test_the_usual_wait_gets_no_later_than_usual_sentence(world):
    factories.make_donation(world.member_a, date(2026, 1, 10))
    factories.make_deferral(world.member_a, date(2026, 2, 1), date(2026, 3, 20), "tattoo")
    events = render(world.member_a)
    assert events["whole_blood"].decoded("dtstart") == date(2026, 7, 10)
    assert "Later than usual" not in str(events["whole_blood"]["description"])


def test_kinds_never_allowed_again_have_no_event(world):
    factories.make_deferral(world.member_a, date(2025, 1, 1), None, "medical_review")
    assert render(world.member_a) == {}


def test_a_platelet_only_deferral_leaves_the_whole_blood_event(world):
    deferral = factories.make_deferral(world.member_a, date(2025, 1, 1), None, "medical_review")
    deferral.kinds = [DonationKind.PLATELETS.value]
    assert set(render(world.member_a)) == {"whole_blood"}


def test_members_over_the_age_limit_get_no_event(world):
    world.member_a.date_of_birth = date(1950, 1, 1)
    assert render(world.member_a) == {}


@pytest.mark.parametrize("status", [MemberStatus.LEFT, MemberStatus.DECEASED])
def test_members_who_left_or_died_get_an_empty_calendar(world, status):
    world.member_a.status = status
    calendar, events = parse(member_calendar.calendar_ics(world.member_a, ON))
    assert events == {} and str(calendar["X-WR-CALNAME"]) == "Anshan Steel Donors"


def test_a_voided_donation_does_not_move_the_date(world):
    factories.void_row(factories.make_donation(world.member_a, date(2026, 1, 10)))
    events = render(world.member_a)
    assert events["whole_blood"].decoded("dtstart") == ON
    assert str(events["whole_blood"]["summary"]) == "You can give whole blood"
