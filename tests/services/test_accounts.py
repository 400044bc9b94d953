"""Account services: creation rules, authentication, tokens and the audit they leave."""
import pytest
import sqlalchemy as sa

from donorclub.domain.enums import Role
from donorclub.extensions import db
from donorclub.models import AuditEvent
from donorclub.services import accounts, audit
from donorclub.services.errors import Conflict, InvalidInput, NotFound
from donorclub.services.passwords import password_problem

from .. import factories


@pytest.mark.parametrize(
    ("password", "ok"),
    [("short", False), ("aaaaaaaaaaaa", False), ("abcabcabcabc", False),
     ("correct horse", True), ("x" * 257, False), ("长城长城长城长城长城", False),
     ("北京上海广州深圳天津", True)],
)
def test_password_policy(app, password, ok):
    assert (password_problem(password) is None) is ok


def test_admin_cannot_be_tied_to_a_club(app):
    factories.make_club("club-a")
    with pytest.raises(InvalidInput):
        accounts.create_user(None, email="a@example.org", role=Role.ADMIN,
                             password="a long password", club_slugs=["club-a"])


def test_unknown_role_is_invalid(app):
    with pytest.raises(InvalidInput):
        accounts.create_user(None, email="a@example.org", role="owner", password="long enough pw")


def test_member_login_for_missing_member_is_not_found(app):
    factories.make_club("club-a")
    with pytest.raises(NotFound):
        accounts.create_user(None, email="a@example.org", role=Role.MEMBER,
                             password="long enough pw", club_slugs=["club-a"], member_no="9")


def test_duplicate_email_conflicts_and_nothing_is_written(app):
    accounts.create_user(None, email="a@example.org", role=Role.ADMIN, password="long enough pw")
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    with pytest.raises(Conflict):
        accounts.create_user(None, email="A@EXAMPLE.ORG", role=Role.ADMIN,
                             password="long enough pw")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == before


def test_create_user_is_audited_with_the_actor(app):
    boss = factories.make_user("boss@example.org", Role.ADMIN)
    user = accounts.create_user(boss, email="new@example.org", role=Role.ADMIN,
                                password="long enough pw")
    [event] = audit.history("users", user.id)
    assert event.actor_id == boss.id and event.action == "create"
    assert event.after["email"] == "new@example.org"
    assert "password_hash" not in event.after


def test_revoked_token_no_longer_authenticates(app):
    from donorclub.models import ApiToken
    from donorclub.models.types import utcnow

    user = factories.make_user("t@example.org", Role.ADMIN)
    token = accounts.issue_api_token(None, user, "script")
    assert accounts.user_for_token(token).id == user.id
    db.session.scalar(sa.select(ApiToken)).revoked_at = utcnow()
    db.session.commit()
    assert accounts.user_for_token(token) is None


def test_token_of_an_inactive_user_is_refused(app):
    user = factories.make_user("t@example.org", Role.ADMIN, active=False)
    token = accounts.issue_api_token(None, user)
    assert accounts.user_for_token(token) is None
