"""Every list a user scans on a phone fits a 390 px screen (issue 8 §6): each role's list
pages, over the demo cooperative (members, loans, a closed assembly with its roll and a
voted motion, a convened one with proxies and receipts) plus a decided application and
withdrawal, an API token and a session open for check-in. On each page nothing is wider
than the viewport (a table scrolled inside its wrapper counts), and axe-core finds no
WCAG 2.1 A/AA violation."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from governance import demo
from governance.assemblies.models import Assembly, AssemblyStatus
from governance.assemblies.operations import session as assembly_session
from governance.auth.models import User
from governance.auth.operations import create_token
from governance.core import clock
from governance.extensions import db
from governance.lifecycle import operations as lifecycle
from governance.lifecycle.models import Application, ApplicationStatus, WithdrawalRequest, WithdrawalStatus
from governance.loans.models import LoanAccount
from governance.members.models import Member, MemberStatus
from tests.browser.conftest import do_browser_login
from tests.browser.test_home_browser import PHONE, WIDEST, assert_accessible
from tests.factories import MemberFactory

# What each role scans: the list pages it can open (the access table says which).
BOARD = ["/members", "/members?q=Sforza", "/members/{own}", "/members/{number}/lifecycle",
         "/board/applications", "/board/applications?show=decided", "/board/withdrawals",
         "/board/withdrawals?show=decided", "/board/accounts-approvals", "/reports/membership",
         "/assemblies", "/assemblies/minutes-book", "/assemblies/{spring}/roll", "/assemblies/{upcoming}/receipts",
         "/loans", "/loans/{account}", "/loans/{account}/statement", "/loans/summary", "/loans/regulation",
         "/statute", "/mission", "/profile"]
LISTS = {
    "cda@demo.coop": BOARD,
    "segreteria@demo.coop": ["/members", "/members/{number}/lifecycle", "/board/applications?show=decided",
                             "/assemblies", "/assemblies/{upcoming}/roll", "/assemblies/{upcoming}/proxies",
                             "/assemblies/{upcoming}/receipts", "/loans", "/loans/{account}", "/statute",
                             "/profile"],
    "revisore@demo.coop": ["/members", "/reports/membership", "/assemblies", "/loans", "/loans/summary",
                           "/admin/audit?object_type=users", "/statute", "/profile"],
    "admin@demo.coop": ["/admin/users", "/admin/users/{user}", "/admin/outbox", "/admin/audit", "/statute",
                        "/profile"],
    "socio@demo.coop": ["/assemblies", "/me/loans", "/members/{own}", "/loans/{own_account}",
                        "/loans/{own_account}/statement", "/mission"],
}

# Pages whose markup axe-core already checked through another address: only their width is
# measured (the whole audit log, 50 entries with their changes, takes axe-core seconds).
SAME_MARKUP = {"/admin/audit": "/admin/audit?object_type=users", "/members?q=Sforza": "/members",
               "/loans/{own_account}": "/loans/{account}", "/loans/{own_account}/statement": "/loans/{account}/statement",
               "/assemblies/{upcoming}/roll": "/assemblies/{spring}/roll"}


@pytest.fixture
def cooperative(app, _db):
    demo.seed_demo(if_empty=True, echo=lambda line: None)
    board = db.session.scalar(sa.select(User).where(User.email == "cda@demo.coop"))
    socio = db.session.scalar(sa.select(User).where(User.email == "socio@demo.coop"))
    today = clock.today()
    # a decided application and withdrawal for the "decided" tabs, one still waiting
    application = db.session.scalar(sa.select(Application).where(Application.status == ApplicationStatus.SUBMITTED)
                                    .order_by(Application.id))
    lifecycle.decide_application(application, {"outcome": "admitted", "decided_on": today.isoformat()}, board)
    withdrawal = db.session.scalar(sa.select(WithdrawalRequest).where(WithdrawalRequest.status == WithdrawalStatus.PENDING))
    lifecycle.decide_withdrawal(withdrawal, {"outcome": "accepted", "decided_on": today.isoformat()}, board)
    leaving = db.session.scalars(sa.select(Member).where(Member.status == MemberStatus.ACTIVE,
                                                         Member.number > 40).order_by(Member.number)).first()
    lifecycle.request_withdrawal(leaving, {"requested_on": today.isoformat()}, board)
    lifecycle.record_accounts_approval({"year": today.year - 1, "approved_on": f"{today.year}-04-28"}, board)
    # a long name with a long word, as a legal person's may be, paying its shares in instalments
    long_name = MemberFactory(first_name="Bartolomeo", last_name="Sforza Visconti di Peschiera Borromeo-Castelbarco",
                              shares_subscribed=4)
    lifecycle.record_share_payment(long_name, {"amount": "25.00", "paid_on": today.isoformat(),
                                               "note": "Seconda rata, bonifico bancario del mese corrente"}, board)
    for user in (board, socio, db.session.scalar(sa.select(User).where(User.email == "admin@demo.coop"))):
        create_token(user, "Sincronizzazione del gestionale contabile")
    assemblies = db.session.scalars(sa.select(Assembly).order_by(Assembly.first_call_at)).all()
    spring = next(a for a in assemblies if a.status == AssemblyStatus.CLOSED)
    upcoming = next(a for a in assemblies if a.status == AssemblyStatus.CONVENED)
    ids = {
        "number": long_name.number, "own": socio.member.number, "user": socio.id,
        "spring": spring.id, "upcoming": upcoming.id,
        "account": db.session.scalar(sa.select(LoanAccount.id).order_by(LoanAccount.id)),
        "own_account": db.session.scalar(sa.select(LoanAccount.id).where(LoanAccount.member_id == socio.member.id)),
        "first_call": upcoming.first_call_at,
    }
    db.session.commit()
    return ids


def _wider_than_the_phone(page) -> str:
    """'' when the page fits PHONE, otherwise how wide it is and what sticks out."""
    width = page.evaluate(WIDEST)
    if width <= PHONE["width"]:
        return ""
    wide = page.evaluate("""w => Array.from(document.querySelectorAll('main *'))
        .filter(e => e.getBoundingClientRect().right > w || (e.tagName === 'TABLE' && e.scrollWidth > w))
        .filter(e => !e.closest('.visually-hidden, thead')).slice(0, 3)
        .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className.split(' ').join('.') : ''))""",
                         PHONE["width"])
    return f"{width} px wide ({', '.join(wide)})"


# Each cell of a card list carries its column's name, the very words of the header (a row's
# own heading, a <th scope=row> with no name, and a one-cell "nothing yet" row aside).
MISNAMED_CELLS = """() => Array.from(document.querySelectorAll('main table.table-cards')).flatMap(table => {
    const names = Array.from(table.querySelectorAll('thead th')).map(th => (th.querySelector('a') || th).textContent.trim());
    return Array.from(table.querySelectorAll('tbody tr')).flatMap(row => {
        const cells = Array.from(row.children);
        if (cells.length === 1 && cells[0].colSpan > 1) return [];
        return cells.filter((cell, i) => !(cell.tagName === 'TH' && !cell.hasAttribute('data-label'))
                                         && cell.getAttribute('data-label') !== names[i])
                    .map(cell => `${cell.getAttribute('data-label')} under ${names[cells.indexOf(cell)]}`);
    });
}).slice(0, 3)"""


def test_every_list_fits_a_phone(page, cooperative):
    page.set_viewport_size(PHONE)
    problems, seen = [], set()
    for email, urls in LISTS.items():
        page.context.clear_cookies()
        do_browser_login(page, email, demo.DEMO_PASSWORD)
        for template in urls:
            url = template.format(**cooperative)
            response = page.goto(url, wait_until="domcontentloaded")
            assert response is not None and response.status == 200, f"{email} {url}: {response and response.status}"
            assert page.locator("main table").count(), f"{email} {url}: no list on the page"
            wide = _wider_than_the_phone(page)
            if wide:
                problems.append(f"{email} {url}: {wide}")
            misnamed = page.evaluate(MISNAMED_CELLS)
            if misnamed:
                problems.append(f"{email} {url}: cells named unlike their column: {misnamed}")
            markup = SAME_MARKUP.get(template, template)
            if markup not in seen:  # the same page for another role: its width is enough
                seen.add(markup)
                try:
                    assert_accessible(page, f"{email} {url} (phone)")
                except AssertionError as error:
                    problems.append(str(error)[:300])

    # the check-in search of an open session (the secretary's, in the room)
    clock.set_now(cooperative["first_call"] + timedelta(minutes=5))
    try:
        assembly = db.session.get(Assembly, cooperative["upcoming"])
        secretary = db.session.scalar(sa.select(User).where(User.email == "segreteria@demo.coop"))
        assembly_session.open_session(assembly, "first", secretary)
        db.session.commit()
        page.context.clear_cookies()
        do_browser_login(page, "segreteria@demo.coop", demo.DEMO_PASSWORD)
        url = f"/assemblies/{cooperative['upcoming']}/session?q=a"
        page.goto(url)
        assert page.locator("#search-results table").count(), "the check-in search found nobody"
        wide = _wider_than_the_phone(page)
        if wide:
            problems.append(f"segreteria {url}: {wide}")
        assert_accessible(page, f"{url} (phone)")
    finally:
        clock.set_now(None)
    assert not problems, "\n".join(problems)
