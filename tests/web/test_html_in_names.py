"""Names holding markup are text everywhere: escaped on every page that shows them, and printed
as written (not parsed as reportlab's mini-HTML) in the certificate, member card and
nomination PDFs."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from donorclub.domain.enums import AuditAction
from donorclub.domain.national_awards import cycle_bounds
from donorclub.domain.serials import new_serial
from donorclub.extensions import db
from donorclub.models import Certificate
from donorclub.services import audit, member_links
from donorclub.services.nominations import default_cycle, national_rules

from .. import factories
from ..conftest import sign_in

MEMBER = "<script>alert(1)</script> & <b>x</b>"
CLUB = "<i>c</i>"
ESCAPED_MEMBER = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;x&lt;/b&gt;"
ESCAPED_CLUB = "&lt;i&gt;c&lt;/i&gt;"


@pytest.fixture
def marked_up(world) -> dict:
    """Club A and its member (with the member login) named in markup, with a certificate,
    a status link, an audit event naming them and donations enough for a national award."""
    club, member = world.club_a, world.member_a
    club.name, member.full_name, member.consent_public_verification = CLUB, MEMBER, True
    member.status_nonce = "1" * 32
    cycle = default_cycle(club, date.today())
    start, _end = cycle_bounds(cycle, national_rules(club))
    factories.make_donations(member, [start + timedelta(days=60 * n) for n in range(10)])
    certificate = Certificate(serial=new_serial(), member_id=member.id, award_code="donations-1",
                              title="1 donation", language="en", reached_on=start,
                              figures={"count": 1}, issued_on=start)
    db.session.add(certificate)
    audit.record(world.coordinator_a, AuditAction.UPDATE, member,
                 before={"full_name": "Ann"}, after={"full_name": MEMBER}, club_id=club.id)
    db.session.commit()
    return {"member": member.id, "serial": certificate.serial, "cycle": cycle,
            "status": member_links.token_for(member, "status")}


# (who looks, the page, whether it names the member in full: the verify page may mask it)
PAGES = [
    ("coordinator_a", "/clubs/club-a/members/", True),
    ("coordinator_a", "/clubs/club-a/members/?q=script", True),
    ("coordinator_a", "/clubs/club-a/members/{member}", True),
    ("coordinator_a", "/", False),
    ("coordinator_a", "/clubs/club-a/dashboard", False),
    ("coordinator_a", "/clubs/club-a/eligible", True),
    ("coordinator_a", "/clubs/club-a/audit", True),
    ("coordinator_a", "/clubs/club-a/certificates/", True),
    ("coordinator_a", "/clubs/club-a/certificates/{serial}", True),
    ("coordinator_a", "/clubs/club-a/nominations/?cycle={cycle}", True),
    ("admin", "/admin/clubs/club-a", False),
    ("member_user", "/me/", True),
    (None, "/verify/{serial}", True),
    (None, "/s/{status}", False),
]
PDFS = [
    ("coordinator_a", "/clubs/club-a/certificates/{serial}/certificate.pdf"),
    ("coordinator_a", "/clubs/club-a/members/{member}/card.pdf"),
    ("coordinator_a", "/clubs/club-a/nominations/nominations.pdf?cycle={cycle}"),
    ("member_user", "/me/certificates/{serial}.pdf"),
]


def client_for(app, world, who):
    client = app.test_client()
    if who is not None:
        assert sign_in(client, getattr(world, who).email).status_code == 302
    return client


def test_markup_in_names_is_escaped_on_every_page(app, world, marked_up):
    failures = []
    for who, page, names_member in PAGES:
        response = client_for(app, world, who).get(page.format(**marked_up))
        html = response.get_data(as_text=True)
        shown = [response.status_code == 200,
                 "<script>alert" not in html, "<b>x</b>" not in html, CLUB not in html,
                 ESCAPED_CLUB in html, not names_member or ESCAPED_MEMBER in html]
        if not all(shown):
            failures.append(f"{page} as {who}: {shown}")
    assert not failures, "\n".join(failures)


def test_markup_in_names_is_printed_as_written_in_pdfs(app, world, marked_up):
    failures = []
    for who, url in PDFS:
        response = client_for(app, world, who).get(url.format(**marked_up))
        assert response.status_code == 200, url
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
        flat = re.sub(r"\s+", "", text)
        if re.sub(r"\s+", "", MEMBER) not in flat or CLUB not in flat:
            failures.append(f"{url}: {text[:300]!r}")
    assert not failures, "\n".join(failures)
