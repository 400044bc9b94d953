"""What every form view shares: service field errors onto the form, and the status to answer."""
from __future__ import annotations

from flask_wtf import FlaskForm

from ..services.errors import InvalidInput


def apply_field_errors(form: FlaskForm, error: InvalidInput) -> None:
    """Show a service's field messages next to the fields; unknown fields go to the form top."""
    for name, message in error.fields.items():
        field = form._fields.get(name)
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)
    if not error.fields and error.message:
        form.form_errors.append(error.message)


def form_status(form: FlaskForm) -> int:
    """422 when a submitted form is shown again with errors, so clients can tell."""
    has_errors = bool(form.form_errors) or any(field.errors for field in form)
    return 422 if has_errors else 200
