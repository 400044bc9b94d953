"""Forms of the API tokens page: a label for a new token, and the revoke button."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Regexp


class TokenForm(FlaskForm):
    label = StringField(_l("Label"), validators=[DataRequired(), Length(max=120)],
                        description=_l("What the token is for, such as “city platform” or "
                                       "“membership spreadsheet”."))
    submit = SubmitField(_l("Create token"))


class RevokeForm(FlaskForm):
    """The token's id travels in the form, so every revoke is a POST to one address."""

    token_id = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,12}$")])
