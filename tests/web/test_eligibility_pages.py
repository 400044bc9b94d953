"""The member page's eligibility panel, recording donations under the rules, the rules pages."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from donorclub.domain.enums import DonationKind
from donorclub.extensions import db
from donorclub.models import AuditEvent, Donation
from donorclub.models.types import utcnow

from .. import factories


def member_url(world):
    return f"/clubs/club-a/members/{world.member_a.id}"


def donation_form(**overrides):
    data = {"donated_on": date.today().isoformat(), "kind": "whole_blood", "volume_ml": "400",
            "therapeutic_units": "", "site": "Central station", "blood_centre_certificate_no": "",
            "override_reason": ""}
    data.update(overrides)
    return data


def donations_of(member):
    return db.session.scalars(sa.select(Donation).where(Donation.member_id == member.id)).all()


def test_member_page_shows_each_kind_with_next_date_and_reason(signed_in, world):
    last = date.today() - timedelta(days=30)
    factories.make_donation(world.member_a, last, volume_ml=400)
    db.session.commit()
    page = signed_in("coordinator_a").get(member_url(world)).get_data(as_text=True)
    assert "When can they donate?" in page
    assert "Whole blood" in page and "Platelets" in page
    assert "6 months after the whole blood donation on" in page
    assert "3 months after the whole blood donation on" in page
    assert 'href="/rules/cn"' in page


def test_voided_donation_does_not_delay_the_next_date(signed_in, world):
    voided = factories.make_donation(world.member_a, date.today() - timedelta(days=10))
    voided.voided_at, voided.void_reason = utcnow(), "Wrong member"
    db.session.commit()
    page = signed_in("coordinator_a").get(member_url(world)).get_data(as_text=True)
    assert page.count("Eligible today") == 2


def test_recording_an_allowed_donation(signed_in, world):
    client = signed_in("coordinator_a")
    response = client.post(member_url(world) + "/donations/", data=donation_form())
    assert response.status_code == 302
    [donation] = donations_of(world.member_a)
    assert donation.kind == DonationKind.WHOLE_BLOOD and donation.volume_ml == 400
    assert donation.recorded_by_id == world.coordinator_a.id and donation.override_reason is None
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.entity_type == "donations"))
    assert event.actor_id == world.coordinator_a.id and event.after["volume_ml"] == 400


def test_a_donation_the_rules_forbid_is_refused_with_the_reasons(signed_in, world):
    factories.make_donation(world.member_a, date.today() - timedelta(days=30))
    db.session.commit()
    response = signed_in("coordinator_a").post(member_url(world) + "/donations/",
                                               data=donation_form())
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "The rules do not allow this donation" in page
    assert "6 months after the whole blood donation on" in page
    assert len(donations_of(world.member_a)) == 1


def test_an_override_reason_records_it_and_audits_what_was_overridden(signed_in, world):
    factories.make_donation(world.member_a, date.today() - timedelta(days=30))
    db.session.commit()
    response = signed_in("coordinator_a").post(
        member_url(world) + "/donations/",
        data=donation_form(override="y",
                           override_reason="Therapeutic collection approved by Dr. Li"))
    assert response.status_code == 302
    newest = max(donations_of(world.member_a), key=lambda d: d.id)
    assert newest.override_reason == "Therapeutic collection approved by Dr. Li"
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.entity_id == newest.id,
                                                           AuditEvent.entity_type == "donations")
                               ).one()
    assert event.after["overridden_reasons"] == ["interval"]


@pytest.mark.parametrize(
    ("overrides", "field_message"),
    [
        ({"donated_on": (date.today() + timedelta(days=1)).isoformat()}, "cannot be in the future"),
        ({"volume_ml": "0"}, "Number must be"),
        ({"kind": "plasma"}, "Not a valid choice"),  # China's rule set has no plasma
        ({"donated_on": "yesterday"}, "Not a valid date value"),
    ],
)
def test_bad_donation_input_changes_nothing(signed_in, world, overrides, field_message):
    response = signed_in("coordinator_a").post(member_url(world) + "/donations/",
                                               data=donation_form(**overrides))
    assert response.status_code == 422
    assert field_message in response.get_data(as_text=True)
    assert donations_of(world.member_a) == []


def test_an_override_needs_both_the_tick_and_the_reason(signed_in, world):
    factories.make_donation(world.member_a, date.today() - timedelta(days=30))
    db.session.commit()
    client = signed_in("coordinator_a")
    no_reason = client.post(member_url(world) + "/donations/", data=donation_form(override="y"))
    assert no_reason.status_code == 422
    assert "write why the donation is recorded anyway" in no_reason.get_data(as_text=True)
    no_tick = client.post(member_url(world) + "/donations/",
                          data=donation_form(override_reason="Approved"))
    assert no_tick.status_code == 422
    assert len(donations_of(world.member_a)) == 1


def test_a_volume_the_rule_set_does_not_allow_is_refused(signed_in, world):
    response = signed_in("coordinator_a").post(member_url(world) + "/donations/",
                                               data=donation_form(volume_ml="450"))
    assert response.status_code == 409
    assert "The volume must be one of 200, 300, 400 ml." in response.get_data(as_text=True)
    assert donations_of(world.member_a) == []


@pytest.mark.parametrize("who", ["coordinator_b", "member_user"])
def test_others_cannot_record_donations_for_the_member(signed_in, world, who):
    response = signed_in(who).post(member_url(world) + "/donations/", data=donation_form())
    assert response.status_code == 404
    assert donations_of(world.member_a) == []


def test_recording_needs_a_login(client, world):
    response = client.post(member_url(world) + "/donations/", data=donation_form())
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert donations_of(world.member_a) == []


@pytest.mark.parametrize("code", ["cn", "cn-draft-2025", "us", "uk"])
def test_rules_pages_are_public_and_show_sources(client, code):
    page = client.get(f"/rules/{code}").get_data(as_text=True)
    assert 'id="source-' in page and "Waiting times between donations" in page
    assert f'href="/rules/{code}"' in client.get("/rules/").get_data(as_text=True)


def test_china_rules_page_shows_the_numbers(client):
    page = client.get("/rules/cn").get_data(as_text=True)
    assert "6 months" in page and "2 weeks" in page and "4 weeks" in page
    assert "200, 300, 400 ml" in page
    assert "first-time donors up to 55, repeat donors up to 60" in page
    assert "Unconfirmed:" in page


def test_draft_rules_say_they_are_not_in_force(client):
    page = client.get("/rules/cn-draft-2025").get_data(as_text=True)
    assert "Not in force." in page and "90 days" in page


def test_uk_rules_show_the_interval_by_sex(client):
    assert "women 16 weeks, men 12 weeks" in client.get("/rules/uk").get_data(as_text=True)


def test_unknown_rule_set_is_404(client):
    assert client.get("/rules/mars").status_code == 404


def test_rules_pages_show_the_summary_and_notes_in_the_readers_language(app, client):
    rule_sets = app.extensions["donorclub.rule_sets"]
    cn = rule_sets["cn"]
    note = cn.kind_rules["platelets"]
    english_note = "The standard gives platelet doses in therapeutic units, not millilitres."
    chinese_note = "标准以治疗量而不是毫升规定单采血小板的采集量。"
    assert english_note in note.unconfirmed and chinese_note in note.unconfirmed_zh
    english = client.get("/rules/cn").get_data(as_text=True)
    assert english_note in english and chinese_note not in english
    assert cn.summary.split(":")[0] in english and cn.summary_zh not in english

    client.post("/language", data={"locale": "zh_Hans", "next": "/"})
    chinese = client.get("/rules/cn").get_data(as_text=True)
    assert chinese_note in chinese and english_note not in chinese
    assert "待核实：" in chinese and cn.summary_zh in chinese
    index = client.get("/rules/").get_data(as_text=True)
    assert cn.summary_zh in index and rule_sets["uk"].summary_zh in index
