"""6. The annual membership report (art. 2528 c.c.), on screen, as JSON and CSV."""
import csv
import io
from datetime import date

import pytest

from governance.lifecycle import operations, queries
from governance.core import clock
from governance.members.models import Category

from . import factories


@pytest.fixture
def year_2026(today, board_user, member_factory):
    """Admissions, a refusal with its appeal, and exits in 2026; one admission in 2025."""
    clock.set_now(date(2026, 2, 2))
    # Register entries first (the factory numbers them itself), admissions after.
    member_factory(category=Category.WORKER)  # keeps the volunteer under the cap
    member_factory(category=Category.FINANCING, admitted_on=date(2026, 3, 1))  # entered by the secretary
    member_factory(category=Category.FINANCING, admitted_on=date(2025, 6, 1))
    excluded = member_factory(category=Category.FINANCING)
    deceased = member_factory()
    worker, volunteer, refused = (factories.submit(), factories.submit(category="volunteer"),
                                  factories.submit(category="user"))
    factories.admit(worker, board_user)
    factories.admit(volunteer, board_user)
    factories.reject(refused, board_user, reasons="=Numero massimo di soci fruitori raggiunto.")
    operations.lodge_appeal(refused, "Ricorso all'assemblea")
    clock.set_now(today)
    operations.record_exit(excluded, {"kind": "exclusion", "date": "2026-11-20", "reasons": "Morosità"},
                           board_user)
    operations.record_exit(deceased, {"kind": "death", "date": "2026-10-01"}, board_user)
    return refused


def test_the_report_counts_per_category(year_2026):
    report = queries.membership_report(2026)
    admissions = report.counts("admissions")
    assert (admissions[Category.WORKER], admissions[Category.VOLUNTEER], admissions[Category.FINANCING]) == (1, 1, 1)
    assert report.total("admissions") == 3   # the 2025 admission is not counted
    assert report.counts("refusals")[Category.USER] == report.total("refusals") == 1
    assert report.lines["refusals"][0].reasons.startswith("=Numero massimo")
    assert report.lines["appeals"][0].outcome == "pending"
    assert report.total("exits") == 2 and report.exit_counts() == {"exclusion": 1, "death": 1}
    assert queries.membership_report(2025).total("admissions") == 1


def test_the_report_as_csv(client, login, year_2026, auditor_user, _db):
    _db.commit()
    login(auditor_user)
    response = client.get("/reports/membership.csv?year=2026&format=csv")  # the plain form: codes
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["section"] for r in rows].count("admissions") == 3
    refusal = next(r for r in rows if r["section"] == "refusals")
    assert refusal["reasons"].startswith("'=")  # a spreadsheet will not run it as a formula
    counts = list(csv.reader(io.StringIO(client.get("/reports/membership.csv?year=2026&part=counts&format=csv")
                                         .get_data(as_text=True))))
    assert counts[0] == ["section", "year", "worker", "volunteer", "user", "financing", "legal_person", "total"]
    assert counts[1] == ["admissions", "2026", "1", "1", "0", "1", "0", "3"]
    assert counts[4] == ["exits", "2026", "1", "0", "0", "1", "0", "2"]


def test_the_report_on_screen_and_its_readers(client, login, member_user, year_2026, secretary_user, _db):
    _db.commit()
    login(secretary_user)
    html = client.get("/reports/membership?year=2026").get_data(as_text=True)
    assert "Numero massimo di soci fruitori" in html and 'data-section="exits"' in html
    assert client.get("/reports/membership?year=abc").status_code == 422
    login(member_user)
    assert client.get("/reports/membership?year=2026").status_code == 403


def test_the_report_through_the_api(client, year_2026, board_user, bearer, _db):
    headers = bearer(board_user)
    _db.commit()
    body = client.get("/api/v1/reports/membership?year=2026", headers=headers).json
    assert body["counts"]["admissions"]["total"] == 3 and body["counts"]["refusals"]["user"] == 1
    assert body["refusals"][0]["category"] == "user" and body["exits"][0]["outcome"] in ("death", "exclusion")
    assert client.get("/api/v1/reports/membership?year=1800", headers=headers).status_code == 422
    csv_response = client.get("/api/v1/reports/membership.csv?year=2026&part=counts", headers=headers)
    assert csv_response.status_code == 200 and csv_response.mimetype == "text/csv"


def test_the_report_csv_for_italian_excel(client, login, year_2026, auditor_user, _db):
    auditor_user.locale = "it"
    _db.commit()
    login(auditor_user)
    body = client.get("/reports/membership.csv?year=2026&part=counts").get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Sezione", "Anno", "Socio lavoratore"] and rows[1][0] == "Ammissioni"
    lines = list(csv.reader(io.StringIO(client.get("/reports/membership.csv?year=2026")
                                        .get_data().decode("utf-8-sig")), delimiter=";"))
    assert lines[0][0] == "Sezione" and any(r[0] == "Cessazioni" for r in lines)
    assert not any("-" in r[1] for r in lines[1:])  # dates as 31/12/2026, not ISO
