"""Forms for issuing, revoking and re-issuing certificates, and the club's settings."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ...services.certificates import MAX_REASON

STATUS_CHOICES = [SelectChoice("", _l("All")), SelectChoice("valid", _l("Valid")),
                  SelectChoice("revoked", _l("Revoked"))]


class CertificateFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(_l("Member or serial"), validators=[Optional(), Length(max=120)])
    status = SelectField(_l("Status"), choices=STATUS_CHOICES, validators=[Optional()])
    issued_on = DateField(_l("Issued on"), validators=[Optional()])


class IssueForm(FlaskForm):
    award_code = HiddenField(validators=[DataRequired(), Length(max=60)])


class BatchForm(FlaskForm):
    """The checked members are read from the request; the form carries the CSRF token."""


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=MAX_REASON)],
                           description=_l("Kept in the audit log and shown when the "
                                          "certificate is checked."))


class SettingsForm(FlaskForm):
    signatory_name = StringField(_l("Signed by"), validators=[Optional(), Length(max=120)],
                                 description=_l("Printed under the signature line."))
    signatory_title = StringField(_l("Signatory's title"),
                                  validators=[Optional(), Length(max=120)])
    logo = FileField(_l("Club logo (PNG or JPEG, at most 1 MB)"),
                     validators=[FileAllowed(["png", "jpg", "jpeg"],
                                             _l("Choose a PNG or JPEG image."))])
    remove_logo = BooleanField(_l("Remove the logo"))
    donations = StringField(_l("Donations (in the rule set's counting)"),
                            validators=[Optional(), Length(max=400)])
    whole_blood_ml = StringField(_l("Whole blood (ml)"), validators=[Optional(), Length(max=400)])
    listed_referrals = StringField(_l("Referrals listed on the marrow registry"),
                                   validators=[Optional(), Length(max=400)])
    marrow_donations = StringField(_l("Own marrow or stem-cell donations"),
                                   validators=[Optional(), Length(max=400)])
    volunteer_hours = StringField(_l("Volunteer hours"), validators=[Optional(), Length(max=400)])

    MILESTONE_FIELDS = ("donations", "whole_blood_ml", "listed_referrals", "marrow_donations",
                        "volunteer_hours")
