"""Forms of the drive pages: the plan, invitations, participants, donations and referrals."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    Form,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ...domain.enums import DriveKind, Registry, Sex
from ...domain.rulesets import RuleSet
from ...services.drives import DriveInput
from ..forms import MAX_ROW_ID
from ..labels import LABELS, label

MAX_CAPACITY = 100_000  # donors at one drive; far above any site, far below the column's limit
DRIVE_KIND_LABELS = {DriveKind.BLOOD: _l("Blood donation"),
                     DriveKind.MARROW_RECRUITMENT: _l("Marrow registry recruitment")}


class ChecklistField(SelectMultipleField):
    """Several choices as a list of checkboxes; the values are ids."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        # The choices change between showing and submitting, so any id is taken (the service
        # keeps the club's); only no row can have an id beyond the id columns' range.
        if any(not 1 <= value <= MAX_ROW_ID for value in self.data or []):
            raise ValidationError(_l("Choose members from the list."))


class DriveForm(FlaskForm):
    held_on = DateField(_l("Date"), validators=[InputRequired()])
    place = StringField(_l("Place"), validators=[DataRequired(), Length(max=200)],
                        description=_l("The blood station, bus stop or hall."))
    kind = SelectField(_l("Kind of drive"), validators=[DataRequired()],
                       choices=[SelectChoice(k.value, text)
                                for k, text in DRIVE_KIND_LABELS.items()])
    capacity = IntegerField(_l("Capacity"),
                            validators=[Optional(), NumberRange(min=1, max=MAX_CAPACITY)],
                            description=_l("How many donors the site can take; empty if "
                                           "there is no limit."))
    notes = TextAreaField(_l("Notes"), validators=[Length(max=2000)])
    submit = SubmitField(_l("Save drive"))

    def to_input(self) -> DriveInput:
        return DriveInput(held_on=self.held_on.data, place=self.place.data or "",
                          kind=self.kind.data or "", capacity=self.capacity.data,
                          notes=self.notes.data or "")


class InviteForm(FlaskForm):
    members = ChecklistField(_l("Members to invite"), coerce=int,
                             description=_l("Eligible members come first."))
    send_messages = BooleanField(
        _l("Also send each member an invitation message"), default=True,
        description=_l("Only to members who agreed to be contacted and, for a blood drive, "
                       "who may give that day. Nobody gets the same invitation twice."))
    submit = SubmitField(_l("Mark as invited today"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.members.flags.required = True  # the list is what the form is for


class ParticipantsForm(FlaskForm):
    signed_up = ChecklistField(_l("Signed up"), coerce=int)
    attended = ChecklistField(_l("Attended"), coerce=int)
    submit = SubmitField(_l("Save sign-ups and attendance"))


class DonationRowForm(Form):
    """One attendee's donation; the kinds are set from the club's rule set."""

    include = BooleanField(_l("Record this donation"))
    kind = SelectField(_l("Kind"), validators=[InputRequired()])
    volume_ml = IntegerField(_l("Volume (ml)"), validators=[Optional(),
                                                           NumberRange(min=1, max=2000)])
    therapeutic_units = IntegerField(_l("Therapeutic units"),
                                     validators=[Optional(), NumberRange(min=1, max=10)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.volume_ml.flags.required = True  # when the row is ticked: see below

    def validate_volume_ml(self, field):
        if self.include.data and field.data is None:
            raise ValidationError(_l("Enter the volume in ml."))


def donations_form_class(member_ids: list[int], rule_set: RuleSet) -> type[FlaskForm]:
    """A form with one row per attendee, each named after the member's id."""
    kinds = [SelectChoice(k, label(k)) for k in rule_set.kinds]

    class RowForm(DonationRowForm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.kind.choices = kinds

    fields = {f"m{member_id}": FormField(RowForm) for member_id in member_ids}
    fields["submit"] = SubmitField(_l("Record the ticked donations"))
    return type("DriveDonationsForm", (FlaskForm,), fields)


class ReferralForm(FlaskForm):
    referrer_no = StringField(_l("Recruiter's member number"),
                              validators=[DataRequired(), Length(max=20)],
                              description=_l("The club member who persuaded the candidate."))
    candidate_name = StringField(_l("Candidate's name"),
                                 validators=[DataRequired(), Length(max=120)])
    candidate_date_of_birth = DateField(_l("Date of birth"), validators=[Optional()])
    candidate_sex = SelectField(_l("Sex"), validators=[Optional()],
                                choices=[SelectChoice("", _l("Not given"))]
                                + [SelectChoice(s.value, LABELS[s]) for s in Sex])
    candidate_phone = TelField(_l("Phone"), validators=[Optional(), Length(max=32)],
                               description=_l("A phone number or an email address is needed."))
    candidate_email = EmailField(_l("Email"), validators=[Optional(), Length(max=254)])
    registry = SelectField(_l("Registry"), validators=[DataRequired()],
                           choices=[SelectChoice(r.value, LABELS[r]) for r in Registry])
    consent_contact = BooleanField(_l("The candidate agrees to be contacted by the club"))
    submit = SubmitField(_l("Record referral"))
