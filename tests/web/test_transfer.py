"""The import and export pages: upload, dry-run report, confirm, downloads, and who may use them."""
import io
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from donorclub.extensions import db
from donorclub.models import AuditEvent, Donation, Member
from donorclub.services.transfer import importing

GOOD = ("会员编号,献血日期,类型,献血量\n0001,2024-03-01,全血,400\n0001,2024/9/1,血浆,300\n")
BAD = GOOD + "0001,2024-13-01,全血,400\n9999,2024-03-02,全血,400\n"


def upload(client, content, *, table="donations", name="history.csv", **extra):
    data = content.encode() if isinstance(content, str) else content
    return client.post("/clubs/club-a/import", data={
        "table": table, "file": (io.BytesIO(data), name), **extra},
        content_type="multipart/form-data")


def donations_count(world) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Donation)
                             .join(Member).where(Member.club_id == world.club_a.id))


def stored_uploads(app) -> list[Path]:
    folder = Path(app.instance_path) / "imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def token_of(page: str) -> str:
    marker = 'name="token" type="hidden" value="'
    start = page.index(marker) + len(marker)
    return page[start:start + 32]


def test_upload_page_offers_templates_in_both_languages(signed_in):
    page = signed_in("coordinator_a").get("/clubs/club-a/import").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert "/clubs/club-a/import/template?table=donations&amp;fmt=xlsx&amp;lang=zh" in page
    assert "/clubs/club-a/import/template?table=members&amp;fmt=csv" in page


def test_dry_run_report_then_confirm_imports_and_removes_the_file(app, signed_in, world):
    client = signed_in("coordinator_a")
    response = upload(client, GOOD)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Check before importing" in page
    assert '<dd class="import-created">2</dd>' in page
    assert donations_count(world) == 0 and len(stored_uploads(app)) == 1
    response = client.post("/clubs/club-a/import/confirm",
                           data={"token": token_of(page), "table": "donations"})
    assert response.status_code == 302
    assert donations_count(world) == 2 and stored_uploads(app) == []
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Imported: 2 created, 0 updated, 0 already stored." in follow
    actors = db.session.scalars(sa.select(AuditEvent.actor_id)
                                .where(AuditEvent.entity_type == "donations")).all()
    assert actors == [world.coordinator_a.id] * 2


def test_bad_rows_are_listed_and_block_the_import_until_excluded(signed_in, world):
    client = signed_in("coordinator_a")
    page = upload(client, BAD).get_data(as_text=True)
    assert "<td class=\"num\">4</td><td>donated_on: 2024-13-01 is not a date" in page
    assert "<td class=\"num\">5</td><td>unknown member number 9999</td>" in page
    token = token_of(page)
    refused = client.post("/clubs/club-a/import/confirm",
                          data={"token": token, "table": "donations"})
    assert refused.status_code == 422 and donations_count(world) == 0
    done = client.post("/clubs/club-a/import/confirm",
                       data={"token": token, "table": "donations", "exclude_bad_rows": "y"})
    assert done.status_code == 302 and donations_count(world) == 2


@pytest.mark.parametrize("content, name, message", [
    (b"", "empty.csv", "The file is empty."),
    ("member_no,site\n0001,x\n", "cols.csv", "Required columns are missing: donated_on"),
    ("x,caf\xe9,\n".encode("latin-1"), "latin.csv", "neither UTF-8 nor GBK"),
    (b"\x00\x01\x02binary", "blob.csv", "not a text file"),
])
def test_unusable_files_come_back_with_the_reason(app, signed_in, world, content, name, message):
    response = upload(signed_in("coordinator_a"), content, name=name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert stored_uploads(app) == [] and donations_count(world) == 0


def test_a_file_over_the_limit_answers_413(signed_in, world, monkeypatch):
    monkeypatch.setattr(importing, "MAX_UPLOAD_BYTES", 100)
    monkeypatch.setattr("donorclub.web.transfer.views.MAX_UPLOAD_BYTES", 100)
    response = upload(signed_in("coordinator_a"), GOOD * 5)
    assert response.status_code == 413
    assert "larger than" in response.get_data(as_text=True)
    assert donations_count(world) == 0


def test_confirm_with_an_unknown_token_changes_nothing(signed_in, world):
    client = signed_in("coordinator_a")
    response = client.post("/clubs/club-a/import/confirm",
                           data={"token": "0" * 32, "table": "donations"})
    assert response.status_code == 302 and donations_count(world) == 0
    assert "upload it again" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_another_clubs_staff_cannot_confirm_an_upload(app, signed_in, world):
    token = token_of(upload(signed_in("coordinator_a"), GOOD).get_data(as_text=True))
    other = signed_in("coordinator_b")
    response = other.post("/clubs/club-a/import/confirm", data={"token": token,
                                                                "table": "donations"})
    assert response.status_code == 404 and donations_count(world) == 0
    response = other.post("/clubs/club-b/import/confirm", data={"token": token,
                                                                "table": "donations"})
    assert response.status_code == 302 and len(stored_uploads(app)) == 1


def test_export_downloads_xlsx_with_a_sheet_per_table(signed_in, world):
    client = signed_in("coordinator_a")
    assert client.get("/clubs/club-a/export").status_code == 200
    response = client.get("/clubs/club-a/export?table=all&format=xlsx&lang=en")
    assert response.status_code == 200
    assert 'filename="club-a-all.xlsx"' in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["members", "donations", "deferrals", "referrals", "hours"]
    assert [c.value for c in book["members"][2]][:2] == ["0001", "王秀英"]


def test_export_csv_for_a_range_and_refuses_bad_choices(signed_in):
    client = signed_in("coordinator_a")
    response = client.get("/clubs/club-a/export?table=donations&format=csv"
                          "&date_from=2024-01-01&date_to=2024-12-31&lang=zh")
    assert response.status_code == 200 and response.data.startswith("\ufeff会员编号".encode())
    assert client.get("/clubs/club-a/export?table=all&format=csv&lang=en").status_code == 422


def test_export_headers_follow_the_page_language_unless_chosen(signed_in):
    client = signed_in("coordinator_a")
    url = "/clubs/club-a/export?table=members&format=csv"
    assert client.get(url).data.startswith("\ufeffmember_no".encode())
    client.post("/language", data={"locale": "zh_Hans", "next": "/"})
    assert client.get(url).data.startswith("\ufeff会员编号".encode())
    page = client.get("/clubs/club-a/export").get_data(as_text=True)
    assert '<option selected value="zh">' in page
    assert client.get(url + "&lang=en").data.startswith("\ufeffmember_no".encode())


def test_template_download(signed_in):
    response = signed_in("coordinator_a").get("/clubs/club-a/import/template"
                                              "?table=members&fmt=csv&lang=zh")
    assert response.data.decode("utf-8-sig").startswith("会员编号,姓名,性别")
    missing = signed_in("coordinator_a").get("/clubs/club-a/import/template?table=x&fmt=csv")
    assert missing.status_code == 404


@pytest.mark.parametrize("who", ["coordinator_b", "member_user"])
@pytest.mark.parametrize("url", ["/clubs/club-a/import", "/clubs/club-a/export",
                                 "/clubs/club-a/import/template?table=members&fmt=csv"])
def test_only_the_clubs_staff_reach_the_pages(signed_in, who, url):
    assert signed_in(who).get(url).status_code == 404


def test_admin_may_import_into_any_club(signed_in):
    assert signed_in("admin").get("/clubs/club-b/import").status_code == 200


def test_visitors_are_sent_to_log_in(client, world):
    response = client.get("/clubs/club-a/import")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
