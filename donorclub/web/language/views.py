"""Choosing a language: kept in the session, and remembered for signed-in people."""
from flask import abort, redirect, request, session, url_for
from flask_login import current_user

from ...services import languages
from ...services.errors import InvalidInput
from ..auth.views import safe_next
from . import bp
from .forms import LanguageForm


@bp.route("", methods=["POST"])
def choose():
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        locale = languages.choose_language(current_user._get_current_object(), form.locale.data)
    except InvalidInput:
        abort(400)
    session["locale"] = locale
    return redirect(safe_next(form.next.data) or url_for("dashboard.index"), code=303)


@bp.app_context_processor
def switcher():
    """What the header's switcher needs: the form (for its CSRF token) and where to return."""
    here = request.full_path if request.query_string else request.path
    return {"language_form": LanguageForm(formdata=None, next=here),
            "language_names": languages.NATIVE_NAMES}
