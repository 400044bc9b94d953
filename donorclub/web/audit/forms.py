"""The audit-log filter and the member-login invitation form."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from .presentation import action_choices, entity_choices


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    action = SelectField(_l("Action"), validators=[Optional()])
    entity_type = SelectField(_l("Record"), validators=[Optional()])
    actor = SelectField(_l("Who"), validators=[Optional()])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("Until (included)"), validators=[Optional()])

    def use_actors(self, users) -> "AuditFilterForm":
        """Offer the actions, record types and these people to filter by."""
        self.action.choices = action_choices()
        self.entity_type.choices = entity_choices()
        self.actor.choices = [SelectChoice("", _l("Anyone"))] + [
            SelectChoice(str(u.id), f"{u.name} ({u.email})" if u.name else u.email)
            for u in users]
        return self

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("Choose a day on or after the first one."))


class MemberLoginForm(FlaskForm):
    member_no = StringField(_l("Member number"), validators=[DataRequired(), Length(max=20)])
    email = EmailField(_l("Email"), validators=[Optional(), Length(max=254)],
                       description=_l("Leave empty to use the email on the member's record."))
    submit = SubmitField(_l("Create login and invitation link"))
