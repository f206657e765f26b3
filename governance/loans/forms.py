"""WTForms of the social-loan pages: input shape only; every rule is the operations'
(their errors are put next to the fields by core.forms.show_errors)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField

from ..core.forms import REQUIRED
from .models import MovementKind, Product

DATE = {"type": "date"}
AMOUNT = {"inputmode": "decimal", "autocomplete": "off"}


class OpenAccountForm(FlaskForm):
    member = StringField(_l("Member register number"), validators=REQUIRED, render_kw={"inputmode": "numeric"})
    product = SelectField(_l("Product"), choices=lambda: Product.choices(blank=_l("Choose…")),
                          validate_choice=False, validators=REQUIRED)
    term_months = StringField(_l("Term in months (term deposits only)"), render_kw={"inputmode": "numeric"})
    opened_on = StringField(_l("Opened on"), validators=REQUIRED, render_kw=DATE)
    iban = StringField(_l("IBAN for repayments"), validators=REQUIRED,
                       render_kw={"autocapitalize": "characters", "spellcheck": "false"})


class MovementForm(FlaskForm):
    kind = SelectField(_l("Movement"), validate_choice=False, validators=REQUIRED,
                       choices=lambda: MovementKind.choices(only=(MovementKind.DEPOSIT, MovementKind.WITHDRAWAL)))
    amount = StringField(_l("Amount (€)"), validators=REQUIRED, render_kw=AMOUNT)
    value_date = StringField(_l("Value date"), validators=REQUIRED, render_kw=DATE)
    requested_on = StringField(_l("Withdrawal requested on (withdrawals only)"), render_kw=DATE)
    idempotency_key = HiddenField()


class ReversalForm(FlaskForm):
    movement_id = SelectField(_l("Movement to correct"), validate_choice=False, validators=REQUIRED)
    reason = TextAreaField(_l("Reason for the correction"), validators=REQUIRED, render_kw={"rows": 2})
    idempotency_key = HiddenField()


class RateForm(FlaskForm):
    product = SelectField(_l("Product"), choices=lambda: Product.choices(blank=_l("Choose…")),
                          validate_choice=False, validators=REQUIRED)
    rate = StringField(_l("Gross annual rate (%)"), validators=REQUIRED, render_kw=AMOUNT)
    effective_from = StringField(_l("In force from"), validators=REQUIRED, render_kw=DATE)


class EquityForm(FlaskForm):
    amount = StringField(_l("Equity (€)"), validators=REQUIRED, render_kw=AMOUNT)
    guaranteed_share = StringField(_l("Share of the loans that is guaranteed (%)"), validators=REQUIRED,
                                   render_kw=AMOUNT)
    accounts_approved_on = StringField(_l("Accounts approved on"), validators=REQUIRED, render_kw=DATE)


class YearEndForm(FlaskForm):
    year = StringField(_l("Year"), validators=REQUIRED, render_kw={"inputmode": "numeric"})
