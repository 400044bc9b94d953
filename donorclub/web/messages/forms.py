"""The message log's filter, and the reason a coordinator gives for stopping a message."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SearchField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ...services.message_log import MAX_CANCEL_REASON, MessageFilters
from .presentation import CHANNEL_LABELS, KIND_LABELS, STATUS_LABELS


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice("", _l("Any"))] + [SelectChoice(code.value, text)
                                            for code, text in labels.items()]


class MessageFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    status = SelectField(_l("Status"), choices=_choices(STATUS_LABELS), validators=[Optional()])
    kind = SelectField(_l("Kind of message"), choices=_choices(KIND_LABELS),
                       validators=[Optional()])
    channel = SelectField(_l("Channel"), choices=_choices(CHANNEL_LABELS),
                          validators=[Optional()])
    member = SearchField(_l("Member number or name"), validators=[Optional(), Length(max=120)])
    since = DateField(_l("Queued from"), validators=[Optional()])
    until = DateField(_l("Until (included)"), validators=[Optional()])

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("Choose a day on or after the first one."))

    def to_filters(self) -> MessageFilters:
        return MessageFilters(status=self.status.data or "", kind=self.kind.data or "",
                              channel=self.channel.data or "",
                              member=self.member.data or "", since=self.since.data,
                              until=self.until.data)


class CancelForm(FlaskForm):
    reason = StringField(_l("Why it is not to be sent"),
                         validators=[DataRequired(), Length(max=MAX_CANCEL_REASON)],
                         description=_l("Kept with the message and in the audit log."))


class RetryForm(FlaskForm):
    """No fields: carries the CSRF token of the "send again" button."""
