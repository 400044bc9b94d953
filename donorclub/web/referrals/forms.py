"""Forms of the referral pages: the list filters, a new referral and moving to a stage."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ...domain.enums import ReferralStatus, Registry, Sex
from ..formatting import day
from ..labels import LABELS

PRODUCT_LABELS = {"pbsc": _l("Peripheral blood stem cells (PBSC)"), "marrow": _l("Bone marrow")}


class ReferralFilterForm(FlaskForm):
    """Filters of the referral list (a GET form: no CSRF)."""

    class Meta:
        csrf = False

    status = SelectField(_l("Stage"), validators=[Optional()],
                         choices=[SelectChoice("", _l("Any"))]
                         + [SelectChoice(s.value, LABELS[s]) for s in ReferralStatus])
    registry = SelectField(_l("Registry"), validators=[Optional()],
                           choices=[SelectChoice("", _l("Any"))]
                           + [SelectChoice(r.value, LABELS[r]) for r in Registry])
    referrer_no = StringField(_l("Recruiter's member number"),
                              validators=[Optional(), Length(max=20)])
    since = DateField(_l("Referred from"), validators=[Optional()])
    until = DateField(_l("Referred until"), validators=[Optional()])


class NewReferralForm(FlaskForm):
    referrer_no = StringField(_l("Recruiter's member number"),
                              validators=[DataRequired(), Length(max=20)],
                              description=_l("The club member who persuaded the candidate."))
    referred_on = DateField(_l("Referred on"), validators=[InputRequired()])
    candidate_name = StringField(_l("Candidate's name"),
                                 validators=[DataRequired(), Length(max=120)])
    candidate_date_of_birth = DateField(
        _l("Date of birth"), validators=[Optional()],
        description=_l("When given, the registry's joining ages are checked."))
    candidate_sex = SelectField(_l("Sex"), validators=[Optional()],
                                choices=[SelectChoice("", _l("Not given"))]
                                + [SelectChoice(s.value, LABELS[s]) for s in Sex])
    candidate_phone = TelField(_l("Phone"), validators=[Optional(), Length(max=32)],
                               description=_l("A phone number or an email address is needed."))
    candidate_email = EmailField(_l("Email"), validators=[Optional(), Length(max=254)])
    candidate_member_no = StringField(
        _l("Candidate's member number"), validators=[Optional(), Length(max=20)],
        description=_l("Only when the candidate is a member of the club."))
    registry = SelectField(_l("Registry"), validators=[DataRequired()],
                           choices=[SelectChoice(r.value, LABELS[r]) for r in Registry])
    consent_contact = BooleanField(_l("The candidate agrees to be contacted by the club"))
    drive_id = SelectField(_l("Recruitment drive"), validators=[Optional()], coerce=str)
    notes = TextAreaField(_l("Notes"), validators=[Length(max=2000)],
                          description=_l("No medical or HLA details."))
    submit = SubmitField(_l("Record referral"))

    def use_drives(self, drives) -> None:
        self.drive_id.choices = [SelectChoice("", _l("None"))] + [
            SelectChoice(str(d.id), f"{day(d.held_on)} · {d.place}") for d in drives]


class MoveForm(FlaskForm):
    status = SelectField(_l("Next stage"), validators=[DataRequired()])
    occurred_on = DateField(_l("Date"), validators=[InputRequired()])
    product = SelectField(_l("Donated product"), validators=[Optional()],
                          choices=[SelectChoice("", _l("Not a donation"))]
                          + [SelectChoice(k, v) for k, v in PRODUCT_LABELS.items()],
                          description=_l("Only for the donated stage."))
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)],
                         description=_l("No medical or HLA details."))
    submit = SubmitField(_l("Record stage"))

    def use_stages(self, stages) -> None:
        self.status.choices = [SelectChoice(s.value, LABELS[s]) for s in stages]
