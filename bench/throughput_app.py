"""WSGI module of bench/throughput.py: the production app plus two reference routes for gunicorn.

    gunicorn --workers 2 bench.throughput_app:app   (settings from DONORCLUB_* variables)

`create_app()` reads its settings from the environment exactly as `wsgi:app` does
(DONORCLUB_ENV=production, DONORCLUB_DATABASE_URL, DONORCLUB_INSTANCE_PATH,
DONORCLUB_SECRET_KEY, the relaxed cookie and rate-limit settings of bench/load.py). This
module then adds two routes that exist only here, so the same gunicorn serves the references:

- `/_bench/ok`: "ok" as text/plain, the ceiling of the stack (gunicorn, Flask, the app's
  before/after-request hooks and security headers).
- `/_bench/member/<id>`: the bare member page, the ceiling of `/clubs/<slug>/members/<id>`.
  It runs the SQL the page needs by hand (`sqlalchemy.text` on one engine connection: no
  ORM objects, no Flask-Login user, no server-side session row, no CSRF token), builds the
  engine's plain facts, asks `domain.eligibility.evaluate` and the award rules, and renders
  with a standalone Jinja environment.

The bare page renders its own template, bench/throughput_member.html, not
members/detail.html: that one needs ORM objects (it walks `member.donations`), `current_user`
for the navigation, `csrf_token()` for its forms, and Flask-Babel for every word and date.
Rebuilding those by hand would bring back most of what the reference leaves out. The bare
template keeps the page's parts and their markup: header and navigation, the eligibility
block with its reasons, the donation form, profile, totals, the donations table, deferrals,
volunteering, referrals, recognition (progress, milestones, certificates), status link,
messages and the audit trail, in English with ISO dates. bench/throughput.py prints the byte
size of both pages so a reader can judge how close they are.
"""
from __future__ import annotations

import gc
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, abort
from jinja2 import Environment, FileSystemLoader, select_autoescape

from donorclub import create_app
from donorclub.domain.awards import (
    InvalidPlan,
    RecognitionFacts,
    award_count,
    counted_donations,
    default_plan,
    earned_milestones,
    plan_from_mapping,
    progress,
)
from donorclub.domain.eligibility import DeferralFact, DonationFact, Donor, evaluate
from donorclub.extensions import db
from donorclub.services.recognition import LISTED_OR_LATER

AUDIT_LIMIT = 100  # as services.members.audit_trail
RECENT_MESSAGES = 5  # as services.message_log.RECENT_FOR_MEMBER

# Each statement declares its date columns so SQLite (which keeps dates as text) and
# PostgreSQL both hand back `date` objects, as the engine expects.
SQL = {
    "member": sa.text(
        "SELECT m.id, m.club_id, m.member_no, m.full_name, m.sex, m.date_of_birth, "
        "m.blood_group, m.weight_kg, m.phone, m.email, m.joined_on, m.status, "
        "m.consent_contact, m.preferred_kind, m.consent_public_verification, "
        "c.slug, c.name AS club_name, c.rule_set, c.milestones "
        "FROM members m JOIN clubs c ON c.id = m.club_id WHERE m.id = :id"
    ).columns(date_of_birth=sa.Date, joined_on=sa.Date, milestones=sa.JSON),
    "donations": sa.text(
        "SELECT id, donated_on, kind, volume_ml, therapeutic_units, site, voided_at, "
        "void_reason, override_reason FROM donations WHERE member_id = :id "
        "ORDER BY donated_on DESC, id DESC"
    ).columns(donated_on=sa.Date, voided_at=sa.DateTime),
    "deferrals": sa.text(
        "SELECT reason_code, starts_on, ends_on, kinds, note FROM deferrals "
        "WHERE member_id = :id ORDER BY starts_on DESC"
    ).columns(starts_on=sa.Date, ends_on=sa.Date, kinds=sa.JSON),
    "volunteering": sa.text(
        "SELECT served_on, hours, activity, role, voided_at FROM volunteer_services "
        "WHERE member_id = :id ORDER BY served_on DESC, id DESC"
    ).columns(served_on=sa.Date, voided_at=sa.DateTime),
    "referrals": sa.text(
        "SELECT candidate_name, registry, status, referred_on FROM referrals "
        "WHERE referrer_id = :id ORDER BY referred_on DESC, id DESC"
    ).columns(referred_on=sa.Date),
    "listed": sa.text(
        "SELECT min(e.occurred_on) AS first_listed FROM referrals r "
        "JOIN referral_events e ON e.referral_id = r.id "
        "WHERE r.referrer_id = :id AND e.status IN :listed GROUP BY r.id"
    ).bindparams(sa.bindparam("listed", expanding=True)).columns(first_listed=sa.Date),
    "marrow": sa.text(
        "SELECT e.occurred_on FROM referrals r JOIN referral_events e ON e.referral_id = r.id "
        "WHERE r.candidate_member_id = :id AND e.status = 'donated'"
    ).columns(occurred_on=sa.Date),
    "certificates": sa.text(
        "SELECT serial, award_code, title, issued_on, revoked_at, revoke_reason "
        "FROM certificates WHERE member_id = :id ORDER BY issued_on DESC, id DESC"
    ).columns(issued_on=sa.Date, revoked_at=sa.DateTime),
    "messages": sa.text(
        "SELECT id, kind, status, created_at FROM outbox_messages WHERE member_id = :id "
        f"ORDER BY created_at DESC, id DESC LIMIT {RECENT_MESSAGES}"
    ).columns(created_at=sa.DateTime),
    "trail": sa.text(
        "SELECT a.occurred_at, a.action, a.entity_type, a.\"before\", a.\"after\", "
        "u.name AS actor_name, u.email AS actor_email "
        "FROM audit_events a LEFT JOIN users u ON u.id = a.actor_id WHERE a.id IN ("
        "SELECT id FROM (SELECT id, occurred_at FROM audit_events "
        "WHERE entity_type = 'members' AND entity_id = :id "
        "UNION ALL SELECT id, occurred_at FROM audit_events WHERE entity_type = 'donations' "
        "AND entity_id IN (SELECT id FROM donations WHERE member_id = :id) "
        "UNION ALL SELECT id, occurred_at FROM audit_events WHERE entity_type = 'deferrals' "
        "AND entity_id IN (SELECT id FROM deferrals WHERE member_id = :id)) AS found "
        f"ORDER BY occurred_at DESC, id DESC LIMIT {AUDIT_LIMIT}) "
        "ORDER BY a.occurred_at DESC, a.id DESC"
    ).columns(occurred_at=sa.DateTime, before=sa.JSON, after=sa.JSON),
}


def bare_templates() -> Environment:
    """A Jinja environment of its own, so no Flask context processor (current_user, csrf)
    and no Babel lookup runs for the bare page."""
    env = Environment(loader=FileSystemLoader(Path(__file__).parent),
                      autoescape=select_autoescape(["html"]), trim_blocks=False)
    env.filters["label"] = lambda code: "" if code is None else str(code).replace("_", " ")
    env.filters["day"] = lambda value: "" if value is None else value.isoformat()
    return env


def bare_member_context(member_id: int, rule_sets: dict, today: date) -> dict[str, Any]:
    """Everything the bare page shows about one member, from hand-written SQL and the pure
    domain rules; 404 for an unknown id."""
    with db.engine.connect() as connection:
        def rows(name: str, **params):
            return connection.execute(SQL[name], {"id": member_id, **params}).all()

        found = rows("member")
        if not found:
            abort(404)
        member = found[0]
        donations, deferrals = rows("donations"), rows("deferrals")
        volunteering, referrals = rows("volunteering"), rows("referrals")
        listed = rows("listed", listed=[status.value for status in LISTED_OR_LATER])
        marrow, certificates = rows("marrow"), rows("certificates")
        messages, trail = rows("messages"), rows("trail")
    rule_set = rule_sets[member.rule_set]
    counted = [DonationFact(d.kind, d.donated_on, d.volume_ml, d.therapeutic_units)
               for d in reversed(donations) if d.voided_at is None]
    eligibility = evaluate(
        Donor(member.sex, member.date_of_birth, member.weight_kg), counted,
        [DeferralFact(d.starts_on, d.ends_on, frozenset(d.kinds) if d.kinds else None,
                      d.reason_code) for d in deferrals], rule_set, today)
    facts = RecognitionFacts(
        donations=tuple(counted_donations(counted, rule_set)),
        listed_referrals=tuple(sorted(r.first_listed for r in listed)),
        marrow_donations=tuple(sorted(r.occurred_on for r in marrow)),
        volunteer_hours=tuple(sorted((v.served_on, float(v.hours))
                                     for v in volunteering if v.voided_at is None)))
    plan = club_plan(member.milestones, rule_set)
    held = {c.award_code for c in certificates if c.revoked_at is None}
    return {
        "member": member, "rule_set": rule_set, "today": today, "eligibility": eligibility,
        "donations": donations, "deferrals": deferrals, "volunteering": volunteering,
        "referrals": referrals, "certificates": certificates, "messages": messages,
        "trail": trail, "totals": totals(counted, rule_set),
        # As Standing.upcoming: the next step of each category begun (donations always).
        "upcoming": [p for p in progress(facts, plan, today) if p.next is not None
                     and (p.current > 0 or p.category == "donations")],
        "earned": [(e, e.milestone.code in held)
                   for e in reversed(earned_milestones(facts, plan, today))],
    }


def club_plan(milestones: dict | None, rule_set):
    """The club's saved milestone steps over the rule set's, as services.recognition does."""
    base = default_plan(rule_set)
    if not milestones:
        return base
    try:
        return plan_from_mapping(milestones, base)
    except InvalidPlan:
        return base


def totals(counted: list[DonationFact], rule_set) -> dict[str, Any]:
    by_kind: dict[str, int] = {}
    for fact in counted:
        by_kind[fact.kind] = by_kind.get(fact.kind, 0) + 1
    return {"count": len(counted), "by_kind": by_kind,
            "whole_blood_ml": sum(f.volume_ml for f in counted if f.kind == "whole_blood"),
            "platelet_units": sum(f.units or 0 for f in counted if f.kind == "platelets"),
            "award_count": award_count(counted, rule_set)}


def add_reference_routes(app: Flask) -> None:
    """The trivial endpoint and the bare member page, on this app only."""
    templates = bare_templates()
    page = templates.get_template("throughput_member.html")

    def ok() -> Response:
        return Response("ok", mimetype="text/plain")

    def bare_member(member_id: int) -> Response:
        context = bare_member_context(member_id, app.extensions["donorclub.rule_sets"],
                                      date.today())
        return Response(page.render(**context), mimetype="text/html")

    app.add_url_rule("/_bench/ok", "bench_ok", ok)
    app.add_url_rule("/_bench/member/<int:member_id>", "bench_member", bare_member)


app = create_app()
add_reference_routes(app)
gc.freeze()  # as wsgi.py does
