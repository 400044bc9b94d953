"""Downloading one's own data: JSON and a zip of CSV files, named after the club, member and
day; only the signed-in member's own rows; staff and visitors kept out."""
import csv
import io
import json
import zipfile
from datetime import date

import pytest

from donorclub.domain.enums import Role
from donorclub.extensions import db

from .. import factories

TODAY = date.today().isoformat()


@pytest.fixture
def records(world):
    mine = factories.void_row(factories.make_donation(world.member_a, date(2025, 5, 1)),
                              "recorded twice")
    theirs = factories.make_donation(world.member_b, date(2025, 5, 1), volume_ml=470)
    factories.make_user("member-b@example.org", Role.MEMBER, member=world.member_b)
    db.session.commit()
    return {"mine": mine.id, "theirs": theirs.id}


def test_the_json_download_holds_my_voided_donation_and_not_anothers(signed_in, world,
                                                                     records):
    response = signed_in("member_user").get("/me/data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="my-data-club-a-0001-{TODAY}.json"')
    assert "no-store" in response.headers["Cache-Control"]
    document = json.loads(response.data)
    [donation] = document["donations"]
    assert (donation["id"], donation["void_reason"]) == (records["mine"], "recorded twice")
    assert document["profile"]["full_name"] == "王秀英"
    assert "Emma" not in response.get_data(as_text=True)


def test_the_zip_download_opens_as_csv_with_a_bom(signed_in, world, records):
    response = signed_in("member_user").get("/me/data.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert f"my-data-club-a-0001-{TODAY}.zip" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    raw = archive.read("donations.csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["id"] for r in rows] == [str(records["mine"])]
    [profile] = csv.DictReader(io.StringIO(archive.read("profile.csv").decode("utf-8-sig")))
    assert profile["member_no"] == "0001" and profile["club_slug"] == "club-a"


@pytest.mark.parametrize("path", ["/me/data.json", "/me/data.zip"])
def test_another_member_downloads_only_their_own(app, world, records, path):
    from ..conftest import sign_in

    client = app.test_client()
    assert sign_in(client, "member-b@example.org").status_code == 302
    body = client.get(path).data
    if path.endswith(".zip"):
        body = zipfile.ZipFile(io.BytesIO(body)).read("donations.csv")
    text = body.decode("utf-8-sig")
    assert str(records["theirs"]) in text and "recorded twice" not in text
    assert "王秀英" not in text


@pytest.mark.parametrize("role", ["coordinator_a", "coordinator_b", "admin"])
@pytest.mark.parametrize("path", ["/me/data.json", "/me/data.zip"])
def test_staff_accounts_get_404(signed_in, world, role, path):
    assert signed_in(role).get(path).status_code == 404


@pytest.mark.parametrize("path", ["/me/data.json", "/me/data.zip"])
def test_visitors_are_sent_to_sign_in(client, world, path):
    response = client.get(path)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_the_partial_links_both_downloads(app, world):
    from flask import render_template

    with app.test_request_context():
        html = render_template("portal/_data.html", member=world.member_a)
    assert "/me/data.json" in html and "/me/data.zip" in html
    assert "Anshan Steel Donors" in html


def test_the_download_holds_the_messages_sent_to_me_and_not_anothers(signed_in, world):
    from donorclub.domain.enums import MessageKind
    from donorclub.services import message_drafts, outbox

    for person in (world.member_a, world.member_b):
        person.consent_contact, person.email = True, f"{person.member_no}@example.org"
        db.session.flush()
        assert outbox.enqueue(person, message_drafts.draft_for(
            person, MessageKind.ELIGIBLE_AGAIN, kind="whole_blood", since=date(2025, 5, 1)))
    db.session.commit()
    document = json.loads(signed_in("member_user").get("/me/data.json").data)
    [message] = document["messages"]
    assert (message["kind"], message["status"], message["recipient"]) == (
        "eligible_again", "queued", f"{world.member_a.member_no}@example.org")
    assert world.member_a.full_name in message["body"]
    assert world.member_b.full_name not in json.dumps(document, ensure_ascii=False)
    archive = zipfile.ZipFile(io.BytesIO(signed_in("member_user").get("/me/data.zip").data))
    rows = list(csv.DictReader(io.StringIO(archive.read("messages.csv").decode("utf-8-sig"))))
    assert [r["subject"] for r in rows] == [message["subject"]]
