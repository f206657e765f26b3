"""marshmallow schemas of the register API (API.md "Members"). Input schemas fix the
shape (types, known fields); the rules of an entry are checked by operations, so the
API and the pages report the same messages."""
from __future__ import annotations

import marshmallow as ma

from ..core.api import MoneyField, PageQuerySchema
from .models import Category, MemberStatus

CATEGORIES = [c.value for c in Category]
DATE = {"format": "date", "example": "2024-03-01"}


class MemberFilterSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    q = ma.fields.String(load_default="", validate=ma.validate.Length(max=100), metadata={
        "description": "Register number, part of the name, tax code (or its beginning) or email."})
    status = ma.fields.Enum(MemberStatus, by_value=True, load_default=None)
    category = ma.fields.Enum(Category, by_value=True, load_default=None)


class MemberQuerySchema(MemberFilterSchema, PageQuerySchema):
    # Bounded so that OFFSET stays within the database's integers (never a 500).
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=1_000_000))


class MemberSchema(ma.Schema):
    number = ma.fields.Integer()
    first_name = ma.fields.String()
    last_name = ma.fields.String(metadata={"description": "Surname, or the company name of a legal person."})
    tax_code = ma.fields.String(metadata={"description": "Codice fiscale, or partita IVA of a legal person."})
    legal_representative = ma.fields.String(allow_none=True)
    birth_date = ma.fields.Date(allow_none=True)
    address = ma.fields.String(allow_none=True)
    email = ma.fields.String(allow_none=True)
    phone = ma.fields.String(allow_none=True)
    category = ma.fields.Enum(Category, by_value=True)
    status = ma.fields.Enum(MemberStatus, by_value=True)
    admitted_on = ma.fields.Date()
    shares = ma.fields.Integer(metadata={"description": "Shares subscribed."})
    shares_paid_amount = MoneyField()
    exit_on = ma.fields.Date(allow_none=True)
    exit_reason = ma.fields.String(allow_none=True)
    voting_right_from = ma.fields.Date(metadata={
        "description": "First day the member may vote (art. 2538 c.1 c.c.: admission date "
                       "plus the seniority days in force today)."})
    may_vote_today = ma.fields.Boolean()


class MemberPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(MemberSchema))
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()


class _EntryInputSchema(ma.Schema):
    """The entry's fields as the client sends them; dates and amounts are strings
    (YYYY-MM-DD, "25.00") parsed by the operations."""

    first_name = ma.fields.String(allow_none=True)
    last_name = ma.fields.String(allow_none=True)
    tax_code = ma.fields.String(allow_none=True)
    legal_representative = ma.fields.String(allow_none=True, metadata={
        "description": "Required for a legal person."})
    birth_date = ma.fields.String(allow_none=True, metadata=DATE)
    address = ma.fields.String(allow_none=True)
    email = ma.fields.String(allow_none=True)
    phone = ma.fields.String(allow_none=True)
    category = ma.fields.String(allow_none=True, metadata={"enum": CATEGORIES})
    admitted_on = ma.fields.String(allow_none=True, metadata=DATE)
    shares = ma.fields.Integer(allow_none=True, strict=True)
    shares_paid_amount = ma.fields.String(allow_none=True, metadata={"example": "25.00"})


class MemberCreateSchema(_EntryInputSchema):
    number = ma.fields.Integer(allow_none=True, strict=True, metadata={
        "description": "A historic register number; left out, the next one is assigned."})
    note = ma.fields.String(allow_none=True)


class MemberCorrectSchema(_EntryInputSchema):
    note = ma.fields.String(required=True, metadata={
        "description": "The reason for the correction, kept in the entry's history."})


class HistorySchema(ma.Schema):
    at = ma.fields.DateTime()
    actor_email = ma.fields.String(allow_none=True)
    action = ma.fields.String()
    changes = ma.fields.Dict(metadata={"description": "{field: [old, new]}"})
    note = ma.fields.String(allow_none=True)


class HistoryPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(HistorySchema))
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()


class CorrectionResultSchema(MemberSchema):
    changes = ma.fields.Dict(metadata={"description": "{field: [old, new]} of this correction; "
                                                      "empty when nothing differed."})


class ImportResultSchema(ma.Schema):
    imported = ma.fields.Integer()
    first_number = ma.fields.Integer(allow_none=True)
    last_number = ma.fields.Integer(allow_none=True)
