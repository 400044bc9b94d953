"""The `users` and `demo-data` commands."""
import sqlalchemy as sa

from donorclub.extensions import db
from donorclub.models import ApiToken, AuditEvent, Club, Donation, Member, User
from donorclub.services.accounts import hash_token, user_for_token
from donorclub.services.passwords import verify_password

from . import factories


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_create_admin_with_password_from_stdin(runner):
    result = runner.invoke(args=["users", "create", "--email", "Boss@Example.org", "--role",
                                 "admin", "--password-stdin"], input="a long secret pw\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "boss@example.org"))
    assert user.role == "admin"
    assert verify_password(user.password_hash, "a long secret pw")
    assert "a long secret pw" not in result.output
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.entity_type == "users"))
    assert event.action == "create" and "password_hash" not in event.after


def test_create_user_prompts_for_the_password_twice(runner):
    result = runner.invoke(args=["users", "create", "--email", "c@example.org", "--role",
                                 "admin"], input="a long secret pw\na long secret pw\n")
    assert result.exit_code == 0, result.output
    assert "Password" in result.output


def test_password_cannot_be_given_as_an_argument(runner):
    result = runner.invoke(args=["users", "create", "--email", "c@example.org", "--role",
                                 "admin", "--password", "a long secret pw"])
    assert result.exit_code != 0
    assert count(User) == 0


def test_create_coordinator_needs_an_existing_club(runner, app):
    no_club = runner.invoke(args=["users", "create", "--email", "c@example.org", "--role",
                                  "coordinator", "--password-stdin"], input="a long secret pw\n")
    assert no_club.exit_code != 0 and "club" in no_club.output
    unknown = runner.invoke(args=["users", "create", "--email", "c@example.org", "--role",
                                  "coordinator", "--club", "nope", "--password-stdin"],
                            input="a long secret pw\n")
    assert unknown.exit_code != 0 and "nope" in unknown.output
    factories.make_club("club-a")
    db.session.commit()
    ok = runner.invoke(args=["users", "create", "--email", "c@example.org", "--role",
                             "coordinator", "--club", "club-a", "--password-stdin"],
                       input="a long secret pw\n")
    assert ok.exit_code == 0, ok.output
    user = db.session.scalar(sa.select(User).where(User.email == "c@example.org"))
    assert [c.slug for c in user.clubs] == ["club-a"]


def test_create_member_login_links_the_member(runner, app):
    club = factories.make_club("club-a")
    member = factories.make_member(club, "0042")
    db.session.commit()
    result = runner.invoke(args=["users", "create", "--email", "m@example.org", "--role",
                                 "member", "--club", "club-a", "--member-no", "0042",
                                 "--password-stdin"], input="a long secret pw\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "m@example.org"))
    assert user.member_id == member.id
    again = runner.invoke(args=["users", "create", "--email", "m2@example.org", "--role",
                                "member", "--club", "club-a", "--member-no", "0042",
                                "--password-stdin"], input="a long secret pw\n")
    assert again.exit_code != 0 and "already has a login" in again.output


def test_duplicate_email_weak_password_and_bad_email_are_refused(runner):
    args = ["users", "create", "--role", "admin", "--password-stdin", "--email"]
    assert runner.invoke(args=[*args, "a@example.org"], input="a long secret pw\n").exit_code == 0
    duplicate = runner.invoke(args=[*args, "A@example.org"], input="a long secret pw\n")
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output
    weak = runner.invoke(args=[*args, "b@example.org"], input="short\n")
    assert weak.exit_code != 0 and "at least 10 characters" in weak.output
    bad = runner.invoke(args=[*args, "not-an-email"], input="a long secret pw\n")
    assert bad.exit_code != 0
    assert count(User) == 1


def test_token_is_printed_once_and_stored_hashed(runner, app):
    user = factories.make_user("t@example.org", "admin")
    db.session.commit()
    result = runner.invoke(args=["users", "token", "--email", "t@example.org"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert token.startswith("dc_") and len(token) > 40
    stored = db.session.scalar(sa.select(ApiToken))
    assert stored.token_hash == hash_token(token) and token not in stored.token_hash
    assert user_for_token(token).id == user.id
    assert user_for_token(token + "x") is None


def test_token_for_unknown_user_fails(runner, app):
    result = runner.invoke(args=["users", "token", "--email", "ghost@example.org"])
    assert result.exit_code != 0 and "No user" in result.output


def test_demo_data_loads_once_and_prints_logins(runner, app):
    first = runner.invoke(args=["demo-data"])
    assert first.exit_code == 0, first.output
    assert "coordinator.anshan@donorclub.example.org" in first.output
    assert "demo-coordinator-2026" in first.output
    numbers = (count(Club), count(Member), count(Donation), count(User))
    assert numbers[0] == 2 and 50 <= numbers[1] <= 70 and numbers[2] > 300
    second = runner.invoke(args=["demo-data"])
    assert second.exit_code == 0 and "nothing loaded" in second.output
    assert (count(Club), count(Member), count(Donation), count(User)) == numbers
    assert "coordinator.anshan@donorclub.example.org" in second.output


def test_demo_data_if_empty_leaves_a_real_installation_alone(runner, app):
    factories.make_club("real-club")
    db.session.commit()
    result = runner.invoke(args=["demo-data", "--if-empty"])
    assert result.exit_code == 0
    assert count(Club) == 1 and count(Member) == 0


def test_demo_data_has_both_rule_sets_and_varied_history(runner, app):
    runner.invoke(args=["demo-data"])
    assert set(db.session.scalars(sa.select(Club.rule_set))) == {"cn", "us"}
    kinds = set(db.session.scalars(sa.select(Donation.kind).distinct()))
    assert {"whole_blood", "platelets"} <= {k.value for k in kinds}
    span = db.session.execute(
        sa.select(sa.func.min(Donation.donated_on), sa.func.max(Donation.donated_on))).one()
    assert (span[1] - span[0]).days > 2 * 365


def test_demo_data_refuses_production(make_app):
    app = make_app(ENV_NAME="production", SECRET_KEY="p" * 48)
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code != 0 and "production" in result.output
