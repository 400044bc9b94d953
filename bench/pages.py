"""Time the coordinator pages on the demo data: p50 and p95 per page over repeated requests."""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date

from flask_migrate import upgrade

from donorclub import create_app
from donorclub.domain.enums import Role
from donorclub.extensions import db
from donorclub.services.demo import CN_CLUB, DEMO_PASSWORDS, load_demo_data


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200, help="requests per page")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"INSTANCE_PATH": instance, "WTF_CSRF_ENABLED": False,
                          "PASSWORD_HASH_TIME_COST": 1, "PASSWORD_HASH_MEMORY_COST": 1024})
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            load_demo_data(date.today())
            print(f"demo data loaded in {time.perf_counter() - started:.2f} s")
            member_id = db.session.execute(db.text(
                "SELECT m.id FROM members m JOIN clubs c ON c.id = m.club_id "
                "WHERE c.slug = :slug ORDER BY m.member_no LIMIT 1"), {"slug": CN_CLUB.slug}
            ).scalar()
            db.session.remove()
        client = app.test_client()
        client.post("/auth/login", data={"email": CN_CLUB.coordinator_email,
                                         "password": DEMO_PASSWORDS[Role.COORDINATOR]})
        pages = {
            "dashboard": "/",
            "member list": f"/clubs/{CN_CLUB.slug}/members/",
            "member search": f"/clubs/{CN_CLUB.slug}/members/?q=王",
            "member page": f"/clubs/{CN_CLUB.slug}/members/{member_id}",
            "club dashboard": f"/clubs/{CN_CLUB.slug}/dashboard",
            "eligible list": f"/clubs/{CN_CLUB.slug}/eligible?kind=platelets",
            "eligible CSV": f"/clubs/{CN_CLUB.slug}/eligible?kind=platelets&format=csv",
        }
        print(f"{'page':<15} {'p50 ms':>8} {'p95 ms':>8} {'stdev ms':>9}"
              f"  ({args.requests} requests)")
        for name, url in pages.items():
            samples = []
            for _ in range(args.requests):
                started = time.perf_counter()
                response = client.get(url)
                samples.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    print(f"{name}: HTTP {response.status_code}", file=sys.stderr)
                    return 1
            print(f"{name:<15} {percentile(samples, 0.5):8.2f} {percentile(samples, 0.95):8.2f} "
                  f"{statistics.stdev(samples):9.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
