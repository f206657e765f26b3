"""JSON shapes of the social-loan API (they also build the OpenAPI document). Input
schemas check types only: amounts and rates arrive as strings ("1234.50", "2.00") and
every rule is the operations', so the API and the pages say the same thing."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from ..core.api import MoneyField, PageQuerySchema
from .models import MovementKind, Product

PRODUCTS = [p.value for p in Product]


class Input(ma.Schema):
    class Meta:
        unknown = ma.RAISE


class Text(ma.fields.Raw):
    """A string or number passed on as it is: the operation cleans it (a float amount is refused there)."""

    def __init__(self, **kwargs):
        metadata = {"type": "string", **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)


class EnumValue(ma.fields.String):
    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(getattr(value, "value", value), attr, obj, **kwargs)


class EquityCreateSchema(Input):
    amount = Text(required=True, metadata={"example": "250000.00", "description": "Equity (patrimonio)."})
    guaranteed_share = Text(load_default="0.00", metadata={
        "example": "30.00", "description": "Percentage of the loans that is guaranteed."})
    accounts_approved_on = ma.fields.Raw(required=True, metadata={"type": "string", "format": "date"})


class EquitySchema(ma.Schema):
    id = ma.fields.Integer()
    amount = MoneyField()
    guaranteed_share = MoneyField(metadata={"description": "percent"})
    accounts_approved_on = ma.fields.Date()


class RateCreateSchema(Input):
    product = ma.fields.String(required=True, metadata={"enum": PRODUCTS})
    rate = Text(required=True, metadata={"example": "2.00", "description": "Gross annual percentage."})
    effective_from = ma.fields.Raw(required=True, metadata={"type": "string", "format": "date"})


class RateSchema(ma.Schema):
    id = ma.fields.Integer()
    product = EnumValue()
    rate = MoneyField(metadata={"description": "percent"})
    effective_from = ma.fields.Date()


class AccountCreateSchema(Input):
    member = ma.fields.Integer(required=True, strict=True, metadata={"description": "Register number."})
    product = ma.fields.String(required=True, metadata={"enum": PRODUCTS})
    term_months = ma.fields.Integer(load_default=None, allow_none=True, strict=True)
    opened_on = ma.fields.Raw(load_default=None, metadata={"type": "string", "format": "date"})
    iban = ma.fields.String(required=True, metadata={"description": "IBAN for repayments (checked)."})


class AccountSchema(ma.Schema):
    id = ma.fields.Integer()
    member = ma.fields.Integer(metadata={"description": "Register number."})
    product = EnumValue()
    term_months = ma.fields.Integer(allow_none=True)
    opened_on = ma.fields.Date()
    matures_on = ma.fields.Date(allow_none=True)
    status = EnumValue()
    closed_on = ma.fields.Date(allow_none=True)
    balance = MoneyField(metadata={"description": "Sum of all booked movements."})
    balance_today = MoneyField(metadata={"description": "Movements valued up to today."})
    iban = ma.fields.String()
    accrued_interest = MoneyField(metadata={"description": "Gross interest accrued this year to today."})


class AccountPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AccountSchema))
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()


class AccountListQuerySchema(PageQuerySchema):
    member = ma.fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))


class MovementCreateSchema(Input):
    kind = ma.fields.String(required=True, metadata={"enum": ["deposit", "withdrawal"]})
    amount = Text(required=True, metadata={"example": "1000.00"})
    value_date = ma.fields.Raw(required=True, metadata={"type": "string", "format": "date"})
    requested_on = ma.fields.Raw(load_default=None, metadata={
        "type": "string", "format": "date", "description": "Withdrawals: the day of the request (default today)."})
    idempotency_key = ma.fields.String(load_default=None, allow_none=True, metadata={
        "description": "Or the Idempotency-Key header: the same key books once."})


class ReversalCreateSchema(Input):
    reason = ma.fields.String(required=True)
    idempotency_key = ma.fields.String(load_default=None, allow_none=True)


class MovementSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = EnumValue(metadata={"enum": [k.value for k in MovementKind]})
    amount = MoneyField()
    booked_on = ma.fields.Date()
    value_date = ma.fields.Date()
    requested_on = ma.fields.Date(allow_none=True)
    reverses = ma.fields.Integer(allow_none=True, attribute="reverses_id")
    reason = ma.fields.String(allow_none=True)


class MovementResultSchema(ma.Schema):
    id = ma.fields.Integer()
    balance = MoneyField()
    booked = ma.fields.Boolean(metadata={"description": "false: the same idempotency key again, nothing booked."})


class MovementPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(MovementSchema))
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()


class YearEndCreateSchema(Input):
    year = ma.fields.Integer(required=True, strict=True)


class YearEndResultSchema(ma.Schema):
    year = ma.fields.Integer()
    accounts = ma.fields.Integer(metadata={"description": "Accounts capitalised by this run (0 the second time)."})
    earlier_years = ma.fields.Integer()
    gross = MoneyField()
    withholding = MoneyField()
    net = MoneyField()
    exits_closed = ma.fields.Integer()


class StatementQuerySchema(Input):
    year = ma.fields.Integer(load_default=None, validate=validate.Range(min=1900, max=9999),
                             metadata={"description": "Default: last year."})


class StatementSchema(ma.Schema):
    account = ma.fields.Integer()
    year = ma.fields.Integer()
    opening_balance = MoneyField()
    movements = ma.fields.List(ma.fields.Nested(MovementSchema))
    gross_interest = MoneyField()
    withholding = MoneyField()
    net_interest = MoneyField()
    closing_balance = MoneyField()
    final = ma.fields.Boolean(metadata={"description": "false: the year's interest is not booked yet."})
    interest_to = ma.fields.Date()


class SummarySchema(ma.Schema):
    total_outstanding = MoneyField()
    equity = MoneyField(allow_none=True)
    guaranteed_share = MoneyField(allow_none=True)
    max_multiple = ma.fields.Integer()
    max_total = MoneyField()
    ratio = ma.fields.String(allow_none=True, metadata={"description": "total / equity, 2 decimals"})
    percent_of_max = ma.fields.String(allow_none=True)
    headroom = MoneyField()
    warning = ma.fields.Boolean(metadata={"description": "From 80% of the allowed maximum."})
    open_accounts = ma.fields.Integer()
    lenders = ma.fields.Integer()


class ExportQuerySchema(Input):
    year = ma.fields.Integer(load_default=None, validate=validate.Range(min=1900, max=9999))
