"""Administration pages: who may open them, club forms, coordinators, member logins,
invitation links end to end, and deactivation ending sessions."""
import re

import pytest
import sqlalchemy as sa

from donorclub.extensions import db
from donorclub.models import AuditEvent, Club, User
from donorclub.services import accounts

from .. import factories
from ..conftest import sign_in

CLUB_FORM = {"name": "Harbour Donors", "slug": "harbour-donors", "rule_set": "uk",
             "locale": "en", "timezone": "Europe/London"}

ADMIN_ENDPOINTS = [
    ("get", "/admin/"),
    ("get", "/admin/clubs/new"),
    ("post", "/admin/clubs/new"),
    ("get", "/admin/clubs/club-a"),
    ("get", "/admin/clubs/club-a/edit"),
    ("post", "/admin/clubs/club-a/edit"),
    ("post", "/admin/clubs/club-a/coordinators"),
    ("post", "/admin/clubs/club-a/coordinators/{coordinator_a}/remove"),
    ("get", "/admin/users"),
    ("post", "/admin/users/{member_user}/deactivate"),
    ("post", "/admin/users/{member_user}/reactivate"),
    ("post", "/admin/users/{member_user}/invitation"),
    ("get", "/admin/audit"),
]


def fill(url: str, world) -> str:
    return url.format(coordinator_a=world.coordinator_a.id, member_user=world.member_user.id)


def link_in(page: str) -> str:
    match = re.search(r"(https?://[^\s<\"]+/auth/invitation/[A-Za-z0-9_.\-]+)", page)
    assert match, page
    return match.group(1)


def path_of(link: str) -> str:
    return link[link.index("/auth/invitation/"):]


@pytest.mark.parametrize(("method", "url"), ADMIN_ENDPOINTS)
@pytest.mark.parametrize("who", ["coordinator_a", "member_user"])
def test_only_admins_reach_admin_pages(signed_in, world, who, method, url):
    events_before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    response = getattr(signed_in(who), method)(fill(url, world), data=CLUB_FORM)
    assert response.status_code == 404
    # Nothing was changed on the way (a sign-in is the only new event).
    db.session.expire_all()
    assert db.session.get(User, world.member_user.id).active
    assert db.session.scalar(sa.select(Club).where(Club.slug == "harbour-donors")) is None
    events = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    assert events == events_before + 1


@pytest.mark.parametrize(("method", "url"), ADMIN_ENDPOINTS)
def test_visitors_are_sent_to_sign_in(client, world, method, url):
    response = getattr(client, method)(fill(url, world))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


@pytest.mark.parametrize("url", ["/admin/", "/admin/clubs/new", "/admin/clubs/club-b",
                                 "/admin/clubs/club-b/edit", "/admin/users", "/admin/audit"])
def test_admin_pages_render(signed_in, url):
    assert signed_in("admin").get(url).status_code == 200


def test_admin_creates_a_club_through_the_form(signed_in):
    client = signed_in("admin")
    page = client.get("/admin/clubs/new").get_data(as_text=True)
    assert 'value="cn"' in page and 'value="us"' in page and 'value="zh_Hans"' in page
    response = client.post("/admin/clubs/new", data=CLUB_FORM)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/clubs/harbour-donors"
    club = db.session.scalar(sa.select(Club).where(Club.slug == "harbour-donors"))
    assert club.rule_set == "uk" and club.timezone == "Europe/London"
    assert "Harbour Donors" in client.get("/admin/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"slug": "club-a"}, "Another club already uses this slug."),
     ({"slug": "Harbour Donors"}, "Use lowercase letters, digits and hyphens"),
     ({"rule_set": "xx"}, "Choose one of the rule sets offered."),
     ({"timezone": "Europe/Atlantis"}, "Enter a time zone such as"),
     ({"name": ""}, "This field is required.")],
)
def test_a_refused_club_form_comes_back_with_the_field_error(signed_in, changes, message):
    response = signed_in("admin").post("/admin/clubs/new", data={**CLUB_FORM, **changes})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and 'aria-invalid="true"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Club)) == 2


def test_admin_edits_a_club_but_not_its_slug(signed_in, world):
    client = signed_in("admin")
    assert 'name="slug"' not in client.get("/admin/clubs/club-b/edit").get_data(as_text=True)
    response = client.post("/admin/clubs/club-b/edit", data={
        **CLUB_FORM, "name": "Riverside Blood Donors", "timezone": "America/Chicago"})
    assert response.status_code == 302
    club = db.session.get(Club, world.club_b.id)
    db.session.refresh(club)
    assert club.slug == "club-b" and club.name == "Riverside Blood Donors"
    assert club.rule_set == "uk" and club.timezone == "America/Chicago"
    bad = client.post("/admin/clubs/club-b/edit", data={**CLUB_FORM, "timezone": "Nowhere"})
    assert bad.status_code == 422
    db.session.refresh(club)
    assert club.timezone == "America/Chicago"


def test_a_new_coordinator_follows_the_link_sets_a_password_and_sees_the_club(
        signed_in, world, app):
    response = signed_in("admin").post("/admin/clubs/club-b/coordinators",
                                       data={"email": "lin@example.org", "name": "Lin"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    link = link_in(response.get_data(as_text=True))
    assert link.startswith(app.config["BASE_URL"] + "/auth/invitation/")

    guest = app.test_client()
    form = guest.get(path_of(link))
    assert form.status_code == 200 and "lin@example.org" in form.get_data(as_text=True)
    done = guest.post(path_of(link), data={"password": "lin's new password",
                                           "confirm_password": "lin's new password"})
    assert done.status_code == 302
    page = guest.get("/").get_data(as_text=True)
    assert "Riverside Donors" in page and "Anshan Steel Donors" not in page
    # Spent: the same link now changes nothing.
    again = app.test_client().post(path_of(link), data={
        "password": "someone else's pw", "confirm_password": "someone else's pw"})
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True)
    assert sign_in(app.test_client(), "lin@example.org", "lin's new password").status_code == 302


def test_invitation_links_use_the_configured_public_address(make_app):
    from donorclub.domain.enums import Role

    app = make_app(BASE_URL="https://donors.example.org/")
    with app.app_context():
        factories.make_club("club-a")
        factories.make_user("boss@example.org", Role.ADMIN)
        db.session.commit()
    client = app.test_client()
    behind_proxy = "http://10.0.0.5:8000"  # the address the proxy forwards to
    client.post("/auth/login", data={"email": "boss@example.org",
                                     "password": factories.PASSWORD}, base_url=behind_proxy)
    page = client.post("/admin/clubs/club-a/coordinators", data={"email": "x@example.org"},
                       base_url=behind_proxy).get_data(as_text=True)
    assert link_in(page).startswith("https://donors.example.org/auth/invitation/")


def test_adding_an_existing_coordinator_shows_no_link(signed_in, world):
    response = signed_in("admin").post("/admin/clubs/club-a/coordinators",
                                       data={"email": "coord-b@example.org"})
    assert response.status_code == 302
    user = db.session.get(User, world.coordinator_b.id)
    db.session.refresh(user)
    assert {c.slug for c in user.clubs} == {"club-a", "club-b"}


def test_adding_an_admin_as_coordinator_is_a_field_error(signed_in):
    response = signed_in("admin").post("/admin/clubs/club-a/coordinators",
                                       data={"email": "admin@example.org"})
    assert response.status_code == 422
    assert "already sees every club" in response.get_data(as_text=True)


def test_removing_a_coordinator_takes_the_club_away_from_them(signed_in, world):
    coordinator = signed_in("coordinator_a")
    assert coordinator.get("/clubs/club-a/members/").status_code == 200
    response = signed_in("admin").post(
        f"/admin/clubs/club-a/coordinators/{world.coordinator_a.id}/remove")
    assert response.status_code == 302
    assert coordinator.get("/clubs/club-a/members/").status_code == 404


def test_deactivation_ends_an_open_session_and_reactivation_does_not_revive_it(
        signed_in, world, app):
    coordinator = signed_in("coordinator_a")
    assert coordinator.get("/").status_code == 200
    admin = signed_in("admin")
    assert admin.post(f"/admin/users/{world.coordinator_a.id}/deactivate").status_code == 302
    response = coordinator.get("/clubs/club-a/members/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
    assert sign_in(app.test_client(), "coord-a@example.org").status_code == 422

    admin.post(f"/admin/users/{world.coordinator_a.id}/reactivate")
    assert coordinator.get("/").status_code == 302  # the old session stays ended
    assert sign_in(coordinator, "coord-a@example.org").status_code == 302
    assert coordinator.get("/").status_code == 200


def test_an_admin_cannot_deactivate_themselves(signed_in, world):
    client = signed_in("admin")
    response = client.post(f"/admin/users/{world.admin.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 200


def test_account_list_shows_status_and_filters(signed_in, world):
    client = signed_in("admin")
    client.post(f"/admin/users/{world.coordinator_b.id}/deactivate")
    page = client.get("/admin/users?status=deactivated").get_data(as_text=True)
    assert "coord-b@example.org" in page and "coord-a@example.org" not in page
    assert "Reactivate" in page
    page = client.get("/admin/users?role=member").get_data(as_text=True)
    assert "member-a@example.org" in page and "coord-a@example.org" not in page
    assert client.get("/admin/users?role=owner").status_code == 422


def test_coordinator_invites_a_member_of_their_club_and_the_member_signs_in(
        signed_in, world, app):
    client = signed_in("coordinator_a")
    factories.make_member(world.club_a, "0002", "李建华")
    db.session.commit()
    response = client.post("/clubs/club-a/accounts",
                           data={"member_no": "0002", "email": "li@example.org"})
    assert response.status_code == 200
    link = link_in(response.get_data(as_text=True))
    page = client.get("/clubs/club-a/accounts").get_data(as_text=True)
    assert "li@example.org" in page and "Invitation not accepted" in page

    member = app.test_client()
    accepted = member.post(path_of(link), data={"password": "李的密码很长也很安全",
                                                "confirm_password": "李的密码很长也很安全"})
    assert accepted.status_code == 302
    page = member.get("/me/", follow_redirects=True).get_data(as_text=True)
    assert "李建华" in page


def test_member_login_form_errors_come_back_on_the_page(signed_in, world):
    response = signed_in("coordinator_a").post("/clubs/club-a/accounts",
                                               data={"member_no": "0001", "email": "x@ex.org"})
    assert response.status_code == 422
    assert "already has a login" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [("coordinator_a", "/clubs/club-a/accounts", 200),
     ("coordinator_a", "/clubs/club-b/accounts", 404),
     ("coordinator_b", "/clubs/club-a/accounts", 404),
     ("member_user", "/clubs/club-a/accounts", 404),
     ("admin", "/clubs/club-b/accounts", 200)],
)
def test_club_accounts_page_is_for_that_clubs_staff(signed_in, who, url, status):
    assert signed_in(who).get(url).status_code == status


def test_a_coordinator_cannot_invite_into_another_club(signed_in, world):
    world.member_b.email = "emma@example.org"
    db.session.commit()
    response = signed_in("coordinator_a").post("/clubs/club-b/accounts",
                                               data={"member_no": "0001"})
    assert response.status_code == 404
    assert accounts.find_user_by_email("emma@example.org") is None


def test_a_new_link_for_a_pending_member_login(signed_in, world, app):
    world.member_b.email = "emma@example.org"
    db.session.commit()
    client = signed_in("coordinator_b")
    assert client.post("/clubs/club-b/accounts", data={"member_no": "0001"}).status_code == 200
    user = accounts.find_user_by_email("emma@example.org")
    response = client.post(f"/clubs/club-b/accounts/{user.id}/invitation")
    assert response.status_code == 200
    renewed = path_of(link_in(response.get_data(as_text=True)))
    assert app.test_client().get(renewed).status_code == 200
    events = db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.entity_type == "users", AuditEvent.entity_id == user.id)).all()
    assert events == ["invite", "invite"]
    # Another club's coordinator cannot ask for one.
    other = signed_in("coordinator_a").post(f"/clubs/club-a/accounts/{user.id}/invitation")
    assert other.status_code == 404


@pytest.mark.parametrize(("token", "status", "message"), [
    ("garbage", 400, "not valid"),
    ("WzEsImFiYyJd.aGVsbG8.c2lnbmF0dXJl", 400, "not valid"),
])
def test_a_bad_link_shows_a_clear_message(client, world, token, status, message):
    response = client.get(f"/auth/invitation/{token}")
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


def test_an_expired_link_shows_a_clear_message_and_sets_nothing(signed_in, world, app,
                                                                monkeypatch):
    import time

    from itsdangerous import TimestampSigner

    page = signed_in("admin").post("/admin/clubs/club-a/coordinators",
                                   data={"email": "late@example.org"}).get_data(as_text=True)
    later = int(time.time()) + 8 * 24 * 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)
    response = app.test_client().post(path_of(link_in(page)), data={
        "password": "too late password", "confirm_password": "too late password"})
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)
    assert accounts.find_user_by_email("late@example.org").password_hash is None


def test_the_invitation_form_wants_the_same_strong_password_twice(signed_in, app):
    page = signed_in("admin").post("/admin/clubs/club-a/coordinators",
                                   data={"email": "new@example.org"}).get_data(as_text=True)
    path = path_of(link_in(page))
    guest = app.test_client()
    differ = guest.post(path, data={"password": "one long password",
                                    "confirm_password": "two long password"})
    assert differ.status_code == 422
    assert "The two passwords differ." in differ.get_data(as_text=True)
    weak = guest.post(path, data={"password": "short", "confirm_password": "short"})
    assert weak.status_code == 422 and "at least 10 characters" in weak.get_data(as_text=True)
    assert accounts.find_user_by_email("new@example.org").password_hash is None
    assert guest.get(path).status_code == 200  # still usable


def test_the_invitation_form_needs_its_csrf_token(make_app):
    from donorclub.domain.enums import Role
    from donorclub.services import invitations

    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = factories.make_user("p@example.org", Role.ADMIN)
        user.password_hash = None
        token = invitations.issue(user).token
        db.session.commit()
    response = app.test_client().post(f"/auth/invitation/{token}", data={
        "password": "a long password", "confirm_password": "a long password"})
    assert response.status_code == 400
    with app.app_context():
        assert accounts.find_user_by_email("p@example.org").password_hash is None
