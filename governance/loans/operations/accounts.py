"""Opening an account (DOMAIN.md §6): only a member with the minimum seniority lends,
on a written contract, with an IBAN on file for repayments."""
from __future__ import annotations

from flask_babel import gettext as _
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError

from ...core import audit, clock, inputs
from ...core.errors import Conflict, DomainError
from ...core.formatting import day, days
from ...core.inputs import InvalidInput, Problems
from ...extensions import db
from ...members.models import Member, MemberStatus
from ...statute.queries import value_on
from .. import rules
from ..models import AccountStatus, LoanAccount, Product
from .common import lock_member, parse_date
from .settings import product

MAX_TERM_MONTHS = 360


def clean_iban(raw) -> str:
    """An IBAN checked by python-stdnum (country format and check digits), stored compact."""
    value = inputs.text(raw, max_length=50, required=True)
    try:
        return stdnum_iban.validate(value)
    except ValidationError:
        raise InvalidInput(_("Not a valid IBAN: check the letters and digits.")) from None


def open_account(member: Member, data: dict, actor) -> LoanAccount:
    """The secretary opens a free or term account {product, term_months, opened_on, iban}
    for a member with the seniority (`loan_seniority`)."""
    lock_member(member.id)
    if member.status != MemberStatus.ACTIVE:
        raise Conflict("not_active", _("Member n. %(n)d is not active (%(status)s).",
                                       n=member.number, status=member.status.label))
    today = clock.today()
    problems = Problems()
    chosen = product(data.get("product"), problems)
    opened_on = parse_date(data.get("opened_on") or today, "opened_on", problems)
    iban = problems.take("iban", clean_iban, data.get("iban"))
    term_months = None
    if chosen == Product.TERM:
        term_months = problems.take("term_months", inputs.whole_number, data.get("term_months"),
                                    minimum=1, maximum=MAX_TERM_MONTHS)
    elif data.get("term_months") not in (None, "", 0):
        problems.add("term_months", _("Only a term deposit has a term."))
    if opened_on is not None and opened_on > today:
        problems.add("opened_on", _("The date %(date)s is in the future.", date=day(opened_on)))
    problems.raise_if_any()
    seniority = value_on("loan_seniority_days", opened_on)
    if not rules.may_lend_on(member.admitted_on, seniority, opened_on):
        raise DomainError("loan_seniority", _(
            "Member n. %(n)d may lend from %(date)s (%(days)s in the register after admission on "
            "%(admitted)s).", n=member.number, date=day(rules.lending_right_from(member.admitted_on, seniority)),
            days=days(seniority), admitted=day(member.admitted_on)), field="opened_on")
    account = LoanAccount(member=member, product=chosen, term_months=term_months, opened_on=opened_on,
                          matures_on=rules.maturity_on(opened_on, term_months) if term_months else None,
                          iban=iban, status=AccountStatus.OPEN, balance=0,
                          opened_by_id=getattr(actor, "id", None), created_at=clock.now())
    db.session.add(account)
    db.session.flush()
    audit.record(actor, "loan.open", account,
                 summary=f"n. {member.number}: {chosen.value}"
                         f"{f' {term_months} months' if term_months else ''} from {opened_on.isoformat()}",
                 changes={"product": [None, chosen], "opened_on": [None, opened_on], "iban": [None, iban]})
    return account
