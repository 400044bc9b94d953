"""The fast-entry screen (find the member, record the donation) and voiding a donation."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from donorclub.domain.enums import DonationKind, DriveKind
from donorclub.extensions import db
from donorclub.models import AuditEvent, Donation, Drive
from donorclub.models.types import utcnow

from .. import factories

TODAY = date.today()


def entry_url(world, kind=None):
    url = f"/clubs/club-a/donations/new/{world.member_a.id}"
    return url + (f"?kind={kind}" if kind else "")


def void_url(world, donation):
    return f"/clubs/club-a/members/{world.member_a.id}/donations/{donation.id}/void"


def entry_form(**overrides):
    data = {"donated_on": TODAY.isoformat(), "volume_ml": "400", "site": "Tiexi station",
            "drive_id": "", "blood_centre_certificate_no": "", "override_reason": ""}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def donations_of(member):
    db.session.expire_all()
    return db.session.scalars(sa.select(Donation).where(Donation.member_id == member.id)
                              .order_by(Donation.id)).all()


@pytest.fixture
def crowd(world):
    factories.make_member(world.club_a, "0002", "李建华", phone="13800000002")
    factories.make_member(world.club_a, "0103", "张建国", phone="13700000103")
    db.session.commit()


# --- finding the member ----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("q", "found", "not_found"),
    [
        ("建", {"李建华", "张建国"}, {"王秀英"}),  # any character of a Chinese name
        ("华", {"李建华"}, {"张建国", "王秀英"}),
        ("0103", {"张建国"}, {"李建华", "王秀英"}),  # member number
        ("0000000", {"李建华", "王秀英"}, {"张建国"}),  # part of the phone
        ("13900000001", {"王秀英"}, {"李建华", "张建国"}),
    ],
)
def test_search_finds_members_by_name_number_or_phone(signed_in, crowd, q, found, not_found):
    response = signed_in("coordinator_a").get(f"/clubs/club-a/donations/new?q={q}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert all(name in page for name in found)
    assert not any(name in page for name in not_found)


def test_search_stays_within_the_club(signed_in, world):
    page = signed_in("admin").get("/clubs/club-a/donations/new?q=Emma").get_data(as_text=True)
    assert "Emma Smith" not in page and "No members match" in page


def test_search_links_each_match_to_its_donation_form(signed_in, world):
    page = signed_in("coordinator_a").get("/clubs/club-a/donations/new?q=王").get_data(
        as_text=True)
    assert f'href="/clubs/club-a/donations/new/{world.member_a.id}"' in page


def test_empty_search_shows_just_the_box(signed_in, world):
    page = signed_in("coordinator_a").get("/clubs/club-a/donations/new").get_data(as_text=True)
    assert 'name="q"' in page and "王秀英" not in page


# --- the donation form -------------------------------------------------------------------------

def test_form_offers_the_rule_sets_volumes_and_todays_date(signed_in, world):
    page = signed_in("coordinator_a").get(entry_url(world)).get_data(as_text=True)
    assert '<select class="input input-select" id="volume_ml"' in page
    assert '<option value="200">' in page and '<option value="300">' in page
    assert '<option selected value="400">' in page  # the rule set's default
    assert f'value="{TODAY.isoformat()}"' in page and f'max="{TODAY.isoformat()}"' in page
    assert 'name="therapeutic_units"' not in page  # whole blood has no units
    assert f'href="/clubs/club-a/donations/new/{world.member_a.id}?kind=platelets"' in page


def test_platelet_form_has_units_to_choose_and_a_typed_volume(signed_in, world):
    page = signed_in("coordinator_a").get(entry_url(world, "platelets")).get_data(as_text=True)
    assert '<select class="input input-select" id="therapeutic_units"' in page
    assert '<option value="2">' in page
    assert 'type="number"' in page and 'id="volume_ml"' in page


def test_a_kind_outside_the_rule_set_is_404(signed_in, world):
    assert signed_in("coordinator_a").get(entry_url(world, "plasma")).status_code == 404


def test_drives_of_the_club_are_offered(signed_in, world):
    db.session.add_all([
        Drive(club=world.club_a, held_on=TODAY, place="Steel works gate", kind=DriveKind.BLOOD),
        Drive(club=world.club_b, held_on=TODAY, place="Riverside mall", kind=DriveKind.BLOOD),
    ])
    db.session.commit()
    page = signed_in("coordinator_a").get(entry_url(world)).get_data(as_text=True)
    assert "Steel works gate" in page and "Riverside mall" not in page


def test_recording_from_the_fast_entry_screen(signed_in, world):
    drive = Drive(club=world.club_a, held_on=TODAY, place="Steel works gate",
                  kind=DriveKind.BLOOD)
    db.session.add(drive)
    db.session.commit()
    client = signed_in("coordinator_a")
    response = client.post(entry_url(world), data=entry_form(
        volume_ml="300", drive_id=str(drive.id), blood_centre_certificate_no="LN2025-0042"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/clubs/club-a/donations/new"
    [donation] = donations_of(world.member_a)
    assert donation.kind == DonationKind.WHOLE_BLOOD and donation.volume_ml == 300
    assert donation.drive_id == drive.id and donation.site == "Tiexi station"
    assert donation.blood_centre_certificate_no == "LN2025-0042"
    assert donation.recorded_by_id == world.coordinator_a.id
    assert donation.override_reason is None
    assert "Donation recorded for 王秀英 (0001)." in client.get(
        "/clubs/club-a/donations/new").get_data(as_text=True)


def test_recording_platelets_with_units(signed_in, world):
    response = signed_in("coordinator_a").post(entry_url(world, "platelets"), data=entry_form(
        volume_ml="250", therapeutic_units="2"))
    assert response.status_code == 302
    [donation] = donations_of(world.member_a)
    assert donation.kind == DonationKind.PLATELETS and donation.therapeutic_units == 2


def test_a_volume_not_in_the_list_is_a_field_error(signed_in, world):
    response = signed_in("coordinator_a").post(entry_url(world), data=entry_form(volume_ml="450"))
    assert response.status_code == 422 and "Not a valid choice" in response.get_data(as_text=True)
    assert donations_of(world.member_a) == []


def test_a_future_date_is_a_field_error(signed_in, world):
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    response = signed_in("coordinator_a").post(entry_url(world),
                                               data=entry_form(donated_on=tomorrow))
    assert response.status_code == 422
    assert "cannot be in the future" in response.get_data(as_text=True)
    assert donations_of(world.member_a) == []


def test_refusal_shows_the_reasons_and_records_nothing(signed_in, world):
    factories.make_donation(world.member_a, TODAY - timedelta(days=30))
    db.session.commit()
    response = signed_in("coordinator_a").post(entry_url(world), data=entry_form())
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "The rules do not allow this donation" in page
    assert "6 months after the whole blood donation on" in page
    assert 'name="override"' in page
    assert len(donations_of(world.member_a)) == 1


@pytest.mark.parametrize(
    ("override", "reason", "message"),
    [
        ("y", "", "You ticked the override: write why"),
        (None, "Approved by Dr. Li", "Tick this box to record a donation the rules refuse"),
    ],
)
def test_override_needs_both_the_tick_and_the_reason(signed_in, world, override, reason,
                                                     message):
    factories.make_donation(world.member_a, TODAY - timedelta(days=30))
    db.session.commit()
    response = signed_in("coordinator_a").post(entry_url(world), data=entry_form(
        override=override, override_reason=reason))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert len(donations_of(world.member_a)) == 1


def test_override_with_tick_and_reason_records_and_audits(signed_in, world):
    factories.make_donation(world.member_a, TODAY - timedelta(days=30))
    db.session.commit()
    response = signed_in("coordinator_a").post(entry_url(world), data=entry_form(
        override="y", override_reason="Therapeutic phlebotomy approved by Dr. Li"))
    assert response.status_code == 302
    newest = donations_of(world.member_a)[-1]
    assert newest.override_reason == "Therapeutic phlebotomy approved by Dr. Li"
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity_type == "donations", AuditEvent.entity_id == newest.id)).one()
    assert event.after["overridden_reasons"] == ["interval"]


def test_the_same_donation_twice_is_a_conflict_not_a_crash(signed_in, world):
    client = signed_in("coordinator_a")
    assert client.post(entry_url(world), data=entry_form()).status_code == 302
    response = client.post(entry_url(world), data=entry_form(
        override="y", override_reason="Recording it again"))
    assert response.status_code == 409
    assert "already recorded for this member" in response.get_data(as_text=True)
    assert len(donations_of(world.member_a)) == 1


def test_the_member_page_form_also_reports_a_duplicate(signed_in, world):
    factories.make_donation(world.member_a, TODAY)
    db.session.commit()
    response = signed_in("coordinator_a").post(
        f"/clubs/club-a/members/{world.member_a.id}/donations/",
        data={"donated_on": TODAY.isoformat(), "kind": "whole_blood", "volume_ml": "400",
              "override": "y", "override_reason": "Again"})
    assert response.status_code == 409
    assert "already recorded for this member" in response.get_data(as_text=True)
    assert len(donations_of(world.member_a)) == 1


# --- voiding -------------------------------------------------------------------------------------

def test_member_page_offers_void_for_counted_rows_only(signed_in, world):
    counted = factories.make_donation(world.member_a, date(2025, 3, 1))
    voided = factories.make_donation(world.member_a, date(2024, 3, 1))
    voided.voided_at, voided.void_reason = utcnow(), "Entered twice"
    db.session.commit()
    page = signed_in("coordinator_a").get(
        f"/clubs/club-a/members/{world.member_a.id}").get_data(as_text=True)
    assert f'href="{void_url(world, counted)}"' in page
    assert void_url(world, voided) not in page


def test_void_needs_a_reason(signed_in, world):
    donation = factories.make_donation(world.member_a, date(2025, 3, 1))
    db.session.commit()
    client = signed_in("coordinator_a")
    assert 'name="reason"' in client.get(void_url(world, donation)).get_data(as_text=True)
    for reason in ("", "no"):
        response = client.post(void_url(world, donation), data={"reason": reason})
        assert response.status_code == 422
    [stored] = donations_of(world.member_a)
    assert stored.voided_at is None and stored.void_reason is None


def test_voiding_strikes_the_row_and_keeps_it(signed_in, world):
    donation = factories.make_donation(world.member_a, date(2025, 3, 1), volume_ml=300)
    db.session.commit()
    client = signed_in("coordinator_a")
    response = client.post(void_url(world, donation), data={"reason": "Wrong member"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/clubs/club-a/members/{world.member_a.id}"
    [stored] = donations_of(world.member_a)
    assert stored.void_reason == "Wrong member" and stored.voided_by_id == world.coordinator_a.id
    page = client.get(f"/clubs/club-a/members/{world.member_a.id}").get_data(as_text=True)
    assert '<tr class="voided">' in page and "Reason: Wrong member" in page
    assert ">voided</strong>" in page
    assert void_url(world, donation) not in page
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity_type == "donations", AuditEvent.action == "void")).one()
    assert event.entity_id == donation.id and event.before["void_reason"] is None


def test_voiding_a_voided_donation_is_a_conflict(signed_in, world):
    donation = factories.make_donation(world.member_a, date(2025, 3, 1))
    donation.voided_at, donation.void_reason = utcnow(), "Entered twice"
    db.session.commit()
    client = signed_in("coordinator_a")
    assert "already voided" in client.get(void_url(world, donation)).get_data(as_text=True)
    response = client.post(void_url(world, donation), data={"reason": "Again"})
    assert response.status_code == 409
    assert donations_of(world.member_a)[0].void_reason == "Entered twice"


# --- who may do it --------------------------------------------------------------------------------

def endpoints(world, donation, foreign_donation):
    """(method, url, data) for every donation endpoint, aimed at club A's member."""
    a, b = world.member_a.id, world.member_b.id
    form = entry_form(override="y", override_reason="Trying")
    return [
        ("get", "/clubs/club-a/donations/new?q=王", None),
        ("get", f"/clubs/club-a/donations/new/{a}", None),
        ("post", f"/clubs/club-a/donations/new/{a}", form),
        ("post", f"/clubs/club-a/members/{a}/donations/",
         {**form, "kind": "whole_blood"}),
        ("get", f"/clubs/club-a/members/{a}/donations/{donation.id}/void", None),
        ("post", f"/clubs/club-a/members/{a}/donations/{donation.id}/void",
         {"reason": "Trying"}),
        # club A's member or donation reached through club B's address
        ("get", f"/clubs/club-b/donations/new/{a}", None),
        ("post", f"/clubs/club-b/donations/new/{a}", form),
        ("post", f"/clubs/club-b/members/{b}/donations/{donation.id}/void",
         {"reason": "Trying"}),
        ("get", f"/clubs/club-a/members/{a}/donations/{foreign_donation.id}/void", None),
    ]


@pytest.mark.parametrize("who", ["coordinator_b", "member_user"])
def test_others_get_404_everywhere_and_nothing_changes(signed_in, world, who):
    donation = factories.make_donation(world.member_a, date(2025, 3, 1))
    foreign = factories.make_donation(world.member_b, date(2025, 3, 1), volume_ml=500)
    db.session.commit()
    client = signed_in(who)
    for method, url, data in endpoints(world, donation, foreign):
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 404, (method, url)
        assert "王秀英" not in response.get_data(as_text=True)
    assert [(d.id, d.voided_at) for d in donations_of(world.member_a)] == [(donation.id, None)]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.entity_type == "donations")) == 0


def test_a_coordinator_cannot_void_another_clubs_donation_through_their_own_member(
        signed_in, world):
    foreign = factories.make_donation(world.member_b, date(2025, 3, 1), volume_ml=500)
    db.session.commit()
    response = signed_in("coordinator_a").post(
        f"/clubs/club-a/members/{world.member_a.id}/donations/{foreign.id}/void",
        data={"reason": "Trying"})
    assert response.status_code == 404
    assert donations_of(world.member_b)[0].voided_at is None


def test_the_fast_entry_screen_needs_a_login(client, world):
    response = client.get("/clubs/club-a/donations/new")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
