"""Forms for signing in, changing, resetting and choosing a password."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username", "autofocus": True})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Sign in"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("New password"), validators=[DataRequired()],
                                 render_kw={"autocomplete": "new-password"})
    confirm_password = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", _l("The two new passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Change password"))


class ConfirmForm(FlaskForm):
    """No fields: carries the CSRF token for POST-only buttons such as sign out."""


class EndSessionForm(FlaskForm):
    """The session's id travels in the form, so every "end" is a POST to one address."""

    session_id = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,9}$")])


class InvitationForm(FlaskForm):
    password = PasswordField(_l("Choose a password"), validators=[DataRequired()],
                             description=_l("At least 10 characters; a few words make a good "
                                            "one."),
                             render_kw={"autocomplete": "new-password", "autofocus": True})
    confirm_password = PasswordField(
        _l("The same password again"),
        validators=[DataRequired(), EqualTo("password", _l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Set password and sign in"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)],
                       description=_l("The address you sign in with."),
                       render_kw={"autocomplete": "email", "autofocus": True})
    submit = SubmitField(_l("Send me a link"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired()],
                             description=_l("At least 10 characters; a few words make a good "
                                            "one."),
                             render_kw={"autocomplete": "new-password", "autofocus": True})
    confirm_password = PasswordField(
        _l("The same password again"),
        validators=[DataRequired(), EqualTo("password", _l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Set new password"))
