"""A club's certificate settings: who signs, the logo, and its milestone steps."""
from __future__ import annotations

import io

from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ..domain.enums import AuditAction, Role
from ..extensions import db
from ..models import Club, User
from . import audit
from .errors import InvalidInput, PermissionDenied
from .recognition import save_plan

MAX_LOGO_BYTES = 1024 * 1024
MAX_LOGO_SIDE = 4000
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
# What a damaged or hostile image can raise while it is read and decoded.
_UNREADABLE = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError)


def _too_many_pixels() -> InvalidInput:
    return InvalidInput(_("The logo is too large."), fields={
        "logo": _("Choose an image of at most %(n)d pixels a side.", n=MAX_LOGO_SIDE)})


def checked_logo(data: bytes) -> tuple[bytes, str]:
    """(the bytes to keep, their MIME type) for an uploaded logo, after checking that it
    really is a PNG or JPEG image of sensible size, whatever its file name says (the name is
    never used). The image is decoded and encoded again, so what is kept is an image we
    wrote: nothing appended to the file or hidden in its metadata survives. Raises
    InvalidInput otherwise."""
    if len(data) > MAX_LOGO_BYTES:
        raise InvalidInput(_("The logo is too large."),
                           fields={"logo": _("Choose an image of at most 1 MB.")})
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
            if kind in LOGO_TYPES and not (0 < width <= MAX_LOGO_SIDE
                                           and 0 < height <= MAX_LOGO_SIDE):
                # Refused before decoding, so a small file that claims enormous dimensions
                # never gets to fill the memory.
                raise _too_many_pixels()
            clean = _encoded_again(image, kind) if kind in LOGO_TYPES else None
    except Image.DecompressionBombError:  # Pillow's own limit, far beyond ours
        raise _too_many_pixels() from None
    except _UNREADABLE:
        clean = None
    if clean is None:
        raise InvalidInput(_("The logo is not a PNG or JPEG image."),
                           fields={"logo": _("Choose a PNG or JPEG image.")})
    return clean, LOGO_TYPES[kind]


def _encoded_again(image: Image.Image, kind: str) -> bytes:
    """The decoded pixels as a new file of the same kind, upright and without metadata."""
    image.load()
    upright = ImageOps.exif_transpose(image)
    # Pillow writes some of what it read (colour profile, text) unless it is told otherwise.
    upright.info = {k: v for k, v in upright.info.items() if k == "transparency"}
    buffer = io.BytesIO()
    if kind == "JPEG":
        if upright.mode not in ("L", "RGB", "CMYK"):
            upright = upright.convert("RGB")
        upright.save(buffer, "JPEG", quality=92)
    else:
        if upright.mode not in ("1", "L", "LA", "RGB", "RGBA"):
            upright = upright.convert("RGBA")  # palettes and 16-bit: keep any transparency
        upright.save(buffer, "PNG")
    return buffer.getvalue()


def save_settings(actor: User, club: Club, *, signatory_name: str, signatory_title: str,
                  thresholds: dict[str, str], logo: bytes | None = None,
                  remove_logo: bool = False) -> None:
    """Save the signatory, the milestone steps and (admins only) the logo, all or nothing.
    Raises InvalidInput with field messages, PermissionDenied when a coordinator sends a logo."""
    if (logo is not None or remove_logo) and actor.role != Role.ADMIN:
        raise PermissionDenied(_("Only an administrator can change the club's logo."))
    logo, logo_type = checked_logo(logo) if logo is not None else (None, None)
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
