"""The member form: shape checks only; the service judges dates, formats and duplicates."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FloatField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from ...domain.enums import BloodGroup, DonationKind, MemberStatus, Sex
from ...services.member_editing import MemberInput
from ..labels import label


class MemberForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[InputRequired(), Length(max=120)],
                            description=_l("One field for the whole name, as written."))
    sex = SelectField(_l("Sex"), validators=[InputRequired()])
    date_of_birth = DateField(_l("Date of birth"), validators=[InputRequired()])
    blood_group = SelectField(_l("Blood group"), validators=[Optional()])
    weight_kg = FloatField(_l("Weight (kg)"), validators=[Optional()],
                           description=_l("Used for the weight limits of the rules."))
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=32)])
    email = EmailField(_l("Email"), validators=[Optional(), Length(max=254)])
    member_no = StringField(_l("Member number"), validators=[Optional(), Length(max=20)],
                            description=_l("Leave empty to use the club's next number."))
    joined_on = DateField(_l("Joined on"), validators=[InputRequired()])
    status = SelectField(_l("Status"), validators=[InputRequired()])
    consent_contact = BooleanField(_l("Agrees to be contacted (reminders, drive invitations)"))
    preferred_kind = SelectField(_l("Preferred donation kind for reminders"),
                                 validators=[Optional()],
                                 description=_l("\"You can donate again\" is about this kind."))
    consent_public_verification = BooleanField(
        _l("Agrees that certificates can be verified publicly"))
    consent_leaderboard = BooleanField(
        _l("Agrees to appear by name on the club's referral leaderboard"))
    locale = SelectField(_l("Preferred language"), validators=[Optional()],
                         description=_l("Certificates are printed in it."))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])
    confirm_duplicate = BooleanField(_l("Yes, this is a different person: save anyway"))
    submit = SubmitField(_l("Save member"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sex.choices = [(s.value, label(s)) for s in Sex]
        self.blood_group.choices = [("", _l("Unknown"))] + [(g.value, g.value) for g in BloodGroup]
        self.status.choices = [(s.value, label(s)) for s in MemberStatus]
        self.locale.choices = [("", _l("The club's language")), ("zh_Hans", "中文"),
                               ("en", "English")]
        self.offer_kinds([kind.value for kind in DonationKind])

    def offer_kinds(self, kinds) -> "MemberForm":
        """The preferred kinds to choose from: those of the club's rule set."""
        self.preferred_kind.choices = [("", _l("The kind of their last donation"))] + [
            (kind, label(kind)) for kind in kinds]
        return self

    def to_input(self) -> MemberInput:
        return MemberInput(
            full_name=self.full_name.data or "", sex=self.sex.data or "",
            date_of_birth=self.date_of_birth.data, joined_on=self.joined_on.data,
            blood_group=self.blood_group.data or None, weight_kg=self.weight_kg.data,
            phone=self.phone.data or "", email=self.email.data or "",
            member_no=self.member_no.data or "", status=self.status.data or "",
            consent_contact=bool(self.consent_contact.data),
            consent_public_verification=bool(self.consent_public_verification.data),
            consent_leaderboard=bool(self.consent_leaderboard.data),
            notes=self.notes.data or "", locale=self.locale.data or "",
            preferred_kind=self.preferred_kind.data or "",
        )

    @classmethod
    def for_member(cls, member) -> "MemberForm":
        """A form showing the member's current record (for editing)."""
        return cls(
            formdata=None, full_name=member.full_name, sex=member.sex.value,
            date_of_birth=member.date_of_birth, joined_on=member.joined_on,
            blood_group=member.blood_group.value if member.blood_group else "",
            weight_kg=member.weight_kg, phone=member.phone or "", email=member.email or "",
            member_no=member.member_no, status=member.status.value,
            consent_contact=member.consent_contact,
            consent_public_verification=member.consent_public_verification,
            consent_leaderboard=member.consent_leaderboard, notes=member.notes,
            locale=member.locale or "",
            preferred_kind=member.preferred_kind.value if member.preferred_kind else "",
        )


SORTS = {
    "member_no": _l("Member number"),
    "name": _l("Name"),
    "joined": _l("Newest members first"),
    "age": _l("Youngest first"),
}


class MemberFilterForm(FlaskForm):
    """Search, filters and sorting of the member list (a GET form: no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search name, member number or phone"),
                    validators=[Optional(), Length(max=100)])
    blood_group = SelectField(_l("Blood group"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])
    deferred = BooleanField(_l("Deferred today"))
    has_referral = BooleanField(_l("Has made a marrow referral"))
    eligible_kind = SelectField(_l("Eligible for"), validators=[Optional()])
    eligible_on = DateField(_l("on"), validators=[Optional()])
    sort = SelectField(_l("Sort by"), validators=[Optional()])

    def __init__(self, rule_set, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.blood_group.choices = ([("", _l("Any")), ("unknown", _l("Unknown"))]
                                    + [(g.value, g.value) for g in BloodGroup])
        self.status.choices = [("", _l("Any"))] + [(s.value, label(s)) for s in MemberStatus]
        self.eligible_kind.choices = [("", _l("Any kind, any day"))] + [
            (kind, label(kind)) for kind in rule_set.kinds]
        self.sort.choices = list(SORTS.items())
