"""The browsable API documentation page, rendered on the server from the OpenAPI document."""
from flask import Blueprint

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1/docs")

from . import views  # noqa: E402,F401
