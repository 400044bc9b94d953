"""The API documentation page: public, no token, no external scripts or styles."""
from __future__ import annotations

from flask import current_app, render_template, url_for

from . import bp
from .reference import sections


@bp.route("")
def index():
    spec = current_app.extensions["donorclub.api"].spec.to_dict()
    return render_template("api_docs/index.html", info=spec.get("info", {}),
                           sections=sections(spec),
                           openapi_url=url_for("api-docs.openapi_json"))
