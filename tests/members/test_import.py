"""CSV import of an existing register (DOMAIN.md §2): all-or-nothing, per-row report."""
from __future__ import annotations

import io
from datetime import date

import pytest
import sqlalchemy as sa

from governance.core.audit import AuditEntry
from governance.extensions import db
from governance.members import importing, operations
from governance.members.importing import HEADER, ImportRejected, import_register
from governance.members.models import Category, Member, MemberHistory

from .conftest import make_csv, person, register_state


def _rejected(data: bytes, actor=None) -> ImportRejected:
    """Import `data`, expect a rejection, and check that nothing was stored."""
    before = register_state()
    with pytest.raises(ImportRejected) as info:
        import_register(data, actor)
    assert register_state() == before
    return info.value


def _problems(error: ImportRejected) -> set[tuple[int, str]]:
    return {(p.row, p.field) for p in error.problems}


# --- a good file ---------------------------------------------------------------

def test_good_file_keeps_numbers_assigns_the_rest_and_moves_the_counter(today, board_user, member_factory):
    member_factory(number=7)
    rows = [person(0, number="120", admitted_on="1994-06-30"), person(1), person(2, number="15"),
            person(3, category="volunteer", admitted_on="01/02/2001")]
    result = import_register(make_csv(rows), board_user)

    assert (result.imported, result.first_number, result.last_number) == (4, 15, 122)
    by_number = {m.number: m for m in db.session.scalars(sa.select(Member))}
    assert set(by_number) == {7, 15, 120, 121, 122}
    # Historic admission dates are kept; Italian spreadsheet dates are read as D/M/Y.
    assert by_number[120].admitted_on == date(1994, 6, 30)
    assert by_number[122].admitted_on == date(2001, 2, 1)
    assert by_number[122].category == Category.VOLUNTEER
    assert by_number[121].last_name == "Bianchi" and by_number[121].search_name == "bianchi anna"
    # Each entry has its history row; one audit entry summarises the import.
    history = db.session.scalars(sa.select(MemberHistory).where(
        MemberHistory.member_id == by_number[120].id)).all()
    assert [(h.action, h.changes["tax_code"][1]) for h in history] == [("member.import", rows[0]["tax_code"])]
    audits = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "member.import")).all()
    assert len(audits) == 1 and "4 entries imported, numbers 15-122" in audits[0].summary
    # The counter is past the highest number: the next admission gets 123.
    assert register_state()[2] == 122
    assert operations.allocate_number() == 123


def test_semicolons_and_excel_bom_are_accepted(today, board_user):
    data = make_csv([person(0), person(1)], delimiter=";", bom=True)
    assert import_register(data, board_user).imported == 2


def test_a_file_without_the_number_column_is_numbered_after_the_register(today, board_user, member_factory):
    member_factory(number=40)
    header = tuple(h for h in HEADER if h != "number")
    result = import_register(make_csv([person(0), person(1)], header=header), board_user)
    assert (result.first_number, result.last_number) == (41, 42)


def test_blank_lines_are_ignored_and_rows_keep_their_file_numbers(today, board_user):
    data = make_csv([person(0)]) + b"\r\n" + make_csv([person(1, tax_code="XYZ")]).split(b"\r\n", 1)[1]
    error = _rejected(data, board_user)
    assert _problems(error) == {(4, "tax_code")}  # header 1, row 2, blank 3, bad row 4


# --- one bad file per kind: the report names row and field, nothing is stored ----

@pytest.mark.parametrize("bad_row, field, words", [
    ({"tax_code": "RSSMRA80A01F205Z"}, "tax_code", "tax code"),
    ({"category": "honorary"}, "category", "honorary"),
    ({"admitted_on": "2026-11-27"}, "admitted_on", "future"),
    ({"birth_date": "31/02/1970"}, "birth_date", "date"),
    ({"last_name": ""}, "last_name", "required"),
    ({"shares": "1.5"}, "shares", "whole number"),
    ({"shares": "0"}, "shares", "at least"),
    ({"number": "abc"}, "number", "whole number"),
    ({"email": "not-an-email"}, "email", "email"),
])
def test_a_bad_row_rejects_the_whole_file(today, board_user, bad_row, field, words):
    rows = [person(0), person(1, **bad_row), person(2)]
    error = _rejected(make_csv(rows), board_user)
    assert _problems(error) == {(3, field)}
    assert words in error.problems[0].message.lower()
    assert error.errors == {"3": [f"{field}: {error.problems[0].message}"]}
    assert "Nothing was stored" in error.message


def test_admission_today_is_accepted_and_tomorrow_is_not(today, board_user):
    assert import_register(make_csv([person(0, admitted_on="2026-11-26")]), board_user).imported == 1
    error = _rejected(make_csv([person(1, admitted_on="2026-11-27")]), board_user)
    assert _problems(error) == {(2, "admitted_on")}


def test_every_problem_of_every_row_is_reported(today, board_user):
    rows = [person(0, tax_code="BAD", category="x"), person(1), person(2, shares="")]
    error = _rejected(make_csv(rows), board_user)
    assert _problems(error) == {(2, "tax_code"), (2, "category"), (4, "shares")}
    assert set(error.errors) == {"2", "4"}


def test_duplicate_register_number_within_the_file(today, board_user):
    error = _rejected(make_csv([person(0, number="5"), person(1, number="6"), person(2, number="5")]),
                      board_user)
    assert _problems(error) == {(4, "number")}
    assert "first on row 2" in error.problems[0].message


def test_register_number_already_in_the_register(today, board_user, member_factory):
    member_factory(number=5)
    error = _rejected(make_csv([person(0, number="5")]), board_user)
    assert _problems(error) == {(2, "number")}
    assert "already in the register" in error.problems[0].message


def test_duplicate_tax_code_within_the_file(today, board_user):
    twin = person(0)
    error = _rejected(make_csv([twin, person(1), dict(twin, email="other@example.org")]), board_user)
    assert _problems(error) == {(4, "tax_code")}


def test_tax_code_of_an_active_member_is_refused_but_a_former_member_may_return(
        today, board_user, member_factory):
    active, former = person(0), person(1)
    member_factory(tax_code=active["tax_code"])
    member_factory(tax_code=former["tax_code"], status="withdrawn")
    error = _rejected(make_csv([former, active]), board_user)
    assert _problems(error) == {(3, "tax_code")}
    assert import_register(make_csv([former]), board_user).imported == 1


def test_a_row_with_too_few_values(today, board_user):
    data = make_csv([person(0)]) + b"1,Solo,Nome\r\n"
    error = _rejected(data, board_user)
    assert _problems(error) == {(3, "row")}
    assert "found 3" in error.problems[0].message


@pytest.mark.parametrize("header, message", [
    (("number", "first_name", "surname", "tax_code", "birth_date", "email", "phone", "address",
      "category", "admitted_on", "shares"), "Missing column: last_name"),
    (HEADER + ("nickname",), "Unknown column 'nickname'"),
    (HEADER + ("email",), "appears twice"),
])
def test_wrong_header(today, board_user, header, message):
    error = _rejected(make_csv([], header=header) + b"1,2,3\r\n", board_user)
    assert {p.row for p in error.problems} == {1}
    assert any(message in p.message for p in error.problems)


def test_malformed_csv(today, board_user):
    data = make_csv([person(0)]) + b'2,"Anna,Bianchi,BNCNNA80A41F205X\r\n'
    error = _rejected(data, board_user)
    assert _problems(error) == {(3, "file")}
    assert "not valid CSV" in error.problems[0].message


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"  \r\n \r\n", "empty"),
    (",".join(HEADER).encode() + b"\r\n", "no rows"),
    # neither UTF-8 nor Windows-1252 (0x81 has no character there); Windows-1252 is accepted
    (make_csv([person(0)]).replace(b"Via", b"V\x81a"), "UTF-8"),
    (b"%PDF-1.4\x00\x01\x02binary", "not a CSV"),
])
def test_files_that_are_not_a_register(today, board_user, data, message):
    error = _rejected(data, board_user)
    assert error.problems[0].row == importing.FILE
    assert message in error.problems[0].message
    assert "file" in error.errors


def test_more_than_the_maximum_rows(today, board_user, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    assert import_register(make_csv([person(i) for i in range(3)]), board_user).imported == 3
    error = _rejected(make_csv([person(i) for i in range(10, 14)]), board_user)
    assert "more than 3 rows" in error.problems[0].message


# --- volunteer cap (L. 381/1991 art. 2) on the register after the import ---------

def test_volunteers_exactly_half_after_the_import_are_allowed(today, board_user, member_factory):
    member_factory(category=Category.WORKER)
    member_factory(category=Category.VOLUNTEER)
    rows = [person(0), person(1, category="volunteer")]  # 2 volunteers of 4 = 50%
    assert import_register(make_csv(rows), board_user).imported == 2


def test_one_volunteer_more_than_half_is_refused_with_the_figures(today, board_user, member_factory):
    member_factory(category=Category.WORKER)
    member_factory(category=Category.VOLUNTEER)
    member_factory(category=Category.WORKER, status="withdrawn")  # not counted: not active
    rows = [person(0), person(1, category="volunteer"), person(2, category="volunteer")]
    error = _rejected(make_csv(rows), board_user)
    assert error.code == "volunteer_cap"
    assert "3 of 5" in error.message and "60.00%" in error.message and "50.00%" in error.message


# --- through the API and the page ---------------------------------------------

def test_api_import_returns_201_with_the_count(client, today, board_user, bearer):
    response = client.post("/api/v1/members/import", data=make_csv([person(0), person(1)]),
                           headers={**bearer(board_user), "Content-Type": "text/csv"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json() == {"imported": 2, "first_number": 1, "last_number": 2}


def test_api_import_errors_are_keyed_by_row_and_nothing_is_stored(client, today, board_user, bearer):
    before = register_state()
    rows = [person(0), person(1), person(2, tax_code="RSSMRA80A01F205Z", category="x")]
    response = client.post("/api/v1/members/import", data=make_csv(rows),
                           headers={**bearer(board_user), "Content-Type": "text/csv; charset=utf-8"})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["code"] == "validation"
    assert list(body["errors"]) == ["4"]
    assert sorted(m.split(":")[0] for m in body["errors"]["4"]) == ["category", "tax_code"]
    assert register_state() == before


def test_api_import_refuses_json(client, today, board_user, bearer):
    response = client.post("/api/v1/members/import", json={"rows": []}, headers=bearer(board_user))
    assert response.status_code == 415
    assert response.get_json()["code"] == "content_type"


def test_api_import_is_for_the_board_only(client, today, secretary_user, auditor_user, bearer):
    for user in (secretary_user, auditor_user):
        response = client.post("/api/v1/members/import", data=make_csv([person(0)]),
                               headers={**bearer(user), "Content-Type": "text/csv"})
        assert response.status_code == 403
    assert register_state()[0] == 0


def test_oversized_upload_is_refused_before_reading(app, client, today, board_user, bearer, login):
    data = make_csv([person(i) for i in range(20)])
    previous = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1000
    try:
        response = client.post("/api/v1/members/import", data=data,
                               headers={**bearer(board_user), "Content-Type": "text/csv"})
        assert response.status_code == 413
        assert response.get_json()["code"] == "too_large"
        login(board_user)
        page = client.post("/members/import", data={"file": (io.BytesIO(data), "soci.csv")},
                           content_type="multipart/form-data")
        assert page.status_code == 413
    finally:
        app.config["MAX_CONTENT_LENGTH"] = previous
    assert register_state()[0] == 0


def test_import_page_shows_the_report_by_row_and_field(board_client, today):
    before = register_state()
    data = make_csv([person(0), person(1, admitted_on="2030-01-01")])
    response = board_client.post("/members/import", data={"file": (io.BytesIO(data), "soci.csv")},
                                 content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert '<td>3</td><td><code translate="no">admitted_on</code></td>' in html  # the file's column
    assert "01/01/2030" in html
    assert register_state() == before


def test_import_page_imports_a_good_file(board_client, today):
    data = make_csv([person(0), person(1)])
    response = board_client.post("/members/import", data={"file": (io.BytesIO(data), "soci.csv")},
                                 content_type="multipart/form-data")
    assert response.status_code == 302
    assert register_state()[0] == 2
    page = board_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Rossi Mario" in page


def test_import_page_without_a_file(board_client, today):
    response = board_client.post("/members/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert 'id="file-errors"' in response.get_data(as_text=True)


def test_import_page_is_for_the_board(client, login, secretary_user, auditor_user, today):
    for user in (secretary_user, auditor_user):
        login(user)
        assert client.get("/members/import").status_code == 403


def test_rules_use_the_statute_in_force_on_each_admission_date(today, board_user):
    from governance.statute.operations import change_parameters
    change_parameters({"min_shares_per_member": 2}, date(2000, 1, 1), board_user, note="history", correction=True)
    change_parameters({"min_shares_per_member": 3}, date(2010, 1, 1), board_user, note="history", correction=True)
    change_parameters({"min_shares_per_member": 4}, date(2010, 1, 1), board_user, note="history", correction=True)  # same day: later wins
    rows = [person(0, admitted_on="1999-12-31", shares="1"),   # before any change: default 1
            person(1, admitted_on="2000-01-01", shares="1"),   # 2 required from that day
            person(2, admitted_on="2009-12-31", shares="2"),
            person(3, admitted_on="2010-01-01", shares="3")]   # 4 required
    error = _rejected(make_csv(rows), board_user)
    assert _problems(error) == {(3, "shares"), (5, "shares")}
    assert "At least 4" in error.problems[1].message


def test_a_register_number_beyond_the_database_integer_is_a_row_error(today, board_user):
    error = _rejected(make_csv([person(0, number="99999999999")]), board_user)
    assert _problems(error) == {(2, "number")}


# --- the file as Italian Excel writes it ---------------------------------------------------------

ITALIAN_ROW = ("numero;nome;cognome;codice_fiscale;data_nascita;email;telefono;indirizzo;categoria;"
               "data_ammissione;quote;rappresentante_legale\r\n")


def test_import_reads_the_italian_header_and_categories_in_windows_1252(app, board_user, today):
    from governance.members import importing
    from tests.factories import make_tax_code
    from datetime import date as _date
    code = make_tax_code("Bertè", "Niccolò", _date(1980, 5, 4))
    text = ITALIAN_ROW + (f";Niccolò;Bertè;{code};04/05/1980;niccolo@example.org;+39 02 1234567;"
                          f"Via Roma 1, Milano;volontario;10/01/2020;2;\r\n")
    for encoding in ("utf-8-sig", "cp1252"):
        rows = importing.parse(text.encode(encoding), today)
        assert rows[0].clean["first_name"] == "Niccolò" and rows[0].clean["last_name"] == "Bertè"
        assert rows[0].clean["category"].value == "volunteer"


def test_the_import_page_lists_categories_and_offers_a_template(client, login, board_user):
    login(board_user)
    html = client.get("/members/import").get_data(as_text=True)
    assert "persona_giuridica" in html and 'href="/members/import/template.csv"' in html
    template = client.get("/members/import/template.csv")
    assert template.status_code == 200
    body = template.get_data()
    assert body.startswith("\ufeff".encode()) and b"numero;nome;cognome" in body


def test_an_italian_file_is_reported_in_its_own_words(app, board_user, today):
    """The report names the file's own columns (categoria, codice_fiscale), suggests the
    Italian category words, and a VAT number with a bad office code is told as such."""
    from tests.factories import make_tax_code
    code = make_tax_code("Bianchi", "Giulia", date(1980, 5, 4))
    text = ITALIAN_ROW + (f";Giulia;Bianchi;{code};04/05/1980;giulia@example.org;;;socia;10/01/2020;2;\r\n"
                          ";;Coop Aperta;12345675552;;coop@example.org;;;persona_giuridica;10/01/2020;2;"
                          "Maria Rossi\r\n")
    from flask_babel import force_locale
    with app.test_request_context(), force_locale("it"):
        error = _rejected(text.encode("utf-8-sig"), board_user)
    columns = {error.column(p.field) for p in error.problems}
    assert {"categoria", "codice_fiscale"} <= columns and "category" not in columns
    messages = " ".join(p.message for p in error.problems)
    assert "lavoratore, volontario" in messages and "worker" not in messages
    assert "ufficio provinciale" in messages and "nascita" not in messages


def test_an_english_file_keeps_the_codes(today, board_user):
    error = _rejected(make_csv([person(0, category="socia")]), board_user)
    assert {error.column(p.field) for p in error.problems} == {"category"}
    assert "worker, volunteer" in error.problems[0].message
