"""Social loans through the JSON API (API.md paths and codes) and the HTML pages: the
same operations, problem+json for bad input with nothing booked, a form sent twice
books once, members see only their own accounts, statements, exports and the summary."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from governance.extensions import db
from governance.loans import operations
from governance.loans.models import LoanAccount, LoanMovement
from tests import factories

from .conftest import IBAN

D = Decimal


@pytest.fixture
def secretary_headers(bearer, office):
    return bearer(office)


def _movements() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(LoanMovement))


def test_open_deposit_statement_and_summary_through_the_api(today, api, bearer, office, board, regulation,
                                                            secretary_headers):
    member = factories.MemberFactory(admitted_on=date(2019, 1, 1))
    response = api.post("/api/v1/loans", json={"member": member.number, "product": "free",
                                                "opened_on": "2025-03-01", "iban": IBAN},
                        headers=secretary_headers)
    assert response.status_code == 201, response.json
    account_id = response.json["id"]
    response = api.post(f"/api/v1/loans/{account_id}/movements", headers=secretary_headers,
                        json={"kind": "deposit", "amount": "10000.00", "value_date": "2025-03-01"})
    assert response.status_code == 201 and response.json["balance"] == "10000.00"
    assert api.post("/api/v1/loans/year-end", json={"year": 2025}, headers=secretary_headers).json["accounts"] == 1
    assert api.post("/api/v1/loans/year-end", json={"year": 2025}, headers=secretary_headers).json["accounts"] == 0
    body = api.get(f"/api/v1/loans/{account_id}/statement?year=2025", headers=secretary_headers).json
    assert (body["opening_balance"], body["gross_interest"], body["withholding"], body["net_interest"],
            body["closing_balance"]) == ("0.00", "167.67", "43.59", "124.08", "10124.08")
    pdf = api.get(f"/api/v1/loans/{account_id}/statement.pdf?year=2025", headers=secretary_headers)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    loan = api.get(f"/api/v1/loans/{account_id}", headers=bearer(board)).json
    assert {k: loan[k] for k in ("id", "member", "product", "opened_on", "status", "balance")} == {
        "id": account_id, "member": member.number, "product": "free", "opened_on": "2025-03-01",
        "status": "open", "balance": "10124.08"}
    summary = api.get("/api/v1/loans/summary", headers=bearer(board)).json
    assert summary["total_outstanding"] == "10124.08" and summary["equity"] == "1000000.00"
    assert summary["max_multiple"] == 3 and summary["headroom"] == "2989875.92" and summary["ratio"] == "0.01"


@pytest.mark.parametrize("body, code, status", [
    ({"kind": "deposit", "amount": "10.001", "value_date": "2026-11-26"}, "validation", 422),
    ({"kind": "deposit", "amount": "-5.00", "value_date": "2026-11-26"}, "validation", 422),
    ({"kind": "deposit", "amount": 12.5, "value_date": "2026-11-26"}, "validation", 422),
    ({"kind": "deposit", "amount": "10.00", "value_date": "2025-12-31"}, "validation", 422),
    ({"kind": "deposit", "amount": "43736.63", "value_date": "2026-11-26"}, "loan_member_cap", 422),
    ({"kind": "withdrawal", "amount": "1.00", "value_date": "2026-11-26", "requested_on": "2026-11-26"},
     "loan_notice", 422),
    ({"kind": "withdrawal", "amount": "1.00", "value_date": "2026-11-27"}, "loan_insufficient_balance", 422),
    ({"kind": "transfer", "amount": "1.00", "value_date": "2026-11-27"}, "validation", 422),
])
def test_bad_movements_are_problems_and_book_nothing(today, api, lender, open_account, secretary_headers,
                                                    body, code, status):
    account = open_account(lender, opened_on="2026-01-01")
    before = _movements()
    response = api.post(f"/api/v1/loans/{account.id}/movements", json=body, headers=secretary_headers)
    assert response.status_code == status and response.mimetype == "application/problem+json"
    assert response.json["code"] == code, response.json
    assert _movements() == before


def test_rate_cap_seniority_and_closed_account_in_the_api(today, api, bearer, board, office, regulation, lender,
                                                         open_account, secretary_headers):
    response = api.post("/api/v1/loans/rates", json={"product": "free", "rate": "9.00",
                                                     "effective_from": "2026-12-01"}, headers=bearer(board))
    assert (response.status_code, response.json["code"]) == (422, "rate_cap")
    assert "8,5" in response.json["detail"] or "8.5" in response.json["detail"]
    newcomer = factories.MemberFactory(admitted_on=date(2026, 10, 1))
    response = api.post("/api/v1/loans", json={"member": newcomer.number, "product": "free", "iban": IBAN},
                        headers=secretary_headers)
    assert (response.status_code, response.json["code"]) == (422, "loan_seniority")
    response = api.post("/api/v1/loans", json={"member": lender.number, "product": "free", "iban": "IT00BAD"},
                        headers=secretary_headers)
    assert response.status_code == 422 and "iban" in response.json["errors"]
    account = open_account(lender, opened_on="2026-01-01")
    operations.close_account(account, today, office)
    response = api.post(f"/api/v1/loans/{account.id}/movements", headers=secretary_headers,
                        json={"kind": "deposit", "amount": "1.00", "value_date": "2026-11-26"})
    assert (response.status_code, response.json["code"]) == (409, "loan_closed")


def test_the_idempotency_key_header_books_once(today, api, lender, open_account, secretary_headers):
    account = open_account(lender, opened_on="2026-01-01")
    headers = {**secretary_headers, "Idempotency-Key": "abc-123"}
    body = {"kind": "deposit", "amount": "50.00", "value_date": "2026-11-26"}
    first = api.post(f"/api/v1/loans/{account.id}/movements", json=body, headers=headers)
    second = api.post(f"/api/v1/loans/{account.id}/movements", json=body, headers=headers)
    assert first.json["id"] == second.json["id"] and second.json["booked"] is False
    assert second.json["balance"] == "50.00"


def test_members_see_only_their_own_accounts(today, api, bearer, user_factory, lender, open_account, book):
    mine = open_account(lender, opened_on="2026-01-01")
    other = open_account(factories.MemberFactory(admitted_on=date(2019, 1, 1)), opened_on="2026-01-01")
    user = user_factory(roles=["member"], member=lender)
    headers = bearer(user)
    listed = api.get("/api/v1/loans", headers=headers).json
    assert [item["id"] for item in listed["items"]] == [mine.id]
    assert api.get(f"/api/v1/loans/{other.id}", headers=headers).status_code == 403
    assert api.get(f"/api/v1/loans/{other.id}/statement?year=2026", headers=headers).status_code == 403
    assert api.get("/api/v1/loans/987654", headers=headers).status_code == 403


def test_a_form_sent_twice_books_once(today, client, login, office, lender, open_account):
    account = open_account(lender, opened_on="2026-01-01")
    login(office)
    page = client.get(f"/loans/{account.id}").get_data(as_text=True)
    key = re.search(r'name="idempotency_key" type="hidden" value="([0-9a-f]+)"', page)[1]
    form = {"kind": "deposit", "amount": "1.234,50", "value_date": "2026-11-26",
            "requested_on": "", "idempotency_key": key}
    assert client.post(f"/loans/{account.id}/movements", data=form).status_code == 302
    assert client.post(f"/loans/{account.id}/movements", data=form).status_code == 302
    db.session.refresh(account)
    assert account.balance == D("1234.50") and _movements() == 1


def test_a_refused_deposit_on_the_page_names_the_figures(today, client, login, office, lender, open_account):
    account = open_account(lender, opened_on="2026-01-01")
    login(office)
    response = client.post(f"/loans/{account.id}/movements", data={
        "kind": "deposit", "amount": "50000.00", "value_date": "2026-11-26",
        "idempotency_key": "x1"})
    assert response.status_code == 422
    assert "43,736.62" in response.get_data(as_text=True) and _movements() == 0


def test_my_loans_page_shows_balance_chart_and_statement(today, client, login, user_factory, lender,
                                                         open_account, book):
    account = open_account(lender, opened_on="2025-03-01")
    book(account, "deposit", "10000.00", "2025-03-01")
    login(user_factory(roles=["member"], member=lender))
    page = client.get("/me/loans").get_data(as_text=True)
    main = page.split("<main")[1].split("</main>")[0]
    assert "10,000.00" in main and "<svg" in main and "<script" not in main
    statement = client.get(f"/loans/{account.id}/statement?year=2025").get_data(as_text=True)
    assert "167.67" in statement and "124.08" in statement
    pdf = client.get(f"/loans/{account.id}/statement.pdf?year=2025")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    contract = client.get(f"/loans/{account.id}/contract.pdf")
    assert contract.data.startswith(b"%PDF")


def test_the_contract_states_the_convention_in_words(today, app, lender, open_account):
    from pypdf import PdfReader
    import io
    from governance.loans import documents
    account = open_account(lender, opened_on="2026-01-01")
    with app.test_request_context():
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(documents.contract_pdf(account))).pages)
    text = " ".join(text.split())
    assert "2 %" in text or "2%" in text
    assert "365" in text and "366" in text and "1 January" in text.replace("1 gennaio", "1 January")


def test_exports_for_accounting_and_the_withholding_return(today, client, login, api, bearer, auditor_user,
                                                          lender, open_account, book, office):
    account = open_account(lender, opened_on="2025-03-01")
    book(account, "deposit", "10000.00", "2025-03-01")
    operations.run_year_end(2025, office)
    login(auditor_user)
    excel = client.get("/loans/export/withholding.csv?year=2025").get_data(as_text=True)
    assert excel.startswith("\ufeffanno;socio") and "167,67;43,59;124,08" in excel
    plain = api.get("/api/v1/loans/export/withholding.csv?year=2025", headers=bearer(auditor_user))
    assert f"2025,{lender.number}," in plain.get_data(as_text=True)
    assert "167.67,43.59,124.08" in plain.get_data(as_text=True)
    movements = client.get("/loans/export/movements.csv?format=csv").get_data(as_text=True)
    assert "deposit" in movements and "interest" in movements and "withholding" in movements


def test_the_board_summary_warns_from_80_percent(today, client, login, board, open_account, book):
    operations.record_equity({"amount": "10000.00", "guaranteed_share": "0",
                              "accounts_approved_on": "2026-04-30"}, board)
    account = open_account(factories.MemberFactory(admitted_on=date(2019, 1, 1)), opened_on="2026-05-01")
    book(account, "deposit", "23999.99", "2026-05-02")
    login(board)
    assert "Warning" not in client.get("/loans/summary").get_data(as_text=True)
    book(account, "deposit", "0.01", "2026-05-02")
    page = client.get("/loans/summary").get_data(as_text=True)
    assert "Warning" in page and "80%" in page.replace(" %", "%")
    assert "Warning" in client.get("/").get_data(as_text=True)  # the home card too


def test_account_pages_of_the_office(today, client, login, office, board, lender, regulation):
    login(office)
    assert client.get("/loans/new").status_code == 200
    response = client.post("/loans/new", data={"member": str(lender.number),
                                               "product": "term", "term_months": "24",
                                               "opened_on": "2026-11-26", "iban": IBAN.lower()})
    assert response.status_code == 302
    account = db.session.scalar(sa.select(LoanAccount))
    assert account.matures_on == date(2028, 11, 26) and account.iban == IBAN
    assert client.get("/loans").status_code == 200
    assert client.get("/loans/year-end").status_code == 200
    assert client.get("/loans/regulation").status_code == 200


def test_a_withdrawal_of_money_is_not_the_withdrawal_of_a_member(today, client, login, office, lender,
                                                                  open_account, book):
    """In Italian a member's withdrawal from the cooperative is "Recesso"; money taken out
    of a social loan is a "Prelievo" (the review found "Recesso" on the account, the
    statement and its PDF). The correction's list reads in Italian too."""
    account = open_account(lender, opened_on="2025-03-01")
    book(account, "deposit", "16100.00", "2025-03-01")
    book(account, "withdrawal", "3000.00", "2025-04-07", requested_on="2025-04-05")
    office.locale = "it"
    login(office)
    from tests.visible import visible_text
    page = client.get(f"/loans/{account.id}").get_data(as_text=True)
    text = visible_text(page)
    assert "Prelievo" in text and "Recesso" not in text
    assert "Prelievo di € 3.000,00, valuta 07/04/2025" in page and "Versamento di € 16.100,00" in page
    assert "16100.00" not in page
    statement = visible_text(client.get(f"/loans/{account.id}/statement?year=2025").get_data(as_text=True))
    assert "Prelievo" in statement and "Recesso" not in statement
