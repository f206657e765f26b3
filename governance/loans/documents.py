"""Documents of social loans: the contract and the annual statement as PDF (fpdf2,
core.pdf), and the balance over time as an SVG step chart drawn on the server (no
JavaScript), in the reader's language."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from markupsafe import Markup, escape

from ..core.formatting import day, days, money, percent
from ..core.pdf import Document
from ..statute.queries import value_on
from . import queries
from .models import LoanAccount, Product
from .operations.settings import rate_on


def convention_text() -> str:
    """DOMAIN.md §6 in words, as the contract states it."""
    return _(
        "Interest is counted day by day: each calendar day earns the balance at the end of that day "
        "times the gross annual rate in force that day, divided by the number of days of that year "
        "(365, or 366 in a leap year). A deposit earns from its value date; a withdrawal stops earning "
        "on its value date. The year's gross interest is the exact sum of the days, rounded to the cent "
        "(half up) on 31 December or when the account is closed; the withholding tax is %(withholding)s "
        "of it, rounded to the cent (half up); the net interest (gross less withholding) is added to the "
        "balance with value date 31 December and earns interest from 1 January.",
        withholding=percent(value_on("loan_withholding_percent")))


def contract_pdf(account: LoanAccount) -> bytes:
    member = account.member
    doc = Document(_("Social loan contract n. %(id)d", id=account.id))
    doc.paragraph(_("Lender: %(name)s, member n. %(n)d, tax code %(tax)s.", name=member.full_name,
                    n=member.number, tax=member.tax_code), style="B")
    rate = rate_on(account.product, account.opened_on)
    lines = [
        _("Product: %(product)s.", product=account.product.label),
        _("Opened on %(date)s.", date=day(account.opened_on, "long")),
        _("Gross annual rate at opening: %(rate)s (the rate of the product follows the table approved by "
          "the cooperative; it never exceeds the tax-favoured maximum).",
          rate=percent(rate) if rate is not None else _("not yet set")),
        _("IBAN for repayments: %(iban)s.", iban=account.iban),
    ]
    if account.product == Product.TERM:
        lines.append(_("Term: %(months)d months, maturing on %(date)s; no withdrawal before maturity.",
                       months=account.term_months, date=day(account.matures_on, "long")))
    else:
        lines.append(_("Withdrawals: with a notice of %(notice)s; the value date of a withdrawal is at least "
                       "the notice after the request (no on-demand repayment).",
                       notice=days(value_on("loan_withdrawal_notice_days", account.opened_on))))
    lines.append(_("Caps: the loans of one member may not exceed %(cap)s in total (art. 10 L. 59/1992); "
                   "all loans together may not exceed the multiple of the cooperative's equity set by "
                   "Banca d'Italia.", cap=money(value_on("loan_member_cap", account.opened_on))))
    for line in lines:
        doc.paragraph(line)
    doc.paragraph(_("How interest is computed"), style="B")
    doc.paragraph(convention_text())
    doc.paragraph(_("On the member's exit from the cooperative the account is closed and the balance is "
                    "repaid with the interest to that day, net of the withholding tax."))
    doc.ln(8)
    doc.paragraph(_("Signed for the cooperative: ____________________    The lender: ____________________"))
    return doc.to_bytes()


def statement_pdf(st: queries.Statement) -> bytes:
    account = st.account
    doc = Document(_("Social loan statement %(year)d, account n. %(id)d", year=st.year, id=account.id))
    doc.paragraph(_("%(name)s, member n. %(n)d. %(product)s, opened on %(date)s.",
                    name=account.member.full_name, n=account.member.number,
                    product=account.product.label, date=day(account.opened_on)))
    if not st.final:
        doc.paragraph(_("Provisional: the interest of %(year)d is not yet capitalised.", year=st.year), style="I")
    rows = [(day(m.booked_on), day(m.value_date), m.kind.label, money(m.amount)) for m in st.movements]
    doc.table([_("Booked on"), _("Value date"), _("Movement"), _("Amount")], rows, [35, 35, 70, 40], size=9)
    doc.ln(4)
    for label, value in ((_("Opening balance"), st.opening_balance), (_("Gross interest"), st.gross_interest),
                         (_("Withholding tax"), st.withholding), (_("Net interest"), st.net_interest),
                         (_("Closing balance"), st.closing_balance)):
        doc.paragraph(f"{label}: {money(value)}")
    return doc.to_bytes()


def balance_chart(points: list[tuple[date, Decimal]], *, width: int = 640, height: int = 220) -> Markup:
    """A step chart of the balance (end of each day), as inline SVG with a text title."""
    title = _("Balance over time")
    if not points:
        return Markup("")
    left, right, top, bottom = 70, 10, 10, 30
    first, last = points[0][0], points[-1][0]
    span = max((last - first).days, 1)
    highest = max(max(p[1] for p in points), Decimal(1))

    def x(d: date) -> float:
        return left + (width - left - right) * (d - first).days / span

    def y(v: Decimal) -> float:
        return top + (height - top - bottom) * float(1 - v / highest)

    path, previous = [], None
    for d, v in points:
        if previous is None:
            path.append(f"M{x(d):.1f},{y(v):.1f}")
        else:
            path.append(f"H{x(d):.1f}V{y(v):.1f}")
        previous = v
    description = _("From %(first)s (%(a)s) to %(last)s (%(b)s); highest %(max)s.", first=day(first),
                    a=money(points[0][1]), last=day(last), b=money(points[-1][1]), max=money(highest))
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" class="loan-chart" role="img" viewBox="0 0 {width} {height}" '
           f'width="100%" aria-labelledby="chart-title chart-desc">'
           f'<title id="chart-title">{escape(title)}</title><desc id="chart-desc">{escape(description)}</desc>'
           f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="#666"/>'
           f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="#666"/>'
           f'<text x="{left - 4}" y="{top + 10}" text-anchor="end" font-size="11">{escape(money(highest))}</text>'
           f'<text x="{left - 4}" y="{height - bottom}" text-anchor="end" font-size="11">{escape(money(0))}</text>'
           f'<text x="{left}" y="{height - 10}" font-size="11">{escape(day(first))}</text>'
           f'<text x="{width - right}" y="{height - 10}" text-anchor="end" font-size="11">{escape(day(last))}</text>'
           f'<path d="{"".join(path)}" fill="none" stroke="#1b5e20" stroke-width="2"/></svg>')
    return Markup(svg)
