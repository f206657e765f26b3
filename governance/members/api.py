"""The register's JSON API (API.md "Members"): the same operations as the pages."""
from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_smorest import Blueprint

from ..core import clock, inputs
from ..core.api import PageQuerySchema, ProblemSchema, paginate
from ..core.errors import DomainError
from ..authz import P
from ..core import csvio
from ..core.permissions import AUTHENTICATED, actor, permission
from ..core.request_cycle import accepts_content_type
from . import exporting, importing, operations, queries
from .models import Member
from .schemas import (CorrectionResultSchema, HistoryPageSchema, ImportResultSchema, MemberCorrectSchema,
                      MemberCreateSchema, MemberFilterSchema, MemberPageSchema, MemberQuerySchema,
                      MemberSchema)
from .access import load_visible

blp = Blueprint("members_api", __name__, url_prefix="/api/v1", description="members")

PROBLEM = {"schema": ProblemSchema, "content_type": "application/problem+json"}


def member_payload(member: Member, seniority_days: int) -> dict:
    """An entry as the API shows it (MemberSchema formats it)."""
    return {
        "number": member.number, "first_name": member.first_name, "last_name": member.last_name,
        "tax_code": member.tax_code, "legal_representative": member.legal_representative,
        "birth_date": member.birth_date, "address": member.address, "email": member.email,
        "phone": member.phone, "category": member.category, "status": member.status,
        "admitted_on": member.admitted_on, "shares": member.shares_subscribed,
        "shares_paid_amount": member.shares_paid_amount, "exit_on": member.exit_on,
        "exit_reason": member.exit_reason,
        "voting_right_from": queries.voting_right_from(member, seniority_days),
        "may_vote_today": queries.may_vote_today(member, seniority_days),
    }


def _filter(args: dict) -> queries.RegisterFilter:
    return queries.RegisterFilter(q=inputs.search(args.get("q")), category=args.get("category"),
                                  status=args.get("status"))


@blp.route("/members", methods=["GET"])
@permission(P.REGISTER_READ)
@blp.arguments(MemberQuerySchema, location="query")
@blp.response(200, MemberPageSchema)
def list_members(args):
    """The register, filtered and paginated (register readers)."""
    days = queries.seniority_days()
    return paginate(queries.register_query(_filter(args)), lambda m: member_payload(m, days),
                    page=args["page"], per_page=args["per_page"])


@blp.route("/members", methods=["POST"])
@permission(P.REGISTER_WRITE)
@blp.arguments(MemberCreateSchema)
@blp.response(201, MemberSchema)
@blp.alt_response(422, description="Invalid entry (codes validation, tax_code, volunteer_cap)",
                  **PROBLEM)
def create_member(data):
    """Add one entry; `number` is kept if given, else the next one is assigned."""
    note = data.pop("note", None)
    member = operations.add_member(data, actor(), note=note)
    return member_payload(member, queries.seniority_days())


@blp.route("/members/<int:number>", methods=["GET"])
@permission(AUTHENTICATED)
@blp.response(200, MemberSchema)
def get_member(number: int):
    """One entry: register readers, or the member themself."""
    return member_payload(load_visible(number), queries.seniority_days())


@blp.route("/members/<int:number>", methods=["PATCH"])
@permission(P.REGISTER_WRITE)
@blp.arguments(MemberCorrectSchema)
@blp.response(200, CorrectionResultSchema)
@blp.alt_response(422, description="Invalid correction", **PROBLEM)
def correct_member(data, number: int):
    """Correct an entry with a reason (`note`); status and exit are not changed here."""
    member = load_visible(number)
    note = data.pop("note")
    changes = operations.correct_member(member, data, actor(), note)
    return {**member_payload(member, queries.seniority_days()), "changes": changes}


@blp.route("/members/<int:number>/history", methods=["GET"])
@permission(AUTHENTICATED)
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, HistoryPageSchema)
def member_history(args, number: int):
    """Every change of the entry, oldest first, paginated (register readers, or the member)."""
    member = load_visible(number)
    return paginate(queries.history_query(member), lambda entry: entry, args["page"], args["per_page"])


@blp.route("/members/import", methods=["POST"])
@permission(P.REGISTER_IMPORT)
@blp.doc(requestBody={"required": True, "content": {"text/csv": {"schema": {
    "type": "string", "example": ",".join(importing.HEADER)}}}})
@blp.response(201, ImportResultSchema)
@blp.alt_response(422, description="Nothing imported; `errors` maps each row number (header = 1; "
                                   "\"file\" for the whole file) to \"field: message\" strings",
                  **PROBLEM)
def import_members():
    """Import a register file (text/csv, UTF-8, comma or semicolon). All or nothing."""
    if request.mimetype != "text/csv":  # request_cycle lets JSON through to every endpoint
        raise DomainError("content_type", _("Send the register as text/csv (got %(type)s).",
                                            type=request.mimetype or "no Content-Type"), status=415)
    return importing.import_register(request.get_data(cache=False), actor())


# The import's body is CSV, not JSON (request_cycle refuses other types with 415).
accepts_content_type("members_api.import_members", "text/csv")


@blp.route("/members/export.csv", methods=["GET"])
@permission(P.REGISTER_EXPORT)
@blp.arguments(MemberFilterSchema, location="query")
@blp.doc(responses={"200": {"description": "The register as CSV",
                            "content": {"text/csv": {"schema": {"type": "string"}}}}})
def export_members(args):
    """The register (filtered like the list) as CSV, streamed."""
    register_filter = _filter(args)
    operations.record_export(actor(), "csv", register_filter)
    filename = f"libro-soci-{clock.today().isoformat()}.csv"
    return csvio.response(exporting.csv_lines(register_filter, csvio.PLAIN), filename)
