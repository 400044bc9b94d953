"""The form for recording one donation."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ...domain.rulesets import RuleSet
from ..labels import label


class DonationForm(FlaskForm):
    donated_on = DateField(_l("Date of the donation"), validators=[InputRequired()])
    kind = SelectField(_l("Kind"), validators=[DataRequired()])
    volume_ml = IntegerField(_l("Volume (ml)"),
                             validators=[InputRequired(), NumberRange(min=1, max=2000)])
    therapeutic_units = IntegerField(_l("Therapeutic units"),
                                     validators=[Optional(), NumberRange(min=1, max=10)],
                                     description=_l("For apheresis platelets only."))
    site = StringField(_l("Site"), validators=[Optional(), Length(max=200)])
    blood_centre_certificate_no = StringField(
        _l("Blood centre certificate number"), validators=[Optional(), Length(max=60)])
    override_reason = TextAreaField(
        _l("Reason to record it although the rules refuse it"),
        validators=[Optional(), Length(max=500)],
        description=_l("Leave empty. Fill in only when the rules refuse the donation and it "
                       "really happened, for example with a physician's approval; it is "
                       "written to the audit log."))
    submit = SubmitField(_l("Record donation"))

    def use_rule_set(self, rule_set: RuleSet) -> None:
        """Offer the kinds the club's rule set allows."""
        self.kind.choices = [(kind, label(kind)) for kind in rule_set.kinds]
