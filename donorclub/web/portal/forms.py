"""The member's own details form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, TelField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional


class DetailsForm(FlaskForm):
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=32)])
    email = EmailField(_l("Email"), validators=[Optional(), Length(max=254)])
    locale = SelectField(_l("Language"), validators=[Optional()], choices=[
        SelectChoice("", _l("The club's language")), SelectChoice("zh_Hans", "中文"),
        SelectChoice("en", "English")],
        description=_l("Your certificates are printed in it."))
    consent_contact = BooleanField(_l("The club may contact me (reminders, drive invitations)"))
    consent_public_verification = BooleanField(
        _l("My name may show when someone checks my certificates"))
    consent_leaderboard = BooleanField(
        _l("My name may show on the club's marrow-referral leaderboard"))

