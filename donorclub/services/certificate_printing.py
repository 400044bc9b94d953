"""Turning certificate rows into print-ready PDF: the words, the club's look, the QR target."""
from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import gettext as _

from ..domain.awards import parse_award_code
from ..extensions import db
from ..models import Certificate, Club, User
from ..pdf.certificate import CertificateLabels, CertificatePage, render_certificates
from ..pdf.fonts import FontNotFound, Fonts, load_fonts
from . import certificate_text as text
from . import certificates as issuing
from .errors import InvalidInput
from .recognition import club_plan
from .rules import rule_set_for
from .verification import verify_url


def fonts() -> Fonts:
    """The fonts certificates are printed with; the CJK font from CERTIFICATE_CJK_FONT when
    set, else found in the usual system places (see docs/certificates.md). A configured font
    that cannot be used is logged as an error and the usual places are searched instead, so a
    wrong setting never stops a club from printing."""
    configured = current_app.config.get("CERTIFICATE_CJK_FONT") or None
    try:
        return load_fonts(configured)
    except FontNotFound as error:
        current_app.logger.error("CERTIFICATE_CJK_FONT is unusable: %s", error)
        return load_fonts(None)


class _ClubLook:
    """What every certificate of one club shares, loaded once per batch."""

    def __init__(self, club: Club):
        plan = club_plan(club)
        self.name = club.name
        self.logo = club.logo
        self.signatory_name = club.signatory_name
        self.signatory_title = club.signatory_title
        self.gallon = plan.gallon
        self.word = text.counting_word(rule_set_for(club).code, plan.gallon)


def page_for(certificate: Certificate, look: _ClubLook | None = None) -> CertificatePage:
    member = certificate.member
    look = look or _ClubLook(member.club)
    language = certificate.language if certificate.language in text.LANGUAGES else "zh_Hans"
    milestone = parse_award_code(certificate.award_code)
    return CertificatePage(
        serial=certificate.serial,
        language="zh" if language == "zh_Hans" else "en",
        heading=text.heading(language),
        club_name=look.name,
        member_name=member.full_name,
        citation=text.citation(milestone, language, look.word, look.gallon),
        figures=text.figures_line(milestone.category, certificate.figures or {}, language,
                                  look.word),
        issued_on=text.long_date(certificate.issued_on, language),
        verify_url=verify_url(certificate.serial),
        labels=CertificateLabels(**text.labels(language)),
        signatory_name=look.signatory_name,
        signatory_title=look.signatory_title,
        logo=look.logo,
    )


def _pages(certificates: Iterable[Certificate]) -> Iterator[CertificatePage]:
    looks: dict[int, _ClubLook] = {}
    for certificate in certificates:
        club = certificate.member.club
        if club.id not in looks:
            looks[club.id] = _ClubLook(club)
        yield page_for(certificate, looks[club.id])


def print_certificates(certificates: Iterable[Certificate], out: BinaryIO,
                       on_page: Callable[[], None] | None = None) -> int:
    """Write one combined PDF of these certificates to `out`; returns the page count."""
    return render_certificates(_pages(certificates), out, fonts(), on_page=on_page)


def certificate_pdf(certificates: Iterable[Certificate]) -> bytes:
    buffer = io.BytesIO()
    print_certificates(certificates, buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class PrintedBatch:
    issued: int
    pages: int


def print_batch(actor: User | None, club: Club, target: Path, *, due_on: date | None = None,
                member_nos: list[str] | None = None, issued_on: date | None = None,
                progress: Callable[[int, int], None] | None = None) -> PrintedBatch:
    """Print a club's certificates into one PDF at `target`, one page each: with `due_on`,
    first issue every certificate due by that day (of the chosen members); otherwise the valid
    ones already issued (of the chosen members, or of one issue day).

    All or nothing: the new certificates and the printing's audit event are committed only
    once the PDF is complete, and the file takes its name only after that commit. Any failure
    or interruption on the way rolls everything back and removes the partial file. Raises
    NotFound for unknown member numbers and InvalidInput when there is nothing to print or
    the file cannot be written."""
    issued = 0
    try:
        if due_on is not None:
            ids = issuing.member_ids_by_no(club, member_nos) if member_nos else None
            chosen = issuing.issue_due(actor, club, today=due_on, member_ids=ids, commit=False)
            issued = len(chosen)
        else:
            chosen = issuing.valid_certificates(club, member_nos=member_nos, issued_on=issued_on)
        if not chosen:
            raise InvalidInput(_("No certificate to print."))
        try:
            # Hidden, and not named .pdf: a killed run never leaves what looks like a PDF.
            handle, temporary = tempfile.mkstemp(prefix=".certificates-", suffix=".partial",
                                                 dir=target.parent.resolve())
        except OSError as error:
            raise InvalidInput(_("Cannot write %(path)s: %(error)s", path=target,
                                 error=error.strerror or error)) from error
        try:
            done = [0]

            def on_page() -> None:
                done[0] += 1
                if progress:
                    progress(done[0], len(chosen))

            with os.fdopen(handle, "wb") as stream:
                pages = print_certificates(chosen, stream, on_page=on_page)
            issuing.record_printing(actor, club, chosen)  # commits the batch
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except BaseException:
        db.session.rollback()
        raise
    return PrintedBatch(issued, pages)
