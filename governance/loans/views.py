"""HTML pages of social loans. Each view: load, authorise (declared once with
@permission, object checks in loans.access), call one operation, render or redirect.
Forms carry an idempotency key, so a form sent twice books once."""
from __future__ import annotations

import uuid

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..authz import P
from ..core import clock, csvio, inputs
from ..core.errors import DomainError
from ..core.forms import show_errors
from ..core.formatting import day, days, money
from ..core.permissions import AUTHENTICATED, NotAllowed, actor, can, permission
from ..extensions import db
from ..members.queries import member_by_number
from ..statute.queries import value_on
from . import documents, exports, operations, queries
from .access import is_owner, load_account
from .forms import EquityForm, MovementForm, OpenAccountForm, RateForm, ReversalForm, YearEndForm
from .models import MovementKind

bp = Blueprint("loans", __name__)
PER_PAGE = 50


def _fail(form, error: DomainError) -> int:
    if error.status in (401, 403, 404):
        raise error
    if error.status == 409:
        flash(error.message, "danger")
    else:
        show_errors(form, error)
    return error.status


def _key() -> str:
    return uuid.uuid4().hex


def _year_arg(default: int) -> int:
    return inputs.year(request.args.get("year"), default, latest=clock.today().year + 1)


# --- the office's list and opening an account ---------------------------------------------------

@bp.get("/loans")
@permission(P.LOANS_READ)
def accounts():
    number = request.args.get("member", "").strip()
    member_number = int(number) if number.isdigit() and len(number) < 10 else None
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    query = queries.accounts_query(member_number=member_number)
    total = db.session.scalar(db.select(db.func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return render_template("loans/accounts.html", rows=rows, page=page, per_page=PER_PAGE, total=total,
                           member=member_number or "")


@bp.route("/loans/new", methods=["GET", "POST"])
@permission(P.LOAN_OPEN)
def open_account():
    today = clock.today()
    form = OpenAccountForm(opened_on=today.isoformat(), member=request.args.get("member", "")) \
        if request.method == "GET" else OpenAccountForm()
    status = 200
    if request.method == "POST":
        try:
            if not form.validate_on_submit():
                raise DomainError("validation", _("The form is not valid."))
            raw = (form.member.data or "").strip()
            member = member_by_number(int(raw)) if raw.isdigit() and len(raw) < 10 else None
            if member is None:
                raise DomainError("validation", _("There is no member with register number %(n)s.", n=raw[:10]),
                                  field="member")
            account = operations.open_account(member, form.data, actor())
        except DomainError as error:
            status = _fail(form, error)
        else:
            flash(_("Account n. %(id)d opened for member n. %(n)d.", id=account.id, n=member.number), "success")
            return redirect(url_for("loans.account", account_id=account.id))
    return render_template("loans/open.html", form=form), status


# --- one account ---------------------------------------------------------------------------------

def _render_account(account, *, movement_form=None, reversal_form=None, status=200):
    today = clock.today()
    movements = queries.movements_of(account)
    reversed_ids = queries.reversed_ids(account)
    reversible = [m for m in movements if m.kind in (MovementKind.DEPOSIT, MovementKind.WITHDRAWAL)
                  and m.id not in reversed_ids]
    reversal_form = reversal_form or ReversalForm(formdata=None, idempotency_key=_key())
    reversal_form.movement_id.choices = [("", _("Choose…"))] + [
        (str(m.id), _("%(kind)s of %(amount)s, value date %(date)s (movement %(id)d)", kind=m.kind.label,
                      amount=money(abs(m.amount)), date=day(m.value_date), id=m.id))
        for m in reversible]
    return render_template(
        "loans/account.html", account=account, movements=movements, reversed_ids=reversed_ids, today=today,
        balance_today=queries.balance_today(account, today), accrued=operations.accrued_to(account, today),
        chart=documents.balance_chart(queries.timeline(account, today)),
        years=queries.statement_years(account), can_book=can(current_user, P.LOAN_MOVEMENT),
        movement_form=movement_form or MovementForm(formdata=None, value_date=today.isoformat(),
                                                    requested_on=today.isoformat(), idempotency_key=_key()),
        reversal_form=reversal_form, reversible=reversible, own=is_owner(account)), status


@bp.get("/loans/<int:account_id>")
@permission(AUTHENTICATED)  # object-level: loan readers, or the owner (loans.access)
def account(account_id: int):
    return _render_account(load_account(account_id))


@bp.post("/loans/<int:account_id>/movements")
@permission(P.LOAN_MOVEMENT)
def book(account_id: int):
    account = load_account(account_id)
    form = MovementForm()
    try:
        if not form.validate_on_submit():
            raise DomainError("validation", _("The form is not valid."))
        movement, created = operations.book_movement(account, form.data, actor())
    except DomainError as error:
        status = _fail(form, error)
        return _render_account(account, movement_form=form, status=status)
    if created:
        flash(_("%(kind)s of %(amount)s booked.", kind=movement.kind.label, amount=money(movement.amount.copy_abs())),
              "success")
    else:
        flash(_("This form had already been sent: the movement was booked once."), "info")
    return redirect(url_for("loans.account", account_id=account.id))


@bp.post("/loans/<int:account_id>/reversal")
@permission(P.LOAN_MOVEMENT)
def reverse(account_id: int):
    account = load_account(account_id)
    form = ReversalForm()
    try:
        if not form.validate_on_submit():
            raise DomainError("validation", _("The form is not valid."))
        raw = str(form.movement_id.data or "")
        if not raw.isdigit() or len(raw) > 9:
            raise DomainError("validation", _("Choose the movement to correct."), field="movement_id")
        _reversal, created = operations.reverse_movement(account, int(raw), form.data, actor())
    except DomainError as error:
        status = _fail(form, error)
        return _render_account(account, reversal_form=form, status=status)
    flash(_("The correction was booked.") if created else
          _("This form had already been sent: the movement was booked once."), "success" if created else "info")
    return redirect(url_for("loans.account", account_id=account.id))


@bp.get("/loans/<int:account_id>/contract.pdf")
@permission(AUTHENTICATED)  # object-level
def contract(account_id: int):
    account = load_account(account_id)
    return Response(documents.contract_pdf(account), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="loan-contract-{account.id}.pdf"', "Cache-Control": "no-store"})


@bp.get("/loans/<int:account_id>/statement")
@permission(AUTHENTICATED)  # object-level
def statement(account_id: int):
    account = load_account(account_id)
    year = _year_arg(clock.today().year - 1 if clock.today().year > account.opened_on.year else clock.today().year)
    return render_template("loans/statement.html", st=queries.statement(account, year),
                           years=queries.statement_years(account))


@bp.get("/loans/<int:account_id>/statement.pdf")
@permission(AUTHENTICATED)  # object-level
def statement_pdf(account_id: int):
    account = load_account(account_id)
    year = _year_arg(clock.today().year)
    return Response(documents.statement_pdf(queries.statement(account, year)), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="loan-{account.id}-{year}.pdf"',
                             "Cache-Control": "no-store"})


# --- the member's own loans -------------------------------------------------------------------

@bp.get("/me/loans")
@permission(P.LOANS_OWN)
def my_loans():
    member_id = getattr(current_user, "member_id", None)
    if not member_id:
        raise NotAllowed(_("Your login is not linked to a register entry."))
    today = clock.today()
    accounts = queries.accounts_of(member_id)
    cards = [{"account": a, "balance": queries.balance_today(a, today), "accrued": operations.accrued_to(a, today),
              "chart": documents.balance_chart(queries.timeline(a, today)),
              "movements": queries.movements_of(a)[-10:], "years": queries.statement_years(a)} for a in accounts]
    return render_template("loans/my_loans.html", cards=cards, today=today)


# --- the regulation, the year end, the board's summary, exports ------------------------------------

def _render_regulation(rate_form=None, equity_form=None, status=200):
    today = clock.today()
    summary = queries.summary(today)
    return render_template(
        "loans/regulation.html", rates=operations.rate_history(), equity=operations.equity_history(),
        summary=summary, today=today, can_change=can(current_user, P.LOAN_REGULATION),
        max_rate=value_on("loan_max_rate", today), member_cap=value_on("loan_member_cap", today),
        notice=days(value_on("loan_withdrawal_notice_days", today)),
        rate_form=rate_form or RateForm(formdata=None, effective_from=today.isoformat()),
        equity_form=equity_form or EquityForm(formdata=None)), status


@bp.get("/loans/regulation")
@permission(P.LOANS_READ)
def regulation():
    return _render_regulation()


@bp.post("/loans/regulation/rates")
@permission(P.LOAN_REGULATION)
def record_rate():
    form = RateForm()
    try:
        if not form.validate_on_submit():
            raise DomainError("validation", _("The form is not valid."))
        operations.record_rate(form.data, actor())
    except DomainError as error:
        return _render_regulation(rate_form=form, status=_fail(form, error))
    flash(_("The rate was recorded."), "success")
    return redirect(url_for("loans.regulation"))


@bp.post("/loans/regulation/equity")
@permission(P.LOAN_REGULATION)
def record_equity():
    form = EquityForm()
    try:
        if not form.validate_on_submit():
            raise DomainError("validation", _("The form is not valid."))
        operations.record_equity(form.data, actor())
    except DomainError as error:
        return _render_regulation(equity_form=form, status=_fail(form, error))
    flash(_("The equity was recorded."), "success")
    return redirect(url_for("loans.regulation"))


@bp.route("/loans/year-end", methods=["GET", "POST"])
@permission(P.LOAN_YEAR_END)
def year_end():
    today = clock.today()
    form = YearEndForm(year=str(today.year - 1)) if request.method == "GET" else YearEndForm()
    status, result = 200, None
    if request.method == "POST":
        try:
            if not form.validate_on_submit():
                raise DomainError("validation", _("The form is not valid."))
            raw = (form.year.data or "").strip()
            if not raw.isdigit() or len(raw) != 4:
                raise DomainError("validation", _("Not a valid year: %(value)s.", value=raw[:10]), field="year")
            result = operations.run_year_end(int(raw), actor())
        except DomainError as error:
            status = _fail(form, error)
    return render_template("loans/year_end.html", form=form, result=result,
                           missing_years=queries.years_without_year_end(today)), status


@bp.get("/loans/summary")
@permission(P.LOANS_SUMMARY)
def summary():
    today = clock.today()
    return render_template("loans/summary.html", summary=queries.summary(today), cap_use=queries.cap_use(today),
                           maturities=queries.maturities(today), missing_years=queries.years_without_year_end(today),
                           today=today)


@bp.get("/loans/export/movements.csv")
@permission(P.LOANS_EXPORT)
def export_movements():
    year = _year_arg(0) if request.args.get("year") else None
    form = csvio.form_from(request.args)
    return csvio.response(exports.movements_csv(year, form), f"loan-movements{f'-{year}' if year else ''}.csv")


@bp.get("/loans/export/withholding.csv")
@permission(P.LOANS_EXPORT)
def export_withholding():
    year = _year_arg(clock.today().year - 1)
    form = csvio.form_from(request.args)
    return csvio.response(exports.withholding_csv(year, form), f"loan-withholding-{year}.csv")
