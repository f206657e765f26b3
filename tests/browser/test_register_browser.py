"""The register in a real browser: a board member imports a small register from CSV,
finds a member by tax code and opens the entry; a file with a wrong tax code is refused
whole with the row's error (DOMAIN.md §2: an import is all-or-nothing).

Set BROWSER_SCREENSHOTS=/some/dir to save screenshots of the pages (desktop and phone)
for a look at the layout."""
from __future__ import annotations

import csv
import io
import os
import re
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from playwright.sync_api import expect

from governance.extensions import db
from governance.members.models import Member
from tests.factories import make_tax_code

HEADER = ["number", "first_name", "last_name", "tax_code", "birth_date", "email", "phone",
          "address", "category", "admitted_on", "shares"]
PHONE = {"width": 390, "height": 844}

BRAMBILLA = make_tax_code("Brambilla", "Giulia", date(1985, 4, 12), female=True, town="F100")
SALA = make_tax_code("Sala", "Stefano", date(1979, 11, 3), town="H827")
CRIPPA = make_tax_code("Crippa", "Elena", date(1990, 6, 21), female=True)
ROWS = [
    ["101", "Giulia", "Brambilla", BRAMBILLA, "1985-04-12", "giulia.brambilla@example.org",
     "+39 333 123 4567", "Via Emilia 12, 20077 Melegnano (MI)", "worker", "2012-09-17", "4"],
    ["102", "Stefano", "Sala", SALA, "1979-11-03", "stefano.sala@example.org", "",
     "Via Libertà 5, 20097 San Donato Milanese (MI)", "volunteer", "16/02/2016", "1"],
    ["103", "Elena", "Crippa", CRIPPA, "1990-06-21", "", "+39 02 9823 1144",
     "Via Mazzini 3, 20067 Paullo (MI)", "user", "2020-10-05", "2"],
]


def _csv_file(tmp_path: Path, name: str, rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    path = tmp_path / name
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _screenshot(page, name: str) -> None:
    folder = os.environ.get("BROWSER_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _register_count() -> int:
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Member))
    db.session.rollback()  # end the read: on SQLite an open transaction blocks the server
    return count


def _upload(page, path: Path) -> None:
    page.goto("/members/import")
    page.set_input_files("input[name=file]", str(path))
    with page.expect_navigation():
        page.click("form[enctype='multipart/form-data'] button[type=submit]")


def _register_rows(page):
    return page.locator("main table tbody tr")


def test_board_imports_a_register_and_finds_a_member_by_tax_code(page, create_login, browser_login,
                                                                 tmp_path):
    board = create_login(["board"])
    browser_login(page, board.email, create_login.password)

    _upload(page, _csv_file(tmp_path, "libro-soci.csv", ROWS))

    # Back on the register with the success message, and the three entries in it.
    expect(page).to_have_url(re.compile(r"/members$"))
    expect(page.locator(".alert-success")).to_contain_text("101")
    expect(page.locator(".alert-success")).to_contain_text("103")
    expect(_register_rows(page)).to_have_count(3)
    assert _register_count() == 3
    _screenshot(page, "register")
    page.set_viewport_size(PHONE)
    _screenshot(page, "register-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Search by tax code (typed in lower case, as people do): exactly that member.
    page.fill("input[name=q]", SALA.lower())
    with page.expect_navigation():
        page.click("form[role=search] button[type=submit]")
    expect(page).to_have_url(re.compile(r"[?&]q="))
    rows = _register_rows(page)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Sala Stefano")
    expect(rows.first).to_contain_text("102")

    # Open the entry.
    with page.expect_navigation():
        rows.first.get_by_role("link", name="Sala Stefano").click()
    expect(page).to_have_url(re.compile(r"/members/102$"))
    expect(page.locator("main h1")).to_contain_text("Sala Stefano")
    entry = page.locator("main dl")
    expect(entry).to_contain_text(SALA)
    expect(entry).to_contain_text("stefano.sala@example.org")
    expect(entry).to_contain_text("Via Libertà 5, 20097 San Donato Milanese (MI)")
    # The history shows who imported the entry.
    expect(page.locator("main")).to_contain_text(board.full_name)  # by name (the email on hover)


def test_a_file_with_a_wrong_tax_code_shows_the_row_error_and_imports_nothing(
        page, create_login, browser_login, tmp_path):
    board = create_login(["board"])
    browser_login(page, board.email, create_login.password)
    wrong = SALA[:-1] + ("A" if SALA[-1] != "A" else "B")  # a wrong check character
    rows = [ROWS[0], [*ROWS[1][:3], wrong, *ROWS[1][4:]], ROWS[2]]

    _upload(page, _csv_file(tmp_path, "libro-soci-errato.csv", rows))

    # Still on the import page, with the per-row report: row 3 of the file (the header
    # is row 1), the tax_code field, the wrong value.
    expect(page).to_have_url(re.compile(r"/members/import$"))
    expect(page.locator(".alert-danger")).to_be_visible()
    report = page.locator("main table[aria-describedby=import-errors] tbody tr")
    expect(report).to_have_count(1)
    cells = report.first.locator("td")
    expect(cells.nth(0)).to_have_text("3")
    expect(cells.nth(1)).to_have_text("tax_code")
    expect(cells.nth(2)).to_contain_text(wrong)
    _screenshot(page, "import_error")
    page.set_viewport_size(PHONE)
    _screenshot(page, "import_error-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Nothing was stored, not even the valid rows.
    assert _register_count() == 0
    page.goto("/members")
    expect(_register_rows(page)).to_have_count(0)
