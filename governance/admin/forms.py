"""Admin forms: users, audit log filters. Input shape only; rules live in operations."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, SelectField, DateField, EmailField, IntegerField, PasswordField,
                     SelectChoice, SelectMultipleField, StringField, widgets)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from ..auth.models import FULL_NAME_MAX
from ..core.permissions import Role

def _strip(value):
    """Browsers and phones may add spaces around an email address."""
    return value.strip() if isinstance(value, str) else value


class MultiCheckboxField(SelectMultipleField):
    """Roles as a list of checkboxes: usable without JavaScript or Ctrl-click."""
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _role_choices():
    return [SelectChoice(value, label) for value, label in Role.choices()]


class UserEditForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[Optional(), Length(max=FULL_NAME_MAX)])
    roles = MultiCheckboxField(_l("Roles"), choices=_role_choices, validate_choice=True)
    member = IntegerField(_l("Linked member (register number)"),
                                 validators=[Optional(), NumberRange(min=1)],
                                 description=_l("Leave empty for a login without a register entry."))
    active = BooleanField(_l("Active (may log in)"))


class UserCreateForm(UserEditForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)],
                       filters=[_strip])
    password = PasswordField(_l("Initial password"), validators=[Optional(), Length(max=200)],
                             description=_l("At least 10 characters; leave empty to send a link instead."))
    send_reset = BooleanField(_l("Email a link to set the password"))

    def validate_send_reset(self, field):
        if field.data and self.password.data:
            raise ValidationError(_l("Choose either an initial password or the emailed link, not both."))
        if not field.data and not self.password.data:
            raise ValidationError(_l("Give an initial password or choose to email a link."))


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form: nothing changes

    # Choices in words (the log's codes are the values); any other value is still read
    # as a prefix of the code ("user." for every action on logins), as the API does.
    action = SelectField(_l("Action"), validators=[Optional(), Length(max=80)], validate_choice=False)
    actor = StringField(_l("Actor email"), validators=[Optional(), Length(max=254)])
    object_type = SelectField(_l("Object type"), validators=[Optional(), Length(max=40)],
                              validate_choice=False)
    object_id = StringField(_l("Object id"), validators=[Optional(), Length(max=40)])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from ..core import audit
        everything = [("", str(_l("All")))]
        self.action.choices = everything + audit.action_choices()
        self.object_type.choices = everything + audit.object_choices()
        for select in (self.action, self.object_type):
            if select.data and select.data not in dict(select.choices):
                select.choices.append((select.data, select.data))

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date is before the start date."))
