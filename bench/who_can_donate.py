"""Time "who can donate <kind> on date D" and the club dashboard for a large China-rules club
(10,000 members by default, and 100 for the growth ratio) through the Flask test client."""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from flask_migrate import upgrade

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_seed import CLUB_SLUG, seed  # noqa: E402

from donorclub import create_app  # noqa: E402
from donorclub.extensions import db  # noqa: E402


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def pages(on: date) -> dict[str, str]:
    base = f"/clubs/{CLUB_SLUG}"
    return {
        "eligible whole blood": f"{base}/eligible?kind=whole_blood&date={on.isoformat()}",
        "eligible platelets": f"{base}/eligible?kind=platelets&date={on.isoformat()}",
        "club dashboard": f"{base}/dashboard",
    }


def time_club(members: int, requests: int, profile: bool) -> dict[str, tuple[float, float]]:
    """p50 and p95 in ms per page for a freshly seeded club of `members`."""
    today = date.today()
    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"INSTANCE_PATH": instance, "WTF_CSRF_ENABLED": False,
                          "PASSWORD_HASH_TIME_COST": 1, "PASSWORD_HASH_MEMORY_COST": 1024,
                          "RATELIMIT_ENABLED": False})
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            plan = seed(members, coordinators=1, portal_users=0, today=today)
            print(f"{members} members seeded in {time.perf_counter() - started:.1f} s")
            db.session.remove()
        client = app.test_client()
        login = plan.coordinators[0]
        response = client.post("/auth/login", data={"email": login["email"],
                                                    "password": login["password"]})
        if response.status_code != 302:
            raise SystemExit(f"login failed: HTTP {response.status_code}")
        results = {}
        for name, url in pages(today + timedelta(days=30)).items():
            client.get(url)  # warm-up: template compilation, rule-set cache
            profiler = cProfile.Profile() if profile else None
            samples = []
            for _ in range(requests):
                started = time.perf_counter()
                if profiler:
                    profiler.enable()
                response = client.get(url)
                if profiler:
                    profiler.disable()
                samples.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{name}: HTTP {response.status_code}")
            results[name] = (percentile(samples, 0.5), percentile(samples, 0.95),
                             statistics.pstdev(samples))
            if profiler:
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(20)
                print(f"--- {name}, {members} members, {requests} requests ---")
                print(out.getvalue())
        return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=100, help="the club size for the ratio")
    parser.add_argument("--requests", type=int, default=20, help="requests per page")
    parser.add_argument("--profile", action="store_true",
                        help="print a cProfile top 20 per page (large club only)")
    args = parser.parse_args()
    big = time_club(args.members, args.requests, args.profile)
    small = time_club(args.small, args.requests, False)
    print(f"{'page':<22} {'members':>8} {'p50 ms':>8} {'p95 ms':>8} {'stdev':>7}"
          f"  ({args.requests} requests)")
    for name in big:
        for size, figures in ((args.members, big[name]), (args.small, small[name])):
            p50, p95, stdev = figures
            print(f"{name:<22} {size:>8} {p50:8.1f} {p95:8.1f} {stdev:7.1f}")
        print(f"{name:<22} {'ratio':>8} {big[name][0] / small[name][0]:8.1f}"
              f" {big[name][1] / small[name][1]:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
