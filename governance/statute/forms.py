"""Statute parameter forms: input shape only; parsing and bounds are in parameters.py."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from .parameters import Parameter


class DayForm(FlaskForm):
    """?on=YYYY-MM-DD: which day's values to show."""

    class Meta:
        csrf = False

    on = DateField(_l("Values in force on"), validators=[Optional()])


# How each kind of value is typed (the bounds and the unit are shown next to the field).
_HELP = {
    "int": _l("A whole number."),
    "money": _l("An amount in euro with at most two decimals, e.g. 25,00."),
    "percent": _l("A percentage with at most two decimals, e.g. 26,00."),
    "fraction": _l("A fraction such as 1/2 or 2/3, or a decimal such as 0,5."),
}


class ParameterChangeForm(FlaskForm):
    """A dated change of one parameter: the new value, from when, and the resolution."""

    value = StringField(_l("New value"), validators=[DataRequired(), Length(max=60)])
    effective_from = DateField(_l("Effective from"), validators=[DataRequired()])
    # Mandatory on the page: a statute value changes by a resolution, and the note says
    # which (the API keeps it optional, as API.md fixes).
    note = TextAreaField(_l("Note"), validators=[DataRequired(_l("Give the resolution that changed the statute.")),
                                                 Length(max=2000)],
                         description=_l("Why, e.g. the assembly resolution that changed the statute."))
    correction = BooleanField(_l("This corrects a value entered wrongly (effective date in the past; "
                                 "give the reason in the note)"))


class YesNoChangeForm(ParameterChangeForm):
    value = RadioField(_l("New value"), validators=[InputRequired()],
                       choices=[SelectChoice("true", _l("yes")), SelectChoice("false", _l("no"))])


def change_form_for(parameter: Parameter, **kwargs) -> ParameterChangeForm:
    """The form of one parameter: yes/no as two choices, every other kind as text."""
    form_class = YesNoChangeForm if parameter.kind == "bool" else ParameterChangeForm
    form = form_class(**kwargs)
    if parameter.kind != "bool":
        form.value.description = _HELP[parameter.kind]
    return form
