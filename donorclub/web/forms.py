"""What every form view shares: service field errors onto the form, and the status to answer."""
from __future__ import annotations

from flask_wtf import FlaskForm

from ..services.errors import InvalidInput

# Row ids are 32-bit integers in every database (RowIdConverter bounds the URLs' ids alike).
MAX_ROW_ID = 2**31 - 1


def row_number(text: str) -> int:
    """A whole number from 1 to MAX_ROW_ID: a row id or a page number from a query argument.
    Raises ValueError otherwise, so `request.args.get("page", 1, type=row_number)` falls back
    to its default instead of overflowing the database."""
    number = int(text)
    if not 1 <= number <= MAX_ROW_ID:
        raise ValueError(f"{text!r} is out of range")
    return number


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
