"""The page that shows a new invitation link, once: it is stored nowhere else."""
from flask import current_app, make_response, render_template, request, url_for

from ...services.invitations import Invitation


def invitation_url(token: str) -> str:
    """The public link, from DONORCLUB_BASE_URL (which includes any path prefix the proxy
    adds), so it is right however the request reached us."""
    path = url_for("auth.invitation", token=token)
    if request.script_root and path.startswith(request.script_root):
        path = path[len(request.script_root):]
    return current_app.config["BASE_URL"].rstrip("/") + path


def show_invitation(invitation: Invitation, back_url: str, *, created: bool = True):
    """Render the link with who it is for and until when it works; never cached."""
    response = make_response(render_template(
        "admin/invitation_link.html", invitation=invitation, back_url=back_url,
        url=invitation_url(invitation.token), created=created,
    ))
    response.headers["Cache-Control"] = "no-store"
    return response
