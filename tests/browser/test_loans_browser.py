"""Social loans in a real browser (DOMAIN.md §6): the secretary opens an account and books
a deposit; the member logs in, sees the balance and the chart, and downloads the
statement as PDF. Selectors use field names and ids, not the (translated) labels."""
from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect

from governance.core import clock
from governance.extensions import db
from governance.loans import operations
from tests import factories


def _logout(page):
    with page.expect_navigation():
        page.click("form[action='/logout'] button[type=submit]")


def test_secretary_opens_and_books_the_member_sees_balance_chart_and_statement(page, create_login,
                                                                               browser_login):
    board = factories.UserFactory(roles=["board"])
    operations.record_rate({"product": "free", "rate": "2.00", "effective_from": "2020-01-01"}, board)
    operations.record_equity({"amount": "500000.00", "guaranteed_share": "0",
                              "accounts_approved_on": "2020-04-30"}, board)
    member = factories.MemberFactory(first_name="Lucia", last_name="Brambilla", admitted_on=date(2019, 5, 2))
    number = member.number
    db.session.commit()
    member_login = create_login(["member"], member=member)
    secretary = create_login(["secretary"])
    today = clock.today()

    browser_login(page, secretary.email, create_login.password)
    page.goto("/loans/new")
    page.fill("input[name=member]", str(number))
    page.select_option("select[name=product]", "free")
    page.fill("input[name=iban]", "IT60 X054 2811 1010 0000 0123 456")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/loans/\d+$"))
    page.select_option("select[name=kind]", "deposit")
    page.fill("input[name=amount]", "1.500,00")
    with page.expect_navigation():
        page.click("form[action$='/movements'] button[type=submit]")
    expect(page.locator("#balance")).to_contain_text("1.500,00")
    _logout(page)

    browser_login(page, member_login.email, create_login.password)
    page.goto("/me/loans")
    expect(page.locator(".loan-balance")).to_contain_text("€ 1.500,00")
    expect(page.locator("svg.loan-chart path")).to_have_count(1)
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(str(today.year))).first.click()
    expect(page.locator("#statement-figures")).to_contain_text("Saldo iniziale")
    expect(page.locator("main table")).to_contain_text("1.500,00")
    with page.expect_download() as download_info:
        page.click("#statement-pdf")
    download = download_info.value
    assert download.suggested_filename.endswith(f"-{today.year}.pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
