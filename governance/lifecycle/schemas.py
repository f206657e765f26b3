"""JSON shapes of the lifecycle API (they also build the OpenAPI document).

Input schemas check types only; every rule (tax code, dates, deadlines, caps) is
checked by the operations, so the API and the HTML pages give the same answers.
Money travels as strings with two decimals; dates as YYYY-MM-DD.
"""
from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from ..auth import passwords
from ..core.api import MoneyField, PageQuerySchema
from ..members.models import Category
from .models import AppealStatus, ApplicationStatus, ExitKind, WithdrawalStatus

CATEGORIES = [c.value for c in Category]


def _enum(values, description=""):
    return {"enum": list(values), "description": description}


class EnumValue(ma.fields.String):
    """An enum out as its value ("upheld"), plain strings as they are."""

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(getattr(value, "value", value), attr, obj, **kwargs)


class Input(ma.Schema):
    class Meta:
        unknown = ma.RAISE


# --- applications ----------------------------------------------------------------------

class ApplicationCreateSchema(Input):
    category = ma.fields.String(required=True, metadata=_enum(CATEGORIES, "Category requested."))
    first_name = ma.fields.String(load_default="", metadata={"description": "Empty for a legal person."})
    last_name = ma.fields.String(required=True, metadata={"description": "Surname, or company name."})
    tax_code = ma.fields.String(required=True, metadata={
        "description": "Codice fiscale (persons) or partita IVA (legal persons), checksum-validated."})
    legal_representative = ma.fields.String(load_default=None, allow_none=True,
                                            metadata={"description": "Required for a legal person."})
    birth_date = ma.fields.Date(load_default=None, allow_none=True,
                                metadata={"description": "Required for a person."})
    email = ma.fields.String(required=True)
    phone = ma.fields.String(load_default=None, allow_none=True)
    address = ma.fields.String(required=True)
    shares = ma.fields.Integer(required=True, strict=True,
                               metadata={"description": "Shares subscribed (at least the statute minimum)."})
    password = ma.fields.String(required=True, load_only=True,
                                validate=validate.Length(max=passwords.MAX_LENGTH),
                                metadata={"description": "10 to 200 characters: to follow the application; "
                                                         "becomes the member's password when admitted."})
    accepts_statute = ma.fields.Boolean(required=True, metadata={"description": "Must be true."})
    accepts_privacy = ma.fields.Boolean(required=True, metadata={"description": "Must be true."})
    locale = ma.fields.String(load_default="it", validate=validate.OneOf(["it", "en"]),
                              metadata={"description": "Language of the emails to the applicant."})


class ApplicationCreatedSchema(ma.Schema):
    id = ma.fields.Integer()
    status = ma.fields.String()
    decision_due_on = ma.fields.Date()
    amount_due = MoneyField(metadata={"description": "shares x share value"})
    token = ma.fields.String(metadata={
        "description": "Applicant token: send it as `Authorization: Bearer <token>` to read the "
                       "application and to appeal. A new one: POST /api/v1/applications/tokens."})


class ApplicantCredentialsSchema(Input):
    email = ma.fields.String(required=True, validate=validate.Length(max=254))
    password = ma.fields.String(required=True, load_only=True,
                                validate=validate.Length(max=passwords.MAX_LENGTH))


class ApplicantTokenSchema(ma.Schema):
    id = ma.fields.Integer()
    status = ma.fields.String()
    token = ma.fields.String()


class AppealBriefSchema(ma.Schema):
    id = ma.fields.Integer()
    status = EnumValue(metadata=_enum(s.value for s in AppealStatus))
    lodged_on = ma.fields.Date()
    text = ma.fields.String()
    agenda_item_id = ma.fields.Integer(allow_none=True, metadata={
        "description": "Agenda item of the assembly that decides it (null: waiting for the next "
                       "ordinary assembly)."})
    assembly_decided_on = ma.fields.Date(allow_none=True)
    assembly_note = ma.fields.String(allow_none=True)


class ApplicationSchema(ma.Schema):
    id = ma.fields.Integer()
    status = EnumValue(metadata=_enum(s.value for s in ApplicationStatus))
    category = EnumValue(metadata=_enum(CATEGORIES))
    first_name = ma.fields.String()
    last_name = ma.fields.String()
    tax_code = ma.fields.String()
    legal_representative = ma.fields.String(allow_none=True)
    birth_date = ma.fields.Date(allow_none=True)
    address = ma.fields.String()
    email = ma.fields.String()
    phone = ma.fields.String(allow_none=True)
    shares = ma.fields.Integer()
    amount_due = MoneyField()
    submitted_on = ma.fields.Date()
    decision_due_on = ma.fields.Date()
    days_left = ma.fields.Integer(metadata={"description": "Countdown to decision_due_on; negative: overdue."})
    decided_on = ma.fields.Date(allow_none=True)
    refused_on = ma.fields.Date(allow_none=True)
    refusal_reasons = ma.fields.String(allow_none=True)
    notice_sent_on = ma.fields.Date(allow_none=True)
    appeal_deadline = ma.fields.Date(allow_none=True, metadata={"description": "Last day to appeal."})
    member_number = ma.fields.Integer(allow_none=True)
    appeal = ma.fields.Nested(AppealBriefSchema, allow_none=True)


class ApplicationPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ApplicationSchema))
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()


class ApplicationListQuerySchema(PageQuerySchema):
    status = ma.fields.String(load_default=None, validate=validate.OneOf([s.value for s in ApplicationStatus]))


class DecisionSchema(Input):
    outcome = ma.fields.String(required=True, metadata=_enum(["admitted", "rejected"]))
    decided_on = ma.fields.Date(required=True, metadata={
        "description": "Date of the board meeting: not in the future, not before the application."})
    reasons = ma.fields.String(load_default=None, allow_none=True,
                               metadata={"description": "Mandatory for a refusal (sent to the applicant)."})


class DecisionResultSchema(ma.Schema):
    status = ma.fields.String()
    member_number = ma.fields.Integer(allow_none=True)
    # Admissions only: false when the email is an existing login that may not be linked
    # (the office links one by hand); login_reason says why.
    login_created = ma.fields.Boolean()
    login_reason = ma.fields.String(allow_none=True)


class AppealCreateSchema(Input):
    text = ma.fields.String(required=True)


class AppealResultSchema(ma.Schema):
    status = ma.fields.String()
    appeal_id = ma.fields.Integer()


class AppealSchema(AppealBriefSchema):
    application_id = ma.fields.Integer()
    applicant = ma.fields.String()
    refused_on = ma.fields.Date()
    refusal_reasons = ma.fields.String()


class AppealPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AppealSchema))
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()


class AppealListQuerySchema(PageQuerySchema):
    status = ma.fields.String(load_default=None, validate=validate.OneOf([s.value for s in AppealStatus]))


class AppealDecisionSchema(Input):
    outcome = ma.fields.String(required=True, metadata=_enum(["upheld", "rejected"]))
    decided_on = ma.fields.Date(required=True, metadata={"description": "Date of the assembly."})
    note = ma.fields.String(load_default=None, allow_none=True)


# --- members leaving ------------------------------------------------------------------------

class ExitCreateSchema(Input):
    kind = ma.fields.String(required=True, metadata=_enum(k.value for k in ExitKind))
    date = ma.fields.Date(required=True, metadata={
        "description": "Board decision (exclusion, withdrawal) or day of the death or lapse."})
    reasons = ma.fields.String(load_default=None, allow_none=True,
                               metadata={"description": "Mandatory for an exclusion."})
    notice_on = ma.fields.Date(load_default=None, allow_none=True,
                               metadata={"description": "Exclusion: notice to the member (default: date)."})
    challenged_on = ma.fields.Date(load_default=None, allow_none=True,
                                   metadata={"description": "Exclusion: challenge in court, if any."})
    requested_on = ma.fields.Date(load_default=None, allow_none=True, metadata={
        "description": "Withdrawal without a pending request: the date of the paper request."})


class ExitSchema(ma.Schema):
    member_number = ma.fields.Function(lambda e: e.member.number)
    member_status = ma.fields.Function(lambda e: e.member.status.value)
    kind = EnumValue(metadata=_enum(k.value for k in ExitKind))
    decided_on = ma.fields.Date()
    effective_on = ma.fields.Date()
    applied_on = ma.fields.Date(allow_none=True)
    reasons = ma.fields.String(allow_none=True)
    notice_on = ma.fields.Date(allow_none=True)
    challenged_on = ma.fields.Date(allow_none=True)
    refund_due_on = ma.fields.Date(allow_none=True, metadata={
        "description": "Set once the accounts of the exit's year are approved (art. 2535 c.c.)."})
    loans_to_close = ma.fields.Boolean(metadata={
        "description": "Social loans must be closed and repaid (handled by the loans domain)."})
    loans_closed_on = ma.fields.Date(allow_none=True)


class ChallengeSchema(Input):
    challenged_on = ma.fields.Date(required=True)


class WithdrawalCreateSchema(Input):
    reason = ma.fields.String(load_default=None, allow_none=True)
    requested_on = ma.fields.Date(load_default=None, allow_none=True,
                                  metadata={"description": "Board only (a paper request); default today."})


class WithdrawalSchema(ma.Schema):
    id = ma.fields.Integer()
    member_number = ma.fields.Function(lambda r: r.member.number)
    status = EnumValue(metadata=_enum(s.value for s in WithdrawalStatus))
    requested_on = ma.fields.Date()
    reason = ma.fields.String(allow_none=True)
    decision_due_on = ma.fields.Date()
    effective_on = ma.fields.Date(metadata={"description": "When membership ends if accepted."})
    decided_on = ma.fields.Date(allow_none=True)
    decision_reasons = ma.fields.String(allow_none=True)


class WithdrawalPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(WithdrawalSchema))
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    total = ma.fields.Integer()


class WithdrawalListQuerySchema(PageQuerySchema):
    status = ma.fields.String(load_default=None,
                              validate=validate.OneOf([s.value for s in WithdrawalStatus]))


class WithdrawalDecisionSchema(Input):
    outcome = ma.fields.String(required=True, metadata=_enum(["accepted", "refused"]))
    decided_on = ma.fields.Date(required=True)
    reasons = ma.fields.String(load_default=None, allow_none=True,
                               metadata={"description": "Mandatory for a refusal."})


class AppliedExitsSchema(ma.Schema):
    applied = ma.fields.Integer()


# --- shares, accounts -------------------------------------------------------------------------

class SharePaymentCreateSchema(Input):
    amount = ma.fields.String(required=True, metadata={"description": "e.g. \"25.00\""})
    paid_on = ma.fields.Date(required=True)
    note = ma.fields.String(load_default=None, allow_none=True)


class SharePaymentSchema(ma.Schema):
    id = ma.fields.Integer()
    amount = MoneyField()
    paid_on = ma.fields.Date()
    note = ma.fields.String(allow_none=True)


class SharesSchema(ma.Schema):
    member_number = ma.fields.Integer()
    shares = ma.fields.Integer()
    share_value = MoneyField()
    subscribed_amount = MoneyField()
    paid_amount = MoneyField()
    still_due = MoneyField()
    status = ma.fields.String(metadata=_enum(["paid", "partly_paid", "unpaid"]))
    payments = ma.fields.List(ma.fields.Nested(SharePaymentSchema))


class AccountsApprovalCreateSchema(Input):
    year = ma.fields.Integer(required=True, strict=True)
    approved_on = ma.fields.Date(required=True)


class AccountsApprovalSchema(ma.Schema):
    financial_year = ma.fields.Integer()
    approved_on = ma.fields.Date()


class AccountsApprovalResultSchema(AccountsApprovalSchema):
    refund_due_on = ma.fields.Date()
    exits_updated = ma.fields.Integer()


# --- report ---------------------------------------------------------------------------------------

class ReportQuerySchema(ma.Schema):
    year = ma.fields.Integer(load_default=None, validate=validate.Range(min=1900, max=3000))


class ReportCsvQuerySchema(ReportQuerySchema):
    part = ma.fields.String(load_default="lines", validate=validate.OneOf(["lines", "counts"]))


class ReportLineSchema(ma.Schema):
    date = ma.fields.Date(attribute="on")
    number = ma.fields.Integer(allow_none=True)
    name = ma.fields.String()
    category = EnumValue(metadata=_enum(CATEGORIES))
    outcome = ma.fields.String()
    reasons = ma.fields.String(allow_none=True)


class ReportSchema(ma.Schema):
    year = ma.fields.Integer()
    counts = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Dict(), metadata={
        "description": "{section: {category: count, ..., total}}"})
    admissions = ma.fields.List(ma.fields.Nested(ReportLineSchema))
    refusals = ma.fields.List(ma.fields.Nested(ReportLineSchema))
    appeals = ma.fields.List(ma.fields.Nested(ReportLineSchema))
    exits = ma.fields.List(ma.fields.Nested(ReportLineSchema))
