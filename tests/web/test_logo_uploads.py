"""Hostile club logos: the file name is never used (no path of it is ever written), the type
comes from the bytes, and what is kept is an image donorclub encoded itself."""
from __future__ import annotations

import io
import struct
import tempfile
import zlib

import pytest
from PIL import Image

from donorclub import create_app
from donorclub.extensions import db
from donorclub.models import AuditEvent, Club
from donorclub.services.certificate_settings import checked_logo
from donorclub.services.errors import InvalidInput


def image_bytes(kind: str = "PNG", size=(30, 20), mode="RGB", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "red" if mode != "1" else 1).save(buffer, kind, **save)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims these dimensions (a decompression bomb's shape)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 1024)) + chunk(b"IEND", b""))


def with_text_chunk(png: bytes, text: bytes) -> bytes:
    """The PNG with a tEXt chunk holding `text` just before its end."""
    chunk = (struct.pack(">I", len(text)) + b"tEXt" + text
             + struct.pack(">I", zlib.crc32(b"tEXt" + text)))
    return png[:-12] + chunk + png[-12:]


@pytest.fixture(scope="module")
def bare_app():
    """An app without a database, for the checks that need none (messages, no queries)."""
    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"ENV_NAME": "testing", "INSTANCE_PATH": instance,
                          "SQLALCHEMY_DATABASE_URI": "sqlite://"})
        with app.test_request_context():
            yield app


SCRIPT = b"<html><script>alert(1)</script></html>"


@pytest.mark.parametrize(("data", "kind"), [
    (image_bytes("PNG"), "image/png"),
    (image_bytes("JPEG"), "image/jpeg"),
    (image_bytes("PNG", mode="P"), "image/png"),
    (image_bytes("PNG", mode="1"), "image/png"),
    (image_bytes("PNG", mode="LA"), "image/png"),
    (image_bytes("PNG") + SCRIPT, "image/png"),  # a polyglot: PNG, then HTML
    (with_text_chunk(image_bytes("PNG"), b"Comment\x00" + SCRIPT), "image/png"),
    (image_bytes("JPEG", comment=SCRIPT), "image/jpeg"),
], ids=["png", "jpeg", "palette", "1-bit", "grey-alpha", "html-appended", "html-in-png-text",
        "html-in-jpeg-comment"])
def test_a_logo_is_kept_as_an_image_we_encoded(bare_app, data, kind):
    kept, mimetype = checked_logo(data)
    assert mimetype == kind
    assert b"<script" not in kept and b"alert" not in kept
    with Image.open(io.BytesIO(kept)) as image:
        assert image.format == kind.split("/")[1].upper() and image.size == (30, 20)


@pytest.mark.parametrize(("data", "message"), [
    (b"<html><script>alert(1)</script></html>", "Choose a PNG or JPEG image."),
    (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "Choose a PNG or JPEG"),
    (b"GIF89a" + b"\x00" * 30, "Choose a PNG or JPEG image."),
    (image_bytes("GIF"), "Choose a PNG or JPEG image."),
    (image_bytes("PNG")[:60], "Choose a PNG or JPEG image."),  # truncated
    (png_claiming(100_000, 100_000), "at most 4000 pixels a side"),  # Pillow's bomb limit
    (png_claiming(4001, 1), "at most 4000 pixels a side"),
    (png_claiming(0, 10), "Choose a PNG or JPEG image."),
    (image_bytes("PNG", size=(4001, 2)), "at most 4000 pixels a side"),
    (image_bytes("PNG") + b"\x00" * (1024 * 1024), "at most 1 MB"),
], ids=["html", "svg", "gif-header", "gif", "truncated", "bomb", "too-wide-header",
        "no-width", "too-wide", "too-many-bytes"])
def test_a_logo_that_is_no_sensible_image_is_refused(bare_app, data, message):
    with pytest.raises(InvalidInput) as refused:
        checked_logo(data)
    assert message in refused.value.fields["logo"]


def files_under(folder) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()}


NAMES = ["../../etc/passwd", "../../logo.png", "logo.png\x00.exe", "/etc/cron.d/logo.png",
         "C:\\Windows\\System32\\logo.png", "..\\..\\logo.png", "logo.PNG.php", ""]


def test_logo_file_names_are_never_used(app, signed_in, world, tmp_path, monkeypatch):
    """Whatever the name, nothing is written outside the instance folder (the logo goes into
    the database), the stored type comes from the bytes, and the logo is served nameless."""
    cwd = tmp_path / "a" / "b" / "cwd"  # where ../../ of a relative name would land: tmp_path
    cwd.mkdir(parents=True)
    monkeypatch.chdir(cwd)
    client = signed_in("admin")
    before = files_under(tmp_path)
    jpeg = image_bytes("JPEG")
    for name in NAMES:
        response = client.post("/clubs/club-a/certificates/settings",
                               data={"logo": (io.BytesIO(jpeg), name)},
                               content_type="multipart/form-data")
        assert response.status_code in (302, 400, 422), (name, response.status_code)
        served = client.get("/clubs/club-a/certificates/logo")
        if response.status_code == 302:
            assert (served.mimetype, served.data[:2]) == ("image/jpeg", b"\xff\xd8"), name
            assert "Content-Disposition" not in served.headers
            assert served.headers["X-Content-Type-Options"] == "nosniff"
    new = {path for path in files_under(tmp_path) - before
           if not path.startswith(("instance/", "test.sqlite3"))}
    assert new == set()
    db.session.expire_all()
    club = db.session.get(Club, world.club_a.id)
    assert club.logo_type == "image/jpeg"  # "logo.png" and others named PNG: sniffed as JPEG
    texts = [repr(event.after) for event in db.session.query(AuditEvent).all()]
    assert not any("passwd" in text or ".exe" in text for text in texts)
