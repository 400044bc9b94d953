"""Forms for donations: the member page's form, the fast-entry form built per kind, the member
search of the fast-entry screen and the void form."""
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
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

from ...domain.rulesets import KindRule, RuleSet
from ...models import Drive
from ..formatting import day
from ..labels import label


def _drive_id(value):
    """A drive's id from the form; the empty choice means no drive."""
    if value in (None, ""):
        return None
    return int(value)


class DonationEntryBase(FlaskForm):
    """What every fast-entry form shares: the override needs both the tick and the reason."""

    def validate_override(self, field):
        if not field.data and (self.override_reason.data or "").strip():
            raise ValidationError(_l("Tick this box to record a donation the rules refuse, "
                                     "or clear the reason below."))

    def validate_override_reason(self, field):
        if self.override.data and not (field.data or "").strip():
            raise ValidationError(_l("You ticked the override: write why the donation is "
                                     "recorded anyway."))

    def use_drives(self, drives: list[Drive], today: date) -> None:
        self.drive_id.choices = [("", _l("No drive"))] + [
            (d.id, f"{day(d.held_on)} · {d.place}") for d in drives]
        self.donated_on.render_kw = {"max": today.isoformat()}


class DonationForm(DonationEntryBase):
    """The member page's form: every kind of the rule set in one form."""

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
    override = BooleanField(
        _l("Record it although the rules refuse it"),
        description=_l("Only when the donation really happened although the rules say it "
                       "could not, for example with a physician's approval. Written to the "
                       "audit log."))
    override_reason = TextAreaField(
        _l("Why it is recorded anyway"), validators=[Length(max=500)],
        description=_l("Needed when the box above is ticked, and only then."))
    submit = SubmitField(_l("Record donation"))

    def use_rule_set(self, rule_set: RuleSet) -> None:
        """Offer the kinds the club's rule set allows."""
        self.kind.choices = [(kind, label(kind)) for kind in rule_set.kinds]


def entry_form_class(rule: KindRule) -> type[DonationEntryBase]:
    """The fast-entry form for one kind: the volume is a list when the rule set lists the
    volumes allowed, and the therapeutic units a list when the kind counts them."""
    fields = {"donated_on": DateField(_l("Date of the donation"), validators=[InputRequired()],
                                      description=_l("Today unless you enter it later."))}
    if rule.volumes_ml:
        fields["volume_ml"] = SelectField(
            _l("Volume (ml)"), coerce=int, validators=[InputRequired()],
            choices=[SelectChoice(v, str(v)) for v in rule.volumes_ml])
    else:
        fields["volume_ml"] = IntegerField(
            _l("Volume (ml)"), validators=[InputRequired(), NumberRange(min=1, max=2000)],
            description=_l("Usually %(min)d to %(max)d ml; copy it from the collection slip.",
                           min=rule.min_volume_ml, max=rule.max_volume_ml))
    if rule.units:
        fields["therapeutic_units"] = SelectField(
            _l("Therapeutic units"), coerce=int, validators=[InputRequired()],
            choices=[SelectChoice(u, str(u)) for u in rule.units])
    fields["site"] = StringField(_l("Site"), validators=[Optional(), Length(max=200)],
                                 description=_l("The blood station or bus, for example."))
    fields["drive_id"] = SelectField(_l("Drive"), coerce=_drive_id, validators=[Optional()],
                                     description=_l("The club's group donation day, if any."))
    fields["blood_centre_certificate_no"] = StringField(
        _l("Blood centre certificate number"), validators=[Optional(), Length(max=60)])
    fields["override"] = BooleanField(
        _l("Record it although the rules refuse it"),
        description=_l("Only when the donation really happened although the rules say it "
                       "could not, for example with a physician's approval. Written to the "
                       "audit log."))
    fields["override_reason"] = TextAreaField(
        _l("Why it is recorded anyway"), validators=[Length(max=500)],
        description=_l("Needed when the box above is ticked, and only then."))
    fields["submit"] = SubmitField(_l("Record donation"))
    return type("DonationEntryForm", (DonationEntryBase,), fields)


class MemberSearchForm(FlaskForm):
    """The fast-entry screen's search: read from the query string, so no CSRF token."""

    class Meta:
        csrf = False

    q = SearchField(_l("Find the member: part of the name, the member number or the phone"),
                    validators=[Length(max=100)], render_kw={"autofocus": True})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An empty box just shows the box again, but the box is what the page is for, so it is
        # not labelled "optional".
        self.q.flags.required = True


class VoidForm(FlaskForm):
    reason = TextAreaField(
        _l("Why is this donation voided?"),
        validators=[DataRequired(), Length(min=3, max=500)],
        description=_l("For example: entered twice, or recorded for the wrong member. The "
                       "donation stays on record, struck through, and counts for nothing."))
    submit = SubmitField(_l("Void donation"))
