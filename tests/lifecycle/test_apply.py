"""1. Applying: the public form, the API, the acknowledgement, and bad input."""
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from governance.lifecycle import operations
from governance.lifecycle.models import Application, ApplicationStatus
from governance.core.audit import AuditEntry
from governance.core.errors import DomainError
from governance.core.outbox import OutboxMessage
from governance.extensions import db

from . import factories


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def nothing_stored():
    return count(Application) == 0 and count(OutboxMessage) == 0 and count(AuditEntry) == 0


# --- the operation ---------------------------------------------------------------------

def test_submission_is_stored_due_in_60_days_and_acknowledged(today, apply):
    application = apply(email="Anna.Rossi@Example.org", shares=3)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_on == today == date(2026, 11, 26)
    assert application.decision_due_on == date(2027, 1, 25)  # day 60
    assert application.email == "anna.rossi@example.org"
    assert factories.PASSWORD not in application.password_hash
    assert operations.authenticate_applicant("anna.rossi@example.org", factories.PASSWORD) is application
    assert application.accepted_statute_at and application.accepted_privacy_at
    message = db.session.scalar(sa.select(OutboxMessage).where(
        OutboxMessage.recipient == "anna.rossi@example.org"))
    assert "http://127.0.0.1:5000/application" in message.body
    assert "75" in message.body  # 3 shares x 25.00
    assert db.session.scalar(sa.select(AuditEntry.action).where(
        AuditEntry.object_id == str(application.id))) == "application.submit"


def test_a_legal_person_applies_with_vat_number_and_representative(today):
    application = operations.submit_application(factories.legal_person_data())
    assert application.tax_code == factories.VAT_NUMBER
    assert application.legal_representative == "Maria Verdi"
    assert application.birth_date is None and application.is_legal_person


def test_a_legal_person_needs_a_representative_and_a_vat_number(today):
    with pytest.raises(DomainError) as info:
        operations.submit_application(factories.legal_person_data(
            legal_representative="", tax_code="RSSMRA80A01F205X"))
    assert {"legal_representative", "tax_code"} <= set(info.value.errors)
    assert nothing_stored()


@pytest.mark.parametrize("field, value", [
    ("first_name", ""), ("last_name", ""), ("last_name", "x" * 201),
    ("tax_code", ""), ("tax_code", "RSSMRA80A01F205Z"), ("tax_code", "ABC"),
    ("birth_date", None), ("birth_date", "2030-01-01"), ("birth_date", "01/02/1980"),
    ("address", ""), ("email", ""), ("email", "not-an-email"), ("phone", "1" * 41),
    ("category", ""), ("category", "boss"),
    ("shares", 0), ("shares", "two"), ("shares", 5000),  # 5000 x 25.00 > 100,000.00
    ("password", "short"), ("password", None),
    ("accepts_statute", False), ("accepts_privacy", False), ("accepts_statute", None),
])
def test_each_field_is_checked_and_nothing_is_stored(today, field, value):
    with pytest.raises(DomainError) as info:
        operations.submit_application(factories.application_data(**{field: value}))
    assert info.value.status == 422
    assert field in info.value.errors, info.value.errors
    assert nothing_stored()


def test_all_errors_come_together(today):
    with pytest.raises(DomainError) as info:
        operations.submit_application(factories.application_data(
            email="", shares=0, accepts_privacy=False))
    assert {"email", "shares", "accepts_privacy"} <= set(info.value.errors)
    assert info.value.code == "validation"


def test_a_wrong_tax_code_alone_has_its_own_code(today):
    with pytest.raises(DomainError) as info:
        operations.submit_application(factories.application_data(tax_code="RSSMRA80A01F205Z"))
    assert info.value.code == "tax_code"


def test_a_second_application_while_one_is_pending_is_refused(today, apply):
    first = apply()
    data = factories.application_data(tax_code=first.tax_code.lower(), email="other@example.org")
    with pytest.raises(DomainError) as info:
        operations.submit_application(data)
    assert info.value.code == "duplicate_application"
    assert list(info.value.errors) == ["tax_code"]
    assert count(Application) == 1


def test_an_active_member_cannot_apply_again(today, member_factory):
    member = member_factory()
    with pytest.raises(DomainError) as info:
        operations.submit_application(factories.application_data(tax_code=member.tax_code))
    assert info.value.code == "duplicate_application"
    assert str(member.number) not in info.value.message


def _refusal(client, tax_code):
    response = client.post("/api/v1/applications", json=factories.application_data(
        tax_code=tax_code, email="curioso@example.org"))
    assert response.status_code == 422
    return response.get_json()


def test_the_public_answer_does_not_tell_a_member_from_an_applicant(client, today, apply,
                                                                    member_factory, _db):
    """Anyone can type someone's tax code: the answer names no register number, no date,
    and is the same for a member and for a pending applicant (issue 6). The details go
    to the address on file, never to the one just typed."""
    member = member_factory(email="socio@example.org")
    pending = apply(email="aspirante@example.org")
    _db.commit()
    as_member, as_applicant = _refusal(client, member.tax_code), _refusal(client, pending.tax_code)
    for answer in (as_member, as_applicant):
        answer.pop("errors")
    assert as_member == as_applicant
    assert as_member["code"] == "duplicate_application"
    assert str(member.number) not in as_member["detail"]
    sent = {m.recipient: m for m in db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.body.contains("curioso@example.org")))}
    assert set(sent) == {"socio@example.org", "aspirante@example.org"}  # in their language
    assert f"numero di iscrizione {member.number}" in sent["socio@example.org"].body
    assert pending.submitted_on.strftime("%d/%m/%Y") in sent["aspirante@example.org"].body
    assert count(Application) == 1


def test_after_a_final_refusal_the_person_may_apply_again(today, apply, board_user):
    first = apply()
    factories.reject(first, board_user)
    again = operations.submit_application(factories.application_data(tax_code=first.tax_code))
    assert again.status == ApplicationStatus.SUBMITTED


def test_the_database_keeps_one_open_application_per_tax_code(today, apply):
    """Two submissions at the same moment both pass the friendly check: the partial
    unique index refuses the second."""
    first = apply()
    twin = Application(**{c.key: getattr(first, c.key) for c in Application.__table__.columns
                          if c.key != "id"})
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(twin)
            db.session.flush()


# --- the public form -------------------------------------------------------------------------

def form_data(**overrides):
    data = factories.application_data(**overrides)
    data["password_confirm"] = data["password"]
    data["accepts_statute"] = "y" if data["accepts_statute"] else ""
    data["accepts_privacy"] = "y" if data["accepts_privacy"] else ""
    return {k: ("" if v is None else v) for k, v in data.items()}


def test_the_form_shows_the_share_value_and_the_documents(client, today):
    page = client.get("/apply")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="tax_code"' in html and 'name="legal_representative"' in html
    assert "25.00" in html  # the share value (English page)
    assert "/documents/statuto" in html and "/documents/privacy.pdf" in html
    statute = client.get("/documents/statuto")
    assert statute.status_code == 200 and "testo da sostituire" in statute.get_data(as_text=True).lower()
    pdf = client.get("/documents/privacy.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_applying_through_the_form_leads_to_the_status_page(client, today):
    response = client.post("/apply", data=form_data(email="form@example.org"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/application")
    application = db.session.scalar(sa.select(Application))
    assert application.email == "form@example.org"
    status = client.get("/application").get_data(as_text=True)
    assert application.full_name in status
    assert "2027" in status  # the decision due date


def test_the_form_puts_each_error_next_to_its_field_and_stores_nothing(client, today):
    response = client.post("/apply", data=form_data(tax_code="RSSMRA80A01F205Z", email="nope",
                                                    accepts_privacy=False, shares="0"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for field in ("tax_code", "email", "accepts_privacy", "shares"):
        assert f'id="{field}-errors"' in html, field
    assert 'aria-invalid="true"' in html
    assert nothing_stored()


def test_the_form_checks_the_repeated_password(client, today):
    data = form_data()
    data["password_confirm"] = "something-else-entirely"
    response = client.post("/apply", data=data)
    assert response.status_code == 422
    assert 'id="password_confirm-errors"' in response.get_data(as_text=True)
    assert nothing_stored()


def test_the_form_refuses_a_duplicate_next_to_the_tax_code(client, today, apply, _db):
    first = apply()
    _db.commit()
    response = client.post("/apply", data=form_data(tax_code=first.tax_code))
    assert response.status_code == 422
    assert 'id="tax_code-errors"' in response.get_data(as_text=True)
    assert count(Application) == 1


def test_the_form_is_in_english_too(client, today):
    client.post("/language", data={"lang": "en", "next": "/apply"})
    assert "Apply for membership" in client.get("/apply").get_data(as_text=True)


# --- the API ------------------------------------------------------------------------------------

def test_api_application_is_created_without_login(client, today):
    data = factories.application_data()
    response = client.post("/api/v1/applications", json=data)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "submitted"
    assert body["decision_due_on"] == "2027-01-25"
    assert body["amount_due"] == "50.00"
    assert body["token"].startswith("app_")
    assert db.session.get(Application, body["id"]).tax_code == data["tax_code"]


@pytest.mark.parametrize("override, field", [
    ({"tax_code": "RSSMRA80A01F205Z"}, "tax_code"),
    ({"shares": 0}, "shares"),
    ({"shares": 2.5}, "shares"),
    ({"accepts_statute": False}, "accepts_statute"),
    ({"birth_date": "1980-02-30"}, "birth_date"),
    ({"password": "short"}, "password"),
    ({"nickname": "x"}, "nickname"),
])
def test_api_bad_input_is_a_problem_with_the_field_and_nothing_is_stored(client, today, override, field):
    response = client.post("/api/v1/applications", json=factories.application_data(**override))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in response.json["errors"]
    assert nothing_stored()


def test_api_missing_fields_are_named(client, today):
    response = client.post("/api/v1/applications", json={"first_name": "Anna"})
    assert response.status_code == 422
    assert {"last_name", "tax_code", "email", "shares", "password"} <= set(response.json["errors"])


def test_api_duplicate_pending_application(client, today, apply, _db):
    first = apply()
    _db.commit()
    response = client.post("/api/v1/applications",
                           json=factories.application_data(tax_code=first.tax_code))
    assert response.status_code == 422
    assert response.json["code"] == "duplicate_application"
    assert count(Application) == 1
