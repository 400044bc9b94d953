"""The forms for recording a deferral and for ending one early."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ...domain.rulesets import RuleSet
from ...services.deferrals import OTHER
from ..formatting import deferral_label, duration
from ..labels import label

ALL_KINDS = "all"


class DeferralForm(FlaskForm):
    reason_code = SelectField(
        _l("Reason"), validators=[Optional()],
        description=_l("The usual length under the club's rules is shown after each reason."))
    free_text = TextAreaField(
        _l("Reason in your own words, or a note"), validators=[Length(max=500)],
        description=_l("Required for “Other”; for a reason from the list, an optional note."))
    starts_on = DateField(
        _l("First day of the deferral"), validators=[InputRequired()],
        description=_l("For reasons counted from recovery or healing, the day of recovery."))
    ends_on = DateField(
        _l("First day they may donate again"), validators=[Optional()],
        description=_l("Leave empty to use the usual length for the reason chosen, counted "
                       "from the first day; it is filled in when you save and shown on the "
                       "member page, where you can end it early. Required for “Other” unless "
                       "the deferral is indefinite."))
    indefinite = BooleanField(_l("Indefinite (no end date)"))
    kinds = RadioField(_l("Kinds of donation it blocks"), validators=[Optional()], default="")
    submit = SubmitField(_l("Record deferral"))

    def use_rule_set(self, rule_set: RuleSet) -> None:
        """Offer the club's catalogue of reasons, with their usual length, and its kinds."""
        self.reason_code.choices = [("", _("Choose a reason…"))] + [
            (code, f"{deferral_label(rule_set, code)} ({_length(reason)})")
            for code, reason in rule_set.deferral_reasons.items()
        ] + [(OTHER, _("Other (describe it below)"))]
        self.kinds.choices = [("", _("As the reason says (most block every kind)")),
                              (ALL_KINDS, _("Every kind"))] + [
            (kind, _("Only %(kind)s", kind=label(kind).lower())) for kind in rule_set.kinds]

    def kinds_for_service(self, rule_set: RuleSet) -> list[str] | None:
        """None lets the service take the catalogue's kinds; "all" is every kind."""
        if not self.kinds.data:
            return None
        if self.kinds.data == ALL_KINDS:
            return list(rule_set.kinds)
        return [self.kinds.data]


def _length(reason) -> str:
    return duration(reason.duration) if reason.duration else _("no end date")


class EndEarlyForm(FlaskForm):
    ends_on = DateField(_l("First day they may donate again"), validators=[InputRequired()],
                        description=_l("Earlier than the current end, and not before the "
                                       "first day of the deferral."))
    note = TextAreaField(_l("Note"), validators=[Length(max=500)],
                         description=_l("Why it ends early, for example “pregnancy ended on "
                                        "this day”. Added to the deferral's note."))
    submit = SubmitField(_l("End the deferral early"))
