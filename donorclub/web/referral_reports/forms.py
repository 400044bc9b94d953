"""The GET filters of the referral reports: shape only; the service judges the period."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import Length, Optional, Regexp


class PeriodForm(FlaskForm):
    """Referrals made from `since` to `until`, both days included; either may be left out."""

    class Meta:
        csrf = False  # a GET filter changes nothing

    since = DateField(_l("Referred from"), validators=[Optional()])
    until = DateField(_l("Referred until"), validators=[Optional()])


class ReportForm(PeriodForm):
    referrer = StringField(
        _l("Referrer's member number"),
        validators=[Optional(), Length(max=20),
                    Regexp(r"^[A-Za-z0-9\-]+$", message=_l("Use letters, digits or hyphens."))],
        description=_l("Leave empty for the whole club."))
