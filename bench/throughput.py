"""Throughput of the member page and the eligibility API under gunicorn, beside two ceilings.

    .venv/bin/python bench/throughput.py [--summary summary.json | --scale 1.0]
                                         [--duration 10] [--connections 8] [--json FILE]

With `--summary` (the `--json` output of bench/citygen.py) it uses that city; without, it
generates one at `--scale` into a temporary folder (removed afterwards). It creates an API
token for the big club's coordinator in the database, starts `gunicorn --workers 2` on a free
port of 127.0.0.1 serving bench/throughput_app.py (production settings, cookies over plain
HTTP, rate limits raised: all requests come from one address), signs the coordinator in
through the login form, and drives four endpoints in turn with `wrk -t2 -c8`:

- trivial: `/_bench/ok`, the stack's ceiling;
- bare page: `/_bench/member/<id>`, the same SQL by hand and a bare template, the page's
  ceiling (see bench/throughput_app.py);
- member page: `/clubs/<big club>/members/<id>` with the session cookie;
- eligibility API: `/api/v1/members/<id>/eligibility` with the bearer token.

Requests cycle through members spread over the big club (a wrk Lua script), the same ids for
every endpoint. Any answer but 200 (a redirect to the login page included) fails the run.
Then the pages that hold a whole club in memory (the dashboard, the print view and the CSV of
who can donate) are asked twice each. It prints req/s and wrk's p50/p99 latency, the ratios
member/bare, API/trivial, member/trivial and bare/trivial, both pages' HTML size, the
whole-club pages' times, and the peak RSS of each worker over the whole run (/proc, sampled
every 0.5 s). Exits 1 when a check fails, 2 when the run cannot happen
(wrk or gunicorn missing). `run(summary, duration, connections)` returns the figures.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

from bench.load import free_port, serve, stop  # noqa: E402 - after the path is set

WORKERS = 2
SAMPLE_IDS = 20
# Flask-Login's "strong" session protection ties the session to the User-Agent: the login and
# wrk must send the same one.
AGENT = "donorclub-throughput-bench"
ENDPOINTS = ("trivial", "bare page", "member page", "eligibility API")
RATIOS = {"member page / bare page": ("member page", "bare page"),
          "eligibility API / trivial": ("eligibility API", "trivial"),
          "member page / trivial": ("member page", "trivial"),
          "bare page / trivial": ("bare page", "trivial")}
# Counts every status per thread and prints the tally, since wrk's own "Non-2xx or 3xx"
# count leaves out redirects (a lost session answers 302 to the login page).
LUA = """local paths = {%s}
local i, threads = 0, {}
counts = {}  -- a global: thread:get reads only globals
setup = function(thread) table.insert(threads, thread) end
request = function()
  i = i %% #paths + 1
  return wrk.format(nil, paths[i])
end
response = function(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end
done = function(summary, latency, requests)
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("counts")) do
      io.write(string.format("status %%d %%d\\n", status, n))
    end
  end
end
"""
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--summary", type=Path, help="bench/citygen.py --json output")
    parser.add_argument("--scale", type=float, default=1.0, help="without --summary")
    parser.add_argument("--duration", type=int, default=10, help="seconds per endpoint")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--json", type=Path, help="also write every figure here")
    return parser.parse_args()


def missing_tools() -> str | None:
    """What to install before the run can happen, or None."""
    if shutil.which("wrk") is None:
        return "wrk not found: install wrk (apt-get install wrk)"
    if not (BIN / "gunicorn").exists():
        return (f"gunicorn not found in {BIN}: install it with "
                f"{BIN / 'pip'} install -e '.[deploy]' (setup.cfg pins it)")
    return None


def server_env(database_url: str, instance: Path) -> dict:
    """Production settings as bench/load.py runs them: plain-HTTP cookies, no limit for the
    one client address, rate-limit counters in each worker's memory."""
    from donorclub.config import Config

    env = {k: v for k, v in os.environ.items() if not k.startswith("DONORCLUB_")}
    env.update({
        "DONORCLUB_ENV": "production", "DONORCLUB_SECRET_KEY": secrets.token_urlsafe(48),
        "DONORCLUB_DATABASE_URL": database_url, "DONORCLUB_INSTANCE_PATH": str(instance),
        "DONORCLUB_SESSION_COOKIE_SECURE": "false", "DONORCLUB_REMEMBER_COOKIE_SECURE": "false",
        "DONORCLUB_RATELIMIT_STORAGE_URI": "memory://",
    })
    for name in dir(Config):
        if name.endswith("RATE_LIMIT"):
            env[f"DONORCLUB_{name}"] = "1000000 per minute"
    return env


def prepare(summary: dict, instance: Path) -> tuple[str, list[int]]:
    """An API token for the big club's coordinator, and member ids spread over that club."""
    import sqlalchemy as sa

    from donorclub import create_app
    from donorclub.extensions import db
    from donorclub.models import User
    from donorclub.services.accounts import issue_api_token

    big = next(c for c in summary["clubs"] if c["slug"] == summary["big_club"])
    app = create_app({"ENV_NAME": "development", "INSTANCE_PATH": str(instance),
                      "SQLALCHEMY_DATABASE_URI": summary["database_url"]})
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == big["coordinator"]))
        token = issue_api_token(None, user, "throughput bench")
        ids = db.session.scalars(sa.text(
            "SELECT m.id FROM members m JOIN clubs c ON c.id = m.club_id "
            "WHERE c.slug = :slug ORDER BY m.id"), {"slug": big["slug"]}).all()
        db.session.remove()
        db.engine.dispose()
    step = max(1, len(ids) // SAMPLE_IDS)
    return token, sorted({*ids[::step][:SAMPLE_IDS], summary["members"]["big_club_median"]})


def start_gunicorn(env: dict, port: int, log: Path) -> subprocess.Popen:
    return serve("bench.throughput_app:app", WORKERS, env, port, log, "/_bench/ok")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects come back as answers, so a lost session shows as a 302."""

    def redirect_request(self, *args, **kwargs):
        return None


def sign_in(base: str, email: str, password: str) -> str:
    """Sign in through the login form (CSRF token included); the Cookie header to send."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    opener.addheaders = [("User-Agent", AGENT)]
    with opener.open(f"{base}/auth/login", timeout=30) as answer:
        form = answer.read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    if token is None:
        raise RuntimeError("no csrf_token in the login form")
    data = urllib.parse.urlencode({"csrf_token": token.group(1), "email": email,
                                   "password": password}).encode()
    try:
        opener.open(f"{base}/auth/login", data=data, timeout=30)
    except urllib.error.HTTPError as answer:
        if answer.code != 302 or answer.headers["Location"].startswith("/auth/login"):
            raise RuntimeError(f"sign-in refused ({answer.code})") from None
    else:
        raise RuntimeError("sign-in answered 200: the email or password was refused")
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def fetch(url: str, header: dict[str, str]) -> bytes:
    """One GET that must answer 200 (not a redirect), as the load will."""
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"User-Agent": AGENT, **header})
    try:
        with opener.open(request, timeout=30) as answer:
            return answer.read()
    except urllib.error.HTTPError as answer:
        raise RuntimeError(f"{url} answered {answer.code} "
                           f"{answer.headers.get('Location', '')}") from None


def sample_rss(master: int, peaks: dict[int, float], stopped: threading.Event) -> None:
    """Peak VmRSS in MB of each of the master's children, every 0.5 s until `stopped`."""
    while not stopped.wait(0.5):
        for pid in children(master):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
            if found:
                peaks[pid] = max(peaks.get(pid, 0.0), int(found.group(1)) / 1024)


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(child) for child in task.read_text().split()]
    return found


def run_wrk(url: str, paths: list[str], header: dict[str, str], duration: int,
            connections: int, scratch: Path) -> dict:
    script = scratch / "paths.lua"
    script.write_text(LUA % ", ".join(json.dumps(p) for p in paths))
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency",
               "--timeout", "10s", "-s", str(script), "-H", f"User-Agent: {AGENT}"]
    for name, value in header.items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run(command + [url], capture_output=True, text=True,  # noqa: S603
                          timeout=duration + 60)
    if done.returncode:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return parse_wrk(done.stdout)


def parse_wrk(output: str) -> dict:
    """req/s, p50/p99 (ms), socket errors and the status tally of one wrk run."""
    def latency(percent: str) -> float:
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\b", output,
                                re.MULTILINE).groups()
        return float(value) * UNITS[unit]

    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    statuses: dict[str, int] = {}
    for status, count in re.findall(r"^status (\d+) (\d+)$", output, re.MULTILINE):
        statuses[status] = statuses.get(status, 0) + int(count)
    return {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
            "p50_ms": latency("50"), "p99_ms": latency("99"),
            "requests": int(re.search(r"(\d+) requests in", output).group(1)),
            "socket_errors": sum(map(int, errors.groups())) if errors else 0,
            "non_2xx_3xx": int(non_2xx.group(1)) if non_2xx else 0, "statuses": statuses}


def run(summary: dict, duration: int = 10, connections: int = 8) -> dict:
    """Serve the city with gunicorn, drive the four endpoints with wrk; every figure."""
    big = next(c for c in summary["clubs"] if c["slug"] == summary["big_club"])
    with tempfile.TemporaryDirectory(prefix="donorclub-throughput-") as scratch:
        scratch = Path(scratch)
        instance, log = scratch / "instance", scratch / "gunicorn.log"
        instance.mkdir()
        token, ids = prepare(summary, instance)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_gunicorn(server_env(summary["database_url"], instance), port, log)
        peaks: dict[int, float] = {}
        stopped = threading.Event()
        sampler = threading.Thread(target=sample_rss, args=(server.pid, peaks, stopped))
        sampler.start()
        load_before = os.getloadavg()
        try:
            cookie = {"Cookie": sign_in(base, big["coordinator"], summary["password"])}
            bearer = {"Authorization": f"Bearer {token}"}
            targets = {
                "trivial": (["/_bench/ok"], {}),
                "bare page": ([f"/_bench/member/{i}" for i in ids], {}),
                "member page": ([f"/clubs/{big['slug']}/members/{i}" for i in ids], cookie),
                "eligibility API": ([f"/api/v1/members/{i}/eligibility" for i in ids], bearer),
            }
            for paths, header in targets.values():
                fetch(base + paths[0], header)  # fails loudly before a run of redirects
            median = summary["members"]["big_club_median"]
            sizes = {name: len(fetch(f"{base}{targets[name][0][ids.index(median)]}",
                                     targets[name][1])) for name in ("bare page", "member page")}
            figures = {name: run_wrk(base, *targets[name], duration, connections, scratch)
                       for name in ENDPOINTS}
            heavy = heavy_pages(base, big["slug"], cookie)
        finally:
            stopped.set()
            sampler.join()
            stop(server)
        tracebacks = log.read_text().count("Traceback")
    return {"duration_s": duration, "connections": connections, "workers": WORKERS,
            "scale": summary.get("scale"), "member_ids": ids, "html_bytes_median_member": sizes,
            "endpoints": figures,
            "ratios": {name: figures[a]["requests_per_s"] / figures[b]["requests_per_s"]
                       for name, (a, b) in RATIOS.items()},
            "heavy_pages_s": heavy,
            "peak_worker_rss_mb": sorted(peaks.values(), reverse=True)[:WORKERS],
            "tracebacks": tracebacks, "load_average": [load_before, os.getloadavg()],
            "cores": os.cpu_count()}


def heavy_pages(base: str, slug: str, cookie: dict[str, str]) -> dict[str, float]:
    """The pages that hold a whole club in memory, each asked twice while the memory sampler
    runs (the worker-memory target covers them): seconds of the slower answer."""
    day = time.strftime("%Y-%m-%d")
    pages = {"club dashboard": f"/clubs/{slug}/dashboard",
             "who can donate, print view": f"/clubs/{slug}/eligible?kind=whole_blood&date={day}"
                                           "&format=print",
             "who can donate, CSV": f"/clubs/{slug}/eligible?kind=whole_blood&date={day}"
                                    "&format=csv"}
    slowest = {}
    for name, path in pages.items():
        times = []
        for _ in range(2):
            started = time.perf_counter()
            fetch(base + path, cookie)
            times.append(time.perf_counter() - started)
        slowest[name] = max(times)
    return slowest


def problems(result: dict) -> list[str]:
    """Every answer must be a 200 with no socket error, and the log free of tracebacks."""
    found = [f"{name}: statuses {f['statuses']}, {f['non_2xx_3xx']} non-2xx/3xx, "
             f"{f['socket_errors']} socket errors"
             for name, f in result["endpoints"].items()
             if set(f["statuses"]) != {"200"} or f["non_2xx_3xx"] or f["socket_errors"]]
    if result["tracebacks"]:
        found.append(f"{result['tracebacks']} tracebacks in the gunicorn log")
    return found


def report(result: dict) -> None:
    print(f"\ngunicorn {result['workers']} workers, wrk -t2 -c{result['connections']} "
          f"-d{result['duration_s']}s, {len(result['member_ids'])} members of the big club")
    print(f"{'endpoint':<16} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9}")
    for name, f in result["endpoints"].items():
        print(f"{name:<16} {f['requests_per_s']:9.1f} {f['p50_ms']:8.2f} {f['p99_ms']:8.2f} "
              f"{f['requests']:9d}")
    print()
    for name, ratio in result["ratios"].items():
        print(f"{name:<26} {ratio:6.3f}")
    sizes = result["html_bytes_median_member"]
    print(f"\nHTML of the median member: member page {sizes['member page']:,} bytes, bare page "
          f"{sizes['bare page']:,} bytes ({sizes['bare page'] / sizes['member page']:.0%})")
    print("whole-club pages (slower of two): " + ", ".join(
        f"{name} {seconds:.2f} s" for name, seconds in result["heavy_pages_s"].items()))
    print("peak RSS per worker: " + ", ".join(f"{mb:.0f} MB"
                                              for mb in result["peak_worker_rss_mb"]))
    before, after = result["load_average"]
    print(f"load average (1 min) before {before[0]:.1f}, after {after[0]:.1f} "
          f"on {result['cores']} cores")


def city(args: argparse.Namespace, scratch: Path) -> dict:
    """The summary given, or a city generated at --scale into `scratch`."""
    if args.summary:
        return json.loads(args.summary.read_text())
    out = scratch / "summary.json"
    subprocess.run([sys.executable, str(ROOT / "bench" / "citygen.py"), "--scale",  # noqa: S603
                    str(args.scale), "--database-url", f"sqlite:///{scratch}/city.sqlite3",
                    "--json", str(out)], cwd=ROOT, check=True, timeout=1800)
    return json.loads(out.read_text())


def main() -> int:
    args = parse_args()
    if missing := missing_tools():
        print(missing, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="donorclub-city-") as scratch:
        try:
            result = run(city(args, Path(scratch)), args.duration, args.connections)
        except (RuntimeError, subprocess.SubprocessError) as error:
            print(f"the run could not happen: {error}", file=sys.stderr)
            return 2
    report(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    found = problems(result)
    for problem in found:
        print(f"FAILED: {problem}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
