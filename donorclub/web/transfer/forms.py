"""Forms of the import and export pages: shape only."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, HiddenField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, Regexp


def _choices(*pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


TABLE_CHOICES = _choices(("members", _l("Members")), ("donations", _l("Donations")),
                         ("deferrals", _l("Deferrals")), ("referrals", _l("Marrow referrals")),
                         ("hours", _l("Volunteer hours")))


class ImportForm(FlaskForm):
    table = SelectField(_l("The file holds"), choices=TABLE_CHOICES,
                        validators=[InputRequired()])
    file = FileField(_l("CSV or Excel (.xlsx) file"), validators=[FileRequired()],
                     description=_l("Up to 50 MB. CSV may be UTF-8 or GBK; headers in English "
                                    "or Chinese, as in the templates."))
    exclude_bad_rows = BooleanField(_l("Leave out bad rows and import the rest"))
    submit = SubmitField(_l("Check the file"))


class ConfirmForm(FlaskForm):
    token = HiddenField(validators=[Regexp(r"^[0-9a-f]{32}$")])
    table = HiddenField(validators=[InputRequired()])
    exclude_bad_rows = BooleanField(_l("Leave out the bad rows listed above"))
    submit = SubmitField(_l("Import"))


class ExportForm(FlaskForm):
    class Meta:
        csrf = False  # a GET that changes nothing

    table = SelectField(_l("Records"),
                        choices=[*TABLE_CHOICES, *_choices(("all", _l("Everything")))],
                        validators=[InputRequired()])
    format = SelectField(_l("Format"), choices=_choices(("xlsx", _l("Excel (.xlsx)")),
                                                ("csv", _l("CSV (UTF-8)"))),
                         validators=[InputRequired()],
                         description=_l("“Everything” comes as one .xlsx with a sheet each."))
    date_from = DateField(_l("From"), validators=[Optional()],
                          description=_l("Members are always exported in full."))
    date_to = DateField(_l("To"), validators=[Optional()])
    lang = SelectField(_l("Header language"), choices=_choices(("en", "English"), ("zh", "中文")))
    submit = SubmitField(_l("Download"))
