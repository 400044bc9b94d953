"""Which language a page comes in, and the switcher that changes it."""
from datetime import date

import pytest
import sqlalchemy as sa

from donorclub.domain.enums import AuditAction
from donorclub.extensions import db
from donorclub.models import AuditEvent, Member, User

from .. import factories
from ..conftest import sign_in


def page_language(response) -> str:
    text = response.get_data(as_text=True)
    return text.split('<html lang="', 1)[1].split('"', 1)[0]


def choose(client, locale, next_url="/auth/login"):
    return client.post("/language", data={"locale": locale, "next": next_url})


def test_visitors_get_the_browsers_language(client):
    chinese = client.get("/auth/login", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    english = client.get("/auth/login", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert page_language(chinese) == "zh-Hans" and "登录" in chinese.get_data(as_text=True)
    assert page_language(english) == "en" and "Sign in" in english.get_data(as_text=True)


def test_a_browser_asking_for_neither_language_gets_english(client):
    assert page_language(client.get("/auth/login", headers={"Accept-Language": "fr"})) == "en"


def test_the_switcher_is_on_every_page_and_marks_the_current_language(client):
    text = client.get("/rules/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'action="/language"' in text
    assert 'value="zh_Hans"\n                    lang="zh-Hans">中文</button>' in text
    assert 'lang="en" aria-current="true">English</button>' in text


def test_a_visitors_choice_holds_for_the_session_and_returns_to_the_page(client):
    response = choose(client, "zh_Hans", "/rules/cn?x=1")
    assert response.status_code == 303 and response.headers["Location"] == "/rules/cn?x=1"
    page = client.get("/rules/", headers={"Accept-Language": "en"})
    assert page_language(page) == "zh-Hans"
    assert "中国" in page.get_data(as_text=True)  # the rule set's own Chinese name


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil"])
def test_the_switcher_never_sends_anyone_off_site(client, target):
    response = choose(client, "en", target)
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_an_unknown_language_is_refused_and_changes_nothing(client, signed_in, world):
    member_client = signed_in("member_user")
    events = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    response = choose(member_client, "fr")
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Member, world.member_a.id).locale is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == events


def test_staff_choice_is_remembered_on_their_account_and_audited(app, signed_in, world):
    client = signed_in("coordinator_a")
    assert choose(client, "zh_Hans", "/").status_code == 303
    db.session.expire_all()
    coordinator = db.session.get(User, world.coordinator_a.id)
    assert coordinator.locale == "zh_Hans"
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == AuditAction.UPDATE, AuditEvent.entity_type == "users")).one()
    assert (event.before, event.after) == ({"locale": None}, {"locale": "zh_Hans"})
    # A new browser, English by its own setting: the account's choice wins after sign-in.
    fresh = app.test_client()
    sign_in(fresh, world.coordinator_a.email)
    page = fresh.get("/rules/", headers={"Accept-Language": "en"})
    assert page_language(page) == "zh-Hans"


def test_a_members_choice_goes_on_their_record_so_certificates_follow(signed_in, world):
    client = signed_in("member_user")
    choose(client, "zh_Hans", "/me/")
    db.session.expire_all()
    assert db.session.get(Member, world.member_a.id).locale == "zh_Hans"
    assert db.session.get(User, world.member_user.id).locale is None


def test_the_clubs_language_applies_until_someone_chooses(app, world):
    world.club_a.locale = "zh_Hans"
    db.session.commit()
    client = app.test_client()
    sign_in(client, world.coordinator_a.email)
    home = client.get("/", headers={"Accept-Language": "en"}, follow_redirects=True)
    assert page_language(home) == "zh-Hans"
    member = app.test_client()
    sign_in(member, world.member_user.email)
    assert page_language(member.get("/me/", headers={"Accept-Language": "en"})) == "zh-Hans"


def test_the_language_chosen_before_signing_in_survives_sign_in_and_out(app, world):
    client = app.test_client()
    choose(client, "zh_Hans")
    sign_in(client, world.coordinator_a.email)
    home = client.get("/", headers={"Accept-Language": "en"}, follow_redirects=True)
    assert page_language(home) == "zh-Hans"
    client.post("/auth/logout")
    assert page_language(client.get("/auth/login",
                                    headers={"Accept-Language": "en"})) == "zh-Hans"


def test_the_switcher_needs_the_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    response = app.test_client().post("/language", data={"locale": "zh_Hans", "next": "/"})
    assert response.status_code == 400


def test_dates_numbers_and_volumes_follow_the_language(app, signed_in, world):
    factories.make_donations(world.member_a, [date(2026, 7, 10)], volume_ml=400)
    db.session.commit()
    client = signed_in("member_user")
    choose(client, "en", "/me/")
    english = client.get("/me/").get_data(as_text=True)
    choose(client, "zh_Hans", "/me/")
    chinese = client.get("/me/").get_data(as_text=True)
    assert "10 July 2026" in english and "2026年7月10日" in chinese
    assert "400" in english and "Whole blood (ml)" in english
    assert "全血（毫升）" in chinese


def test_rule_pages_give_volumes_and_weights_in_the_language(client):
    choose(client, "zh_Hans")
    chinese = client.get("/rules/cn").get_data(as_text=True)
    choose(client, "en")
    english = client.get("/rules/cn").get_data(as_text=True)
    assert "200, 300, 400毫升" in chinese and "200, 300, 400 ml" in english
    assert "公斤" in chinese and " kg" in english


def test_the_member_list_sorts_chinese_names_by_pinyin(signed_in, world):
    for number, name in (("0002", "张伟"), ("0003", "蔡文"), ("0004", "李明"), ("0005", "林"),
                         ("0006", "单田芳")):
        factories.make_member(world.club_a, number, name)
    db.session.commit()
    client = signed_in("coordinator_a")
    text = client.get(f"/clubs/{world.club_a.slug}/members/?sort=name").get_data(as_text=True)
    order = sorted(("王秀英", "张伟", "蔡文", "李明", "林", "单田芳"), key=text.index)
    # cai, li, lin, shan (单 as a surname), wang, zhang
    assert order == ["蔡文", "李明", "林", "单田芳", "王秀英", "张伟"]
