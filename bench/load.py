"""Load test: gunicorn workers on a fresh PostgreSQL database under locust, then the checks.

Run: .venv-load/bin/python bench/load.py [--users 50] [--duration 2m] (or `make load-test`).
It (re)creates the database named by --database-url (its name must contain "load"), runs
`flask db upgrade`, seeds a club of a few thousand members (bench/load_seed.py), starts
gunicorn on a free port of 127.0.0.1, and runs locust headless (bench/locustfile.py) for the
given time. Then it prints the throughput and the p50/p95/p99 latency of each request type,
and checks: no 5xx, no connection errors, no unexpected answer, every conflicting pair
recorded exactly once, as many new donations in the database as acknowledged writes, no
member with two whole-blood donations closer than the rules allow, no traceback in the
server's log. Exits 1 when a check fails, 2 when the run itself could not happen.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/donorclub_load"
# Seeded donations are at least 200 days apart and the writes 190; two closer than this
# (the conflicting pairs are 10 days apart) mean a check let a second one through.
TOO_CLOSE_DAYS = 170


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", default="2m", help="e.g. 120, 90s, 2m")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    parser.add_argument("--think", default="0.1:0.5",
                        help="seconds each user waits between requests, min:max")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--members", type=int, default=3000)
    parser.add_argument("--coordinators", type=int, default=50)
    parser.add_argument("--portal-users", type=int, default=20)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14",
                        help="rate-limit storage; memory:// in each worker when unreachable")
    parser.add_argument("--json", type=Path, help="also write the figures and checks here")
    return parser.parse_args()


def seconds(text: str) -> int:
    match = re.fullmatch(r"(\d+)\s*([smh]?)", text.strip())
    if not match:
        raise SystemExit(f"--duration: not a duration: {text!r}")
    return int(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]


def recreate_database(url: str, marker: str = "load") -> None:
    """Drop and create the PostgreSQL database of `url`, whose name must contain `marker`
    (so a real database is never dropped by mistake)."""
    target = make_url(url)
    if not target.drivername.startswith("postgresql"):
        raise SystemExit("--database-url must name a PostgreSQL database")
    if marker not in (target.database or ""):
        raise SystemExit(f"refusing to drop {target.database!r}: the name must contain "
                         f"'{marker}'")
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    admin.dispose()


def redis_storage(url: str) -> str:
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception as error:  # noqa: BLE001 - any failure means: no Redis for this run
        print(f"Redis at {url} unusable ({error}); each worker counts in memory")
        return "memory://"
    return url


def server_env(args, instance: Path) -> dict:
    """Production settings over plain HTTP on loopback, limits raised for one client address."""
    from donorclub.config import Config

    env = {k: v for k, v in os.environ.items() if not k.startswith("DONORCLUB_")}
    env.update({
        "DONORCLUB_ENV": "production", "DONORCLUB_SECRET_KEY": secrets.token_urlsafe(48),
        "DONORCLUB_DATABASE_URL": args.database_url, "DONORCLUB_INSTANCE_PATH": str(instance),
        # Cookies marked Secure are not sent over http://127.0.0.1.
        "DONORCLUB_SESSION_COOKIE_SECURE": "false", "DONORCLUB_REMEMBER_COOKIE_SECURE": "false",
        "DONORCLUB_RATELIMIT_STORAGE_URI": redis_storage(args.redis_url),
        "DONORCLUB_RATELIMIT_KEY_PREFIX": f"donorclub-load-{os.getpid()}",
    })
    # Every request comes from 127.0.0.1: a per-address limit would stop the test itself.
    for name in dir(Config):
        if name.endswith("RATE_LIMIT"):
            env[f"DONORCLUB_{name}"] = "1000000 per minute"
    return env


def seed(args, env: dict, instance: Path, plan_path: Path) -> None:
    from bench.load_seed import seed as seed_club
    from donorclub import create_app
    from donorclub.extensions import db

    app = create_app({"ENV_NAME": "development", "SQLALCHEMY_DATABASE_URI": args.database_url,
                      "SECRET_KEY": env["DONORCLUB_SECRET_KEY"], "INSTANCE_PATH": str(instance)})
    with app.app_context():
        missing = schema_gaps(db)
        if missing:
            raise SystemExit("`flask db upgrade` left out what the models have (a model changed "
                             f"without its migration): {', '.join(missing)}")
        started = time.perf_counter()
        plan = seed_club(args.members, args.coordinators, args.portal_users, date.today())
        print(f"seeded {args.members} members, {args.coordinators} coordinators, "
              f"{len(plan.portal)} portal logins in {time.perf_counter() - started:.1f} s")
        db.session.remove()
        db.engine.dispose()
    plan_path.write_text(json.dumps(plan.as_dict()))


def schema_gaps(db) -> list[str]:
    """Tables and columns of the models that the migrated database lacks."""
    inspector = sa.inspect(db.engine)
    tables = set(inspector.get_table_names())
    gaps = []
    for table in db.metadata.sorted_tables:
        if table.name not in tables:
            gaps.append(table.name)
            continue
        present = {column["name"] for column in inspector.get_columns(table.name)}
        gaps += [f"{table.name}.{c.name}" for c in table.columns if c.name not in present]
    return gaps


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(args, env: dict, port: int, log: Path) -> subprocess.Popen:
    try:
        return serve("wsgi:app", args.workers, env, port, log, "/auth/login")
    except RuntimeError as error:
        raise SystemExit(str(error)) from None


def serve(app: str, workers: int, env: dict, port: int, log: Path, ready: str
          ) -> subprocess.Popen:
    """gunicorn serving `app` on 127.0.0.1:`port`, once `ready` answers; RuntimeError when it
    exits or does not answer within 60 s (bench/throughput.py serves its own module)."""
    server = subprocess.Popen(  # noqa: S603 - our own command line
        [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--timeout", "60", "--graceful-timeout", "10", "--log-level", "warning",
         "--error-logfile", str(log), app], cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({server.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{ready}", timeout=5):  # noqa: S310
                return server
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    stop(server)
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_locust(args, duration: int, port: int, plan: Path, results: Path, log: Path) -> None:
    env = {**os.environ, "LOAD_PLAN": str(plan), "LOAD_RESULTS": str(results),
           "LOAD_THINK": args.think}
    with log.open("w") as out:
        subprocess.run(  # noqa: S603 - our own command line
            [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
             "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
             "--run-time", f"{duration}s", "--stop-timeout", "15",
             "--host", f"http://127.0.0.1:{port}", "--only-summary", "--loglevel", "WARNING",
             "--exit-code-on-error", "0"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=duration + 180,
            check=True)


def count_donations(url: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        count = connection.exec_driver_sql("SELECT count(*) FROM donations").scalar_one()
    engine.dispose()
    return count


def too_close_pairs(url: str) -> int:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        pairs = connection.exec_driver_sql(
            "SELECT count(*) FROM donations a JOIN donations b ON a.member_id = b.member_id "
            "AND a.id < b.id AND abs(a.donated_on - b.donated_on) < %(days)s "
            "WHERE a.kind = 'whole_blood' AND b.kind = 'whole_blood' "
            "AND a.voided_at IS NULL AND b.voided_at IS NULL", {"days": TOO_CLOSE_DAYS}
        ).scalar_one()
    engine.dispose()
    return pairs


def percentile(ordered: list[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def report(results: dict, stored: int, close_pairs: int, tracebacks: int) -> dict:
    timings = results["timings"]
    elapsed = results["clock"]["stopped"] - results["clock"]["started"]
    total = sum(len(v) for v in timings.values())
    print(f"\n{total} requests in {elapsed:.0f} s: {total / elapsed:.1f} requests/s\n")
    print(f"{'request type':<20} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'max ms':>8}")
    figures = {}
    rows = sorted(timings.items()) + [("all", [t for v in timings.values() for t in v])]
    for name, samples in rows:
        ordered = sorted(samples)
        figures[name] = {"count": len(ordered), "p50": percentile(ordered, 0.50),
                         "p95": percentile(ordered, 0.95), "p99": percentile(ordered, 0.99),
                         "max": ordered[-1] if ordered else 0.0}
        f = figures[name]
        print(f"{name:<20} {f['count']:>7} {f['p50']:8.0f} {f['p95']:8.0f} {f['p99']:8.0f} "
              f"{f['max']:8.0f}")
    writes, problems = results["writes"], results["problems"]
    acknowledged = writes.get("acknowledged_web", 0) + writes.get("acknowledged_api", 0)
    print(f"\nwrites acknowledged: {acknowledged} (web form {writes.get('acknowledged_web', 0)},"
          f" API {writes.get('acknowledged_api', 0)}); conflicting pairs: "
          f"{writes.get('conflict_pairs', 0)}, refused as expected: "
          f"{writes.get('refused_as_expected', 0)}; write pool ran out: "
          f"{writes.get('pool_exhausted', 0)} times")
    checks = {
        "no 5xx responses": problems.get("server_error", 0) == 0,
        "no connection errors": problems.get("connection_error", 0) == 0,
        "no unexpected responses": problems.get("unexpected_response", 0) == 0,
        "each conflicting pair recorded exactly one": (
            problems.get("conflict_not_serialised", 0) == 0),
        f"donations stored ({stored}) == writes acknowledged ({acknowledged})": (
            stored == acknowledged),
        "no two whole-blood donations of a member closer than the rules allow": (
            close_pairs == 0),
        "no traceback in the gunicorn log": tracebacks == 0,
    }
    print("\nchecks:")
    for name, passed in checks.items():
        print(f"  [{'ok' if passed else 'FAILED'}] {name}")
    for example in results["examples"]:
        print(f"    {example}")
    return {"requests": total, "seconds": elapsed, "throughput": total / elapsed,
            "latency_ms": figures, "writes": writes, "problems": problems,
            "checks": checks, "passed": all(checks.values())}


def _loads(loads: tuple[float, float, float]) -> str:
    return ", ".join(f"{value:.1f}" for value in loads)


def main() -> int:
    args = parse_args()
    duration = seconds(args.duration)
    with tempfile.TemporaryDirectory(prefix="donorclub-load-") as scratch:
        scratch = Path(scratch)
        instance, plan, results = (scratch / name
                                   for name in ("instance", "plan.json", "results.json"))
        server_log, locust_log = scratch / "gunicorn.log", scratch / "locust.log"
        instance.mkdir()
        recreate_database(args.database_url)
        env = server_env(args, instance)
        upgrade = subprocess.run([str(BIN / "flask"), "--app", "donorclub", "db", "upgrade"],  # noqa: S603
                                 cwd=ROOT, env=env, capture_output=True, text=True)
        if upgrade.returncode:
            print(f"flask db upgrade failed:\n{upgrade.stderr[-4000:]}")
            return 2
        seed(args, env, instance, plan)
        before = count_donations(args.database_url)
        port = free_port()
        server = start_gunicorn(args, env, port, server_log)
        print(f"gunicorn: {args.workers} workers on 127.0.0.1:{port}; locust: {args.users} users"
              f" for {duration} s, think time {args.think} s")
        # The figures depend on what else the machine runs: say how busy it was.
        load_before = os.getloadavg()
        try:
            run_locust(args, duration, port, plan, results, locust_log)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            print(f"locust failed: {error}\n{locust_log.read_text()[-4000:]}")
            return 2
        finally:
            stop(server)
        load_after = os.getloadavg()
        print(f"load average (1, 5, 15 min) before: {_loads(load_before)}, "
              f"after: {_loads(load_after)} on {os.cpu_count()} cores")
        if not results.exists():
            print(f"locust wrote no results\n{locust_log.read_text()[-4000:]}")
            return 2
        log = server_log.read_text()
        summary = report(json.loads(results.read_text()),
                         count_donations(args.database_url) - before,
                         too_close_pairs(args.database_url), log.count("Traceback"))
        if "Traceback" in log:
            print(log[-4000:])
        warnings = [line for line in locust_log.read_text().splitlines() if "CPU usage" in line]
        if warnings:
            print(f"\nlocust warned: {warnings[0].strip()}")
        if args.json:
            args.json.write_text(json.dumps({"args": {"users": args.users, "duration": duration,
                                                      "workers": args.workers,
                                                      "members": args.members,
                                                      "think": args.think},
                                             "cores": os.cpu_count(),
                                             "load_average": [load_before, load_after],
                                             **summary}, indent=2))
    return 0 if summary["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
