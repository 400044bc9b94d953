"""The cycle chooser of the nominations page."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice


class CycleForm(FlaskForm):
    class Meta:
        csrf = False

    cycle = SelectField(_l("Cycle"), coerce=int)

    def use_cycles(self, starts: list[int], years: int) -> None:
        self.cycle.choices = [SelectChoice(start, f"{start}–{start + years - 1}")
                              for start in starts]
