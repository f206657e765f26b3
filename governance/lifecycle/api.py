"""JSON API of the membership lifecycle (API.md "Applications", "Members ... exit"):
the same operations as the HTML pages, errors as problem+json.

Who may call what is declared once per view; where it depends on the object ("the
applicant", "the member themself") the view checks it before loading anything else.
Applicants have no login: they authenticate with an applicant token (see access.py).
"""
from __future__ import annotations

from flask import Response, request
from flask_babel import gettext as _
from flask_smorest import Blueprint

from ..core import clock, limits
from ..core.api import ProblemSchema, paginate
from ..core.errors import DomainError
from ..authz import P
from ..core.permissions import AUTHENTICATED, PUBLIC, NotAllowed, Unauthorized, actor, can, permission
from ..extensions import db
from ..members.access import load_own, load_visible
from ..statute.queries import value_on
from . import access, operations, queries, rules
from .models import AppealStatus, Application, ApplicationStatus, WithdrawalStatus
from .schemas import (AccountsApprovalCreateSchema, AccountsApprovalResultSchema,
                      AccountsApprovalSchema, AppealCreateSchema, AppealDecisionSchema,
                      AppealListQuerySchema, AppealPageSchema, AppealResultSchema, AppealSchema,
                      ApplicantCredentialsSchema, ApplicantTokenSchema, ApplicationCreatedSchema,
                      ApplicationCreateSchema, ApplicationListQuerySchema, ApplicationPageSchema,
                      ApplicationSchema, AppliedExitsSchema, ChallengeSchema, DecisionResultSchema,
                      DecisionSchema, ExitCreateSchema, ExitSchema, ReportCsvQuerySchema,
                      ReportQuerySchema, ReportSchema, SharePaymentCreateSchema, SharesSchema,
                      WithdrawalCreateSchema, WithdrawalDecisionSchema,
                      WithdrawalListQuerySchema, WithdrawalPageSchema, WithdrawalSchema)

blp = Blueprint("lifecycle_api", __name__, url_prefix="/api/v1",
                description="Membership lifecycle (DOMAIN.md §3): applications and the board's "
                            "decision, appeals, withdrawals and exits, share payments, accounts "
                            "approvals, the annual membership report.")

# --- serialisation -----------------------------------------------------------------------

def _application(application: Application) -> dict:
    today = clock.today()
    data = {column: getattr(application, column) for column in (
        "id", "first_name", "last_name", "tax_code", "legal_representative", "birth_date", "address",
        "email", "phone", "shares", "submitted_on", "decision_due_on", "decided_on", "refused_on",
        "refusal_reasons", "notice_sent_on")}
    data.update(
        status=application.status.value, category=application.category.value,
        amount_due=rules.amount_due(application.shares, value_on("share_value", application.submitted_on)),
        days_left=rules.days_left(application.decision_due_on, today),
        appeal_deadline=queries.appeal_deadline_of(application),
        member_number=application.member.number if application.member else None,
        appeal=application.appeal)
    return data


def _appeal(appeal) -> dict:
    application = appeal.application
    return {"id": appeal.id, "status": appeal.status.value, "lodged_on": appeal.lodged_on,
            "text": appeal.text, "agenda_item_id": appeal.agenda_item_id,
            "assembly_decided_on": appeal.assembly_decided_on, "assembly_note": appeal.assembly_note,
            "application_id": application.id, "applicant": application.full_name,
            "refused_on": application.refused_on, "refusal_reasons": application.refusal_reasons}


def _shares(member) -> dict:
    status = queries.shares_status(member)
    return {"member_number": member.number, "shares": status.shares, "share_value": status.share_value,
            "subscribed_amount": status.subscribed_amount, "paid_amount": status.paid_amount,
            "still_due": status.still_due, "status": status.status,
            "payments": queries.share_payments(member)}


# --- object-level checks -------------------------------------------------------------------

def _authorise_application(application_id: int) -> None:
    """API.md: the board with a user token, the applicant with their applicant token,
    or the admitted member (the applicant, now with a login) with their own token."""
    user = access.api_user()
    if user is not None and can(user, P.APPLICATIONS_API_READ):
        return
    token_application = access.bearer_application()
    if token_application is not None:
        if token_application.id != application_id:
            raise NotAllowed()
        return
    if user is None:
        raise Unauthorized()
    if user.member_id is not None:
        # the admitted applicant, now a member; another id, existing or not, is refused alike
        application = db.session.get(Application, application_id)
        if application is not None and application.member_id == user.member_id:
            return
    raise NotAllowed()


def _applicant_token_required() -> None:
    """Only the applicant, with one of their applicant tokens."""
    if access.bearer_application() is None:
        raise Unauthorized() if access.api_user() is None else NotAllowed()


# --- applications ------------------------------------------------------------------------------

@blp.route("/applications", methods=["POST"])
@permission(PUBLIC)
@blp.doc(security=[])  # no token: anyone may apply
@blp.arguments(ApplicationCreateSchema)
@blp.response(201, ApplicationCreatedSchema)
@blp.alt_response(422, schema=ProblemSchema, description="validation, tax_code, duplicate_application "
                                                         "(the same for a member or a pending "
                                                         "applicant; the details go by email to the "
                                                         "address on file)")
@blp.alt_response(429, schema=ProblemSchema, description="too_many_requests (APPLY_RATE_LIMIT)")
@limits.per_address("APPLY_RATE_LIMIT", "apply")
def create_application(args):
    """Apply for membership (no login).

    Answers the id, `status: submitted`, the decision due date and an applicant token
    to follow the application.
    """
    locale = args.pop("locale", "it")
    application = operations.submit_application(args, locale=locale)
    return {"id": application.id, "status": application.status.value,
            "decision_due_on": application.decision_due_on,
            "amount_due": _application(application)["amount_due"],
            "token": access.applicant_token(application)}


@blp.route("/applications/tokens", methods=["POST"])
@permission(PUBLIC)
@blp.doc(security=[])  # no token yet: this is how an applicant gets one
@blp.arguments(ApplicantCredentialsSchema)
@blp.response(201, ApplicantTokenSchema)
@blp.alt_response(401, schema=ProblemSchema, description="invalid_credentials")
@blp.alt_response(429, schema=ProblemSchema, description="too_many_attempts")
def create_applicant_token(args):
    """A new applicant token, from the email and password given when applying (until
    admission: then the member logs in normally). Five failures for an email within the
    login failure window refuse even the right password until the window has passed."""
    application = operations.authenticate_applicant(args["email"], args["password"],
                                                    request.remote_addr)
    return {"id": application.id, "status": application.status.value,
            "token": access.applicant_token(application)}


@blp.route("/applications/tokens", methods=["DELETE"])
@permission(PUBLIC, credential=_applicant_token_required)
@blp.response(204)
@blp.alt_response(401, schema=ProblemSchema, description="No valid applicant token")
def revoke_applicant_tokens():
    """Revoke every applicant token of the caller's application (the one sent included)."""
    operations.revoke_applicant_tokens(access.bearer_application())


@blp.route("/applications", methods=["GET"])
@permission(P.APPLICATIONS_API_READ)  # API.md: (board)
@blp.arguments(ApplicationListQuerySchema, location="query")
@blp.response(200, ApplicationPageSchema)
def list_applications(args):
    """Applications, earliest decision due first (`?status=submitted` for the queue)."""
    status = ApplicationStatus(args["status"]) if args.get("status") else None
    return paginate(queries.applications_query(status), _application, args["page"], args["per_page"])


@blp.route("/applications/<int:application_id>", methods=["GET"])
@permission(PUBLIC)  # object-level (API.md): the board, or the applicant (applicant token)
@blp.response(200, ApplicationSchema)
@blp.alt_response(401, schema=ProblemSchema, description="No token")
@blp.alt_response(403, schema=ProblemSchema, description="Someone else's application")
def get_application(application_id: int):
    """One application: for the board, or the applicant (applicant token, or the admitted
    member's own token)."""
    _authorise_application(application_id)
    return _application(queries.get_application(application_id))


@blp.route("/applications/<int:application_id>/decision", methods=["POST"])
@permission(P.APPLICATION_DECIDE)
@blp.arguments(DecisionSchema)
@blp.response(200, DecisionResultSchema)
@blp.alt_response(409, schema=ProblemSchema, description="already_decided, admission_required")
@blp.alt_response(422, schema=ProblemSchema, description="decision_date, reasons_required, volunteer_cap")
def decide_application(args, application_id: int):
    """The board admits (register number assigned) or refuses (reasons mandatory).

    An admission answers `login_created`: false with `login_reason` when the applicant's
    email is an existing login that may not be linked to the new member (a staff login,
    another member's): the office links one by hand."""
    application = queries.get_application(application_id)
    operations.decide_application(application, args, actor())
    answer = {"status": application.status.value,
              "member_number": application.member.number if application.member else None}
    if application.status == ApplicationStatus.ADMITTED:
        answer["login_created"] = application.user_id is not None
        answer["login_reason"] = operations.login_not_linked_message(application)
    return answer


@blp.route("/applications/<int:application_id>/appeal", methods=["POST"])
@permission(PUBLIC, credential=_applicant_token_required)
@blp.arguments(AppealCreateSchema)
@blp.response(200, AppealResultSchema)
@blp.alt_response(409, schema=ProblemSchema, description="not_appealable")
@blp.alt_response(422, schema=ProblemSchema, description="appeal_deadline")
def appeal_application(args, application_id: int):
    """The refused applicant appeals to the assembly, within 60 days of the notice."""
    if access.bearer_application().id != application_id:
        raise NotAllowed()
    appeal = operations.lodge_appeal(queries.get_application(application_id), args["text"])
    return {"status": appeal.application.status.value, "appeal_id": appeal.id}


# --- appeals ----------------------------------------------------------------------------------

@blp.route("/appeals", methods=["GET"])
@permission(P.APPEALS_READ)
@blp.arguments(AppealListQuerySchema, location="query")
@blp.response(200, AppealPageSchema)
def list_appeals(args):
    """Appeals (`?status=pending`: waiting for an assembly)."""
    status = AppealStatus(args["status"]) if args.get("status") else None
    return paginate(queries.appeals_query(status), _appeal, args["page"], args["per_page"])


@blp.route("/appeals/<int:appeal_id>/decision", methods=["POST"])
@permission(P.APPEAL_DECIDE)
@blp.arguments(AppealDecisionSchema)
@blp.response(200, AppealSchema)
@blp.alt_response(409, schema=ProblemSchema, description="already_decided")
def decide_appeal(args, appeal_id: int):
    """Record the assembly's decision on an appeal; upheld sends it back to the board."""
    appeal = operations.record_appeal_decision(queries.get_appeal(appeal_id), args, actor())
    return _appeal(appeal)


# --- leaving ----------------------------------------------------------------------------------

@blp.route("/members/<int:number>/exit", methods=["POST"])
@permission(P.EXIT_RECORD)
@blp.arguments(ExitCreateSchema)
@blp.response(200, ExitSchema)
@blp.alt_response(409, schema=ProblemSchema, description="not_active, already_exited")
@blp.alt_response(422, schema=ProblemSchema, description="decision_date, reasons_required")
def record_exit(args, number: int):
    """Record a withdrawal, exclusion (reasons mandatory), death or lapse."""
    return operations.record_exit(queries.get_member(number), args, actor())


@blp.route("/members/<int:number>/exit", methods=["GET"])
@permission(AUTHENTICATED)  # object-level: register readers, or the member themself
@blp.response(200, ExitSchema)
def get_exit(number: int):
    """The member's exit, if recorded (404 otherwise)."""
    exit_ = queries.member_exit(load_visible(number))
    if exit_ is None:
        raise DomainError("not_found", _("No exit recorded for member n. %(n)d.", n=number), status=404)
    return exit_


@blp.route("/members/<int:number>/exit/challenge", methods=["POST"])
@permission(P.EXIT_RECORD)
@blp.arguments(ChallengeSchema)
@blp.response(200, ExitSchema)
def record_challenge(args, number: int):
    """The excluded member challenged the exclusion in court on this date."""
    return operations.record_challenge(queries.get_member(number), args, actor())


@blp.route("/members/<int:number>/withdrawal-requests", methods=["POST"])
@permission(P.WITHDRAWAL_REQUEST_OWN)  # and only for their own entry
@blp.arguments(WithdrawalCreateSchema)
@blp.response(201, WithdrawalSchema)
@blp.alt_response(409, schema=ProblemSchema, description="already_requested, not_active, already_exited")
def request_withdrawal(args, number: int):
    """The member asks to withdraw (only for their own entry; the board records a paper
    request through `POST /members/{number}/exit` with `kind: withdrawal`)."""
    member = load_own(number)
    if args.get("requested_on"):
        raise DomainError("validation", _("A request is dated the day it is made; the board "
                                          "records paper requests as an exit."), field="requested_on")
    return operations.request_withdrawal(member, args, actor())


@blp.route("/withdrawal-requests", methods=["GET"])
@permission(P.WITHDRAWALS_READ)
@blp.arguments(WithdrawalListQuerySchema, location="query")
@blp.response(200, WithdrawalPageSchema)
def list_withdrawals(args):
    """Withdrawal requests, earliest decision due first (`?status=pending`: the queue)."""
    status = WithdrawalStatus(args["status"]) if args.get("status") else None
    return paginate(queries.withdrawal_requests_query(status), lambda r: r, args["page"], args["per_page"])


@blp.route("/withdrawal-requests/<int:request_id>/decision", methods=["POST"])
@permission(P.WITHDRAWAL_DECIDE)
@blp.arguments(WithdrawalDecisionSchema)
@blp.response(200, WithdrawalSchema)
@blp.alt_response(409, schema=ProblemSchema, description="already_decided")
@blp.alt_response(422, schema=ProblemSchema, description="decision_date, reasons_required")
def decide_withdrawal(args, request_id: int):
    """Accept (the exit is recorded, effective per DOMAIN.md §3.4) or refuse (reasons)."""
    return operations.decide_withdrawal(queries.get_withdrawal_request(request_id), args,
                                        actor())


@blp.route("/exits/apply-due", methods=["POST"])
@permission(P.EXITS_APPLY)
@blp.response(200, AppliedExitsSchema)
def apply_due_exits():
    """Change the status of members whose exit took effect (idempotent)."""
    return {"applied": len(operations.apply_due_exits(clock.today(), actor()))}


# --- shares and accounts -------------------------------------------------------------------------

@blp.route("/members/<int:number>/shares", methods=["GET"])
@permission(AUTHENTICATED)  # object-level: register readers, or the member themself
@blp.response(200, SharesSchema)
def get_shares(number: int):
    """Shares subscribed and paid (paid / partly_paid / unpaid), with the payments."""
    return _shares(load_visible(number))


@blp.route("/members/<int:number>/share-payments", methods=["POST"])
@permission(P.SHARE_PAYMENT_RECORD)
@blp.arguments(SharePaymentCreateSchema)
@blp.response(201, SharesSchema)
@blp.alt_response(422, schema=ProblemSchema, description="validation (amount, paid_on)")
def record_share_payment(args, number: int):
    """The secretary records a payment of shares; answers the updated shares."""
    member = queries.get_member(number)
    operations.record_share_payment(member, args, actor())
    return _shares(member)


@blp.route("/accounts-approvals", methods=["GET"])
@permission(P.ACCOUNTS_APPROVALS_READ)
@blp.response(200, AccountsApprovalSchema(many=True))
def list_accounts_approvals():
    """Approval dates of the financial years' accounts, latest first."""
    return queries.accounts_approvals()


@blp.route("/accounts-approvals", methods=["POST"])
@permission(P.ACCOUNTS_APPROVAL_RECORD)
@blp.arguments(AccountsApprovalCreateSchema)
@blp.response(201, AccountsApprovalResultSchema)
@blp.alt_response(409, schema=ProblemSchema, description="already_recorded")
def record_accounts_approval(args):
    """Record the approval of a year's accounts: share refunds of that year's exits fall due."""
    approval = operations.record_accounts_approval(args, actor())
    return {"financial_year": approval.financial_year, "approved_on": approval.approved_on,
            "refund_due_on": operations.refund_due_after(approval),
            "exits_updated": len(queries.exits_in_year(approval.financial_year))}


# --- the annual report ---------------------------------------------------------------------------

def _report_year(args) -> int:
    return args.get("year") or clock.today().year


@blp.route("/reports/membership", methods=["GET"])
@permission(P.MEMBERSHIP_REPORT_READ)
@blp.arguments(ReportQuerySchema, location="query")
@blp.response(200, ReportSchema)
def membership_report(args):
    """Admissions, refusals with reasons, appeals and exits of a year, with counts per
    category (art. 2528 c.c.)."""
    report = queries.membership_report(_report_year(args))
    counts = {}
    for section in queries.SECTIONS:
        counts[section] = {c.value: n for c, n in report.counts(section).items()}
        counts[section]["total"] = report.total(section)
    return {"year": report.year, "counts": counts, **report.lines}


@blp.route("/reports/membership.csv", methods=["GET"])
@permission(P.MEMBERSHIP_REPORT_READ)
@blp.arguments(ReportCsvQuerySchema, location="query")
@blp.response(200, description="text/csv: the report's lines, or its counts (`part=counts`)")
def membership_report_csv(args):
    """The same report as CSV."""
    year = _report_year(args)
    body = queries.report_csv(queries.membership_report(year), args["part"])
    suffix = "-counts" if args["part"] == "counts" else ""
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="membership-{year}{suffix}.csv"'})
