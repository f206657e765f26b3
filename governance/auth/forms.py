"""Input shape of the login, password and profile forms; rules stay in operations."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from .models import Language
from .passwords import MAX_LENGTH, MIN_LENGTH


def _new_password_validators():
    return [DataRequired(),
            Length(min=MIN_LENGTH, message=_l("The password must be at least %(n)d characters long.",
                                              n=MIN_LENGTH)),
            Length(max=MAX_LENGTH, message=_l("At most %(n)d characters.", n=MAX_LENGTH))]


def _strip(value):
    """Browsers and phones may add spaces around an email address."""
    return value.strip() if isinstance(value, str) else value


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)],
                       filters=[_strip])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    remember = BooleanField(_l("Remember me"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)],
                       filters=[_strip])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=_new_password_validators())
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=MAX_LENGTH)])
    new_password = PasswordField(_l("New password"), validators=_new_password_validators())
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(),
                                        EqualTo("new_password", message=_l("The two passwords differ."))])


class PreferencesForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=[SelectChoice(*pair) for pair in Language.choices()],
                        validators=[DataRequired()])


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=100)],
                       description=_l("What the token is for, e.g. \"accounting export\"."))


class RevokeTokenForm(FlaskForm):
    """Only the CSRF token: the token to revoke is in the URL."""
