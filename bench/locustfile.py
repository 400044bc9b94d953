"""Locust users for bench/load.py: coordinators who read and record donations, members on
the portal. Run by load.py, which passes the seeded plan (LOAD_PLAN) and collects what
happened (LOAD_RESULTS): every response time by request type, every status, every problem,
and the writes the server acknowledged.

One locust process: its users are greenlets, so the module-level state below is shared
without locks.
"""
from __future__ import annotations

import json
import os
import random
import re
import time
from collections import Counter, defaultdict, deque
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, between, events, task

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
THINK = tuple(float(s) for s in os.environ.get("LOAD_THINK", "0.1:0.5").split(":"))
TODAY = date.fromisoformat(PLAN["today"])
BASE = f"/clubs/{PLAN['club']}"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"|value="([^"]+)"[^>]*?name="csrf_token"')
MAX_EXAMPLES = 20

rng = random.Random(5)
# Every slot is a whole-blood donation the rules allow: members with no history, each slot
# 190 days before the previous one, all of one member's slots far apart in the queue.
slots = deque((member, TODAY - timedelta(days=k * PLAN["slot_days"]))
              for k in range(PLAN["slots_per_member"])
              for member in rng.sample(PLAN["write"], len(PLAN["write"])))
conflict_members = deque(PLAN["conflict"])
coordinator_accounts = deque(PLAN["coordinators"])
portal_accounts = deque(PLAN["portal"])

timings: dict[str, list[float]] = defaultdict(list)
statuses: dict[str, Counter] = defaultdict(Counter)
problems: Counter = Counter()
examples: list[str] = []
writes: Counter = Counter()
clock = {"started": None, "stopped": None}


def problem(kind: str, text: str) -> None:
    problems[kind] += 1
    if len(examples) < MAX_EXAMPLES:
        examples.append(f"{kind}: {text}")


@events.request.add_listener
def on_request(request_type, name, response_time, response_length, response=None,
               exception=None, **_kwargs) -> None:
    timings[name].append(response_time)
    status = getattr(response, "status_code", 0) or 0
    statuses[name][str(status)] += 1
    if status >= 500:
        problem("server_error", f"{request_type} {name}: HTTP {status}")
    elif status == 0:
        problem("connection_error", f"{request_type} {name}: {exception!r}")
    elif exception is not None:
        problem("unexpected_response", f"{request_type} {name}: {exception}")


@events.test_start.add_listener
def on_start(**_kwargs) -> None:
    clock["started"] = time.time()


@events.test_stop.add_listener
def on_stop(**_kwargs) -> None:
    clock["stopped"] = time.time()


@events.quitting.add_listener
def write_results(**_kwargs) -> None:
    Path(os.environ["LOAD_RESULTS"]).write_text(json.dumps({
        "clock": clock, "timings": timings, "statuses": statuses, "problems": problems,
        "examples": examples, "writes": writes}))


def csrf_token(html: str) -> str | None:
    match = CSRF.search(html or "")
    return (match.group(1) or match.group(2)) if match else None


def take(accounts: deque) -> dict:
    account = accounts[0]
    accounts.rotate(-1)  # more users than accounts: they share, round robin
    return account


class SignedIn(FastHttpUser):
    abstract = True
    wait_time = between(*THINK)
    # Longer than gunicorn's 60 s worker timeout: a request the server is still working on is
    # waited for (a client that gave up could not know whether its write was recorded).
    network_timeout = 90.0
    connection_timeout = 10.0

    def sign_in(self, account: dict) -> None:
        page = self.read("/auth/login", "login page")
        with self.client.post("/auth/login", name="login", headers=FORM, data=urlencode({
                "email": account["email"], "password": account["password"],
                "csrf_token": csrf_token(page.text) or ""}),
                allow_redirects=False, catch_response=True) as response:
            if response.status_code != 302 or "/auth/" in response.headers.get("Location", ""):
                response.failure(f"sign-in refused: HTTP {response.status_code}")

    def read(self, url: str, name: str, **kwargs):
        with self.client.get(url, name=name, catch_response=True, **kwargs) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
        return response


class Coordinator(SignedIn):
    weight = 9

    def on_start(self) -> None:
        account = take(coordinator_accounts)
        self.api = {"Authorization": f"Bearer {account['token']}"}
        self.sign_in(account)

    def any_member(self) -> int:
        return rng.choice(PLAN["history"] if rng.random() < 0.7 else PLAN["write"])

    @task(12)
    def member_list(self) -> None:
        pages = max(1, (len(PLAN["history"]) + len(PLAN["write"])) // 50)
        self.read(f"{BASE}/members/?page={rng.randint(1, pages)}", "member list")

    @task(10)
    def member_search(self) -> None:
        self.read(f"{BASE}/members/?{urlencode({'q': rng.choice(PLAN['surnames'])})}",
                  "member search")

    @task(20)
    def member_page(self) -> None:
        self.read(f"{BASE}/members/{self.any_member()}", "member page")

    @task(10)
    def api_eligibility(self) -> None:
        self.read(f"/api/v1/members/{self.any_member()}/eligibility", "API eligibility",
                  headers=self.api)

    @task(8)
    def api_member(self) -> None:
        self.read(f"/api/v1/members/{self.any_member()}", "API member", headers=self.api)

    @task(5)
    def api_member_list(self) -> None:
        self.read(f"/api/v1/clubs/{PLAN['club']}/members?"
                  f"{urlencode({'q': rng.choice(PLAN['surnames']), 'per_page': 20})}",
                  "API member list", headers=self.api)

    @task(1)
    def eligible_list(self) -> None:
        """Who may give whole blood today: the eligibility of every member, the costliest page."""
        self.read(f"{BASE}/eligible?kind=whole_blood", "eligible list")

    @task(10)
    def record_on_the_form(self) -> None:
        if not slots:
            writes["pool_exhausted"] += 1
            return self.member_page()
        member, day = slots.popleft()
        page = self.read(f"{BASE}/members/{member}", "member page")
        self.post_form(member, day, csrf_token(page.text), "write: web form", refusal_ok=False)

    @task(10)
    def record_through_the_api(self) -> None:
        if not slots:
            writes["pool_exhausted"] += 1
            return self.api_member()
        member, day = slots.popleft()
        self.post_api(member, day, "write: API", refusal_ok=False)

    @task(4)
    def two_at_once(self) -> None:
        """Two coordinators record one member at the same moment, ten days apart: the rules
        allow one of them."""
        if not conflict_members:
            writes["pool_exhausted"] += 1
            return self.member_page()
        member = conflict_members.popleft()
        token = csrf_token(self.read(f"{BASE}/members/{member}", "member page").text)
        other = TODAY - timedelta(days=PLAN["conflict_gap_days"])
        pair = [gevent.spawn(self.post_form, member, TODAY, token, "conflict: web form",
                             refusal_ok=True),
                gevent.spawn(self.post_api, member, other, "conflict: API", refusal_ok=True)]
        gevent.joinall(pair)
        outcomes = [job.value for job in pair]
        writes["conflict_pairs"] += 1
        if outcomes.count(True) != 1:
            problem("conflict_not_serialised", f"member {member}: {outcomes}")

    def post_form(self, member: int, day: date, token: str | None, name: str, *,
                  refusal_ok: bool) -> bool | None:
        """True when recorded, False when refused as allowed, None on anything else."""
        body = urlencode({"donated_on": day.isoformat(), "kind": "whole_blood",
                          "volume_ml": "400", "csrf_token": token or ""})
        with self.client.post(f"{BASE}/members/{member}/donations/", name=name, data=body,
                              headers=FORM, allow_redirects=False,
                              catch_response=True) as response:
            location = response.headers.get("Location", "") if response.headers else ""
            if response.status_code == 302 and location.rstrip("/").endswith(f"/{member}"):
                writes["acknowledged_web"] += 1
                return True
            return self._refused(response, refusal_ok)

    def post_api(self, member: int, day: date, name: str, *, refusal_ok: bool) -> bool | None:
        with self.client.post(f"/api/v1/members/{member}/donations", name=name,
                              json={"donated_on": day.isoformat(), "kind": "whole_blood",
                                    "volume_ml": 400},
                              headers=self.api, catch_response=True) as response:
            if response.status_code == 201:
                writes["acknowledged_api"] += 1
                return True
            return self._refused(response, refusal_ok)

    @staticmethod
    def _refused(response, refusal_ok: bool) -> bool | None:
        if response.status_code == 409 and refusal_ok:
            writes["refused_as_expected"] += 1
            response.success()
            return False
        response.failure(f"HTTP {response.status_code} "
                         f"{'(an eligible write refused)' if response.status_code == 409 else ''}")
        return None


class PortalMember(SignedIn):
    weight = 1

    def on_start(self) -> None:
        self.sign_in(take(portal_accounts))

    @task(3)
    def portal(self) -> None:
        self.read("/me/", "portal")

    @task(1)
    def details(self) -> None:
        self.read("/me/details", "portal details")
