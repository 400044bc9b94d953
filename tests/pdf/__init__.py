"""Builders shared by the PDF tests: certificate pages in each language, and PDF readers."""
from __future__ import annotations

import io
from dataclasses import replace

import pypdf

from donorclub.pdf import CertificateLabels, CertificatePage

ZH_LABELS = CertificateLabels(serial="证书编号", verify="扫码或访问以下网址验证", issued="颁发日期")
EN_LABELS = CertificateLabels(serial="No.", verify="Scan to verify, or visit", issued="Issued on")


def chinese_page(**changes) -> CertificatePage:
    page = CertificatePage(
        serial="7KQM-4XRT-P9WD", language="zh", heading="荣誉证书",
        club_name="深圳市无偿献血志愿者协会", member_name="郭明义",
        citation="感谢您长期以来无私奉献，累计无偿献血四十次，特颁此证。",
        figures="献血 40 次 · 12,400 毫升", issued_on="2025年3月14日",
        verify_url="https://donorclub.example.org/verify/7KQM-4XRT-P9WD", labels=ZH_LABELS,
        signatory_name="张伟", signatory_title="会长")
    return replace(page, **changes)


def english_page(**changes) -> CertificatePage:
    page = CertificatePage(
        serial="H3NC-8VBY-R2KM", language="en", heading="Certificate of Recognition",
        club_name="Riverside Blood Donor Club", member_name="Margaret O'Donnell",
        citation="In grateful recognition of 40 blood donations", figures="40 donations",
        issued_on="14 March 2025", verify_url="https://donorclub.example.org/verify/H3NC-8VBY-R2KM",
        labels=EN_LABELS, signatory_name="Dr Jane Whitfield", signatory_title="Chair")
    return replace(page, **changes)


def page_texts(data: bytes) -> list[str]:
    """Extracted text per page, whitespace removed so wrapped lines compare as written."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return ["".join(page.extract_text().split()) for page in reader.pages]


def squeeze(text: str) -> str:
    return "".join(text.split())
