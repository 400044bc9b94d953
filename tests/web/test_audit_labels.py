"""The audit log names what changed in words, and shows values as people read them."""
from datetime import UTC, date, datetime

import pytest

import donorclub.models  # noqa: F401  (every model mapped)
from donorclub.extensions import db
from donorclub.services import audit
from donorclub.web.audit import presentation
from donorclub.web.audit.presentation import field_label, field_value

from .. import factories
from .test_audit_page import event

# Keys the snapshot never writes (secrets, derived columns) and tables that are not audited.
NOT_IN_SNAPSHOTS = audit._SECRET_COLUMNS | audit._DERIVED_COLUMNS
NOT_AUDITED = {"audit_events"}


def audited_columns():
    for mapper in db.Model.registry.mappers:
        table = mapper.local_table.name
        if table in NOT_AUDITED:
            continue
        for column in mapper.column_attrs:
            if column.key not in NOT_IN_SNAPSHOTS:
                yield table, column.key


def test_every_column_of_an_audited_model_has_a_label():
    columns = list(audited_columns())
    assert ("donations", "volume_ml") in columns and ("members", "consent_contact") in columns
    missing = [(table, key) for table, key in columns
               if key not in presentation.FIELDS
               and (table, key) not in presentation.FIELD_OVERRIDES]
    assert not missing, ("columns with no label in donorclub/web/audit/presentation.py "
                         f"FIELDS: {missing}")


def test_overrides_name_real_columns():
    columns = set(audited_columns())
    assert set(presentation.FIELD_OVERRIDES) <= columns
    assert set(presentation.VALUE_OVERRIDES) <= columns


def test_unknown_keys_are_shown_as_they_are(app):
    with app.test_request_context():
        assert field_label("members", "a_column_from_next_year") == "a_column_from_next_year"
        assert field_label("no_such_table", "volume_ml") == "Volume (ml)"
        assert field_label("members", "status") == "Status"
        assert field_label("referrals", "status") == "Stage"
        assert field_label("drives", "kind") == "Kind of drive"


@pytest.mark.parametrize(
    ("entity", "key", "value", "shown"),
    [("members", "notes", None, None),
     ("members", "notes", "", None),
     ("members", "consent_contact", True, "Yes"),
     ("members", "consent_contact", False, "No"),
     ("members", "status", "left", "Left the club"),
     ("members", "sex", "female", "Female"),
     ("members", "blood_group", "O+", "O+"),
     ("members", "date_of_birth", "1985-03-02", "2 March 1985"),
     ("members", "locale", "zh_Hans", "中文"),
     ("members", "notes", "active", "active"),  # a note is not a code
     ("members", "notes", "2025-99-99", "2025-99-99"),  # looks like a date, is not one
     ("members", "status_link", "reissued", "Replaced"),
     ("donations", "kind", "double_red", "Double red cells"),
     ("donations", "member_id", 42, "42"),
     ("donations", "volume_ml", 400, "400"),
     ("donations", "recorded_at", "2025-03-02T08:00:00+00:00", "2025-03-02T08:00:00+00:00"),
     ("donations", "overridden_reasons", ["interval", "annual_cap"], "interval, annual_cap"),
     ("deferrals", "kinds", ["platelets", "plasma"], "Platelets, Plasma"),
     ("drives", "kind", "marrow_recruitment", "Marrow registry recruitment"),
     ("referrals", "registry_code", "cmdp", "China Marrow Donor Program"),
     ("referrals", "status", "sampled", "Sample taken"),
     ("referral_events", "product", "pbsc", "Peripheral blood stem cells (PBSC)"),
     ("users", "role", "coordinator", "Coordinator"),
     ("volunteer_services", "role", "member", "member"),  # free text there
     ("volunteer_services", "hours", 2.5, "2.5"),
     ("certificates", "figures", {"donations": 10, "total_ml": 4000},
      '{"donations": 10, "total_ml": 4000}'),
     ("clubs", "milestones", None, None)],
)
def test_values_are_shown_as_people_read_them(app, entity, key, value, shown):
    with app.test_request_context():
        assert field_value(entity, key, value) == shown


@pytest.fixture
def labelled(world):
    donation = factories.make_donation(world.member_a, date(2025, 3, 2), volume_ml=400)
    event(world.coordinator_a, "create", donation, at=datetime(2025, 3, 2, 9, 0, tzinfo=UTC),
          after=audit.snapshot(donation), club_id=world.club_a.id)
    event(world.coordinator_a, "update", world.member_a, at=datetime(2025, 3, 3, 9, 0, tzinfo=UTC),
          before={"status": "active", "consent_contact": False},
          after={"status": "left", "consent_contact": True})
    return donation


def test_club_log_names_the_changes_in_words(signed_in, labelled):
    page = signed_in("coordinator_a").get("/clubs/club-a/audit").get_data(as_text=True)
    for text in ["<dt>Date of the donation</dt>", "<dt>Volume (ml)</dt>",
                 "<dt>Kind of donation</dt>", "<dt>Recorded at</dt>", "<dt>Member</dt>",
                 "<dt>Status</dt>", "<dt>May be contacted</dt>",
                 '<ins class="change-new">2 March 2025</ins>',
                 '<ins class="change-new">Whole blood</ins>',
                 '<del class="change-old">Active</del>',
                 '<ins class="change-new">Left the club</ins>',
                 '<del class="change-old">No</del>', '<ins class="change-new">Yes</ins>',
                 f'<ins class="change-new">{labelled.member_id}</ins>']:
        assert text in page, text
    for key in [*audit.snapshot(labelled), "consent_contact"]:
        assert f"<dt>{key}</dt>" not in page, key
    assert "donated_on" not in page and "volume_ml" not in page


def test_admin_log_names_the_changes_in_words(signed_in, labelled):
    page = signed_in("admin").get("/admin/audit").get_data(as_text=True)
    assert "<dt>Volume (ml)</dt>" in page and "<dt>May be contacted</dt>" in page
    assert "volume_ml" not in page and "consent_contact" not in page


def test_the_log_speaks_chinese(signed_in, labelled):
    client = signed_in("coordinator_a")
    client.post("/language", data={"locale": "zh_Hans", "next": "/"})
    page = client.get("/clubs/club-a/audit").get_data(as_text=True)
    # Labels whose words the catalogue already has (the new ones follow with the catalogue).
    for text in ["<dt>献血量（毫升）</dt>", "<dt>献血日期</dt>", "<dt>献血类型</dt>",
                 "<dt>同意联系</dt>", '<ins class="change-new">全血</ins>',
                 '<ins class="change-new">2025年3月2日</ins>',
                 '<del class="change-old">否</del>', '<ins class="change-new">是</ins>']:
        assert text in page, text
    assert "volume_ml" not in page and "donated_on" not in page


def test_member_page_trail_names_the_changes_in_words(signed_in, world, labelled):
    client = signed_in("coordinator_a")
    page = client.get(f"/clubs/club-a/members/{world.member_a.id}").get_data(as_text=True)
    assert "Status: Active → Left the club" in page
    assert "May be contacted: No → Yes" in page
    assert "consent_contact" not in page
    client.post("/language", data={"locale": "zh_Hans", "next": "/"})
    page = client.get(f"/clubs/club-a/members/{world.member_a.id}").get_data(as_text=True)
    assert "同意联系: 否 → 是" in page


def test_member_page_trail_shows_a_missing_side_as_a_dash(signed_in, world):
    event(world.coordinator_a, "update", world.member_a, at=datetime(2025, 3, 3, 9, 0, tzinfo=UTC),
          before={"email": None, "joined_on": "2020-01-05"}, after={"email": "a@example.org"})
    page = signed_in("coordinator_a").get(
        f"/clubs/club-a/members/{world.member_a.id}").get_data(as_text=True)
    assert "Email: – → a@example.org" in page
    assert "Joined on: 5 January 2020 → –" in page
