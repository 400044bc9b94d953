"""Sessions live on the server: a fresh one per sign-in, ended by signing out, by going idle, by
their lifetime, from another session, by a new password or a deactivation; old rows are pruned.
Ids beyond the database's range are a 404."""
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_login.utils import encode_cookie

from donorclub.cli_sessions import sessions_cli
from donorclub.domain.enums import AuditAction, Role, SessionEndReason
from donorclub.extensions import db
from donorclub.models import AuditEvent, UserSession
from donorclub.models.types import utcnow
from donorclub.services.accounts import issue_api_token
from donorclub.services.passwords import hash_password
from donorclub.services.user_sessions import hash_token
from donorclub.web.auth.sessions import TOKEN_KEY

from .. import factories
from ..conftest import sign_in

MEMBERS = "/clubs/club-a/members/"


def session_rows(user) -> list[UserSession]:
    db.session.expire_all()  # the requests wrote through their own database sessions
    return list(db.session.scalars(
        sa.select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id)))


def set_times(row: UserSession, **ago: timedelta) -> None:
    """Move a session back in time: each keyword names a column and how long ago it was."""
    for column, delta in ago.items():
        setattr(row, column, utcnow() - delta)
    db.session.commit()


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite drops the zone


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def signed_in_client(app, user):
    client = app.test_client()
    assert sign_in(client, user.email).status_code == 302
    return client


def sent_to_sign_in(response) -> bool:
    return response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_signing_in_opens_a_new_session_and_drops_what_came_before(app, world):
    client = app.test_client()
    with client.session_transaction() as before:
        before["locale"], before["planted"] = "zh_Hans", "chosen by someone else"
    cookie_before = session_cookie(client)
    assert sign_in(client, world.coordinator_a.email).status_code == 302
    assert session_cookie(client) != cookie_before
    with client.session_transaction() as after:
        assert "planted" not in after and after["locale"] == "zh_Hans"
        token = after[TOKEN_KEY]
    [row] = session_rows(world.coordinator_a)
    assert row.token_hash == hash_token(token) != token
    assert row.ended_at is None and row.user_agent.startswith("Werkzeug")


def test_a_copied_cookie_stops_working_once_its_session_signs_out(app, world):
    client = signed_in_client(app, world.coordinator_a)
    copy = app.test_client()
    copy.set_cookie("session", session_cookie(client))
    assert copy.get(MEMBERS).status_code == 200  # the copy works while the session does
    with client.session_transaction() as signed_in:
        first_token = signed_in[TOKEN_KEY]
    assert client.post("/auth/logout").status_code == 302
    response = copy.get(MEMBERS)
    assert sent_to_sign_in(response)
    assert "Your session has ended." in copy.get(response.headers["Location"]).text
    assert copy.get(MEMBERS).status_code == 302  # and it stays signed out
    # Nor does a remember-me cookie (never issued) get in without a session row.
    remembered = app.test_client()
    remembered.set_cookie("remember_token", encode_cookie(world.coordinator_a.get_id()))
    assert sent_to_sign_in(remembered.get(MEMBERS))
    [row] = session_rows(world.coordinator_a)
    assert row.end_reason == SessionEndReason.LOGOUT and row.ended_at is not None
    # Signing in again is a new session, not the old one revived.
    assert sign_in(client, world.coordinator_a.email).status_code == 302
    with client.session_transaction() as again:
        assert again[TOKEN_KEY] != first_token
    assert [r.ended_at is None for r in session_rows(world.coordinator_a)] == [False, True]


def test_a_session_idle_longer_than_the_limit_is_signed_out(app, world):
    client = signed_in_client(app, world.coordinator_a)
    [row] = session_rows(world.coordinator_a)
    first_seen = row.last_seen_at
    assert client.get(MEMBERS).status_code == 200
    assert session_rows(world.coordinator_a)[0].last_seen_at == first_seen  # no write yet
    set_times(row, last_seen_at=timedelta(minutes=29))
    assert client.get(MEMBERS).status_code == 200
    [row] = session_rows(world.coordinator_a)
    assert utcnow() - aware(row.last_seen_at) < timedelta(minutes=1)  # seen again just now

    set_times(row, last_seen_at=timedelta(minutes=31))
    # The API authenticates by its token: the idle cookie alongside changes nothing there.
    token = issue_api_token(world.coordinator_a, world.coordinator_a)
    api = client.get("/api/v1/clubs", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200 and session_rows(world.coordinator_a)[0].ended_at is None
    response = client.get(MEMBERS + "?page=1")
    assert sent_to_sign_in(response)
    assert "next=/clubs/club-a/members/?page%3D1" in response.headers["Location"]
    page = client.get(response.headers["Location"]).text
    assert "You were signed out after 30 minutes without activity." in page
    assert session_rows(world.coordinator_a)[0].end_reason == SessionEndReason.IDLE


def test_a_session_ends_at_its_lifetime_however_busy(make_app):
    app = make_app(SESSION_MAX_HOURS=2)
    with app.app_context():
        user = factories.make_user("busy@example.org", Role.ADMIN)
        db.session.commit()
        client = signed_in_client(app, user)
        [row] = session_rows(user)
        set_times(row, created_at=timedelta(hours=1, minutes=59))
        assert client.get("/admin/users").status_code == 200
        set_times(row, created_at=timedelta(hours=2, minutes=1), last_seen_at=timedelta(0))
        response = client.get("/admin/users")
        assert sent_to_sign_in(response)
        assert ("You were signed out 2 hours after signing in."
                in client.get(response.headers["Location"]).text)
        assert session_rows(user)[0].end_reason == SessionEndReason.EXPIRED
        db.session.remove()


def test_other_sessions_end_one_by_one_or_everywhere_else(app, world):
    here, there, third = (signed_in_client(app, world.coordinator_a) for _ in range(3))
    stranger = signed_in_client(app, world.coordinator_b)
    page = here.get("/auth/sessions").text
    assert page.count("This session") == 1 and page.count(">End<") == 2
    mine, _, third_row = session_rows(world.coordinator_a)
    [strangers] = session_rows(world.coordinator_b)

    assert here.post("/auth/sessions/end", data={"session_id": third_row.id}).status_code == 302
    assert sent_to_sign_in(third.get(MEMBERS)) and there.get(MEMBERS).status_code == 200
    assert here.post("/auth/sessions/end", data={"session_id": strangers.id}).status_code == 404
    own = here.post("/auth/sessions/end", data={"session_id": mine.id}, follow_redirects=True)
    assert "This is the session you are using now" in own.text
    assert stranger.get("/clubs/club-b/members/").status_code == 200

    assert here.post("/auth/sessions/end-others").status_code == 302
    assert sent_to_sign_in(there.get(MEMBERS))
    assert here.get(MEMBERS).status_code == 200
    assert stranger.get("/clubs/club-b/members/").status_code == 200
    reasons = [row.end_reason for row in session_rows(world.coordinator_a)]
    assert reasons == [None, SessionEndReason.EVERYWHERE, SessionEndReason.REVOKED]
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == AuditAction.SESSIONS_END.value))
    assert event.actor_id == world.coordinator_a.id and event.after == {"sessions_ended": 1}


def test_deactivating_an_account_ends_its_sessions_for_good(app, world):
    member = signed_in_client(app, world.member_user)
    admin = signed_in_client(app, world.admin)
    assert admin.post(f"/admin/users/{world.member_user.id}/deactivate").status_code == 302
    assert [r.end_reason for r in session_rows(world.member_user)] == [
        SessionEndReason.DEACTIVATED]
    assert admin.post(f"/admin/users/{world.member_user.id}/reactivate").status_code == 302
    assert sent_to_sign_in(member.get("/portal/"))


def test_changing_the_password_signs_out_every_other_session(app, world):
    here, elsewhere = app.test_client(), app.test_client()
    for client in (here, elsewhere):
        assert sign_in(client, world.coordinator_a.email).status_code == 302
    response = here.post("/auth/password", data={
        "current_password": factories.PASSWORD, "new_password": "a-new-long-passphrase-42",
        "confirm_password": "a-new-long-passphrase-42"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert here.get("/clubs/club-a/members/").status_code == 200  # this session goes on
    gone = elsewhere.get("/clubs/club-a/members/")
    assert gone.status_code == 302 and "/auth/login" in gone.headers["Location"]
    assert [r.end_reason for r in session_rows(world.coordinator_a)] == [
        None, SessionEndReason.PASSWORD]


def test_a_password_set_elsewhere_ends_the_session(app, world):
    client = app.test_client()
    sign_in(client, world.coordinator_a.email)
    assert client.get("/clubs/club-a/members/").status_code == 200
    user = db.session.get(type(world.coordinator_a), world.coordinator_a.id)
    user.password_hash = hash_password("another-long-passphrase-7")
    db.session.commit()
    assert client.get("/clubs/club-a/members/").status_code == 302
    assert session_rows(world.coordinator_a)[0].end_reason == SessionEndReason.PASSWORD


def test_rows_of_sessions_long_over_are_pruned(app, world, runner):
    def row(user, **ago):
        session = UserSession(user_id=user.id, token_hash=hash_token(str(ago) + user.email))
        db.session.add(session)
        db.session.flush()
        set_times(session, **ago)
        return session.id

    recent = row(world.coordinator_a, last_seen_at=timedelta(days=5), ended_at=timedelta(days=5))
    row(world.coordinator_a, last_seen_at=timedelta(days=40), ended_at=timedelta(days=31))
    row(world.coordinator_a, created_at=timedelta(days=40), last_seen_at=timedelta(days=40))
    working = row(world.coordinator_a, last_seen_at=timedelta(minutes=1))
    others_old = row(world.coordinator_b, ended_at=timedelta(days=40))
    assert runner.invoke(sessions_cli, ["prune", "--days", "-1"]).exit_code != 0

    result = runner.invoke(sessions_cli, ["prune"])
    assert result.exit_code == 0 and "Deleted 3 session row(s)" in result.output
    assert [r.id for r in session_rows(world.coordinator_a)] == [recent, working]
    assert others_old not in [r.id for r in session_rows(world.coordinator_b)]
    # Signing in prunes the account's own rows, with no scheduled job needed.
    old_again = row(world.coordinator_a, ended_at=timedelta(days=31))
    signed_in_client(app, world.coordinator_a)
    ids = [r.id for r in session_rows(world.coordinator_a)]
    assert old_again not in ids and len(ids) == 3 and {recent, working} <= set(ids)


@pytest.mark.parametrize("url", ["/clubs/club-a/members/99999999999999999999",
                                 "/clubs/club-a/members/2147483648/edit"])
def test_ids_beyond_the_column_range_are_not_found(signed_in, world, url):
    assert signed_in("coordinator_a").get(url).status_code == 404
