"""Clubs: the ones the token's user works in, and (admins) a new club."""
from __future__ import annotations

from flask_smorest import Blueprint

from ..services import admin, clubs
from . import schemas
from .auth import api_user

blp = Blueprint("api_clubs", __name__, description="Clubs")
ClubPage = schemas.page_of(schemas.Club, "ClubPage")


@blp.route("/clubs")
@blp.arguments(schemas.PageQuery, location="query")
@blp.response(200, ClubPage)
@blp.alt_response(401, schema=schemas.ApiError)
@blp.alt_response(422, schema=schemas.ApiError)
def list_clubs(query):
    """The clubs the user may see, by name: all for admins, their own for coordinators, none
    for member logins."""
    visible = clubs.clubs_for(api_user())
    start = (query["page"] - 1) * query["per_page"]
    return {"items": visible[start:start + query["per_page"]], "page": query["page"],
            "per_page": query["per_page"], "total": len(visible)}


@blp.route("/clubs", methods=["POST"])
@blp.arguments(schemas.ClubCreate)
@blp.response(201, schemas.Club)
@blp.alt_response(422, schema=schemas.ApiError)
@blp.alt_response(404, schema=schemas.ApiError)
def create_club(data):
    """Create a club (admins only; others get 404)."""
    return admin.create_club(api_user(), **data)
