"""Invitation links: signed, valid for a limited time, spent once a password is set."""
import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from donorclub.domain.enums import Role
from donorclub.extensions import db
from donorclub.models import User
from donorclub.services import accounts, admin, audit, invitations
from donorclub.services.errors import InvalidInput
from donorclub.services.invitations import InvitationNotUsable
from donorclub.services.passwords import verify_password

NEW_PASSWORD = "a fresh donor secret"


@pytest.fixture
def invited(world):
    """A member login created by invitation (no password yet) and its link."""
    world.member_b.email = "emma@example.org"
    db.session.commit()
    return admin.invite_member_login(world.admin, world.club_b, member_no="0001")


def at(monkeypatch, seconds_from_now: int) -> None:
    """Make itsdangerous read the clock `seconds_from_now` in the future."""
    moment = int(time.time()) + seconds_from_now
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: moment)


def refused(token: str) -> InvitationNotUsable:
    with pytest.raises(InvitationNotUsable) as caught:
        invitations.read_invitation(token)
    return caught.value


def test_a_fresh_link_names_its_account(invited):
    assert invitations.read_invitation(invited.token).email == "emma@example.org"


def test_accepting_sets_the_password_and_the_login_reaches_the_member(world, invited):
    user = invitations.accept_invitation(invited.token, NEW_PASSWORD)
    db.session.expire_all()
    stored = db.session.get(User, user.id)
    assert verify_password(stored.password_hash, NEW_PASSWORD)
    assert stored.member_id == world.member_b.id and stored.last_login_at is not None
    assert accounts.authenticate("emma@example.org", NEW_PASSWORD).id == user.id
    accepted = [e for e in audit.history("users", user.id) if e.action == "invitation_accept"]
    assert accepted[0].actor_id == user.id and accepted[0].club_id == world.club_b.id


def test_a_link_works_only_once(invited):
    invitations.accept_invitation(invited.token, NEW_PASSWORD)
    assert refused(invited.token).status == 410
    with pytest.raises(InvitationNotUsable):
        invitations.accept_invitation(invited.token, "another password 123")
    db.session.expire_all()
    user = accounts.find_user_by_email("emma@example.org")
    assert verify_password(user.password_hash, NEW_PASSWORD)


def test_every_earlier_link_is_spent_when_one_is_used(world, invited):
    second = admin.renew_invitation(world.admin, invited.user)
    invitations.accept_invitation(second.token, NEW_PASSWORD)
    assert refused(invited.token).status == 410


def test_a_link_works_until_seven_days_have_passed(monkeypatch, invited):
    at(monkeypatch, int(invitations.VALID_FOR.total_seconds()) - 60)
    assert invitations.read_invitation(invited.token).email == "emma@example.org"
    at(monkeypatch, int(invitations.VALID_FOR.total_seconds()) + 1)
    problem = refused(invited.token)
    assert problem.status == 410 and "expired" in problem.message


def test_an_expired_link_sets_nothing(monkeypatch, invited):
    at(monkeypatch, 8 * 24 * 3600)
    with pytest.raises(InvitationNotUsable):
        invitations.accept_invitation(invited.token, NEW_PASSWORD)
    db.session.expire_all()
    assert accounts.find_user_by_email("emma@example.org").password_hash is None


@pytest.mark.parametrize("tamper", [
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # the signature
    lambda t: "x" + t,                                            # the payload
    lambda t: t.split(".")[0],                                    # no signature at all
    lambda t: "not-a-token",
])
def test_a_tampered_link_is_refused(invited, tamper):
    problem = refused(tamper(invited.token))
    assert problem.status == 400 and "not valid" in problem.message


def test_a_link_signed_with_another_key_or_purpose_is_refused(app, invited):
    fingerprint = invited.user.password_fingerprint
    payload = [invited.user.id, fingerprint]
    other_key = URLSafeTimedSerializer("another secret key", salt="donorclub.invitation")
    other_salt = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="something else")
    assert refused(other_key.dumps(payload)).status == 400
    assert refused(other_salt.dumps(payload)).status == 400


def test_a_link_for_an_account_that_does_not_exist_is_refused(app):
    token = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="donorclub.invitation").dumps(
        [424242, "0" * 16])
    assert refused(token).status == 400


def test_a_weak_password_is_refused_and_the_link_stays_good(invited):
    with pytest.raises(InvalidInput) as caught:
        invitations.accept_invitation(invited.token, "short")
    assert "password" in caught.value.fields
    db.session.expire_all()
    assert accounts.find_user_by_email("emma@example.org").password_hash is None
    assert invitations.read_invitation(invited.token).email == "emma@example.org"


def test_a_deactivated_account_cannot_accept(world, invited):
    admin.deactivate_user(world.admin, invited.user)
    assert refused(invited.token).status == 410


def test_a_link_for_an_account_that_has_a_password_is_already_spent(world):
    token = invitations.issue(world.coordinator_a).token
    assert invitations.read_invitation(token).role == Role.COORDINATOR
    accounts.change_password(world.coordinator_a, "correct horse battery", NEW_PASSWORD)
    assert refused(token).status == 410
