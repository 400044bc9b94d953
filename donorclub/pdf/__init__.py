"""PDF renderers: plain dataclasses in, PDF bytes out; no Flask and no database here."""
from .certificate import (
    CertificateLabels,
    CertificatePage,
    render_certificate,
    render_certificates,
)
from .fonts import FontNotFound, Fonts, font_for, load_fonts
from .nominations import TableDocument, render_table_document

__all__ = [
    "CertificateLabels",
    "CertificatePage",
    "FontNotFound",
    "Fonts",
    "TableDocument",
    "font_for",
    "load_fonts",
    "render_certificate",
    "render_certificates",
    "render_table_document",
]
