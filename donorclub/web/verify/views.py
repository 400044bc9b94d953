"""The verification pages: a form to type a serial, and the answer in HTML or JSON."""
from flask import current_app, jsonify, redirect, render_template, request, url_for

from ...extensions import limiter
from ...services.verification import Verification, verify_serial
from . import bp


def _limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _as_json(found: Verification) -> dict:
    """The API contract's answer (issue 9): serial, status, award, issued_on, club and name,
    the name masked unless the member agreed to show it; plus revoked_on, title, name_masked."""
    return {"serial": found.serial, "status": "valid" if found.valid else "revoked",
            "revoked_on": found.revoked_on.isoformat() if found.revoked_on else None,
            "award": found.award_code, "title": found.title,
            "issued_on": found.issued_on.isoformat(), "club": found.club_name,
            "name": found.member_name, "name_masked": found.name_masked}


@bp.route("")
@limiter.limit(_limit)
def index():
    typed = request.args.get("serial", "").strip()
    if typed:
        return redirect(url_for(".detail", serial=typed[:40]))
    return render_template("verify/index.html")


@bp.route("/<serial>")
@limiter.limit(_limit)
def detail(serial: str):
    found = verify_serial(serial[:40])
    if found is None:
        if _wants_json():
            return jsonify(error={"code": "not_found", "message": "No such certificate."}), 404
        return render_template("verify/missing.html", serial=serial[:40]), 404
    if _wants_json():
        return jsonify(_as_json(found))
    return render_template("verify/result.html", found=found)
