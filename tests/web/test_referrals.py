"""The referral pages: the filtered list, recording a referral, the timeline and moving stages."""
from datetime import date, timedelta

import sqlalchemy as sa

from donorclub.domain.enums import DriveKind, ReferralStatus
from donorclub.extensions import db
from donorclub.models import AuditEvent, Drive, Referral, ReferralEvent
from donorclub.services import referrals

TODAY = date.today()


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def make_referral(world, club=None, referrer=None, name="张伟", registry="cmdp",
                  on=TODAY - timedelta(days=10), **extra):
    club = club or world.club_a
    referrer = referrer or world.member_a
    return referrals.record_referral(
        world.coordinator_a if club == world.club_a else world.coordinator_b, club,
        referrer_no=referrer.member_no, candidate_name=name, referred_on=on,
        registry=registry, today=TODAY, candidate_phone="13800000000", **extra)


def form(**overrides):
    data = {"referrer_no": "0001", "referred_on": TODAY.isoformat(), "candidate_name": "张伟",
            "candidate_phone": "13800000000", "registry": "cmdp", "drive_id": "",
            "candidate_sex": "", "notes": ""}
    return {**data, **overrides}


def test_recording_a_referral_opens_its_page(signed_in, world):
    client = signed_in("coordinator_a")
    assert client.get("/clubs/club-a/referrals/new").status_code == 200
    response = client.post("/clubs/club-a/referrals/new", data=form(notes="met at the mall"))
    assert response.status_code == 302
    referral = db.session.scalar(sa.select(Referral))
    assert response.headers["Location"].endswith(f"/clubs/club-a/referrals/{referral.id}")
    assert (referral.candidate_name, referral.notes, referral.status) == (
        "张伟", "met at the mall", ReferralStatus.REFERRED)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "张伟" in page and "Timeline" in page


def test_a_too_old_candidate_is_refused_with_the_registry_range(signed_in, world):
    client = signed_in("coordinator_a")
    born = TODAY.replace(year=TODAY.year - 46) if not (TODAY.month == 2 and TODAY.day == 29) \
        else date(TODAY.year - 46, 2, 28)
    response = client.post("/clubs/club-a/referrals/new",
                           data=form(candidate_date_of_birth=born.isoformat()))
    assert response.status_code == 422
    assert "18 to 45" in response.get_data(as_text=True)
    assert count(Referral) == 0


def test_only_the_clubs_marrow_drives_are_offered(signed_in, world):
    db.session.add_all([
        Drive(club_id=world.club_a.id, held_on=TODAY, place="Mall", kind=DriveKind.BLOOD),
        Drive(club_id=world.club_a.id, held_on=TODAY, place="Campus",
              kind=DriveKind.MARROW_RECRUITMENT),
        Drive(club_id=world.club_b.id, held_on=TODAY, place="Elsewhere",
              kind=DriveKind.MARROW_RECRUITMENT)])
    db.session.commit()
    campus = db.session.scalar(sa.select(Drive).where(Drive.place == "Campus"))
    page = signed_in("coordinator_a").get("/clubs/club-a/referrals/new").get_data(as_text=True)
    assert "Campus" in page and "Mall" not in page and "Elsewhere" not in page
    response = signed_in("coordinator_a").post("/clubs/club-a/referrals/new",
                                               data=form(drive_id=str(campus.id)))
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Referral)).drive_id == campus.id


def test_the_list_filters_and_links(signed_in, world):
    first = make_referral(world, name="First Candidate", registry="cmdp")
    second = make_referral(world, name="Second Candidate", registry="nmdp")
    referrals.move_referral(world.coordinator_a, second, "consented", TODAY, today=TODAY)
    client = signed_in("coordinator_a")
    page = client.get("/clubs/club-a/referrals/").get_data(as_text=True)
    assert "First Candidate" in page and "Second Candidate" in page
    assert f"/clubs/club-a/referrals/{first.id}" in page
    page = client.get("/clubs/club-a/referrals/?status=consented").get_data(as_text=True)
    assert "Second Candidate" in page and "First Candidate" not in page
    page = client.get("/clubs/club-a/referrals/?registry=cmdp").get_data(as_text=True)
    assert "First Candidate" in page and "Second Candidate" not in page
    page = client.get("/clubs/club-a/referrals/?referrer_no=9999").get_data(as_text=True)
    assert "First Candidate" not in page
    later = (TODAY + timedelta(days=1)).isoformat()
    page = client.get(f"/clubs/club-a/referrals/?since={later}").get_data(as_text=True)
    assert "First Candidate" not in page


def test_the_detail_offers_only_the_allowed_next_stages(signed_in, world):
    referral = make_referral(world)
    page = signed_in("coordinator_a").get(
        f"/clubs/club-a/referrals/{referral.id}").get_data(as_text=True)
    assert 'value="consented"' in page and 'value="withdrawn"' in page
    assert 'value="sampled"' not in page and 'value="aged_out"' not in page


def test_moving_a_stage_adds_to_the_timeline(signed_in, world):
    referral = make_referral(world)
    client = signed_in("coordinator_a")
    response = client.post(f"/clubs/club-a/referrals/{referral.id}/move", data={
        "status": "consented", "occurred_on": TODAY.isoformat(), "note": "form signed",
        "product": ""})
    assert response.status_code == 302
    saved = db.session.get(Referral, referral.id)
    db.session.refresh(saved)
    assert saved.status == ReferralStatus.CONSENTED
    page = client.get(f"/clubs/club-a/referrals/{referral.id}").get_data(as_text=True)
    assert page.index("Referred") < page.index("form signed")
    assert page.count("recorded by coord-a") == 2  # who recorded each event


def test_a_refused_move_shows_the_error_and_changes_nothing(signed_in, world):
    referral = make_referral(world)
    before = (count(ReferralEvent), count(AuditEvent))
    client = signed_in("coordinator_a")
    future = (TODAY + timedelta(days=1)).isoformat()
    response = client.post(f"/clubs/club-a/referrals/{referral.id}/move", data={
        "status": "consented", "occurred_on": future, "note": "", "product": ""})
    assert response.status_code == 422
    assert "cannot be in the future" in response.get_data(as_text=True)
    response = client.post(f"/clubs/club-a/referrals/{referral.id}/move", data={
        "status": "donated", "occurred_on": TODAY.isoformat(), "product": "pbsc"})
    assert response.status_code == 422
    assert count(ReferralEvent) == before[0]
    assert count(AuditEvent) == before[1] + 1  # only the sign-in
    assert db.session.get(Referral, referral.id).status == ReferralStatus.REFERRED


def test_another_clubs_referral_is_not_found(signed_in, world):
    referral = make_referral(world, club=world.club_b, referrer=world.member_b)
    client = signed_in("coordinator_a")
    assert client.get(f"/clubs/club-b/referrals/{referral.id}").status_code == 404
    assert client.get(f"/clubs/club-a/referrals/{referral.id}").status_code == 404
    response = client.post(f"/clubs/club-a/referrals/{referral.id}/move", data={
        "status": "consented", "occurred_on": TODAY.isoformat()})
    assert response.status_code == 404
    assert signed_in("member_user").get("/clubs/club-a/referrals/").status_code == 404


def test_the_member_partial_shows_the_candidates_donation(app, world):
    from flask import render_template_string

    referral = make_referral(world, candidate_member_no="0001")
    for stage in ["consented", "sampled", "typed", "listed", "preliminary_match",
                  "confirmatory_typing", "workup", "donated"]:
        referrals.move_referral(world.coordinator_a, referral, stage, TODAY,
                                product="marrow" if stage == "donated" else None, today=TODAY)
    with app.test_request_context():
        html = render_template_string("{% include '_partials/member_marrow.html' %}",
                                      marrow=referrals.own_marrow_donations(world.member_a))
        empty = render_template_string("{% include '_partials/member_marrow.html' %}",
                                       marrow=[])
    assert "Donated stem cells / marrow on" in html
    assert empty.strip() == ""
