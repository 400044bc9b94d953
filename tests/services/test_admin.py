"""Administration services: club settings, coordinators, member logins, (de)activation."""
import pytest
import sqlalchemy as sa

from donorclub.domain.enums import Role
from donorclub.extensions import db
from donorclub.models import AuditEvent, Club, User
from donorclub.services import accounts, admin, audit, invitations
from donorclub.services.errors import InvalidInput, NotFound, PermissionDenied

from .. import factories

GOOD = {"name": "Harbour Donors", "slug": "harbour-donors", "rule_set": "uk", "locale": "en",
        "timezone": "Europe/London"}


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_admin_creates_a_club_and_the_event_names_it(world):
    club = admin.create_club(world.admin, **GOOD)
    stored = db.session.scalar(sa.select(Club).where(Club.slug == "harbour-donors"))
    assert stored.id == club.id and stored.rule_set == "uk" and stored.timezone == "Europe/London"
    [event] = audit.history("clubs", club.id)
    assert event.action == "create" and event.actor_id == world.admin.id
    assert event.club_id == club.id and event.after["slug"] == "harbour-donors"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"slug": "club-a"}, "slug"),  # taken by the world's first club
        ({"slug": "Harbour"}, "slug"),
        ({"slug": "harbour_donors"}, "slug"),
        ({"slug": "-harbour"}, "slug"),
        ({"slug": "harbour-"}, "slug"),
        ({"slug": "har--bour"}, "slug"),
        ({"slug": "港口"}, "slug"),
        ({"slug": "h" * 61}, "slug"),
        ({"slug": "  "}, "slug"),
        ({"rule_set": "xx"}, "rule_set"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"timezone": "asia/shanghai"}, "timezone"),
        ({"locale": "fr"}, "locale"),
        ({"name": "   "}, "name"),
    ],
)
def test_bad_club_settings_are_field_errors_and_nothing_is_written(world, changes, field):
    clubs_before, events_before = count(Club), count(AuditEvent)
    with pytest.raises(InvalidInput) as caught:
        admin.create_club(world.admin, **{**GOOD, **changes})
    assert field in caught.value.fields
    db.session.rollback()
    assert count(Club) == clubs_before and count(AuditEvent) == events_before


def test_every_bad_field_is_reported_at_once(world):
    with pytest.raises(InvalidInput) as caught:
        admin.create_club(world.admin, name="X", slug="Bad Slug", rule_set="zz", locale="en",
                          timezone="Nowhere")
    assert set(caught.value.fields) == {"slug", "rule_set", "timezone"}


def test_a_slug_of_digits_and_hyphens_is_fine(world):
    assert admin.create_club(world.admin, **{**GOOD, "slug": "2024-club-9"}).slug == "2024-club-9"


def test_coordinators_may_not_create_or_edit_clubs(world):
    with pytest.raises(PermissionDenied):
        admin.create_club(world.coordinator_a, **GOOD)
    with pytest.raises(PermissionDenied):
        admin.update_club(world.coordinator_a, world.club_a, name="Mine now", rule_set="cn",
                          locale="en", timezone="Asia/Shanghai")


def test_update_records_only_what_changed(world):
    admin.update_club(world.admin, world.club_a, name="Anshan Steel Donors", rule_set="us",
                      locale="zh_Hans", timezone="Asia/Shanghai")
    [event] = audit.history("clubs", world.club_a.id)
    assert event.action == "update"
    assert event.before == {"rule_set": "cn", "locale": "en"}
    assert event.after == {"rule_set": "us", "locale": "zh_Hans"}


def test_an_update_that_changes_nothing_writes_no_event(world):
    club = world.club_a
    admin.update_club(world.admin, club, name=club.name, rule_set=club.rule_set,
                      locale=club.locale, timezone=club.timezone)
    assert audit.history("clubs", club.id) == []


def test_a_refused_update_leaves_the_club_as_it_was(world):
    with pytest.raises(InvalidInput) as caught:
        admin.update_club(world.admin, world.club_a, name="New name", rule_set="cn",
                          locale="en", timezone="Asia/Nowhere")
    assert "timezone" in caught.value.fields
    db.session.rollback()
    club = db.session.get(Club, world.club_a.id)
    assert club.name == "Anshan Steel Donors" and club.timezone == "Asia/Shanghai"


def test_an_existing_coordinator_is_added_without_an_invitation(world):
    user, invitation = admin.add_coordinator(world.admin, world.club_a,
                                             email="COORD-B@example.org")
    assert invitation is None and user.id == world.coordinator_b.id
    db.session.expire_all()
    assert {c.slug for c in db.session.get(User, user.id).clubs} == {"club-a", "club-b"}
    [event] = [e for e in audit.history("users", user.id) if e.action == "coordinator_add"]
    assert event.club_id == world.club_a.id and event.actor_id == world.admin.id


def test_a_new_coordinator_gets_an_account_without_password_and_a_link(world):
    user, invitation = admin.add_coordinator(world.admin, world.club_a,
                                             email="Lin@Example.org", name="Lin")
    db.session.expire_all()
    stored = accounts.find_user_by_email("lin@example.org")
    assert stored.role == Role.COORDINATOR and stored.password_hash is None
    assert [c.slug for c in stored.clubs] == ["club-a"] and stored.name == "Lin"
    assert invitations.read_invitation(invitation.token).id == stored.id
    actions = [e.action for e in audit.history("users", stored.id)]
    assert actions == ["invite", "coordinator_add"]
    # The login form refuses an account that has no password yet.
    assert accounts.authenticate("lin@example.org", "") is None


@pytest.mark.parametrize("email", ["admin@example.org", "member-a@example.org",
                                   "coord-a@example.org", "not an email"])
def test_admins_members_and_current_coordinators_cannot_be_added(world, email):
    events_before = count(AuditEvent)
    with pytest.raises(InvalidInput) as caught:
        admin.add_coordinator(world.admin, world.club_a, email=email)
    assert "email" in caught.value.fields
    db.session.rollback()
    assert count(AuditEvent) == events_before


def test_removing_a_coordinator_keeps_the_account(world):
    admin.remove_coordinator(world.admin, world.club_a, world.coordinator_a.id)
    db.session.expire_all()
    user = db.session.get(User, world.coordinator_a.id)
    assert user.clubs == [] and user.active
    [event] = audit.history("users", user.id)
    assert event.action == "coordinator_remove" and event.club_id == world.club_a.id
    assert event.before == {"club": "club-a", "email": "coord-a@example.org"}


def test_removing_someone_who_does_not_coordinate_the_club_is_not_found(world):
    with pytest.raises(NotFound):
        admin.remove_coordinator(world.admin, world.club_a, world.coordinator_b.id)
    with pytest.raises(NotFound):
        admin.remove_coordinator(world.admin, world.club_a, 99999)


def test_coordinator_invites_a_member_of_their_club(world):
    member = factories.make_member(world.club_a, "0002", "李建华")
    member.email = "li@example.org"
    db.session.commit()
    invitation = admin.invite_member_login(world.coordinator_a, world.club_a, member_no="0002")
    db.session.expire_all()
    user = accounts.find_user_by_email("li@example.org")
    assert user.role == Role.MEMBER and user.member_id == member.id
    assert user.password_hash is None and user.name == "李建华"
    assert invitation.user.id == user.id
    [event] = audit.history("users", user.id)
    assert event.action == "invite" and event.club_id == world.club_a.id
    assert event.actor_id == world.coordinator_a.id


def test_an_email_given_for_the_login_wins_over_the_record(world):
    factories.make_member(world.club_a, "0002", "李建华").email = "old@example.org"
    db.session.commit()
    admin.invite_member_login(world.admin, world.club_a, member_no="0002",
                              email="New@Example.org")
    assert accounts.find_user_by_email("new@example.org") is not None
    assert accounts.find_user_by_email("old@example.org") is None


@pytest.mark.parametrize(
    ("member_no", "email", "field"),
    [("0001", "x@example.org", "member_no"),    # 0001 already has a login
     ("0404", "x@example.org", "member_no"),    # no such member
     ("0002", "", "email"),                     # no email anywhere
     ("0002", "coord-b@example.org", "email"),  # taken
     ("0002", "nope", "email")],
)
def test_member_login_problems_are_field_errors(world, member_no, email, field):
    factories.make_member(world.club_a, "0002", "李建华")
    db.session.commit()
    users_before = count(User)
    with pytest.raises(InvalidInput) as caught:
        admin.invite_member_login(world.coordinator_a, world.club_a, member_no=member_no,
                                  email=email)
    assert field in caught.value.fields
    db.session.rollback()
    assert count(User) == users_before


def test_a_coordinator_cannot_invite_into_another_club(world):
    factories.make_member(world.club_b, "0002", "Ann Lee").email = "ann@example.org"
    db.session.commit()
    with pytest.raises(NotFound):
        admin.invite_member_login(world.coordinator_a, world.club_b, member_no="0002")
    assert accounts.find_user_by_email("ann@example.org") is None


def test_deactivation_blocks_sign_in_and_api_tokens_and_is_undone_by_reactivation(world):
    token = accounts.issue_api_token(None, world.coordinator_a)
    admin.deactivate_user(world.admin, world.coordinator_a)
    assert accounts.authenticate("coord-a@example.org", factories.PASSWORD) is None
    assert accounts.user_for_token(token) is None
    admin.reactivate_user(world.admin, world.coordinator_a)
    assert accounts.authenticate("coord-a@example.org", factories.PASSWORD) is not None
    actions = [e.action for e in audit.history("users", world.coordinator_a.id)]
    assert actions[:2] == ["deactivate", "reactivate"]
    event = audit.history("users", world.coordinator_a.id)[0]
    assert event.before == {"active": True} and event.after == {"active": False}
    assert event.club_id == world.club_a.id


def test_an_admin_cannot_deactivate_themselves(world):
    with pytest.raises(InvalidInput):
        admin.deactivate_user(world.admin, world.admin)
    db.session.rollback()
    assert db.session.get(User, world.admin.id).active


def test_only_admins_deactivate(world):
    with pytest.raises(PermissionDenied):
        admin.deactivate_user(world.coordinator_a, world.member_user)


def test_a_coordinator_reaches_only_their_clubs_member_logins(world):
    assert admin.get_account(world.coordinator_a, world.member_user.id).id == world.member_user.id
    for other in (world.coordinator_b, world.admin):
        with pytest.raises(NotFound):
            admin.get_account(world.coordinator_a, other.id)
    with pytest.raises(NotFound):
        admin.get_account(world.coordinator_b, world.member_user.id)


def test_a_new_link_is_only_for_accounts_still_waiting_for_a_password(world):
    with pytest.raises(InvalidInput):
        admin.renew_invitation(world.admin, world.coordinator_a)  # has a password
    user, _ = admin.add_coordinator(world.admin, world.club_b, email="new@example.org")
    renewed = admin.renew_invitation(world.admin, user)
    assert invitations.read_invitation(renewed.token).id == user.id


def test_account_list_filters_by_status_role_and_text(world):
    pending, _ = admin.add_coordinator(world.admin, world.club_b, email="pending@example.org")
    admin.deactivate_user(world.admin, world.coordinator_b)

    def emails(**filters):
        return [u.email for u in admin.list_accounts(**filters).items]

    assert emails(status="pending") == ["pending@example.org"]
    assert emails(status="deactivated") == ["coord-b@example.org"]
    assert "pending@example.org" not in emails(status="active")
    assert emails(role="admin") == ["admin@example.org"]
    assert emails(q="COORD-") == ["coord-a@example.org", "coord-b@example.org"]
    assert emails(q="%") == []  # a literal percent sign, not a wildcard


def test_staff_of_a_club_are_its_coordinators_and_the_admins(world):
    emails = [u.email for u in admin.staff_accounts(world.club_a)]
    assert emails == ["admin@example.org", "coord-a@example.org"]
    assert len(admin.staff_accounts()) == 3
    with_member = admin.staff_accounts(including=world.member_user.id)
    assert "member-a@example.org" in [u.email for u in with_member] and len(with_member) == 4
