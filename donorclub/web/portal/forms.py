"""The member's own details form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, TelField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from ..labels import label


class DetailsForm(FlaskForm):
    phone = TelField(_l("Phone"), validators=[Optional(), Length(max=32)])
    email = EmailField(_l("Email"), validators=[Optional(), Length(max=254)])
    locale = SelectField(_l("Language"), validators=[Optional()], choices=[
        SelectChoice("", _l("The club's language")), SelectChoice("zh_Hans", "中文"),
        SelectChoice("en", "English")],
        description=_l("Your certificates are printed in it."))
    consent_contact = BooleanField(_l("The club may contact me (reminders, drive invitations)"))
    preferred_kind = SelectField(_l("Preferred donation kind for reminders"),
                                 validators=[Optional()], choices=[],
                                 description=_l("\"You can donate again\" tells you when you "
                                                "may give this kind next."))
    consent_public_verification = BooleanField(
        _l("My name may show when someone checks my certificates"))
    consent_leaderboard = BooleanField(
        _l("My name may show on the club's marrow-referral leaderboard"))


    def offer_kinds(self, kinds) -> DetailsForm:
        """The kinds of the club's rule set, after "the kind of my last donation"."""
        self.preferred_kind.choices = [SelectChoice("", _l("The kind of my last donation"))] + [
            SelectChoice(kind, label(kind)) for kind in kinds]
        return self
