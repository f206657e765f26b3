"""Register forms: the input's shape only. Every rule (required fields, tax code,
dates, shares, volunteer cap) is checked by operations.validate_entry and friends, and
their errors are shown next to these fields by the views."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.widgets import DateInput, EmailInput, NumberInput, TelInput

from ..core.formatting import number
from ..core.forms import Required as Marked
from ..core.forms import label_as_legal_person
from .models import Category


def _category_choices():
    return [SelectChoice(value, label) for value, label in Category.choices(blank=_l("Choose…"))]


class EntryFields(FlaskForm):
    """The fields of a register entry (DOMAIN.md §2), kept as the strings typed so that
    the operations parse and judge them, and report by field."""

    last_name = StringField(_l("Surname (or company name)"), validators=[Marked()])
    first_name = StringField(_l("Name"))
    legal_representative = StringField(_l("Legal representative (legal persons)"))
    tax_code = StringField(_l("Tax code (codice fiscale) or VAT number for legal persons"),
                           validators=[Marked()])
    birth_date = StringField(_l("Birth date"), widget=DateInput())
    address = StringField(_l("Address"))
    email = StringField(_l("Email"), widget=EmailInput())
    phone = StringField(_l("Phone"), widget=TelInput())
    category = SelectField(_l("Category"), choices=_category_choices, validate_choice=False,
                           validators=[Marked()])
    admitted_on = StringField(_l("Admission date"), widget=DateInput(), validators=[Marked()])
    shares = StringField(_l("Shares subscribed"), widget=NumberInput(min=1), validators=[Marked()])
    shares_paid_amount = StringField(_l("Amount paid (€)"))

    ENTRY_NAMES = ("last_name", "first_name", "legal_representative", "tax_code", "birth_date",
                   "address", "email", "phone", "category", "admitted_on", "shares",
                   "shares_paid_amount")

    legal_person = False
    hide_person_fields = False

    def entry_data(self) -> dict:
        return {name: (getattr(self, name).data or "").strip() for name in self.ENTRY_NAMES}

    def label_for_category(self, category: str | None = None) -> None:
        """A legal person's labels when the entry (or what was typed) is a legal person."""
        label_as_legal_person(self, (category or self.category.data) == Category.LEGAL_PERSON.value)


class NewMemberForm(EntryFields):
    number = StringField(_l("Register number (leave empty for the next one)"),
                         widget=NumberInput(min=1))
    note = TextAreaField(_l("Note (e.g. the board decision)"))


class CorrectMemberForm(EntryFields):
    note = TextAreaField(_l("Reason for the correction"), validators=[Marked()])

    @classmethod
    def for_member(cls, member, **kwargs) -> "CorrectMemberForm":
        """The form filled with the entry as it is (on GET)."""
        data = {
            "last_name": member.last_name, "first_name": member.first_name,
            "legal_representative": member.legal_representative or "", "tax_code": member.tax_code,
            "birth_date": member.birth_date.isoformat() if member.birth_date else "",
            "address": member.address or "", "email": member.email or "", "phone": member.phone or "",
            "category": member.category.value, "admitted_on": member.admitted_on.isoformat(),
            "shares": str(member.shares_subscribed),
            # as the reader writes it ("50,00" in Italian), and read back as typed
            "shares_paid_amount": number(member.shares_paid_amount, 2),
        }
        form = cls(data=data, **kwargs)
        form.label_for_category(member.category.value)
        form.hide_person_fields = form.legal_person
        return form


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[Marked()])
