"""Forms for clubs, coordinators and the account list filter."""
from datetime import time

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, SubmitField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ...domain.enums import Role
from ..formatting import rules_name

LANGUAGE_CHOICES = [SelectChoice("en", "English"), SelectChoice("zh_Hans", "简体中文")]


class ClubForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(_l("Slug"), validators=[DataRequired(), Length(max=60)],
                       description=_l("Used in addresses: lowercase letters, digits and "
                                      "hyphens, such as anshan-steel. It cannot be changed "
                                      "later."))
    # The service names unknown codes; the form only offers the known ones.
    rule_set = SelectField(_l("Rule set"), validators=[DataRequired()], validate_choice=False,
                           description=_l("The donation rules the club's members are checked "
                                          "against."))
    locale = SelectField(_l("Default language"), choices=LANGUAGE_CHOICES,
                         validators=[DataRequired()], validate_choice=False)
    timezone = StringField(_l("Time zone"), default="Asia/Shanghai",
                           validators=[DataRequired(), Length(max=64)],
                           description=_l("An IANA name such as Asia/Shanghai, Asia/Hong_Kong "
                                          "or Europe/London."))
    # Local times in the time zone above; the service wants both or neither.
    quiet_from = TimeField(_l("Quiet hours from"), default=time(21, 0), validators=[Optional()],
                           description=_l("No reminder or invitation leaves between these two "
                                          "times (HH:MM, local time; the span may cross "
                                          "midnight). Leave both empty to send at any time."))
    quiet_until = TimeField(_l("Quiet hours until"), default=time(8, 0),
                            validators=[Optional()])
    submit = SubmitField(_l("Save"))

    def quiet_hours(self) -> tuple[time | None, time | None]:
        return self.quiet_from.data, self.quiet_until.data

    def prepare(self, rule_sets, *, editing: bool = False) -> "ClubForm":
        """Offer the known rule sets; an existing club keeps its slug, so editing drops it."""
        # Rule sets in force first; drafts are there to compare, rarely to follow.
        ordered = sorted(rule_sets.values(), key=lambda rs: (not rs.in_force, rs.code))
        self.rule_set.choices = [SelectChoice(rs.code, f"{rs.code}: {rules_name(rs)}")
                                 for rs in ordered]
        if editing:
            del self.slug
        return self


class CoordinatorForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)],
                       description=_l("A new address gets an account and an invitation link."))
    name = StringField(_l("Name"), validators=[Optional(), Length(max=120)],
                       description=_l("Only used when the account is new."))
    submit = SubmitField(_l("Add coordinator"))


class AccountFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    q = StringField(_l("Email or name contains"), validators=[Optional(), Length(max=254)])
    role = SelectField(_l("Role"), validators=[Optional()], choices=[
        SelectChoice("", _l("Any")), SelectChoice(Role.ADMIN.value, _l("Administrator")),
        SelectChoice(Role.COORDINATOR.value, _l("Coordinator")),
        SelectChoice(Role.MEMBER.value, _l("Member"))])
    status = SelectField(_l("Status"), validators=[Optional()], choices=[
        SelectChoice("", _l("Any")), SelectChoice("active", lazy_pgettext("account", "Active")),
        SelectChoice("pending", _l("Invitation not accepted")),
        SelectChoice("deactivated", _l("Deactivated"))])
