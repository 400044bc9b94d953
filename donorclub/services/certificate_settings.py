"""A club's certificate settings: who signs, the logo, and its milestone steps."""
from __future__ import annotations

import io

from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError

from ..domain.enums import AuditAction, Role
from ..extensions import db
from ..models import Club, User
from . import audit
from .errors import InvalidInput, PermissionDenied
from .recognition import save_plan

MAX_LOGO_BYTES = 1024 * 1024
MAX_LOGO_SIDE = 4000
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}


def checked_logo(data: bytes) -> str:
    """The MIME type of an uploaded logo after checking that it really is a PNG or JPEG image
    of sensible size (whatever its file name says). Raises InvalidInput otherwise."""
    if len(data) > MAX_LOGO_BYTES:
        raise InvalidInput(_("The logo is too large."),
                           fields={"logo": _("Choose an image of at most 1 MB.")})
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        kind, width, height = None, 0, 0
    if kind not in LOGO_TYPES:
        raise InvalidInput(_("The logo is not a PNG or JPEG image."),
                           fields={"logo": _("Choose a PNG or JPEG image.")})
    if not (0 < width <= MAX_LOGO_SIDE and 0 < height <= MAX_LOGO_SIDE):
        raise InvalidInput(_("The logo is too large."), fields={
            "logo": _("Choose an image of at most %(n)d pixels a side.", n=MAX_LOGO_SIDE)})
    return LOGO_TYPES[kind]


def save_settings(actor: User, club: Club, *, signatory_name: str, signatory_title: str,
                  thresholds: dict[str, str], logo: bytes | None = None,
                  remove_logo: bool = False) -> None:
    """Save the signatory, the milestone steps and (admins only) the logo, all or nothing.
    Raises InvalidInput with field messages, PermissionDenied when a coordinator sends a logo."""
    if (logo is not None or remove_logo) and actor.role != Role.ADMIN:
        raise PermissionDenied(_("Only an administrator can change the club's logo."))
    logo_type = checked_logo(logo) if logo is not None else None
    before = {"signatory_name": club.signatory_name, "signatory_title": club.signatory_title,
              "logo_type": club.logo_type}
    club.signatory_name = signatory_name.strip() or None
    club.signatory_title = signatory_title.strip() or None
    if logo is not None:
        club.logo, club.logo_type = logo, logo_type
    elif remove_logo:
        club.logo, club.logo_type = None, None
    after = {"signatory_name": club.signatory_name, "signatory_title": club.signatory_title,
             "logo_type": club.logo_type}
    try:
        save_plan(actor, club, thresholds, commit=False)
    except InvalidInput:
        db.session.rollback()
        raise
    before, after = audit.changed(before, after)
    if after:
        audit.record(actor, AuditAction.UPDATE, club, before=before, after=after,
                     club_id=club.id)
    db.session.commit()
