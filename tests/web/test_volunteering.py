"""Volunteer hours pages: one member's entry and void, the club page and group entry, scoping."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import render_template

from donorclub.domain.enums import DriveKind
from donorclub.extensions import db
from donorclub.models import AuditEvent, Drive, DriveParticipant, VolunteerService
from donorclub.services.rules import rule_set_for
from donorclub.services.volunteering import member_summary

from .. import factories

TODAY = date.today()


def base(member):
    return f"/clubs/{member.club.slug}/members/{member.id}/volunteering"


def rows(member=None):
    db.session.expire_all()
    query = sa.select(VolunteerService).order_by(VolunteerService.id)
    if member is not None:
        query = query.where(VolunteerService.member_id == member.id)
    return db.session.scalars(query).all()


def add_service(member, hours=2.0, served_on=date(2025, 3, 1), **extra):
    service = VolunteerService(member_id=member.id, served_on=served_on, hours=hours,
                               activity=extra.pop("activity", "Street stand"), **extra)
    db.session.add(service)
    db.session.commit()
    return service


def make_drive(club, held_on=TODAY - timedelta(days=3), place="Steel works gate"):
    drive = Drive(club_id=club.id, held_on=held_on, place=place, kind=DriveKind.BLOOD)
    db.session.add(drive)
    db.session.commit()
    return drive


def test_recording_hours_for_a_member(signed_in, world):
    client = signed_in("coordinator_a")
    page = client.get(base(world.member_a) + "/new")
    assert page.status_code == 200 and 'name="hours"' in page.get_data(as_text=True)
    response = client.post(base(world.member_a) + "/new", data={
        "served_on": "2025-06-01", "hours": "3.5", "activity": "Talk at the school",
        "role": "Speaker", "drive_id": ""})
    assert response.status_code == 302
    assert f"/members/{world.member_a.id}" in response.headers["Location"]
    [service] = rows()
    assert (service.hours, service.activity, service.role) == (3.5, "Talk at the school",
                                                               "Speaker")
    assert service.recorded_by_id == world.coordinator_a.id


def test_recording_at_a_drive(signed_in, world):
    drive = make_drive(world.club_a)
    client = signed_in("coordinator_a")
    assert "Steel works gate" in client.get(base(world.member_a) + "/new").get_data(as_text=True)
    response = client.post(base(world.member_a) + "/new", data={
        "served_on": drive.held_on.isoformat(), "hours": "6", "drive_id": str(drive.id)})
    assert response.status_code == 302
    assert rows()[0].drive_id == drive.id


@pytest.mark.parametrize(("data", "message"), [
    ({"hours": "0"}, "more than 0"),
    ({"hours": "25"}, "At most 24 hours"),
    ({"hours": "1.1"}, "quarter hour"),
    ({"hours": "lots"}, "Not a valid decimal"),
    ({"served_on": (TODAY + timedelta(days=1)).isoformat()}, "cannot be in the future"),
    ({"served_on": "1980-01-01"}, "before the member was born"),
    ({"activity": ""}, "describe the activity"),
])
def test_bad_input_answers_422_with_the_field_error_and_writes_nothing(signed_in, world, data,
                                                                       message):
    form = {"served_on": "2025-06-01", "hours": "2", "activity": "Stand", **data}
    response = signed_in("coordinator_a").post(base(world.member_a) + "/new", data=form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert rows() == []


def test_a_drive_of_another_club_is_refused(signed_in, world):
    foreign = make_drive(world.club_b)
    response = signed_in("coordinator_a").post(base(world.member_a) + "/new", data={
        "served_on": "2025-06-01", "hours": "2", "drive_id": str(foreign.id)})
    assert response.status_code == 422 and "Choose a drive of this club" in response.get_data(
        as_text=True)
    assert rows() == []


def test_voiding_hours(signed_in, world):
    service = add_service(world.member_a)
    client = signed_in("coordinator_a")
    url = f"{base(world.member_a)}/{service.id}/void"
    assert 'name="reason"' in client.get(url).get_data(as_text=True)
    assert client.post(url, data={"reason": ""}).status_code == 422
    assert rows()[0].voided_at is None
    response = client.post(url, data={"reason": "Entered twice"})
    assert response.status_code == 302
    [voided] = rows()
    assert voided.void_reason == "Entered twice" and voided.voided_by_id == world.coordinator_a.id
    again = client.post(url, data={"reason": "Once more"})
    assert again.status_code == 409 and "already voided" in again.get_data(as_text=True)
    assert rows()[0].void_reason == "Entered twice"


def test_a_service_row_of_another_member_is_not_found(signed_in, world):
    other = factories.make_member(world.club_a, "0002", "李明")
    db.session.commit()
    service = add_service(other)
    client = signed_in("coordinator_a")
    url = f"{base(world.member_a)}/{service.id}/void"
    assert client.get(url).status_code == 404
    assert client.post(url, data={"reason": "Wrong"}).status_code == 404
    assert rows()[0].voided_at is None


@pytest.mark.parametrize("role", ["coordinator_a", "member_user"])
def test_other_clubs_and_member_logins_get_404_and_nothing_changes(signed_in, world, role):
    service = add_service(world.member_b)
    drive = make_drive(world.club_b)
    events = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    client = signed_in(role)
    member_url = base(world.member_b)
    requests = [
        ("GET", member_url + "/new", {}),
        ("POST", member_url + "/new", {"served_on": "2025-06-01", "hours": "2",
                                       "activity": "Stand"}),
        ("GET", f"{member_url}/{service.id}/void", {}),
        ("POST", f"{member_url}/{service.id}/void", {"reason": "Not mine"}),
        ("GET", "/clubs/club-b/volunteering", {}),
        ("GET", f"/clubs/club-b/volunteering?drive={drive.id}", {}),
        ("POST", "/clubs/club-b/volunteering/group", {
            "served_on": "2025-06-01", "activity": "Stand", "entries": "0001 2"}),
    ]
    for method, url, data in requests:
        assert client.open(url, method=method, data=data).status_code == 404, (method, url)
    [row] = rows()
    assert row.voided_at is None
    after = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    assert after - events <= 1  # only the sign-in


def test_club_page_lists_recent_service_and_top_volunteers(signed_in, world):
    second = factories.make_member(world.club_a, "0002", "李明")
    db.session.commit()
    add_service(world.member_a, hours=5)
    add_service(second, hours=8, activity="Poster run")
    add_service(second, hours=20, activity="Mistake", served_on=date(2025, 3, 2),
                voided_at=TODAY, void_reason="Typo")
    add_service(world.member_b, hours=24, activity="Other club")
    page = signed_in("coordinator_a").get("/clubs/club-a/volunteering").get_data(as_text=True)
    top = page.split('id="top-heading"')[1].split('id="group-heading"')[0]
    assert top.index("李明") < top.index("王秀英")  # 8 hours before 5
    assert ">8<" in top and ">5<" in top and ">28<" not in top
    assert "Poster run" in page and "Mistake" in page and "Other club" not in page
    assert 'name="entries"' in page


def test_group_entry_records_every_listed_member(signed_in, world):
    factories.make_member(world.club_a, "0002", "李明")
    db.session.commit()
    response = signed_in("coordinator_a").post("/clubs/club-a/volunteering/group", data={
        "served_on": "2025-06-01", "activity": "Street stand", "role": "Guide",
        "entries": "0001 3.5\n\n0002, 2\n"})
    assert response.status_code == 302
    recorded = {(r.member.member_no, r.hours, r.role, r.activity) for r in rows()}
    assert recorded == {("0001", 3.5, "Guide", "Street stand"),
                        ("0002", 2.0, "Guide", "Street stand")}


@pytest.mark.parametrize(("entries", "message"), [
    ("0001 3\n0099 2", "0099: no member with this number"),
    ("0001 3\n0001 2", "listed more than once"),
    ("0001 3\n0001", "Not understood: 0001"),
    ("0001 30", "At most 24 hours"),
    ("", "List at least one member"),
])
def test_a_bad_group_entry_writes_nothing(signed_in, world, entries, message):
    response = signed_in("coordinator_a").post("/clubs/club-a/volunteering/group", data={
        "served_on": "2025-06-01", "activity": "Street stand", "entries": entries})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert rows() == []


def test_group_entry_from_the_drives_attendees(signed_in, world):
    second = factories.make_member(world.club_a, "0002", "李明")
    absent = factories.make_member(world.club_a, "0003", "张伟")
    drive = make_drive(world.club_a)
    db.session.add_all([
        DriveParticipant(drive_id=drive.id, member_id=world.member_a.id, attended=True),
        DriveParticipant(drive_id=drive.id, member_id=second.id, attended=True),
        DriveParticipant(drive_id=drive.id, member_id=absent.id, attended=False)])
    db.session.commit()
    client = signed_in("coordinator_a")
    page = client.get(f"/clubs/club-a/volunteering?drive={drive.id}").get_data(as_text=True)
    assert 'value="0001"' in page and 'value="0002"' in page and 'value="0003"' not in page
    assert f'value="{drive.held_on.isoformat()}"' in page
    missing_hours = client.post("/clubs/club-a/volunteering/group", data={
        "served_on": drive.held_on.isoformat(), "drive_id": str(drive.id),
        "attendees": ["0001", "0002"]})
    assert missing_hours.status_code == 422 and rows() == []
    response = client.post("/clubs/club-a/volunteering/group", data={
        "served_on": drive.held_on.isoformat(), "drive_id": str(drive.id),
        "attendees": ["0001", "0002"], "attendee_hours": "4", "entries": "0003 1"})
    assert response.status_code == 302
    recorded = {(r.member_id, r.hours, r.drive_id) for r in rows()}
    assert recorded == {(world.member_a.id, 4.0, drive.id), (second.id, 4.0, drive.id),
                        (absent.id, 1.0, drive.id)}


def _render_partial(app, member):
    with app.test_request_context():
        rule_set = rule_set_for(member.club)
        return render_template("_partials/member_volunteering.html", club=member.club,
                               member=member, rule_set=rule_set, today=TODAY,
                               volunteering=member_summary(member, rule_set))


def test_member_section_shows_hours_star_level_and_void_links(app, world):
    kept = add_service(world.member_a, hours=24, served_on=date(2025, 3, 1))
    for day in range(2, 6):
        add_service(world.member_a, hours=24, served_on=date(2025, 3, day))
    add_service(world.member_a, hours=24, served_on=date(2025, 3, 9), voided_at=TODAY,
                void_reason="Wrong member")
    html = _render_partial(app, world.member_a)
    assert ">120<" in html  # 5 × 24, the voided row left out
    assert "One-star volunteer" in html
    assert "180 hours to go to Two-star volunteer (300 hours)" in html
    assert f"{base(world.member_a)}/{kept.id}/void" in html
    assert "Wrong member" in html and html.count("/void") == 5
    assert f'href="{base(world.member_a)}/new"' in html


def test_member_section_without_levels_shows_hours_only(app, world):
    add_service(world.member_b, hours=7.5)
    html = _render_partial(app, world.member_b)  # club B follows the US rules
    assert ">7.5<" in html and "star" not in html.lower().replace("star levels", "")
