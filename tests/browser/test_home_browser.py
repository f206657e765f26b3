"""Each role's home page on a phone, and an admission confirmed on a phone, in Chromium;
axe-core (WCAG 2.1 A and AA) finds no violation on them, at phone and desktop widths."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from governance.extensions import db
from governance.lifecycle import operations
from tests.factories import MemberFactory
from tests.lifecycle.factories import application_data

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# The widest of the page and its tables (a table scrolled inside its wrapper counts: on a
# phone nothing should need a sideways scroll).
WIDEST = ("Math.max(document.documentElement.scrollWidth, "
          "...Array.from(document.querySelectorAll('main table')).map(t => t.scrollWidth))")
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def assert_accessible(page, where: str) -> None:
    from axe_playwright_python.sync_playwright import Axe
    results = Axe().run(page, options=WCAG)
    violations = results.response["violations"]
    assert not violations, f"{where}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in violations)


@pytest.mark.parametrize("role, card", [
    ("board", "Da decidere"), ("secretary", "Quote da incassare"), ("auditor", "Modifiche recenti"),
    ("admin", "Piattaforma"), ("member", "La mia iscrizione"),
])
def test_each_role_lands_on_its_work(page, create_login, browser_login, role, card, _db):
    member = None
    if role == "member":
        member = MemberFactory(first_name="Anna", last_name="Neri")
        db.session.commit()
    operations.submit_application(application_data(first_name="Giulia", last_name="Bianchi"))
    db.session.commit()
    user = create_login(role, member=member)
    page.set_viewport_size(PHONE)
    browser_login(page, user.email, create_login.password)
    page.goto("/")
    expect(page.locator("main h2", has_text=card)).to_be_visible()
    if role == "board":
        expect(page.locator("[data-card=board]")).to_contain_text("Giulia Bianchi")
    assert_accessible(page, f"home of {role} (phone)")
    page.set_viewport_size(DESKTOP)
    assert_accessible(page, f"home of {role} (desktop)")


def test_the_board_confirms_an_admission_on_a_phone(page, create_login, browser_login, _db):
    application = operations.submit_application(application_data(first_name="Giulia", last_name="Bianchi",
                                                                 shares=2))
    db.session.commit()
    application_id = application.id
    board = create_login("board")
    page.set_viewport_size(PHONE)
    browser_login(page, board.email, create_login.password)
    page.goto(f"/board/applications/{application_id}")
    page.check("input[name=outcome][value=admitted]")
    with page.expect_navigation():
        page.click("form[action$='/decision'] button[type=submit]")
    expect(page.locator("main h1")).to_contain_text("Stai per ammettere Giulia Bianchi")
    expect(page.locator("#confirm")).to_contain_text("€ 50,00")
    assert_accessible(page, "admission summary (phone)")
    with page.expect_navigation():
        page.click("form[action$='/decision'] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/members/\d+$"))  # the entry the admission made
    expect(page.locator("main")).to_contain_text("Giulia")
    assert_accessible(page, "the new entry (phone)")


def test_lists_fit_a_phone_and_the_audit_log_fits_a_laptop(page, create_login, browser_login, _db):
    for n in range(3):
        MemberFactory(first_name="Bartolomeo", last_name=f"Sforza Visconti di Peschiera Borromeo {n}")
    operations.submit_application(application_data(first_name="Giulia", last_name="Bianchi"))
    db.session.commit()
    board = create_login("board")
    browser_login(page, board.email, create_login.password)
    page.set_viewport_size(PHONE)
    for url in ("/members", "/board/applications", "/board/withdrawals"):
        page.goto(url)
        width = page.evaluate(WIDEST)
        assert width <= PHONE["width"], f"{url}: something is {width} px wide on a phone"
        assert_accessible(page, f"{url} (phone)")
    auditor = create_login("auditor")
    page.context.clear_cookies()
    browser_login(page, auditor.email, create_login.password)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto("/admin/audit")
    width = page.evaluate(WIDEST)
    wide = page.evaluate("""Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > 1366)
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
    assert width <= 1366, f"the audit log is {width} px wide: {wide}"
    assert_accessible(page, "audit log (1366 px)")


def test_a_legal_person_sees_its_own_fields_when_applying(page):
    page.set_viewport_size(PHONE)
    page.goto("/apply")
    expect(page.locator("input[name=first_name]")).to_be_visible()
    page.select_option("select[name=category]", "legal_person")
    expect(page.locator("input[name=first_name]")).to_be_hidden()
    expect(page.locator("input[name=birth_date]")).to_be_hidden()
    expect(page.locator("input[name=legal_representative]")).to_be_visible()
    expect(page.locator("label[for=tax_code]")).to_have_text(re.compile("partita IVA", re.I))
    assert_accessible(page, "application of a legal person (phone)")
