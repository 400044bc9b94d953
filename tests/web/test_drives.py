"""The drive pages: planning, eligibility on the day, invitations and their CSV, attendance,
the drive's donations on one screen, recruitment referrals and the printable sheet."""
import re
from datetime import date, timedelta

import sqlalchemy as sa

from donorclub.domain.enums import BloodGroup, DriveKind
from donorclub.extensions import db
from donorclub.models import AuditEvent, Donation, Drive, DriveParticipant, Referral

from .. import factories

TODAY = date.today()


def make_drive(club, held_on=TODAY + timedelta(days=7), kind=DriveKind.BLOOD, place="Library"):
    drive = Drive(club_id=club.id, held_on=held_on, place=place, kind=kind)
    db.session.add(drive)
    db.session.commit()
    return drive


def url(drive, rest=""):
    return f"/clubs/{drive.club.slug}/drives/{drive.id}{rest}"


def participants(drive_id):
    db.session.expire_all()
    return {p.member_id: p for p in db.session.scalars(
        sa.select(DriveParticipant).where(DriveParticipant.drive_id == drive_id))}


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_planning_a_drive_opens_its_page(signed_in, world):
    client = signed_in("coordinator_a")
    response = client.post("/clubs/club-a/drives/new", data={
        "held_on": (TODAY + timedelta(days=10)).isoformat(), "place": "Steelworks hall",
        "kind": "blood", "capacity": "40", "notes": ""})
    drive = db.session.scalar(sa.select(Drive))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/clubs/club-a/drives/{drive.id}"
    assert (drive.club_id, drive.capacity) == (world.club_a.id, 40)
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.entity_type == "drives"))
    page = client.get(f"/clubs/club-a/drives/{drive.id}").get_data(as_text=True)
    assert "Drive planned." in page and "Steelworks hall" in page


def test_a_bad_plan_comes_back_with_messages_and_saves_nothing(signed_in, world):
    response = signed_in("coordinator_a").post("/clubs/club-a/drives/new", data={
        "held_on": "1926-01-01", "place": "", "kind": "blood", "capacity": "0"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and count(Drive) == 0
    assert 'id="place-errors"' in page and 'id="capacity-errors"' in page
    response = signed_in("coordinator_a").post("/clubs/club-a/drives/new", data={
        "held_on": "1926-01-01", "place": "Hall", "kind": "blood", "capacity": ""})
    assert response.status_code == 422 and "Check the year" in response.get_data(as_text=True)
    assert count(Drive) == 0


def test_editing_a_drive(signed_in, world):
    drive = make_drive(world.club_a)
    response = signed_in("coordinator_a").post(url(drive, "/edit"), data={
        "held_on": drive.held_on.isoformat(), "place": "Town hall", "kind": "blood",
        "capacity": "", "notes": "Bring ID"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Drive, drive.id).place == "Town hall"


def test_the_list_shows_upcoming_drives_before_past_ones(signed_in, world):
    make_drive(world.club_a, TODAY - timedelta(days=30), place="Old market")
    make_drive(world.club_a, TODAY + timedelta(days=30), place="New school")
    page = signed_in("coordinator_a").get("/clubs/club-a/drives/").get_data(as_text=True)
    assert page.index("Upcoming drives") < page.index("New school") < page.index("Past drives")
    assert page.index("Past drives") < page.index("Old market")


def test_the_drive_page_shows_who_may_give_and_why_not(signed_in, world):
    blocked = factories.make_member(world.club_a, "0002", "李强")
    factories.make_deferral(blocked, TODAY - timedelta(days=1), None, reason_code="hiv")
    drive = make_drive(world.club_a)
    page = signed_in("coordinator_a").get(url(drive)).get_data(as_text=True)
    eligible = page[page.index("members eligible") if "members eligible" in page
                    else page.index("member eligible"):page.index("not eligible</caption>")]
    assert "王秀英" in eligible and "李强" not in eligible
    assert "with no end date" in page[page.index("not eligible</caption>"):]


def test_inviting_members_puts_them_on_the_list_and_the_csv(signed_in, world):
    odd = factories.make_member(world.club_a, "0002", "=HYPERLINK(1)", phone="+8613900000002")
    db.session.commit()
    drive = make_drive(world.club_a)
    client = signed_in("coordinator_a")
    response = client.post(url(drive, "/invite"), data={"members": [world.member_a.id, odd.id]})
    assert response.status_code == 302 and response.headers["Location"] == url(drive,
                                                                                "/invitations")
    assert {m: p.invited_on for m, p in participants(drive.id).items()} == {
        world.member_a.id: TODAY, odd.id: TODAY}
    page = client.get(url(drive, "/invitations")).get_data(as_text=True)
    assert "王秀英" in page and "13900000001" in page
    export = client.get(url(drive, "/invitations.csv"))
    assert export.mimetype == "text/csv" and export.data.startswith(b"\xef\xbb\xbf")
    text = export.data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Member no.,Full name,Phone,Email,May be contacted")
    assert "'=HYPERLINK(1)" in text and "'+8613900000002" in text
    assert "0001,王秀英,13900000001,,no,Whole blood, Platelets" in text.replace('"', "")


def test_inviting_can_queue_invitation_messages_and_says_who_was_not_reached(signed_in, world):
    from donorclub.models import OutboxMessage

    world.member_a.consent_contact, world.member_a.email = True, "wang@example.org"
    silent = factories.make_member(world.club_a, "0002", "李强")
    db.session.commit()
    drive = make_drive(world.club_a)
    client = signed_in("coordinator_a")
    assert re.search(r'<input [^>]*checked [^>]*name="send_messages"',
                     client.get(url(drive)).get_data(as_text=True))
    ids = [world.member_a.id, silent.id]
    response = client.post(url(drive, "/invite"), data={"members": ids, "send_messages": "y"},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "2 members marked as invited today. 1 invitation message queued. 1 member could " \
           "not be reached (no consent to contact, or no address)." in page
    assert [m.member_id for m in db.session.scalars(sa.select(OutboxMessage))] == [
        world.member_a.id]
    page = client.post(url(drive, "/invite"), data={"members": ids},
                       follow_redirects=True).get_data(as_text=True)
    assert "2 members marked as invited today." in page and "queued" not in page
    again = client.post(url(drive, "/invite"), data={"members": ids, "send_messages": "y"},
                        follow_redirects=True).get_data(as_text=True)
    assert "0 invitation messages queued. 1 member already had this invitation: not sent " \
           "again." in again
    assert count(OutboxMessage) == 1


def test_inviting_nobody_is_refused(signed_in, world):
    drive = make_drive(world.club_a)
    response = signed_in("coordinator_a").post(url(drive, "/invite"), data={})
    assert response.status_code == 422 and participants(drive.id) == {}


def test_sign_ups_and_attendance(signed_in, world):
    drive = make_drive(world.club_a)
    client = signed_in("coordinator_a")
    client.post(url(drive, "/invite"), data={"members": [world.member_a.id]})
    response = client.post(url(drive, "/participants"), data={
        "signed_up": [world.member_a.id], "attended": [world.member_a.id]})
    assert response.status_code == 302
    row = participants(drive.id)[world.member_a.id]
    assert row.signed_up_on == TODAY and row.attended


def attended(client, drive, *members):
    ids = [m.id for m in members]
    client.post(url(drive, "/invite"), data={"members": ids})
    client.post(url(drive, "/participants"), data={"signed_up": ids, "attended": ids})


def test_the_donations_screen_is_prefilled_and_records_every_row(signed_in, world):
    other = factories.make_member(world.club_a, "0002", "李强")
    db.session.commit()
    drive = make_drive(world.club_a, TODAY - timedelta(days=1))
    client = signed_in("coordinator_a")
    attended(client, drive, world.member_a, other)
    page = client.get(url(drive, "/donations")).get_data(as_text=True)
    a = f"m{world.member_a.id}"
    assert re.search(rf'<input [^>]*name="{a}-volume_ml"[^>]* value="400"', page)
    assert re.search(rf'<input checked [^>]*name="{a}-include"', page)
    assert re.search(r'<option selected value="whole_blood">', page)
    response = client.post(url(drive, "/donations"), data={
        f"{a}-include": "y", f"{a}-kind": "whole_blood", f"{a}-volume_ml": "400",
        f"m{other.id}-include": "y", f"m{other.id}-kind": "platelets",
        f"m{other.id}-volume_ml": "250", f"m{other.id}-therapeutic_units": "1"})
    assert response.status_code == 302
    saved = db.session.scalars(sa.select(Donation).where(Donation.drive_id == drive.id)).all()
    assert {(d.member_id, d.kind.value, d.donated_on) for d in saved} == {
        (world.member_a.id, "whole_blood", drive.held_on), (other.id, "platelets", drive.held_on)}


def test_a_refused_row_saves_nothing_and_can_be_left_out(signed_in, world):
    other = factories.make_member(world.club_a, "0002", "李强")
    factories.make_donation(other, TODAY - timedelta(days=20))
    db.session.commit()
    drive = make_drive(world.club_a, TODAY - timedelta(days=1))
    client = signed_in("coordinator_a")
    attended(client, drive, world.member_a, other)
    a, b = f"m{world.member_a.id}", f"m{other.id}"
    rows = {f"{a}-include": "y", f"{a}-kind": "whole_blood", f"{a}-volume_ml": "400",
            f"{b}-include": "y", f"{b}-kind": "whole_blood", f"{b}-volume_ml": "400"}
    response = client.post(url(drive, "/donations"), data=rows)
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and count(Donation) == 1  # only the earlier one
    assert "李强: not recorded." in page and "6 months after the whole blood donation" in page
    del rows[f"{b}-include"]
    assert client.post(url(drive, "/donations"), data=rows).status_code == 302
    saved = db.session.scalars(sa.select(Donation).where(Donation.drive_id == drive.id)).all()
    assert [d.member_id for d in saved] == [world.member_a.id]


def test_a_referral_at_a_recruitment_drive(signed_in, world):
    drive = make_drive(world.club_a, TODAY - timedelta(days=2),
                       kind=DriveKind.MARROW_RECRUITMENT)
    client = signed_in("coordinator_a")
    response = client.post(url(drive, "/referrals"), data={
        "referrer_no": "0001", "candidate_name": "张伟", "candidate_phone": "13800000000",
        "registry": "cmdp", "candidate_sex": "", "consent_contact": "y"})
    assert response.status_code == 302
    referral = db.session.scalar(sa.select(Referral))
    assert (referral.referrer_id, referral.drive_id, referral.referred_on) == (
        world.member_a.id, drive.id, drive.held_on)
    page = client.get(url(drive)).get_data(as_text=True)
    assert "张伟" in page and "0001 王秀英" in page
    bad = client.post(url(drive, "/referrals"), data={
        "referrer_no": "0999", "candidate_name": "李娜", "registry": "cmdp"})
    assert bad.status_code == 422 and count(Referral) == 1
    assert "No member of this club has that member number." in bad.get_data(as_text=True)


def test_the_printable_sheet_lists_participants_without_navigation(signed_in, world):
    world.member_a.blood_group = BloodGroup.O_POS
    db.session.commit()
    drive = make_drive(world.club_a)
    client = signed_in("coordinator_a")
    client.post(url(drive, "/invite"), data={"members": [world.member_a.id]})
    page = client.get(url(drive, "/sheet")).get_data(as_text=True)
    assert "site-nav" not in page and "Signature" in page
    assert "王秀英" in page and "O+" in page and "Whole blood: eligible" in page


def test_other_clubs_and_members_get_404(signed_in, world):
    drive = make_drive(world.club_a)
    assert signed_in("coordinator_b").get(url(drive)).status_code == 404
    assert signed_in("member_user").get(url(drive)).status_code == 404
    # Club A's drive through club B's address is not found either.
    assert signed_in("coordinator_b").get(
        f"/clubs/club-b/drives/{drive.id}").status_code == 404
    response = signed_in("coordinator_b").post(f"/clubs/club-b/drives/{drive.id}/invite",
                                               data={"members": [world.member_b.id]})
    assert response.status_code == 404 and count(DriveParticipant) == 0


def test_a_row_is_prefilled_with_the_first_kind_the_member_may_give(signed_in, world):
    deferral = factories.make_deferral(world.member_a, TODAY - timedelta(days=5), None)
    deferral.kinds = ["whole_blood"]
    db.session.commit()
    drive = make_drive(world.club_a, TODAY - timedelta(days=1))
    client = signed_in("coordinator_a")
    attended(client, drive, world.member_a)
    page = client.get(url(drive, "/donations")).get_data(as_text=True)
    a = f"m{world.member_a.id}"
    assert '<option selected value="platelets">' in page
    assert re.search(rf'<input [^>]*name="{a}-therapeutic_units"[^>]* value="1"', page)
    assert re.search(rf'<input [^>]*name="{a}-volume_ml"[^>]* value="250"', page)
