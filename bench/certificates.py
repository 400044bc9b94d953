"""Time batch certificate PDFs against a bare reportlab page, and measure memory by batch size."""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import replace

import zxingcpp
from PIL import Image, ImageDraw
from reportlab import rl_config
from reportlab.lib.colors import black, white
from reportlab.pdfgen.canvas import Canvas

from donorclub.domain.serials import new_serial
from donorclub.pdf import (
    CertificateLabels,
    CertificatePage,
    Fonts,
    TableDocument,
    load_fonts,
    render_certificate,
    render_certificates,
    render_table_document,
)
from donorclub.pdf.certificate import HEIGHT, QR_SIZE, QR_X, QR_Y, WIDTH

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英义"
ENGLISH = ["Margaret O'Donnell", "James Whitfield", "Ana Lucía Pérez", "Oliver Brown",
           "Chloé Martin", "Anna 郭 Schmidt", "Wei Zhang-Miller", "Siobhán Murphy"]
CLUB = "深圳市无偿献血志愿者协会"
LABELS = {"zh": CertificateLabels("证书编号", "扫码或访问以下网址验证", "颁发日期"),
          "en": CertificateLabels("No.", "Scan to verify, or visit", "Issued on")}


def qr_matrix(data: str) -> list[list[bool]]:
    """The QR symbol as rows of dark flags, from the same encoder donorclub uses."""
    symbol = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = memoryview(symbol.to_image(scale=1, add_quiet_zones=False))
    width, pixels = image.shape[1], image.tobytes()
    return [[pixels[row * width + column] == 0 for column in range(width)]
            for row in range(image.shape[0])]


def serial(rng: random.Random) -> str:
    return new_serial(choice=rng.choice)


def certificate_pages(count: int, seed: int = 8, logo: bytes | None = None
                      ) -> Iterator[CertificatePage]:
    """One club's batch: two thirds Chinese certificates, a third English (member preference)."""
    rng = random.Random(seed)
    for number in range(count):
        code = serial(rng)
        donations = rng.choice((10, 20, 30, 40, 50))
        url = f"https://donorclub.example.org/verify/{code}"
        if number % 3:
            name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
            yield CertificatePage(
                code, "zh", "荣誉证书", CLUB, name,
                f"感谢您长期以来无私奉献，累计无偿献血{donations}次，特颁此证，以资鼓励。",
                f"献血 {donations} 次 · {donations * 310:,} 毫升", "2025年3月14日", url,
                LABELS["zh"], "张伟", "会长", logo)
        else:
            yield CertificatePage(
                code, "en", "Certificate of Recognition", CLUB, rng.choice(ENGLISH),
                f"In grateful recognition of {donations} blood donations, freely given to save "
                "the lives of strangers.", f"{donations} donations · {donations * 310:,} ml",
                "14 March 2025", url, LABELS["en"], "Zhang Wei 张伟", "Chair", logo)


def bare(pages: Iterator[CertificatePage], out: io.BytesIO, fonts: Fonts) -> int:
    """The ceiling: the same elements with plain canvas calls, no forms, no fitting.

    Streams are written without ASCII85, as donorclub writes them, so the two compare drawing.
    """
    previous, rl_config.useA85 = rl_config.useA85, 0
    try:
        return _bare(pages, out, fonts)
    finally:
        rl_config.useA85 = previous


def _bare(pages: Iterator[CertificatePage], out: io.BytesIO, fonts: Fonts) -> int:
    canvas = Canvas(out, pagesize=(WIDTH, HEIGHT), pageCompression=1)
    count = 0
    for page in pages:
        face = fonts.cjk if page.language == "zh" else fonts.latin
        canvas.setLineWidth(2.4)
        canvas.rect(20, 20, WIDTH - 40, HEIGHT - 40)
        canvas.setLineWidth(0.5)
        canvas.rect(26, 26, WIDTH - 52, HEIGHT - 52)
        canvas.rect(38, 38, WIDTH - 76, HEIGHT - 76)
        for text, size, y in ((page.club_name, 15, HEIGHT - 92), (page.heading, 40, HEIGHT - 160),
                              (page.member_name, 50, 318), (page.citation, 13, 276),
                              (page.figures, 14, 240), (page.signatory_name or "", 13, 108),
                              (page.signatory_title or "", 9.5, 93)):
            canvas.setFont(fonts.cjk if page.language == "zh" or text == page.member_name
                           else face, size)
            canvas.drawCentredString(WIDTH / 2, y, text)
        canvas.setFont(face, 12)
        for text, y in ((page.labels.issued, 150), (page.issued_on, 132),
                        (page.labels.serial, 100), (page.serial, 82)):
            canvas.drawString(72, y, text)
        canvas.setFont(face, 7)
        canvas.drawRightString(QR_X + QR_SIZE, QR_Y - 2, page.verify_url)
        canvas.drawRightString(QR_X + QR_SIZE, QR_Y + QR_SIZE + 2, page.labels.verify)
        matrix = qr_matrix(page.verify_url)
        step = QR_SIZE / (len(matrix) + 8)
        canvas.setFillColor(white)
        canvas.rect(QR_X, QR_Y, QR_SIZE, QR_SIZE, stroke=0, fill=1)
        canvas.setFillColor(black)
        path = canvas.beginPath()
        for row, line in enumerate(matrix):
            top = QR_Y + QR_SIZE - (row + 5) * step
            column = 0
            while column < len(line):
                if line[column]:
                    start = column
                    while column < len(line) and line[column]:
                        column += 1
                    path.rect(QR_X + (start + 4) * step, top, (column - start) * step, step)
                column += 1
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.showPage()
        count += 1
    canvas.save()
    return count


def time_runs(render: Callable, count: int, fonts: Fonts, runs: int) -> tuple[list[float], int]:
    seconds, size = [], 0
    for _ in range(runs):
        out = io.BytesIO()
        started = time.perf_counter()
        render(certificate_pages(count), out, fonts)
        seconds.append(time.perf_counter() - started)
        size = len(out.getvalue())
    return seconds, size


def measure_memory(count: int) -> dict[str, float]:
    """In this (fresh) process: ru_maxrss after one batch, then the batch's tracemalloc peak.

    Parsing the CJK font sets a floor under ru_maxrss; the tracemalloc peak is the batch's own.
    """
    fonts = load_fonts()
    render_certificate(next(certificate_pages(1)), fonts)  # fonts parsed, caches warm
    with tempfile.TemporaryFile() as out:
        render_certificates(certificate_pages(count), out, fonts)
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    with tempfile.TemporaryFile() as out:
        render_certificates(certificate_pages(count), out, fonts)
        size = out.tell()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"peak_mb": peak / 2**20, "max_rss_mb": max_rss / 1024,
            "size_mb": size / 2**20}


def write_samples(directory: str, fonts: Fonts) -> None:
    import pypdfium2

    os.makedirs(directory, exist_ok=True)
    drop = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    draw = ImageDraw.Draw(drop)
    draw.polygon([(120, 20), (58, 130), (182, 130)], fill=(142, 27, 44, 255))
    draw.ellipse((55, 85, 185, 215), fill=(142, 27, 44, 255))
    draw.rectangle((108, 120, 132, 190), fill=(255, 255, 255, 255))
    draw.rectangle((85, 143, 155, 167), fill=(255, 255, 255, 255))
    logo = io.BytesIO()
    drop.save(logo, "PNG")
    zh = next(p for p in certificate_pages(6, logo=logo.getvalue()) if p.language == "zh")
    en = replace(next(p for p in certificate_pages(6) if p.language == "en"),
                 club_name="Riverside Blood Donor Club", signatory_name="Dr Jane Whitfield",
                 signatory_title="Chair, Riverside Blood Donor Club")
    rng = random.Random(3)
    table = TableDocument(
        "无偿献血奉献奖 推荐名单 · Dedication Award nominations", f"{CLUB} · 2024–2025",
        "2025-05-02", ("编号 No.", "姓名 Name", "奖项 Award", "计数 Count", "依据 Evidence"),
        [(f"{n:04d}", rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
          rng.choice(("金奖 Gold", "银奖 Silver", "铜奖 Bronze")), str(rng.randint(20, 48)),
          "2023-05-01 – 2025-04-30: 全血 200 ml 计 1 次，机采血小板 1 治疗量计 1 次")
         for n in range(1, 41)],
        ("计数规则：全血 200 毫升计 1 次；2010 年前 1 个治疗量血小板计 4 次。",), "页 Page")
    for name, data in (("certificate-zh.png", render_certificate(zh, fonts)),
                       ("certificate-en.png", render_certificate(en, fonts)),
                       ("nominations.png", render_table_document(table, fonts))):
        pypdfium2.PdfDocument(data)[0].render(scale=1.5).to_pil().save(
            os.path.join(directory, name), optimize=True)
        print(f"wrote {os.path.join(directory, name)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=800, help="certificates per batch")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each renderer")
    parser.add_argument("--memory-batches", default="200,800,1600",
                        help="batch sizes for the memory table (each in a fresh process)")
    parser.add_argument("--samples", metavar="DIR", help="write sample PNGs to DIR and exit")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        print(json.dumps(measure_memory(args.memory_child)))
        return 0
    fonts = load_fonts()
    if args.samples:
        write_samples(args.samples, fonts)
        return 0
    render_certificate(next(certificate_pages(1)), fonts)  # warm font caches
    urls = [page.verify_url for page in certificate_pages(args.count)]
    started = time.perf_counter()
    for url in urls:
        qr_matrix(url)
    qr_seconds = time.perf_counter() - started

    print(f"{args.count} certificates per batch, {args.runs} runs, CJK font "
          f"{fonts.cjk} ({'embedded' if fonts.cjk_embedded else 'NOT embedded'}), "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    print(f"{'renderer':<14} {'best s':>7} {'median s':>9} {'best/s':>8} {'median/s':>9} "
          f"{'size MB':>8}")
    rates = {}
    for name, render in (("donorclub", render_certificates), ("bare reportlab", bare)):
        seconds, size = time_runs(render, args.count, fonts, args.runs)
        best, median = min(seconds), statistics.median(seconds)
        rates[name] = args.count / median
        print(f"{name:<14} {best:7.2f} {median:9.2f} {args.count / best:8.0f} "
              f"{args.count / median:9.0f} {size / 2**20:8.2f}")
    ratio = rates["donorclub"] / rates["bare reportlab"]
    print(f"ratio donorclub / bare (median rates): {ratio:.2f}")
    print(f"of which QR encoding (ZXing, mask search): {qr_seconds:.2f} s for {args.count}")

    print(f"\n{'batch':>6} {'tracemalloc peak MB':>20} {'process ru_maxrss MB':>21} "
          f"{'output MB':>10}")
    results = {}
    for count in (int(value) for value in args.memory_batches.split(",")):
        child = subprocess.run([sys.executable, __file__, "--memory-child", str(count)],
                               capture_output=True, text=True, check=True)
        results[count] = json.loads(child.stdout.strip().splitlines()[-1])
        row = results[count]
        print(f"{count:6d} {row['peak_mb']:20.1f} {row['max_rss_mb']:21.1f} "
              f"{row['size_mb']:10.2f}")
    small, large = min(results), max(results)
    if large > small:
        per_page = (results[large]["peak_mb"] - results[small]["peak_mb"]) / (large - small)
        print(f"each further certificate adds about {per_page * 1024:.1f} KB at peak")
    return 0


if __name__ == "__main__":
    sys.exit(main())
