"""The register out of the platform: CSV export and the libro soci PDF."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale

from governance.members import exporting
from governance.members.models import Category, MemberStatus


@pytest.fixture
def register(member_factory):
    return [
        member_factory(number=1, first_name="Mario", last_name="Rossi", shares_subscribed=2,
                       shares_paid_amount=Decimal("50.00")),
        member_factory(number=2, first_name="Sara", last_name="Verdi", category=Category.VOLUNTEER),
        member_factory(number=3, first_name="Paolo", last_name="Neri", status=MemberStatus.WITHDRAWN,
                       exit_on=date(2024, 12, 31), exit_reason="recesso accolto"),
        member_factory(number=4, first_name="", last_name="Coop Servizi Srl", tax_code="00743110157",
                       category=Category.LEGAL_PERSON, birth_date=None, legal_representative="Anna Neri",
                       address="=HYPERLINK(\"http://x\")"),
    ]


def _rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_csv_export_has_the_import_header_and_the_register_columns(client, login, auditor_user, register):
    login(auditor_user)
    response = client.get("/members/export.csv?format=csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.get_data(as_text=True).splitlines()[0] == (
        "number,first_name,last_name,tax_code,birth_date,email,phone,address,category,admitted_on,"
        "shares,status,exit_on,exit_reason,shares_paid_amount,legal_representative")
    rows = _rows(response)
    assert [r["number"] for r in rows] == ["1", "2", "3", "4"]
    assert (rows[0]["last_name"], rows[0]["shares"], rows[0]["shares_paid_amount"],
            rows[0]["admitted_on"]) == ("Rossi", "2", "50.00", "2020-01-15")
    assert (rows[2]["status"], rows[2]["exit_on"], rows[2]["exit_reason"]) == (
        "withdrawn", "2024-12-31", "recesso accolto")
    # A cell that a spreadsheet would run as a formula is neutralised; phones are kept.
    assert rows[3]["address"].startswith("'=HYPERLINK")
    assert rows[0]["phone"] == "+39 02 1234567"


def test_the_default_csv_is_for_italian_excel(client, login, auditor_user, register):
    """UTF-8 with a byte-order mark, semicolons, Italian headers and words, dates as
    15/01/2020 and amounts with a decimal comma: what Excel opens with a double click."""
    login(auditor_user)
    response = client.get("/members/export.csv")
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == ("numero;nome;cognome;codice_fiscale;data_nascita;email;telefono;indirizzo;"
                        "categoria;data_ammissione;quote;stato;data_cessazione;motivo_cessazione;"
                        "versato;rappresentante_legale")
    first = dict(zip(lines[0].split(";"), lines[1].split(";")))
    assert (first["cognome"], first["categoria"], first["stato"], first["data_ammissione"],
            first["versato"]) == ("Rossi", "lavoratore", "attivo", "15/01/2020", "50,00")


def test_csv_export_respects_the_filters(client, login, board_user, register):
    login(board_user)
    rows = _rows(client.get("/members/export.csv?format=csv&category=volunteer"))
    assert [r["last_name"] for r in rows] == ["Verdi"]
    rows = _rows(client.get("/members/export.csv?format=csv&q=rossi"))
    assert [r["number"] for r in rows] == ["1"]


def test_exports_are_for_register_readers(client, login, member_user, register):
    login(member_user)
    assert client.get("/members/export.csv").status_code == 403
    assert client.get("/members/register.pdf").status_code == 403


def test_pdf_register(client, login, secretary_user, register, today):
    login(secretary_user)
    response = client.get("/members/register.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")


def test_pdf_register_content_in_legal_order_with_volunteers_apart(app, register, today):
    pdf = exporting.register_pdf(compress=False).decode("latin-1")
    for text in ("Rossi Mario", "Coop Servizi Srl", "00743110157", "31/12/2024 recesso accolto", "15/01/2020"):
        assert text in pdf
    # The volunteers' section comes after the others (L. 381/1991 art. 2).
    assert pdf.index("Rossi Mario") < pdf.index("L. 381/1991") < pdf.index("Verdi Sara")
    assert pdf.index("Neri Paolo") < pdf.index("L. 381/1991")


@pytest.mark.parametrize("url", ["/members/export.csv?category=volunteer", "/members/register.pdf"])
def test_every_export_is_in_the_audit_log(url, client, login, auditor_user, register, _db):
    import sqlalchemy as sa
    from governance.core.audit import AuditEntry
    response = login(auditor_user).get(url)
    response.get_data()  # the CSV is streamed: read it all
    assert response.status_code == 200
    entry = _db.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.actor_email == auditor_user.email
    assert entry.action.startswith("register.export_")
    if "category" in url:
        assert "volunteer" in entry.summary


def test_api_export_is_in_the_audit_log(client, bearer, board_user, register, _db):
    import sqlalchemy as sa
    from governance.core.audit import AuditEntry
    response = client.get("/api/v1/members/export.csv", headers=bearer(board_user))
    response.get_data()
    assert _db.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "register.export_csv", AuditEntry.actor_email == board_user.email)) == 1


def test_an_export_of_legal_persons_can_be_imported_again(client, login, board_user, member_factory):
    from tests.lifecycle.factories import VAT_NUMBER
    member_factory(number=3, category=Category.LEGAL_PERSON, first_name="", last_name="Consorzio Sud Est",
                   tax_code=VAT_NUMBER, birth_date=None, legal_representative="Maria Verdi")
    rows = _rows(login(board_user).get("/members/export.csv?format=csv"))
    assert rows[0]["legal_representative"] == "Maria Verdi"


def test_pdf_register_wraps_long_cells_and_has_a_footer_in_words(app, member_factory, today):
    import io

    from pypdf import PdfReader
    from tests.lifecycle.factories import VAT_NUMBER
    member_factory(number=7, address="Via Giovanni Battista Pergolesi 128, 20068 Peschiera Borromeo (MI)")
    member_factory(number=8, category=Category.LEGAL_PERSON, first_name="",
                   last_name="Consorzio Cooperative Sociali Lombardia Sud Est", tax_code=VAT_NUMBER,
                   birth_date=None, legal_representative="Maria Verdi")
    with app.test_request_context(), force_locale("it"):
        pdf = exporting.register_pdf()
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Peschiera Borromeo (MI)" in text       # wrapped on a second line, not cut
    assert "Persona giuridica" in text and "Maria Verdi" in text
    assert "€ 25,00" in text                       # the euro sign, not "EUR"
    assert "26 novembre 2026" in text and "pagina 1 di 2" in text  # the volunteers start a page
    assert "2026-11-26" not in text


def test_pdf_register_wraps_a_long_cell_with_typographic_signs(app, member_factory, today):
    """A wrapped cell's lines come back from fpdf2 as bytes of Windows-1252: a typographic
    apostrophe, a dash or € in a long address must not make the register fail (500)."""
    import io

    from pypdf import PdfReader
    member_factory(number=7, address="Via dell’Artigianato 12 – scala B, interno 4, 20068 Peschiera Borromeo (MI)")
    with app.test_request_context(), force_locale("it"):
        pdf = exporting.register_pdf()
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "dell’Artigianato 12 – scala B" in text
