"""Benchmark: import 10,000 members, then dry-run and import 100,000 donations, in a temp SQLite.

Run: .venv/bin/python bench/import_donations.py [--members N] [--donations N]
A second import of the same donations file must create nothing.
"""
from __future__ import annotations

import argparse
import csv
import io
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from donorclub import create_app  # noqa: E402
from donorclub.extensions import db  # noqa: E402
from donorclub.models import Club  # noqa: E402
from donorclub.services.transfer import import_file  # noqa: E402

TODAY = date(2025, 6, 1)
KINDS = ["全血", "血小板", "plasma", "double_red"]


def members_csv(n: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["会员编号", "姓名", "性别", "出生日期", "血型", "电话", "入会日期"])
    for i in range(n):
        writer.writerow([f"M{i:06d}", f"会员{i}", "男女"[i % 2], f"{1960 + i % 40}-{1 + i % 12}-1",
                         "O+", f"139{i:08d}", "2015/1/1"])
    return out.getvalue().encode("utf-8-sig")


def donations_csv(members: int, n: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["member_no", "donated_on", "kind", "volume_ml", "therapeutic_units", "site",
                     "void_reason"])
    per_member = -(-n // members)
    written = 0
    for m in range(members):
        day = date(2010, 1, 1) + timedelta(days=rng.randrange(60))
        for _ in range(per_member):
            if written == n:
                break
            kind = rng.choice(KINDS)
            platelets = kind == "血小板"
            writer.writerow([f"M{m:06d}", day.isoformat(), kind, 200 if platelets else 400,
                             rng.choice([1, 2]) if platelets else "", "中心血站",
                             "entered twice" if rng.random() < 0.01 else ""])
            day += timedelta(days=rng.randrange(30, 70))
            written += 1
    return out.getvalue().encode("utf-8")


def timed(label: str, function):
    start = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - start
    print(f"{label:<34} {seconds:7.2f} s   created={result.created} updated={result.updated} "
          f"skipped={result.skipped} bad={len(result.problems)}")
    return result, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--donations", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"ENV_NAME": "testing", "INSTANCE_PATH": folder,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3"})
        with app.app_context():
            db.create_all()
            club = Club(slug="bench", name="Bench club", rule_set="cn")
            db.session.add(club)
            db.session.commit()
            people, history = members_csv(args.members), donations_csv(args.members,
                                                                       args.donations)
            print(f"members file {len(people) / 1e6:.1f} MB, donations file "
                  f"{len(history) / 1e6:.1f} MB")
            total = 0.0
            runs = [
                ("members: import", "members", people, False),
                ("donations: dry run", "donations", history, True),
                ("donations: import", "donations", history, False),
                ("donations: second import", "donations", history, False),
            ]
            results = []
            for label, table, data, dry in runs:
                report, seconds = timed(label, lambda t=table, d=data, dr=dry: import_file(
                    None, club, t, f"{t}.csv", d, dry_run=dr, today=TODAY))
                results.append(report)
                total += seconds
            print(f"{'total':<34} {total:7.2f} s")
            ok = (results[0].created == args.members and results[2].created == args.donations
                  and results[3].created == 0 and results[3].skipped == args.donations)
            print("OK" if ok else "UNEXPECTED COUNTS")
            return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
