"""The switcher's form: the language a button names, and the page to return to."""
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import DataRequired


class LanguageForm(FlaskForm):
    locale = HiddenField(validators=[DataRequired()])
    next = HiddenField()
