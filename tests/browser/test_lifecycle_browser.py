"""The membership lifecycle in a real browser (DOMAIN.md §3): a person applies through
the public form, the board admits them, the new member activates the account from the
welcome email, logs in and sees their register number; a refused applicant appeals to
the assembly from their application page.

Selectors use field names and form actions, not labels: the labels are translated."""
from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa
from playwright.sync_api import expect

from governance.lifecycle import operations
from governance.lifecycle.models import Application, ApplicationStatus
from governance.core.outbox import OutboxMessage
from governance.extensions import db
from tests.factories import make_tax_code

PASSWORD = "la-mia-password-2026"


def _fill_application(page, *, first, last, tax_code, email):
    page.goto("/apply")
    page.select_option("select[name=category]", "worker")
    page.fill("input[name=first_name]", first)
    page.fill("input[name=last_name]", last)
    page.fill("input[name=tax_code]", tax_code)
    page.fill("input[name=birth_date]", "1984-03-08")
    page.fill("input[name=address]", "Via Dezza 7, 20077 Melegnano (MI)")
    page.fill("input[name=email]", email)
    page.fill("input[name=phone]", "+39 333 765 4321")
    page.fill("input[name=shares]", "4")
    expect(page.locator("#amount-due")).to_contain_text("100")  # 4 x 25.00, updated as typed
    page.check("input[name=accepts_statute]")
    page.check("input[name=accepts_privacy]")
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password_confirm]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def _logout(page):
    with page.expect_navigation():
        page.click("form[action='/logout'] button[type=submit]")


def _board_decides(page, name: str, outcome: str, reasons: str = ""):
    page.goto("/board/applications")
    with page.expect_navigation():
        page.get_by_role("link", name=name).click()
    page.check(f"input[name=outcome][value={outcome}]")
    if reasons:
        page.fill("textarea[name=reasons]", reasons)
    with page.expect_navigation():
        page.click("form[action$='/decision'] button[type=submit]")
    # the summary of what will happen, then the confirmation (plain forms, no script needed)
    expect(page.locator("main h1")).to_contain_text(name)
    with page.expect_navigation():
        page.click("form[action$='/decision'] button[type=submit]")


def _activation_path(email: str) -> str:
    bodies = db.session.scalars(sa.select(OutboxMessage.body).where(OutboxMessage.recipient == email)
                                .order_by(OutboxMessage.id.desc())).all()
    db.session.rollback()  # end the read: on SQLite an open transaction blocks the server
    for body in bodies:
        found = re.search(r"https?://[^/\s]+(/activate/\S+)", body)
        if found:
            return found.group(1)
    raise AssertionError(f"no activation link was sent to {email}")


def test_applicant_is_admitted_activates_the_account_and_sees_their_number(page, create_login,
                                                                          browser_login):
    email = "chiara.fumagalli@example.org"
    _fill_application(page, first="Chiara", last="Fumagalli", email=email,
                      tax_code=make_tax_code("Fumagalli", "Chiara", date(1984, 3, 8), female=True))
    # The applicant's page: the status and what happens next.
    expect(page).to_have_url(re.compile(r"/application$"))
    expect(page.locator("main")).to_contain_text("Chiara Fumagalli")
    expect(page.locator("main .badge")).to_have_count(1)

    board = create_login(["board"])
    browser_login(page, board.email, create_login.password)
    _board_decides(page, "Chiara Fumagalli", "admitted")
    number = db.session.scalar(sa.select(Application).where(Application.email == email)).member.number
    db.session.rollback()
    expect(page.locator(".alert-success")).to_contain_text(str(number))
    _logout(page)

    # The welcome email's link: activate, then log in with the password chosen when applying.
    page.goto(_activation_path(email))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/login"))
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form:has(input[name=password]) button[type=submit]")
    expect(page).to_have_url(re.compile(r"/application$"))
    expect(page.locator("main")).to_contain_text(str(number))
    expect(page.locator("form[action='/logout']")).to_have_count(1)
    # ... and in their own register entry.
    page.goto("/me/membership")
    expect(page.locator("main dl")).to_contain_text(str(number))


def test_refused_applicant_appeals_to_the_assembly(page, create_login, browser_login):
    email = "davide.brambati@example.org"
    operations.submit_application({
        "category": "user", "first_name": "Davide", "last_name": "Brambati",
        "tax_code": make_tax_code("Brambati", "Davide", date(1979, 5, 2)), "birth_date": "1979-05-02",
        "address": "Via Roma 3, 20077 Melegnano (MI)", "email": email, "shares": 1,
        "password": PASSWORD, "accepts_statute": True, "accepts_privacy": True})
    db.session.commit()

    board = create_login(["board"])
    browser_login(page, board.email, create_login.password)
    _board_decides(page, "Davide Brambati", "rejected", reasons="Il numero dei soci fruitori è al completo.")
    _logout(page)

    page.goto("/application")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form[action='/application/login'] button[type=submit]")
    expect(page.locator("main")).to_contain_text("Il numero dei soci fruitori è al completo.")
    page.fill("textarea[name=text]", "Chiedo che sia l'assemblea a decidere sulla mia domanda.")
    with page.expect_navigation():
        page.click("form[action='/application/appeal'] button[type=submit]")
    expect(page.locator(".alert-success")).to_have_count(1)
    expect(page.locator("textarea[name=text]")).to_have_count(0)

    status = db.session.scalar(sa.select(Application.status).where(Application.email == email))
    db.session.rollback()
    assert status == ApplicationStatus.APPEALED
    # The board sees it among the appeals waiting for the next assembly.
    browser_login(page, board.email, create_login.password)
    page.goto("/board/appeals")
    expect(page.locator("main")).to_contain_text("Davide Brambati")
