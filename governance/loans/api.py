"""JSON API of social loans (API.md "Social loans"): the same operations as the pages,
errors as problem+json with the codes of API.md (loan_seniority, loan_member_cap,
loan_total_cap, loan_notice, loan_insufficient_balance, rate_cap)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Response, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint

from ..authz import P
from ..core import clock, csvio
from ..core.api import ProblemSchema, paginate
from ..core.errors import NotFound
from ..core.permissions import AUTHENTICATED, NotAllowed, actor, can, permission
from ..members.queries import member_by_number
from . import documents, exports, operations, queries
from .access import load_account
from .models import LoanMovement
from .schemas import (AccountCreateSchema, AccountListQuerySchema, AccountPageSchema, AccountSchema,
                      EquityCreateSchema, EquitySchema, ExportQuerySchema, MovementCreateSchema,
                      MovementPageSchema, MovementResultSchema, RateCreateSchema, RateSchema,
                      ReversalCreateSchema, StatementQuerySchema, StatementSchema, SummarySchema,
                      YearEndCreateSchema, YearEndResultSchema)

blp = Blueprint("loans_api", __name__, url_prefix="/api/v1/loans",
                description="Social loans (DOMAIN.md §6): regulation settings, accounts, the ledger, "
                            "the year-end run, statements, the board's summary, exports.")


def _account(account) -> dict:
    today = clock.today()
    return {"id": account.id, "member": account.member.number, "product": account.product,
            "term_months": account.term_months, "opened_on": account.opened_on, "matures_on": account.matures_on,
            "status": account.status, "closed_on": account.closed_on, "balance": account.balance,
            "balance_today": queries.balance_today(account, today), "iban": account.iban,
            "accrued_interest": operations.accrued_to(account, today).gross}


# --- regulation settings (board) ------------------------------------------------------------------

@blp.route("/equity", methods=["POST"])
@permission(P.LOAN_REGULATION)
@blp.arguments(EquityCreateSchema)
@blp.response(201, EquitySchema)
def record_equity(args):
    """Equity and guaranteed share of the loans from the last approved accounts."""
    return operations.record_equity(args, actor())


@blp.route("/rates", methods=["POST"])
@permission(P.LOAN_REGULATION)
@blp.arguments(RateCreateSchema)
@blp.response(201, RateSchema)
@blp.alt_response(422, schema=ProblemSchema, description="rate_cap, validation")
def record_rate(args):
    """A gross annual rate of a product from a day on; above the tax-favoured maximum: `rate_cap`."""
    return operations.record_rate(args, actor())


@blp.route("/rates", methods=["GET"])
@permission(P.LOANS_READ)
@blp.response(200, RateSchema(many=True))
def list_rates():
    """The dated table of rates, newest first per product."""
    return operations.rate_history()


# --- accounts -------------------------------------------------------------------------------------

@blp.route("", methods=["POST"])
@permission(P.LOAN_OPEN)
@blp.arguments(AccountCreateSchema)
@blp.response(201, AccountSchema)
@blp.alt_response(422, schema=ProblemSchema, description="loan_seniority, validation")
def open_account(args):
    """Open an account for a member with the seniority, with the IBAN for repayments."""
    member = member_by_number(args["member"])
    if member is None:
        raise NotFound(_("There is no member with register number %(n)d.", n=args["member"]))
    return _account(operations.open_account(member, args, actor()))


@blp.route("", methods=["GET"])
@permission(AUTHENTICATED)  # object-level: readers see all, a member their own accounts
@blp.arguments(AccountListQuerySchema, location="query")
@blp.response(200, AccountPageSchema)
def list_accounts(args):
    """Accounts (`?member=` a register number). A member sees only their own."""
    if can(current_user, P.LOANS_READ):
        query = queries.accounts_query(member_number=args.get("member"))
    elif can(current_user, P.LOANS_OWN) and getattr(current_user, "member_id", None):
        query = queries.accounts_query(member_id=current_user.member_id)
        if args.get("member") is not None:
            query = query.where(queries.Member.number == args["member"])
    else:
        raise NotAllowed()
    return paginate(query, _account, args["page"], args["per_page"])


@blp.route("/<int:account_id>", methods=["GET"])
@permission(AUTHENTICATED)  # object-level: the owner, secretary, board, auditor
@blp.response(200, AccountSchema)
def get_account(account_id: int):
    return _account(load_account(account_id))


@blp.route("/<int:account_id>/movements", methods=["GET"])
@permission(AUTHENTICATED)  # object-level
@blp.response(200, MovementPageSchema)
def list_movements(account_id: int):
    """The account's ledger, by value date."""
    account = load_account(account_id)
    query = sa.select(LoanMovement).where(LoanMovement.account_id == account.id) \
        .order_by(LoanMovement.value_date, LoanMovement.id)
    return paginate(query, lambda movement: movement)


@blp.route("/<int:account_id>/movements", methods=["POST"])
@permission(P.LOAN_MOVEMENT)
@blp.arguments(MovementCreateSchema)
@blp.response(201, MovementResultSchema)
@blp.alt_response(409, schema=ProblemSchema, description="loan_closed, idempotency_conflict")
@blp.alt_response(422, schema=ProblemSchema, description="loan_member_cap, loan_total_cap, loan_notice, "
                                                         "loan_insufficient_balance, loan_term, "
                                                         "loan_year_closed, validation")
def book_movement(args, account_id: int):
    """A deposit or a withdrawal. Send an `Idempotency-Key` header (or `idempotency_key`):
    the same request again books nothing and answers the first movement (`booked: false`)."""
    account = load_account(account_id)
    if not args.get("idempotency_key"):
        args["idempotency_key"] = request.headers.get("Idempotency-Key")
    movement, created = operations.book_movement(account, args, actor())
    return {"id": movement.id, "balance": account.balance, "booked": created}


@blp.route("/<int:account_id>/movements/<int:movement_id>/reversal", methods=["POST"])
@permission(P.LOAN_MOVEMENT)
@blp.arguments(ReversalCreateSchema)
@blp.response(201, MovementResultSchema)
@blp.alt_response(409, schema=ProblemSchema, description="already_reversed, not_reversible, loan_closed")
def reverse_movement(args, account_id: int, movement_id: int):
    """Correct a deposit or withdrawal with a reversing entry and a reason."""
    account = load_account(account_id)
    if not args.get("idempotency_key"):
        args["idempotency_key"] = request.headers.get("Idempotency-Key")
    movement, created = operations.reverse_movement(account, movement_id, args, actor())
    return {"id": movement.id, "balance": account.balance, "booked": created}


# --- interest and statements -----------------------------------------------------------------------

@blp.route("/year-end", methods=["POST"])
@permission(P.LOAN_YEAR_END)
@blp.arguments(YearEndCreateSchema)
@blp.response(200, YearEndResultSchema)
def year_end(args):
    """Capitalise a year's interest on every account; running it twice changes nothing."""
    return operations.run_year_end(args["year"], actor())


def _statement(account_id: int, year: int | None):
    account = load_account(account_id)
    return queries.statement(account, year or clock.today().year - 1)


@blp.route("/<int:account_id>/statement", methods=["GET"])
@permission(AUTHENTICATED)  # object-level
@blp.arguments(StatementQuerySchema, location="query")
@blp.response(200, StatementSchema)
def statement(args, account_id: int):
    """The annual statement: opening balance, movements, gross interest, withholding, net, closing balance."""
    st = _statement(account_id, args["year"])
    return {"account": st.account.id, "year": st.year, "opening_balance": st.opening_balance,
            "movements": st.movements, "gross_interest": st.gross_interest, "withholding": st.withholding,
            "net_interest": st.net_interest, "closing_balance": st.closing_balance, "final": st.final,
            "interest_to": st.interest_to}


@blp.route("/<int:account_id>/statement.pdf", methods=["GET"])
@permission(AUTHENTICATED)  # object-level
@blp.arguments(StatementQuerySchema, location="query")
@blp.response(200, content_type="application/pdf")
def statement_pdf(args, account_id: int):
    st = _statement(account_id, args["year"])
    return Response(documents.statement_pdf(st), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="loan-{account_id}-{st.year}.pdf"'})


# --- the board's summary and exports --------------------------------------------------------------

@blp.route("/summary", methods=["GET"])
@permission(P.LOANS_SUMMARY)
@blp.response(200, SummarySchema)
def summary():
    """Total outstanding, equity, the allowed multiple, the ratio and the headroom."""
    s = queries.summary()
    return {**s.__dict__, "ratio": None if s.ratio is None else f"{s.ratio:.2f}",
            "percent_of_max": None if s.percent_of_max is None else f"{s.percent_of_max:.2f}"}


@blp.route("/export/movements.csv", methods=["GET"])
@permission(P.LOANS_EXPORT)
@blp.arguments(ExportQuerySchema, location="query")
@blp.response(200, content_type="text/csv")
def export_movements(args):
    """Every movement for accounting (plain CSV; `?year=` by value date)."""
    return csvio.response(exports.movements_csv(args.get("year"), csvio.PLAIN), "loan-movements.csv")


@blp.route("/export/withholding.csv", methods=["GET"])
@permission(P.LOANS_EXPORT)
@blp.arguments(ExportQuerySchema, location="query")
@blp.response(200, content_type="text/csv")
def export_withholding(args):
    """The withholding-tax return: gross, withheld and net interest per member for `?year=`."""
    year = args.get("year") or clock.today().year - 1
    return csvio.response(exports.withholding_csv(year, csvio.PLAIN), f"loan-withholding-{year}.csv")
