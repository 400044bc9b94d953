"""Security headers on every response: content security policy, framing, referrer, caching
of personal data, and HSTS in production (settings in config.py, see docs/security.md)."""
from __future__ import annotations

from flask import Flask, Response, current_app, request, session

# Route arguments that are secrets (status, calendar, invitation and password reset links)
# or unguessable identifiers (certificate serials): such addresses are sent on as no Referer,
# not even to this site (whose access log would keep them), and never stored by a cache.
SECRET_ARGUMENTS = frozenset({"token", "serial"})
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone",
    "payment", "usb"))
FIXED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def init_security_headers(app: Flask) -> None:
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    """Every response, error pages and static files included; a header a view set itself
    is kept."""
    config = current_app.config
    headers = response.headers
    for name, value in FIXED_HEADERS.items():
        headers.setdefault(name, value)
    headers.setdefault("Content-Security-Policy", config["CONTENT_SECURITY_POLICY"])
    secret_url = bool(SECRET_ARGUMENTS & set(request.view_args or ()))
    headers.setdefault("Referrer-Policy",
                       "no-referrer" if secret_url else config["REFERRER_POLICY"])
    if config["HSTS_SECONDS"]:
        hsts = f"max-age={int(config['HSTS_SECONDS'])}"
        headers.setdefault("Strict-Transport-Security", hsts + (
            "; includeSubDomains" if config["HSTS_INCLUDE_SUBDOMAINS"] else ""))
    if not _is_static() and (secret_url or _has_credentials()):
        headers.setdefault("Cache-Control", "no-store")
    return response


def _is_static() -> bool:
    endpoint = request.endpoint or ""
    return endpoint == "static" or endpoint.endswith(".static")


def _has_credentials() -> bool:
    """A signed-in session or an API token: what comes back is about someone. Reads the
    session cookie only (no database), so it is safe while answering a failed request."""
    return session.get("_user_id") is not None or "Authorization" in request.headers
