"""The filter of the "who can donate on a day" list: a date and a kind, sent by GET."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional

from ...domain.rulesets import RuleSet
from ..labels import label


class EligibleForm(FlaskForm):
    """Both fields may be left out: the date is then today and the kind the rule set's first."""

    class Meta:
        csrf = False  # a GET filter changes nothing

    date = DateField(_l("Date"), validators=[Optional()],
                     description=_l("The day of the drive or the appointment."))
    kind = SelectField(_l("Kind of donation"), validators=[Optional()])

    def __init__(self, formdata, *, rule_set: RuleSet, today):
        super().__init__(formdata, date=today, kind=rule_set.kinds[0])
        self.today, self.default_kind = today, rule_set.kinds[0]
        self.kind.choices = [(kind, label(kind)) for kind in rule_set.kinds]

    @property
    def chosen_date(self):
        return self.date.data or self.today

    @property
    def chosen_kind(self) -> str:
        return self.kind.data or self.default_kind
