"""The city-scale scenarios: every timed path of the app on `citygen.py`'s data, at full size
and at 1% of it, with the cost growth (big / small) of each.

For each size a new database is migrated and filled (a SQLite file by default; with
--database-url, a PostgreSQL database whose name contains "bench", dropped and made again),
then each scenario runs through the real app (the Flask test client, signed in as the big
club's coordinator) and its times are kept:

- member search (by surname and by member number), the member page with eligibility, the
  eligibility API for one member, the public verification page: `--requests` requests each,
  over different members and serials;
- recording a whole-blood donation through the web form, for members the rules allow;
- the club dashboard and "who can donate whole blood on day D" of the 10,000-member club;
- printing 800 valid certificates into one PDF, per certificate;
- importing 100,000 donation rows (10,000 new members first), per 1,000 rows; it runs first,
  so the others meet an audit log of 110,000 rows (citygen writes none).

The growth ratio compares the medians (per item for the batches); paths that use an index
must stay at or under 1.5. `--quick` runs 0.1 against 0.001 with fewer requests (under two
minutes); `--throughput` adds gunicorn's figures (bench/throughput.py) on the big database.

    .venv/bin/python bench/city.py [--quick] [--json report.json] [--throughput]
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

sys.path.insert(0, str(Path(__file__).resolve().parent))

import citygen  # noqa: E402
from import_donations import donations_csv, members_csv  # noqa: E402
from load import recreate_database  # noqa: E402

from donorclub import create_app  # noqa: E402
from donorclub.extensions import db  # noqa: E402
from donorclub.models import Certificate, Club, Member, User  # noqa: E402
from donorclub.services import dashboard  # noqa: E402
from donorclub.services.accounts import issue_api_token  # noqa: E402
from donorclub.services.certificate_printing import certificate_pdf  # noqa: E402
from donorclub.services.transfer import import_file  # noqa: E402

# The paths an index serves: their cost must not grow with the data (ratio at most 1.5).
INDEXED = ("member search", "member page", "eligibility API", "verification page",
           "record a donation")
GROWTH_LIMIT = 1.5
TARGETS_MS = {"member search": 50, "member page": 50, "eligibility API": 50,
              "verification page": 50, "club dashboard": 500, "who can donate": 500}
IMPORT_ROWS, IMPORT_MEMBERS, BATCH = 100_000, 10_000, 800
DOCS_START, DOCS_END = "<!-- bench/city.py: start -->", "<!-- bench/city.py: end -->"
# A PostgreSQL run (--database-url) writes between markers of its own.
PG_START = "<!-- bench/city.py postgresql: start -->"
PG_END = "<!-- bench/city.py postgresql: end -->"


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def figures(samples: list[float], unit: str = "ms", items: int = 1) -> dict:
    return {"unit": unit, "n": len(samples), "items": items,
            "p50": statistics.median(samples), "p95": percentile(samples, 0.95),
            "min": min(samples), "max": max(samples)}


class City:
    """One generated city and a test client signed in as its big club's coordinator."""

    def __init__(self, scale: float, database_url: str, today: date):
        self.instance = tempfile.mkdtemp(prefix=f"city-{scale:g}-")
        self.url = database_url or f"sqlite:///{self.instance}/city.sqlite3"
        if database_url:
            recreate_database(database_url, marker="bench")
        self.app = create_app({"INSTANCE_PATH": self.instance,
                               "SQLALCHEMY_DATABASE_URI": self.url,
                               "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
        self.today = today
        with self.app.app_context():
            upgrade()
            started = time.perf_counter()
            self.summary = citygen.generate(scale, today=today).as_dict()
            self.generated_s = time.perf_counter() - started
            self.summary["database_url"] = self.url
            big = self.summary["clubs"][0]
            self.slug, self.coordinator = big["slug"], big["coordinator"]
            club = db.session.scalar(sa.select(Club).where(Club.slug == self.slug))
            user = db.session.scalar(sa.select(User).where(User.email == self.coordinator))
            self.token = issue_api_token(None, user, "bench")
            self.member_ids = list(db.session.scalars(
                sa.select(Member.id).where(Member.club_id == club.id).order_by(Member.id)))
            db.session.remove()
        gc.collect()
        gc.freeze()  # as wsgi.py does for a worker once its app is built
        self.client = self.app.test_client()
        answer = self.client.post("/auth/login", data={"email": self.coordinator,
                                                       "password": self.summary["password"]})
        if answer.status_code != 302:
            raise SystemExit(f"login failed: HTTP {answer.status_code}")

    def timed(self, urls: list[str], expect: int = 200, *, method: str = "GET",
              data: dict | None = None, headers: dict | None = None, client=None) -> list[float]:
        """Milliseconds per request; the first URL is asked once more first, uncounted (it
        fills the caches), so give a writing request's URLs an extra one in front."""
        client = client or self.client
        samples = []
        for n, url in enumerate(urls if method != "GET" else [urls[0], *urls]):
            started = time.perf_counter()
            answer = client.open(url, method=method, data=data, headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            if answer.status_code != expect:
                raise SystemExit(f"{method} {url}: HTTP {answer.status_code}, wanted {expect}")
            if n:
                samples.append(elapsed)
        return samples


def run_scenarios(city: City, requests: int, heavy_requests: int, rng: random.Random) -> dict:
    base = f"/clubs/{city.slug}"
    members = rng.sample(city.member_ids, min(requests, len(city.member_ids)))
    # The import first: its audit events (one per row) give the other scenarios an audit log
    # in proportion to the city, as a real one has (citygen writes none).
    results = {"donation import": _import(city)}
    with city.app.app_context():
        names = dict(db.session.execute(sa.select(Member.id, Member.full_name)
                                        .where(Member.id.in_(members))).all())
        numbers = dict(db.session.execute(sa.select(Member.id, Member.member_no)
                                          .where(Member.id.in_(members))).all())
        club = db.session.scalar(sa.select(Club).where(Club.slug == city.slug))
        eligible = [row.member.id for row in dashboard.eligible_list(
            club, kind="whole_blood", on=city.today, today=city.today)]
    terms = [names[i][0] if n % 2 else numbers[i] for n, i in enumerate(members)]
    results["member search"] = figures(city.timed([f"{base}/members/?q={t}" for t in terms]))
    results["member page"] = figures(city.timed([f"{base}/members/{i}" for i in members]))
    bearer = {"Authorization": f"Bearer {city.token}"}
    results["eligibility API"] = figures(city.timed(
        [f"/api/v1/members/{i}/eligibility" for i in members], headers=bearer))
    serials = city.summary["serials"] or []
    if serials:
        anonymous = city.app.test_client()
        results["verification page"] = figures(city.timed(
            [f"/verify/{rng.choice(serials)}" for _ in range(requests)], client=anonymous))
    chosen = rng.sample(eligible, min(requests + 1, len(eligible)))
    form = {"donated_on": city.today.isoformat(), "volume_ml": "400", "site": "Bench station"}
    results["record a donation"] = figures(city.timed(
        [f"{base}/donations/new/{i}?kind=whole_blood" for i in chosen], 302, method="POST",
        data=form))
    day = (city.today + timedelta(days=30)).isoformat()
    results["club dashboard"] = figures(city.timed([f"{base}/dashboard"] * heavy_requests))
    results["who can donate"] = figures(city.timed(
        [f"{base}/eligible?kind=whole_blood&date={day}"] * heavy_requests))
    batch = _certificates(city)
    if batch:
        results["certificate batch"] = batch
    return results


def _certificates(city: City) -> dict | None:
    """The first BATCH valid certificates of the city (any club) into one PDF, as the print
    view makes it, per certificate; None when the city has none."""
    with city.app.app_context():
        chosen = list(db.session.scalars(
            sa.select(Certificate).where(Certificate.revoked_at.is_(None))
            .order_by(Certificate.id).limit(BATCH)))
        if not chosen:
            return None
        started = time.perf_counter()
        data = certificate_pdf(chosen)
        seconds = time.perf_counter() - started
        db.session.remove()
    if not data.startswith(b"%PDF"):
        raise SystemExit("the certificate batch is not a PDF")
    return figures([seconds * 1000 / len(chosen)], "ms per certificate", len(chosen))


def _import(city: City) -> dict:
    """100,000 donation rows (scaled) for new members of a new club, per 1,000 rows."""
    scale = city.summary["scale"]
    rows, people = max(100, round(IMPORT_ROWS * scale)), max(10, round(IMPORT_MEMBERS * scale))
    with city.app.app_context():
        club = Club(slug="bench-import", name="Import bench", rule_set="cn")
        db.session.add(club)
        db.session.commit()
        import_file(None, club, "members", "members.csv", members_csv(people), dry_run=False)
        data = donations_csv(people, rows)
        started = time.perf_counter()
        report = import_file(None, club, "donations", "donations.csv", data, dry_run=False,
                             today=city.today)
        seconds = time.perf_counter() - started
        db.session.remove()
    if report.problems or report.created != rows:
        raise SystemExit(f"import: {report.created} of {rows} rows, {len(report.problems)} bad")
    return figures([seconds * 1000 * 1000 / rows], "ms per 1,000 rows", rows)


def growth(big: dict, small: dict) -> dict[str, float]:
    return {name: big[name]["p50"] / small[name]["p50"] for name in big if name in small}


def table(report: dict) -> str:
    """The report as a Markdown table (printed, and kept in docs/performance.md)."""
    big, small = (report["scales"][k]["scenarios"] for k in ("big", "small"))
    ratio = report["growth"]
    sizes = {k: report["scales"][k]["counts"] for k in ("big", "small")}
    head = ("| scenario | unit | big p50 | big p95 | small p50 | small p95 | growth | target |\n"
            "|---|---|---:|---:|---:|---:|---:|---|\n")
    lines = []
    for name, found in big.items():
        if name not in small:
            continue
        target = []
        if name in TARGETS_MS:
            target.append(f"p95 < {TARGETS_MS[name]} ms: "
                          f"{'met' if found['p95'] < TARGETS_MS[name] else 'missed'}")
        if name in INDEXED:
            target.append(f"growth ≤ {GROWTH_LIMIT}: "
                          f"{'met' if ratio[name] <= GROWTH_LIMIT else 'missed'}")
        unit = found["unit"]
        if found["items"] > 1:  # a batch: how many at each size
            unit += f" ({found['items']:,} / {small[name]['items']:,})"
        lines.append(f"| {name} | {unit} | {found['p50']:,.1f} | {found['p95']:,.1f} | "
                     f"{small[name]['p50']:,.1f} | {small[name]['p95']:,.1f} | "
                     f"{ratio[name]:.2f} | {'; '.join(target)} |")
    counts = "; ".join(f"{k}: {v['members']:,} members, {v['donations']:,} donations"
                       for k, v in sizes.items())
    return head + "\n".join(lines) + f"\n\nData: {counts}.\n"


def throughput_table(result: dict) -> str:
    """gunicorn's figures as Markdown: requests per second per endpoint, the ratios, memory."""
    lines = ["| endpoint | requests/s | p50 ms | p99 ms |", "|---|---:|---:|---:|"]
    lines += [f"| {name} | {f['requests_per_s']:,.1f} | {f['p50_ms']:.1f} | {f['p99_ms']:.1f} |"
              for name, f in result["endpoints"].items()]
    lines += ["", "| ratio | value |", "|---|---:|"]
    lines += [f"| {name} | {value:.3f} |" for name, value in result["ratios"].items()]
    rss = ", ".join(f"{mb:.0f} MB" for mb in result["peak_worker_rss_mb"])
    heavy = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in
                      result["heavy_pages_s"].items())
    return "\n".join(lines) + (
        f"\n\ngunicorn with {result['workers']} sync workers, wrk with {result['connections']} "
        f"connections for {result['duration_s']} s per endpoint, then the whole-club pages "
        f"twice each (slower answer: {heavy}); peak memory (RSS) per worker over the run: "
        f"{rss}.\n")


def machine() -> dict:
    """What the figures were measured on: they mean little without it."""
    info = Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []
    model = next((line.split(":", 1)[1].strip() for line in info
                  if line.startswith("model name")), platform.processor())
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
                            capture_output=True, text=True, cwd=Path(__file__).parent,
                            check=False).stdout.strip()
    return {"cores": os.cpu_count(), "cpu": model, "memory_gb": round(memory),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "commit": commit, "load_average": list(os.getloadavg())}


def markdown(report: dict) -> str:
    m = report["machine"]
    text = (f"Measured {report['date']} on {m['cores']} cores ({m['cpu']}), {m['memory_gb']} GB, "
            f"Python {m['python']}, {report['database']}, commit {m['commit']}; load average "
            f"{m['load_average'][0]:.1f} before and {report['load_after'][0]:.1f} after. "
            f"Generating the big city took {report['scales']['big']['generated_s']:.0f} s.\n\n"
            + table(report))
    if isinstance(report.get("throughput"), dict):
        text += "\n" + throughput_table(report["throughput"])
    return text


def write_docs(path: Path, text: str, postgresql: bool = False) -> None:
    """Put `text` between the report's markers in `path` (the rest of the page stays)."""
    first, last = (PG_START, PG_END) if postgresql else (DOCS_START, DOCS_END)
    page = path.read_text()
    start, end = page.index(first) + len(first), page.index(last)
    path.write_text(page[:start] + "\n" + text + page[end:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--small", type=float, default=0.01)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--heavy-requests", type=int, default=10,
                        help="requests of the dashboard and who-can-donate pages")
    parser.add_argument("--quick", action="store_true",
                        help="0.1 against 0.001, fewer requests, 3 s of wrk (under two minutes)")
    parser.add_argument("--database-url", default="",
                        help="a PostgreSQL database whose name contains 'bench' (dropped)")
    parser.add_argument("--throughput", action="store_true",
                        help="also gunicorn's throughput on the big city (needs wrk, gunicorn)")
    parser.add_argument("--json", default="", help="write every figure to this file")
    parser.add_argument("--docs", default="", help="write the tables into this Markdown page")
    parser.add_argument("--keep", action="store_true", help="keep the generated databases")
    args = parser.parse_args()
    wrk_seconds = 10
    if args.quick:
        args.scale, args.small, args.requests, args.heavy_requests = 0.1, 0.001, 15, 4
        wrk_seconds = 3
    today = date.today()
    report = {"date": today.isoformat(), "machine": machine(), "scales": {}}
    cities = []
    try:
        for key, scale in (("small", args.small), ("big", args.scale)):
            city = City(scale, args.database_url, today)
            cities.append(city)
            print(f"scale {scale:g}: generated in {city.generated_s:.1f} s ({city.url})")
            scenarios = run_scenarios(city, args.requests, args.heavy_requests,
                                      random.Random(7))
            report["scales"][key] = {"scale": scale, "generated_s": city.generated_s,
                                     "counts": city.summary["counts"], "scenarios": scenarios}
        report["database"] = _database(args.database_url)  # made by the first City
        report["growth"] = growth(report["scales"]["big"]["scenarios"],
                                  report["scales"]["small"]["scenarios"])
        print()
        print(table(report))
        if args.throughput:
            report["throughput"] = _throughput(cities[-1], wrk_seconds)
    finally:
        if not args.keep:
            for city in cities:
                shutil.rmtree(city.instance, ignore_errors=True)
    report["load_after"] = list(os.getloadavg())
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False))
        print(f"figures written to {args.json}")
    if args.docs:
        write_docs(Path(args.docs), markdown(report), postgresql=bool(args.database_url))
        print(f"tables written to {args.docs}")
    return 0


def _database(url: str) -> str:
    """The database and its version, as the report names it."""
    if not url:
        return f"SQLite {sqlite3.sqlite_version}"
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return "PostgreSQL " + connection.exec_driver_sql("SHOW server_version").scalar()
    finally:
        engine.dispose()


def _throughput(city: City, seconds: int) -> dict | str:
    """bench/throughput.py's run on the big city, printed; the reason when it cannot run."""
    import throughput

    if missing := throughput.missing_tools():
        print(f"throughput skipped: {missing}")
        return missing
    result = throughput.run(city.summary, duration=seconds, connections=8)
    throughput.report(result)
    for problem in throughput.problems(result):
        raise SystemExit(f"throughput: {problem}")
    return result


if __name__ == "__main__":
    sys.exit(main())
