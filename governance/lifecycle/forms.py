"""WTForms of the lifecycle pages: input shape only. Every rule (required fields, tax
code, dates, deadlines) is checked by the operations, whose errors are put next to the
fields by `apply_errors`, so the HTML and the API say the same thing."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, EmailField, PasswordField, RadioField, SelectChoice, SelectField,
                     StringField, TelField, TextAreaField)
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ..members.models import Category

DATE = {"type": "date"}


from ..core.forms import REQUIRED  # noqa: E402


def _choices(*pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def category_choices():
    return _choices(*Category.choices(blank=_l("Choose…")))


class ApplicationForm(FlaskForm):
    category = SelectField(_l("Category requested"), choices=category_choices, validate_choice=False,
                           validators=REQUIRED)
    first_name = StringField(_l("First name"), render_kw={"autocomplete": "given-name"})
    last_name = StringField(_l("Surname, or company name for a legal person"), validators=REQUIRED,
                            render_kw={"autocomplete": "family-name"})
    tax_code = StringField(_l("Tax code (codice fiscale), or VAT number for a legal person"),
                           validators=REQUIRED, render_kw={"autocapitalize": "characters", "spellcheck": "false"})
    legal_representative = StringField(_l("Legal representative (legal persons only)"))
    birth_date = StringField(_l("Date of birth (persons only)"), render_kw=DATE | {"autocomplete": "bday"})
    address = StringField(_l("Address"), validators=REQUIRED, render_kw={"autocomplete": "street-address"})
    email = EmailField(_l("Email"), validators=REQUIRED, render_kw={"autocomplete": "email"})
    phone = TelField(_l("Phone"), render_kw={"autocomplete": "tel"})
    shares = StringField(_l("Shares subscribed"), default="1", validators=REQUIRED,
                         render_kw={"type": "number", "min": "1", "step": "1", "inputmode": "numeric"})
    # `required` in the page too: the browser says what is missing before sending
    accepts_statute = BooleanField(_l("I have read and accept the statute"), render_kw={"required": True})
    accepts_privacy = BooleanField(_l("I have read the privacy notice"), render_kw={"required": True})
    password = PasswordField(_l("Password to follow your application (at least 10 characters)"),
                             validators=REQUIRED,
                             render_kw={"autocomplete": "new-password"})
    password_confirm = PasswordField(_l("Repeat the password"), validators=[
        EqualTo("password", message=_l("The two passwords are different."))],
        render_kw={"autocomplete": "new-password"})

    def operation_data(self) -> dict:
        return {name: field.data for name, field in self._fields.items()
                if name not in ("csrf_token", "password_confirm")}


class ApplicantLoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired()], render_kw={"autocomplete": "email"})
    password = PasswordField(_l("Password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})


class ApplicantForgotForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)],
                       render_kw={"autocomplete": "email"})


class ActivationRequestForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)],
                       render_kw={"autocomplete": "email"})


class ApplicantResetForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "new-password"})
    password_confirm = PasswordField(_l("Repeat the new password"), validators=[
        EqualTo("password", message=_l("The two passwords are different."))],
        render_kw={"autocomplete": "new-password"})


class AppealForm(FlaskForm):
    text = TextAreaField(_l("Why should the assembly admit you?"), render_kw={"rows": 6})


class DecisionForm(FlaskForm):
    outcome = RadioField(_l("Decision"), choices=_choices(("admitted", _l("Admit")), ("rejected", _l("Refuse"))),
                         validate_choice=False)
    decided_on = StringField(_l("Date of the board meeting"), render_kw=DATE)
    reasons = TextAreaField(_l("Reasons (mandatory for a refusal; sent to the applicant)"),
                            render_kw={"rows": 5})


class AppealDecisionForm(FlaskForm):
    outcome = RadioField(_l("The assembly"), choices=_choices(("upheld", _l("upheld the appeal")),
                                                          ("rejected", _l("confirmed the refusal"))),
                         validate_choice=False)
    decided_on = StringField(_l("Date of the assembly"), render_kw=DATE)
    note = TextAreaField(_l("Note (e.g. minutes reference)"), render_kw={"rows": 2})


class ActivationForm(FlaskForm):
    password = PasswordField(_l("New password (leave empty to keep the one you chose when applying)"),
                             render_kw={"autocomplete": "new-password"})
    password_confirm = PasswordField(_l("Repeat the new password"), validators=[
        EqualTo("password", message=_l("The two passwords are different."))],
        render_kw={"autocomplete": "new-password"})


class WithdrawalRequestForm(FlaskForm):
    reason = TextAreaField(_l("Reason (optional)"), render_kw={"rows": 4})
    confirm = BooleanField(_l("I ask to withdraw from the cooperative"),
                           validators=[DataRequired(message=_l("Tick the box to confirm."))])


class WithdrawalDecisionForm(FlaskForm):
    outcome = RadioField(_l("Decision"), choices=_choices(("accepted", _l("Accept")), ("refused", _l("Refuse"))),
                         validate_choice=False)
    decided_on = StringField(_l("Date of the board meeting"), render_kw=DATE)
    reasons = TextAreaField(_l("Reasons (mandatory for a refusal; sent to the member)"),
                            render_kw={"rows": 4})


class ExitForm(FlaskForm):
    kind = SelectField(_l("What happened"), validate_choice=False, choices=_choices(
        ("", _l("Choose…")), ("exclusion", _l("Exclusion (board decision)")), ("death", _l("Death")),
        ("lapse", _l("Lapse (loss of the requirements)")),
        ("withdrawal", _l("Withdrawal (request received on paper)"))))
    date = StringField(_l("Date (of the board decision, of the death or lapse)"), render_kw=DATE)
    reasons = TextAreaField(_l("Reasons (mandatory for an exclusion; sent to the member)"),
                            render_kw={"rows": 4})
    notice_on = StringField(_l("Exclusion: date of the notice to the member"), render_kw=DATE)
    challenged_on = StringField(_l("Exclusion: date of the challenge in court, if any"), render_kw=DATE)
    requested_on = StringField(_l("Withdrawal: date of the member's request"), render_kw=DATE)

    # What the date and the reasons are for each kind (the generic labels above stay
    # for the form without scripts, where every field is shown).
    KIND_LABELS = {
        "date": {"exclusion": _l("Date of the board's decision to exclude"), "death": _l("Date of death"),
                 "lapse": _l("Date of the board's decision on the lapse"),
                 "withdrawal": _l("Date of the board's decision accepting the withdrawal")},
        "reasons": {"exclusion": _l("Reasons (mandatory; sent to the member)"),
                    "lapse": _l("Reasons (optional; sent to the member)"),
                    "withdrawal": _l("Reasons (optional; sent to the member)")},
    }

    def kind_labels(self, name: str) -> dict[str, str]:
        """{kind: label} of a field, for the page's script."""
        return {kind: str(text) for kind, text in self.KIND_LABELS[name].items()}

    def label_for_kind(self) -> None:
        """Label the date and the reasons for the kind chosen (a failed submit's fields and
        error summary)."""
        for name, labels in self.KIND_LABELS.items():
            if self.kind.data in labels:
                self[name].label.text = str(labels[self.kind.data])


class ChallengeForm(FlaskForm):
    challenged_on = StringField(_l("Date of the challenge in court"), render_kw=DATE)


class SharePaymentForm(FlaskForm):
    amount = StringField(_l("Amount (€)"), render_kw={"inputmode": "decimal"})
    paid_on = StringField(_l("Date of payment"), render_kw=DATE)
    note = StringField(_l("Note (e.g. bank transfer reference)"))


class AccountsApprovalForm(FlaskForm):
    year = StringField(_l("Financial year"), render_kw={"type": "number", "inputmode": "numeric"})
    approved_on = StringField(_l("Date the assembly approved the accounts"), render_kw=DATE)
