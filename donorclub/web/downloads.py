"""Sending a generated file as a private download."""
from __future__ import annotations

from flask import Response


def download(filename: str, data: bytes, mimetype: str = "text/csv") -> Response:
    """An attachment that no cache keeps (these files hold personal data)."""
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "private, no-store"})
