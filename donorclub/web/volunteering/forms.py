"""Forms for volunteer hours: one member's entry, a group entry, the drive picker and voiding."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ...models import Drive
from ..formatting import day

_LINE = re.compile(r"^\s*([^\s,;:]+)[\s,;:]+([^\s,;:]+)\s*$")


def _drive_id(value):
    """A drive's id from the form; the empty choice means no drive."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(_l("Choose a drive from the list.")) from None


def _drive_choices(drives: list[Drive]) -> list[tuple]:
    return [("", _l("No drive: describe the activity"))] + [
        (d.id, f"{day(d.held_on)} · {d.place}") for d in drives]


class ServiceFields(FlaskForm):
    """What one entry of hours needs, besides whose and how many."""

    served_on = DateField(_l("Day of the service"), validators=[InputRequired()])
    drive_id = SelectField(_l("Drive"), coerce=_drive_id, validators=[Optional()],
                           validate_choice=False,
                           description=_l("The club's drive the hours were given at, if any."))
    activity = StringField(_l("Activity"), validators=[Length(max=200)],
                           description=_l("When not at a drive: for example “Blood-donation "
                                          "talk at the steel works school”."))
    role = StringField(_l("Role"), validators=[Length(max=120)],
                       description=_l("For example: registration desk, guide, photographer."))
    note = TextAreaField(_l("Note"), validators=[Length(max=500)])

    def use_drives(self, drives: list[Drive]) -> None:
        self.drive_id.choices = _drive_choices(drives)


class ServiceForm(ServiceFields):
    hours = DecimalField(_l("Hours"), places=2, validators=[InputRequired()],
                         description=_l("In quarter hours, for example 3.5; at most 24."),
                         render_kw={"inputmode": "decimal"})
    submit = SubmitField(_l("Record hours"))


class AttendeesField(SelectMultipleField):
    """Tick boxes, one per member who attended the drive chosen."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class GroupServiceForm(ServiceFields):
    attendees = AttendeesField(_l("Attendees of the drive"), validators=[Optional()],
                               choices=[], validate_choice=False)
    attendee_hours = DecimalField(_l("Hours for each attendee ticked"), places=2,
                                  validators=[Optional()])
    entries = TextAreaField(
        _l("Members and hours"), validators=[Length(max=10000)],
        description=_l("One member a line: the member number, then the hours, for example "
                       "“0012 3.5”."),
        render_kw={"rows": 6})
    submit = SubmitField(_l("Record hours for everyone"))

    def use_attendees(self, members) -> None:
        """Tick boxes for the drive's attendees; without any, the two fields are left out."""
        if not members:
            del self.attendees
            del self.attendee_hours
            return
        self.attendees.choices = [(m.member_no, f"{m.member_no} · {m.full_name}")
                                  for m in members]

    def validate_entries(self, field):
        bad = [line.strip() for line in (field.data or "").splitlines()
               if line.strip() and not _LINE.match(line)]
        if bad:
            raise ValidationError(_l("Write each line as the member number, a space, then the "
                                     "hours. Not understood: %(line)s", line=bad[0]))

    def validate_attendee_hours(self, field):
        if self.attendees.data and field.data is None:
            raise ValidationError(_l("Give the hours for the attendees you ticked."))

    def pairs(self) -> list[tuple[str, str]]:
        """(member number, hours as typed) from the lines, then the ticked attendees."""
        pairs = [_LINE.match(line).groups() for line in (self.entries.data or "").splitlines()
                 if line.strip()]
        if self.attendees is None:
            return pairs
        hours = self.attendee_hours.data
        return pairs + [(no, str(hours)) for no in self.attendees.data or []]


class DrivePickForm(FlaskForm):
    """Choosing the drive whose attendees to list: read from the query string, so no CSRF."""

    class Meta:
        csrf = False

    drive = SelectField(_l("Drive"), coerce=_drive_id, validators=[Optional()],
                        validate_choice=False)

    def use_drives(self, drives: list[Drive]) -> None:
        self.drive.choices = _drive_choices(drives)


class VoidServiceForm(FlaskForm):
    reason = TextAreaField(
        _l("Why are these hours voided?"), validators=[DataRequired(), Length(min=3, max=500)],
        description=_l("For example: entered twice, or for the wrong member. The row stays on "
                       "record, struck through, and counts for nothing."))
    submit = SubmitField(_l("Void hours"))
