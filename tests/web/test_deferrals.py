"""Recording a member's deferral and ending it early from the member page."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from donorclub.domain.dates import add_months
from donorclub.extensions import db
from donorclub.models import AuditEvent, Deferral

from .. import factories

TODAY = date.today()


def base(world):
    return f"/clubs/club-a/members/{world.member_a.id}"


def deferral_form(**overrides):
    data = {"reason_code": "tattoo", "free_text": "", "starts_on": TODAY.isoformat(),
            "ends_on": "", "kinds": ""}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def deferrals_of(member):
    db.session.expire_all()
    return db.session.scalars(sa.select(Deferral).where(Deferral.member_id == member.id)
                              .order_by(Deferral.id)).all()


def test_member_page_links_to_add_a_deferral(signed_in, world):
    page = signed_in("coordinator_a").get(base(world)).get_data(as_text=True)
    assert f'href="{base(world)}/deferrals/new"' in page


def test_form_lists_the_catalogue_with_usual_lengths(signed_in, world):
    page = signed_in("coordinator_a").get(base(world) + "/deferrals/new").get_data(as_text=True)
    assert "Tattoo, or injury from a blood-contaminated instrument (1 year)" in page
    assert '<option value="other">' in page
    assert "Leave empty to use the usual length" in page  # how the end date is filled in
    assert f'value="{TODAY.isoformat()}"' in page


def test_a_catalogue_reason_without_an_end_gets_the_catalogue_end(signed_in, world):
    client = signed_in("coordinator_a")
    start = TODAY - timedelta(days=10)
    response = client.post(base(world) + "/deferrals/new",
                           data=deferral_form(starts_on=start.isoformat()))
    assert response.status_code == 302 and response.headers["Location"] == base(world)
    [deferral] = deferrals_of(world.member_a)
    assert deferral.reason_code == "tattoo" and deferral.ends_on == add_months(start, 12)
    assert deferral.recorded_by_id == world.coordinator_a.id
    page = client.get(base(world)).get_data(as_text=True)
    assert "Deferral recorded: may donate again from" in page
    assert "Tattoo, or injury from a blood-contaminated instrument" in page
    assert f'{base(world)}/deferrals/{deferral.id}/end' in page  # "End early"


def test_the_coordinator_can_set_another_end_and_limit_the_kinds(signed_in, world):
    end = TODAY + timedelta(days=20)
    response = signed_in("coordinator_a").post(base(world) + "/deferrals/new", data=deferral_form(
        ends_on=end.isoformat(), kinds="platelets", free_text="Small one on the wrist"))
    assert response.status_code == 302
    [deferral] = deferrals_of(world.member_a)
    assert deferral.ends_on == end and deferral.kinds == ["platelets"]
    assert deferral.note == "Small one on the wrist"


def test_free_text_with_indefinite(signed_in, world):
    client = signed_in("coordinator_a")
    response = client.post(base(world) + "/deferrals/new", data=deferral_form(
        reason_code="other", free_text="Awaiting test results", indefinite="y"))
    assert response.status_code == 302
    [deferral] = deferrals_of(world.member_a)
    assert (deferral.reason_code, deferral.ends_on) == ("other", None)
    page = client.get(base(world)).get_data(as_text=True)
    assert "Awaiting test results" in page and "with no end date (indefinite)" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"reason_code": "other"}, "Describe the reason"),
        ({"reason_code": "", "free_text": "Something", "ends_on": ""},
         "Give the first day they may donate again"),
        ({"ends_on": (TODAY - timedelta(days=1)).isoformat()}, "The end must be after the start"),
        ({"ends_on": (TODAY + timedelta(days=9)).isoformat(), "indefinite": "y"},
         "An indefinite deferral has no end date"),
        ({"starts_on": "2001-01-01"}, "check the year"),
        ({"starts_on": "not a date"}, "Not a valid date value"),
        ({"reason_code": "moon_travel"}, "Not a valid choice"),
    ],
)
def test_bad_deferral_input_changes_nothing(signed_in, world, overrides, message):
    response = signed_in("coordinator_a").post(base(world) + "/deferrals/new",
                                               data=deferral_form(**overrides))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert deferrals_of(world.member_a) == []


def test_ending_early(signed_in, world):
    deferral = factories.make_deferral(world.member_a, TODAY - timedelta(days=30),
                                       TODAY + timedelta(days=300))
    db.session.commit()
    client = signed_in("coordinator_a")
    url = f"{base(world)}/deferrals/{deferral.id}/end"
    assert 'name="ends_on"' in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"ends_on": TODAY.isoformat(), "note": "Healed well"})
    assert response.status_code == 302
    [stored] = deferrals_of(world.member_a)
    assert stored.ends_on == TODAY and stored.note == "Healed well"
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity_type == "deferrals", AuditEvent.entity_id == deferral.id)).one()
    assert event.action == "update" and event.after["ends_on"] == TODAY.isoformat()
    page = client.get(base(world)).get_data(as_text=True)
    assert url not in page  # over, so no "End early" any more


@pytest.mark.parametrize("days", [-31, 300, 400])  # before the start, the current end, later
def test_ending_early_outside_the_bounds_is_refused(signed_in, world, days):
    deferral = factories.make_deferral(world.member_a, TODAY - timedelta(days=30),
                                       TODAY + timedelta(days=300))
    db.session.commit()
    response = signed_in("coordinator_a").post(
        f"{base(world)}/deferrals/{deferral.id}/end",
        data={"ends_on": (TODAY + timedelta(days=days)).isoformat()})
    assert response.status_code == 422
    assert deferrals_of(world.member_a)[0].ends_on == TODAY + timedelta(days=300)


def endpoints(world, deferral, foreign):
    a, b = world.member_a.id, world.member_b.id
    form = deferral_form()
    end = {"ends_on": TODAY.isoformat()}
    return [
        ("get", f"/clubs/club-a/members/{a}/deferrals/new", None),
        ("post", f"/clubs/club-a/members/{a}/deferrals/new", form),
        ("get", f"/clubs/club-a/members/{a}/deferrals/{deferral.id}/end", None),
        ("post", f"/clubs/club-a/members/{a}/deferrals/{deferral.id}/end", end),
        ("post", f"/clubs/club-b/members/{a}/deferrals/new", form),
        ("post", f"/clubs/club-b/members/{b}/deferrals/{deferral.id}/end", end),
        ("get", f"/clubs/club-a/members/{a}/deferrals/{foreign.id}/end", None),
    ]


@pytest.mark.parametrize("who", ["coordinator_b", "member_user"])
def test_others_get_404_everywhere_and_nothing_changes(signed_in, world, who):
    deferral = factories.make_deferral(world.member_a, TODAY - timedelta(days=30),
                                       TODAY + timedelta(days=300))
    foreign = factories.make_deferral(world.member_b, TODAY, None)
    db.session.commit()
    client = signed_in(who)
    for method, url, data in endpoints(world, deferral, foreign):
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 404, (method, url)
        assert "王秀英" not in response.get_data(as_text=True)
    [stored] = deferrals_of(world.member_a)
    assert stored.ends_on == TODAY + timedelta(days=300)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.entity_type == "deferrals")) == 0


def test_a_coordinator_cannot_end_another_clubs_deferral_through_their_own_member(
        signed_in, world):
    foreign = factories.make_deferral(world.member_b, TODAY, None)
    db.session.commit()
    response = signed_in("coordinator_a").post(
        f"{base(world)}/deferrals/{foreign.id}/end", data={"ends_on": TODAY.isoformat()})
    assert response.status_code == 404
    assert deferrals_of(world.member_b)[0].ends_on is None
