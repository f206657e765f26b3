"""Statute parameter forms: input shape only; parsing and bounds are in parameters.py."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from .parameters import PARAMETERS


class DayForm(FlaskForm):
    """?on=YYYY-MM-DD: which day's values to show."""

    class Meta:
        csrf = False

    on = DateField(_l("Values in force on"), validators=[Optional()])


class ChangeParameterForm(FlaskForm):
    name = SelectField(_l("Parameter"), validators=[DataRequired()],
                       choices=lambda: [SelectChoice(p.name, str(p.label)) for p in PARAMETERS])
    value = StringField(_l("New value"), validators=[DataRequired(), Length(max=60)],
                        description=_l("Amounts and percentages with a dot or comma (25.00), "
                                       "fractions as 1/2, yes/no for allowed/not allowed."))
    effective_from = DateField(_l("Effective from"), validators=[DataRequired()])
    # Mandatory on the page: a statute value changes by a resolution, and the note says
    # which (the API keeps it optional, as API.md fixes).
    note = TextAreaField(_l("Note"), validators=[DataRequired(_l("Give the resolution that changed the statute.")),
                                                 Length(max=2000)],
                         description=_l("Why, e.g. the assembly resolution that changed the statute."))
    correction = BooleanField(_l("This corrects a value entered wrongly (effective date in the past; "
                                 "give the reason in the note)"))
