"""Assemblies in a real browser (DOMAIN.md §4): the board convenes; a member confirms
receipt and delegates; the secretary opens the session, checks people in, sees the
quorum reached, closes and downloads the minutes. Each page is checked with axe-core
(no serious or critical violation). Selectors use names and ids, not the labels."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from governance.assemblies.models import Assembly
from governance.core import clock
from governance.extensions import db
from tests import factories

AXE = Axe()


def _accessible(page):
    results = AXE.run(page)
    serious = [v["id"] for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not serious, f"{page.url}: {serious}"


def _logout(page):
    with page.expect_navigation():
        page.click("form[action='/logout'] button[type=submit]")


def _submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_board_convenes_member_delegates_secretary_runs_the_session(page, create_login, browser_login):
    clock.set_now(datetime(2026, 11, 26, 10, 0, tzinfo=clock.ROME))
    people = [factories.MemberFactory(admitted_on=date(2020, 1, 15), last_name=name, first_name="Test")
              for name in ("Brambilla", "Colombo", "Fumagalli", "Sala")]
    numbers = [m.number for m in people]
    db.session.commit()
    board = create_login(["board"])
    member = create_login(["member"], member=people[0])
    secretary = create_login(["secretary"])
    first = date(2026, 12, 10)

    browser_login(page, board.email, create_login.password)
    page.goto("/assemblies/new")
    _accessible(page)
    page.select_option("select[name=kind]", "ordinary")
    page.fill("input[name=title]", "Assemblea di dicembre")
    page.fill("input[name=first_call_at]", f"{first.isoformat()}T09:00")
    page.fill("input[name=second_call_at]", f"{(first + timedelta(days=1)).isoformat()}T18:00")
    page.fill("input[name=place]", "Sede, via Roma 12")
    _submit(page, "main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/assemblies/\d+$"))
    page.fill("input[name=title]", "Bilancio 2025")
    page.fill("textarea[name=description]", "Approvazione del **bilancio**")
    _submit(page, "form[action$='/items'] button[type=submit]")
    expect(page.locator("#agenda + ol .item-title")).to_have_text(["Bilancio 2025"])
    _submit(page, "form[action$='/publish'] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/receipts$"))
    _accessible(page)
    _logout(page)

    db.session.rollback()
    assembly_id = db.session.scalar(db.select(Assembly.id))
    db.session.rollback()

    browser_login(page, member.email, create_login.password)
    page.goto(f"/assemblies/{assembly_id}")
    _accessible(page)
    _submit(page, "form[action$='/receipt'] button[type=submit]")
    page.select_option("select[name=delegate]", str(numbers[1]))
    _submit(page, "form[action$='/my-proxy'] button[type=submit]")
    expect(page.locator("#proxy-given")).to_contain_text(str(numbers[1]))
    _logout(page)

    clock.set_now(datetime.combine(first, time(9, 5), tzinfo=clock.ROME))
    browser_login(page, secretary.email, create_login.password)
    page.goto(f"/assemblies/{assembly_id}/session")
    page.select_option("select[name=call]", "first")
    _submit(page, "form[action$='/open'] button[type=submit]")
    _accessible(page)
    page.fill("input[name=q]", "Colomb")
    expect(page.locator("#search-results")).to_contain_text("Colombo")  # live search, no reload
    _submit(page, f"#search-results form:has(input[name=member][value='{numbers[1]}']) button[type=submit]")
    expect(page.locator("[data-figure=present]")).to_have_text("2")
    expect(page.locator("[data-figure=reached]")).to_have_class(re.compile("text-success"))
    page.once("dialog", lambda dialog: dialog.accept())
    _submit(page, "form[action$='/close'] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/minutes$"))
    _accessible(page)
    with page.expect_download() as download_info:
        page.evaluate("url => { const a = document.createElement('a'); a.href = url; a.download = 'v.pdf';"
                      " document.body.appendChild(a); a.click(); }", f"/assemblies/{assembly_id}/minutes.pdf")
    with open(download_info.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    clock.set_now(None)
